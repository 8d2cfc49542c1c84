"""Uploads are checked whole, not by their first bytes (issue 13): a PDF must parse (pypdf) and
have pages, an image must open and verify (Pillow) within the pixel limit — at every upload path,
page and API, since every one goes through ``core.files.validation``."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF
from PIL import Image
from pypdf import PdfWriter

from lumbung.catalog.models import Evidence
from lumbung.competitions.models import EntryDocument
from lumbung.competitions.services import entries
from lumbung.core.files.validation import validate_upload
from lumbung.events import services as event_services
from lumbung.events.models import Material
from lumbung.replication import services as replication_services
from lumbung.replication.models import ProjectDocument

from ..competitions.conftest import cw  # noqa: F401  (the competition fixture, used below)


def real_pdf(pages: int = 1) -> bytes:
    """A PDF as a word processor writes one (fpdf2): text on every page."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(pages):
        pdf.add_page()
        pdf.cell(text=f"Laporan pelaksanaan, halaman {number + 1}")
    return bytes(pdf.output())


def real_image(kind: str, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(out, kind)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb: a
    few bytes that a reader would unpack into gigabytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.encrypt("rahasia", algorithm="RC4-40")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pageless_pdf() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


PDF = real_pdf()
PNG = real_image("PNG")
JPEG = real_image("JPEG")
WEBP = real_image("WEBP")
#: the finding of issue 13: a PDF's first bytes, then a web page
PDF_THEN_HTML = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def _upload(content: bytes, name: str = "berkas.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _refusal(content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(_upload(content))
    return caught.value


# --- the validator ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PDF, "application/pdf"),
        (real_pdf(pages=3), "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (WEBP, "image/webp"),
    ],
    ids=["pdf", "pdf-3-pages", "png", "jpeg", "webp"],
)
def test_whole_files_are_accepted_with_their_type(content, content_type):
    upload = _upload(content, name="apa-saja.exe")
    assert validate_upload(upload) == content_type
    assert upload.tell() == 0  # left at its start, to be stored


@pytest.mark.parametrize(
    "content",
    [
        PDF_THEN_HTML,
        PDF_THEN_HTML + b"%%EOF\n",
        PDF_THEN_HTML + b"startxref\n0\n%%EOF\n",
        PDF[: len(PDF) // 2],  # cut short
        PDF[:-40],  # its cross-reference table's end missing
        b"%PDF-1.4\n" + b"\x00" * 2048,
    ],
    ids=["html", "html-eof", "html-startxref", "half", "no-trailer", "zeros"],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(content):
    error = _refusal(content)
    assert error.code == "bad_pdf"
    assert "not a complete PDF document" in error.messages[0]


def test_encrypted_and_pageless_pdfs_are_refused():
    assert _refusal(encrypted_pdf()).code == "encrypted_pdf"
    assert "password" in _refusal(encrypted_pdf()).messages[0]
    assert _refusal(pageless_pdf()).code == "empty_pdf"


@pytest.mark.parametrize(
    "content",
    [
        PNG[:-20],  # cut short: its last chunks missing
        PNG[:33] + b"<html><script>alert(1)</script></html>",
        JPEG[: len(JPEG) - 200],  # the compressed picture cut short
        b"\xff\xd8\xff<html><script>alert(1)</script></html>",
        WEBP[: len(WEBP) // 2],
        b"RIFF\x00\x00\x00\x00WEBP<html></html>",
    ],
    ids=["png-truncated", "png-html", "jpeg-truncated", "jpeg-html", "webp-truncated", "webp-html"],
)
def test_a_broken_image_is_refused(content):
    error = _refusal(content)
    assert error.code == "bad_image"
    assert "not a complete PNG, JPEG or WebP image" in error.messages[0]


@pytest.mark.parametrize(
    ("width", "height"), [(100_000, 100_000), (10_000, 10_000)], ids=["far-above", "above"]
)
def test_a_decompression_bomb_is_refused(width, height):
    bomb = png_claiming(width, height)
    assert len(bomb) < 200  # a few bytes …
    error = _refusal(bomb)  # … that would unpack into gigabytes: never opened further
    assert error.code == "too_many_pixels"
    assert "at most 40 million pixels" in error.messages[0]


def test_the_pixel_limit_is_a_setting(settings):
    settings.LUMBUNG_UPLOAD_MAX_PIXELS = 1000
    error = _refusal(real_image("PNG", size=(40, 30)))  # 1,200 pixels
    assert error.code == "too_many_pixels"
    assert "(40 × 30 pixels)" in error.messages[0] and "0.001 million" in error.messages[0]
    assert validate_upload(_upload(real_image("JPEG", size=(25, 40)))) == "image/jpeg"


# --- every upload path: pages and API --------------------------------------------------------


def _project(w: Any) -> Any:
    return replication_services.project_start(
        actor=w.other_officer,
        source=w.published,
        adopting_unit=w.other_unit,
        declared_form="adaptation",
    )


def _event(w: Any) -> Any:
    return event_services.event_create(
        actor=w.officer,
        host_unit=w.unit,
        title="Pembelajaran",
        starts_at=timezone.now() + dt.timedelta(days=7),
        showcased=[w.published],
        venue="Aula",
    )


def _entry(w: Any) -> Any:
    w.general.required_documents = ["statement"]
    w.general.save()
    return entries.entry_create(
        actor=w.officer, round_=w.round, group=w.general, innovation=w.published
    )


#: per path: (who uploads, what to make first, the request (client, made, file) -> response,
#: the records kept, the status of a refusal)
Post = Callable[[Client, Any, SimpleUploadedFile], Any]
PATHS: dict[str, tuple[str, Callable[[Any], Any], Post, Callable[[], int], int]] = {
    "evidence page": (
        "officer",
        lambda w: w.draft,
        lambda c, innovation, f: c.post(
            reverse("catalog:evidence_add", args=[innovation.slug]),
            {"evidence-kind": "implementation", "evidence-title": "Bukti", "evidence-file": f},
        ),
        Evidence.objects.count,
        400,
    ),
    "evidence API": (
        "officer",
        lambda w: w.draft,
        lambda c, innovation, f: c.post(
            f"/api/v1/innovations/{innovation.slug}/evidence",
            {"kind": "implementation", "title": "Bukti", "file": f},
        ),
        Evidence.objects.count,
        422,
    ),
    "project document page": (
        "other_officer",
        _project,
        lambda c, project, f: c.post(
            reverse("replication:document_add", args=[project.pk]),
            {"kind": "commitment", "title": "Komitmen", "file": f},
        ),
        ProjectDocument.objects.count,
        400,
    ),
    "project document API": (
        "other_officer",
        _project,
        lambda c, project, f: c.post(
            f"/api/v1/projects/{project.pk}/documents",
            {"kind": "commitment", "title": "Komitmen", "file": f},
        ),
        ProjectDocument.objects.count,
        422,
    ),
    "event material page": (
        "officer",
        _event,
        lambda c, event, f: c.post(
            reverse("events:materials", args=[event.slug]),
            {"kind": "handout", "title": "Modul", "file": f},
        ),
        Material.objects.count,
        400,
    ),
    "competition document page": (
        "officer",
        _entry,
        lambda c, entry, f: c.post(
            reverse("competitions:document_add", args=[entry.pk]),
            {"kind": "statement", "title": "Surat pernyataan", "file": f},
            follow=True,  # the entry page, with the reason as a message
        ),
        EntryDocument.objects.count,
        200,
    ),
}


def _stored_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("path", PATHS)
def test_every_upload_path_refuses_a_fake_pdf_and_keeps_real_files(cw, settings, path):  # noqa: F811
    who, make, post, count, refused_status = PATHS[path]
    made = make(cw)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(getattr(cw, who))
    before = count()
    for bad, reason in (
        (PDF_THEN_HTML, "not a complete PDF document"),
        (PDF[: len(PDF) // 2], "not a complete PDF document"),
        (png_claiming(100_000, 100_000), "at most 40 million pixels"),
    ):
        response = post(client, made, SimpleUploadedFile("laporan.pdf", bad))
        assert response.status_code == refused_status, response.content[:500]
        assert reason in response.content.decode()
        assert count() == before and _stored_files(settings) == []
    for good in (PDF, PNG):
        response = post(client, made, SimpleUploadedFile("berkas.bin", good))
        assert response.status_code in {200, 201, 302}, response.content[:500]
    assert count() == before + 2
    assert len(_stored_files(settings)) == 2
