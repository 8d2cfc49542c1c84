"""Uploads kept once (lumbung.core.files): checked by content, named by us, tied to the
transaction, and served with the same safe headers on every download path."""

from __future__ import annotations

import datetime as dt
import gc
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Evidence
from lumbung.core import audit
from lumbung.core.files.responses import PRIVATE_CACHE, PUBLIC_CACHE, SANDBOX_POLICY, file_response
from lumbung.core.files.storage import delete_stored, store_upload
from lumbung.core.files.validation import FileTypes, sniff_content_type
from lumbung.events import services as event_services
from lumbung.events.models import Material
from lumbung.replication import services as replication_services
from lumbung.replication.models import DocumentKind, ProjectDocument

from ..factories import UserFactory


def _png() -> bytes:
    """A real 1×1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def _jpeg() -> bytes:
    """A real 8×8 grey baseline JPEG (one Huffman code each for "no change" and "end")."""

    def segment(marker: int, data: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(data) + 2) + data

    one_code = bytes([1] + [0] * 15) + b"\x00"
    return (
        b"\xff\xd8"
        + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + segment(0xDB, b"\x00" + b"\x01" * 64)
        + segment(0xC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00")
        + segment(0xC4, b"\x00" + one_code + b"\x10" + one_code)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f\xff\xd9"
    )


def _pdf() -> bytes:
    """A real one-page PDF, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


PDF, PNG, JPEG = _pdf(), _png(), _jpeg()


def _upload(content: bytes, name: str = "berkas.pdf", claimed: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=claimed)


def _evidence(title: str = "Laporan") -> Evidence:
    """An unsaved record: storing its file needs no row."""
    return Evidence(innovation_id=7, kind="other", title=title)


def _stored_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


# --- checking and storing ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [(PDF, "application/pdf", "pdf"), (PNG, "image/png", "png"), (JPEG, "image/jpeg", "jpg")],
    ids=["pdf", "png", "jpeg"],
)
def test_store_upload_keeps_real_files_under_a_name_of_its_own(content, content_type, extension):
    evidence = _evidence()
    # the uploaded name and the browser's claim are both wrong, and both ignored
    store_upload(evidence, _upload(content, name="../../<b>evil</b>.exe", claimed="text/html"))
    assert evidence.content_type == content_type
    assert evidence.size == len(content)
    assert re.fullmatch(rf"evidence/7/[0-9a-f]{{32}}\.{extension}", evidence.file.name)
    with default_storage.open(evidence.file.name, "rb") as handle:
        assert handle.read() == content
    assert evidence.is_image == content_type.startswith("image/")
    assert evidence.extension == extension


def test_sniff_content_type():
    assert sniff_content_type(PDF) == "application/pdf"
    assert sniff_content_type(PNG) == "image/png"
    assert sniff_content_type(JPEG) == "image/jpeg"
    assert sniff_content_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_content_type(b"<html>") is None
    assert sniff_content_type(b"") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00 not a pdf", b" %PDF-1.4"],
    ids=["html", "exe", "pdf-header-not-at-start"],
)
def test_store_upload_refuses_a_fake_pdf_by_its_content(settings, content):
    evidence = _evidence()
    with pytest.raises(ValidationError) as exc:
        store_upload(evidence, _upload(content, name="laporan.pdf"))
    assert [e.code for e in exc.value.error_dict["file"]] == ["bad_type"]
    assert exc.value.message_dict["file"] == [
        "Only PDF documents and PNG, JPEG or WebP images can be uploaded."
    ]
    assert not evidence.file
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_store_upload_refuses_too_large_empty_and_missing_files(settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF) - 1
    with pytest.raises(ValidationError) as exc:
        store_upload(_evidence(), _upload(PDF))
    assert [e.code for e in exc.value.error_dict["file"]] == ["too_large"]
    assert "the limit is" in exc.value.message_dict["file"][0]
    # the limit given by the caller wins over the setting
    store_upload(_evidence(), _upload(PDF), max_bytes=len(PDF))
    with pytest.raises(ValidationError) as exc:
        store_upload(_evidence(), _upload(PNG, name="a.png"), max_bytes=len(PNG) - 1)
    assert [e.code for e in exc.value.error_dict["file"]] == ["too_large"]
    with pytest.raises(ValidationError) as exc:
        store_upload(_evidence(), _upload(b""))
    assert [e.code for e in exc.value.error_dict["file"]] == ["empty"]
    with pytest.raises(ValidationError) as exc:
        store_upload(_evidence(), None)
    assert exc.value.message_dict == {"file": ["Choose a file to upload."]}
    assert len(_stored_files(settings)) == 1


@pytest.mark.django_db
def test_store_upload_takes_only_the_allowed_types(settings):
    pdf_only = FileTypes(frozenset({"application/pdf"}), "Only PDF documents.")
    with pytest.raises(ValidationError) as exc:
        store_upload(_evidence(), _upload(PNG, name="a.png"), allowed_types=pdf_only)
    assert exc.value.message_dict == {"file": ["Only PDF documents."]}
    store_upload(_evidence(), _upload(PDF), allowed_types=pdf_only)
    assert len(_stored_files(settings)) == 1


# --- the file follows the transaction ------------------------------------------------------


@pytest.mark.django_db
def test_no_file_is_left_behind_when_the_transaction_rolls_back(settings):
    evidence = _evidence()
    with pytest.raises(RuntimeError), transaction.atomic():
        store_upload(evidence, _upload(PDF))
        assert default_storage.exists(evidence.file.name)
        raise RuntimeError("a later step fails")
    assert not default_storage.exists(evidence.file.name)
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_a_released_savepoint_keeps_the_file_and_an_outer_rollback_removes_it(settings):
    kept = _evidence()
    with transaction.atomic():
        store_upload(kept, _upload(PDF))
    assert default_storage.exists(kept.file.name)  # the test's transaction is still open
    lost = _evidence()
    with pytest.raises(RuntimeError), transaction.atomic():
        with transaction.atomic():
            store_upload(lost, _upload(PNG, name="a.png"))
        assert default_storage.exists(lost.file.name)
        raise RuntimeError("the enclosing block fails after the inner one succeeded")
    assert not default_storage.exists(lost.file.name)
    assert default_storage.exists(kept.file.name)


@pytest.mark.django_db(transaction=True)
def test_a_committed_upload_stays_and_a_rolled_back_one_goes():
    kept = _evidence()
    with transaction.atomic():
        store_upload(kept, _upload(PDF))
    assert default_storage.exists(kept.file.name)
    lost = _evidence()
    with pytest.raises(RuntimeError), transaction.atomic():
        store_upload(lost, _upload(PDF))
        raise RuntimeError("a later step fails")
    assert not default_storage.exists(lost.file.name)
    # outside a transaction the write is committed at once
    at_once = _evidence()
    store_upload(at_once, _upload(JPEG, name="a.jpg"))
    assert default_storage.exists(at_once.file.name)


@pytest.mark.django_db(transaction=True)
def test_a_committed_upload_stays_even_when_another_commit_callback_fails():
    """Django skips the remaining on-commit callbacks when one raises; the row is committed all
    the same, so its file must stay."""
    evidence = _evidence()

    def fail() -> None:
        raise RuntimeError("another app's callback fails")

    try:
        with transaction.atomic():
            transaction.on_commit(fail)
            store_upload(evidence, _upload(PDF))
    except RuntimeError:
        pass
    gc.collect()  # the skipped callbacks, held by the traceback until now, are gone
    assert default_storage.exists(evidence.file.name)


@pytest.mark.django_db
def test_delete_stored_removes_the_file_only_once_the_deletion_commits(
    settings, django_capture_on_commit_callbacks
):
    evidence = _evidence()
    store_upload(evidence, _upload(PDF))
    with pytest.raises(RuntimeError), transaction.atomic():
        delete_stored(evidence)
        raise RuntimeError("the deletion is rolled back")
    with django_capture_on_commit_callbacks(execute=True):
        delete_stored(evidence)
        assert default_storage.exists(evidence.file.name)
    assert not default_storage.exists(evidence.file.name)


@pytest.mark.django_db(transaction=True)
def test_delete_stored_keeps_the_file_of_a_rolled_back_deletion():
    evidence = _evidence()
    store_upload(evidence, _upload(PDF))
    with pytest.raises(RuntimeError), transaction.atomic():
        delete_stored(evidence)
        raise RuntimeError("the deletion is rolled back")
    assert default_storage.exists(evidence.file.name)
    with transaction.atomic():
        delete_stored(evidence)
        assert default_storage.exists(evidence.file.name)
    assert not default_storage.exists(evidence.file.name)


# --- the three kinds of upload, through their services and pages ---------------------------


Adder = Callable[[Any], Any]


def _evidence_adder(w: Any) -> Adder:
    return lambda upload: catalog_services.evidence_add(
        actor=w.officer, innovation=w.draft, kind="implementation", title="Surat", upload=upload
    )


def _document_adder(w: Any) -> Adder:
    project = replication_services.project_start(
        actor=w.other_officer,
        source=w.published,
        adopting_unit=w.other_unit,
        declared_form="adaptation",
    )
    return lambda upload: replication_services.project_document_add(
        actor=w.other_officer,
        project=project,
        kind=DocumentKind.COMMITMENT,
        title="Komitmen",
        upload=upload,
    )


def _material_adder(w: Any) -> Adder:
    event = event_services.event_create(
        actor=w.officer,
        host_unit=w.unit,
        title="Pembelajaran",
        starts_at=timezone.now() + dt.timedelta(days=7),
        showcased=[w.published],
        venue="Aula",
    )
    return lambda upload: event_services.material_add(
        actor=w.officer, event=event, kind="handout", title="Modul", upload=upload
    )


#: per kind of upload: what makes its record (and the record it belongs to) -> its service
ADDERS: dict[str, Callable[[Any], Adder]] = {
    "evidence": _evidence_adder,
    "project document": _document_adder,
    "event material": _material_adder,
}


@pytest.mark.parametrize("kind", ADDERS)
def test_a_failing_service_leaves_neither_row_nor_file(world, settings, monkeypatch, kind):
    add = ADDERS[kind](world)

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("the audit history is unavailable")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(RuntimeError, match="audit history"):
        add(_upload(PDF))
    assert _stored_files(settings) == []
    assert not (Evidence.objects.exists() or ProjectDocument.objects.exists())
    assert not Material.objects.exists()


#: each download path: (what to upload, who may read it, its address)
DOWNLOADS: dict[str, tuple[str, str, Callable[[Any], str]]] = {
    "evidence page": (
        "evidence",
        "officer",
        lambda e: f"/inovasi/{e.innovation.slug}/bukti/{e.pk}/",
    ),
    "evidence API": (
        "evidence",
        "officer",
        lambda e: f"/api/v1/innovations/{e.innovation.slug}/evidence/{e.pk}/file",
    ),
    "project document page": (
        "project document",
        "other_officer",
        lambda d: reverse("replication:document", args=[d.project_id, d.pk]),
    ),
    "event material page": (
        "event material",
        "officer",
        lambda m: reverse("events:material", args=[m.event.slug, m.pk]),
    ),
}


@pytest.mark.parametrize("path", DOWNLOADS)
def test_every_download_path_checks_permission_then_sends_the_same_safe_headers(
    world, client, path
):
    kind, reader, address = DOWNLOADS[path]
    url = address(ADDERS[kind](world)(_upload(PDF, name="asli.pdf")))
    client.force_login(UserFactory(username="stranger"))
    assert client.get(url).status_code == 404  # no permission: as if it did not exist
    client.force_login(getattr(world, reader))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == SANDBOX_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == PRIVATE_CACHE  # none of these records is public
    assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.pdf"', response["Content-Disposition"])


# --- serving --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_file_response_headers():
    document = _evidence(title="Surat Pernyataan Bupati")
    store_upload(document, _upload(PDF))
    response = file_response(document)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="surat-pernyataan-bupati.pdf"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'; img-src 'self'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF

    photo = _evidence(title="Foto kegiatan")
    store_upload(photo, _upload(JPEG, name="foto.pdf"))
    response = file_response(photo, public=True)
    assert response["Content-Type"] == "image/jpeg"  # the sniffed type, not the name's
    assert response["Content-Disposition"] == 'inline; filename="foto-kegiatan.jpg"'
    assert response["Cache-Control"] == PUBLIC_CACHE == "public, max-age=3600"
    # not response.close(): that ends a "request", which on PostgreSQL closes the connection
    # inside the test's transaction (and so drops what was to be kept on commit)
    response.file_to_stream.close()

    response = file_response(photo, download_name="lampiran 2", inline=False)
    assert response["Content-Disposition"] == 'attachment; filename="lampiran-2.jpg"'
    # not response.close(): that ends a "request", which on PostgreSQL closes the connection
    # inside the test's transaction (and so drops what was to be kept on commit)
    response.file_to_stream.close()


@pytest.mark.django_db
def test_file_response_falls_back_on_the_model_name_and_refuses_missing_files():
    evidence = _evidence(title="…")
    store_upload(evidence, _upload(PNG, name="a.png"))
    response = file_response(evidence)
    assert response["Content-Disposition"] == 'inline; filename="evidence.png"'
    # not response.close(): that ends a "request", which on PostgreSQL closes the connection
    # inside the test's transaction (and so drops what was to be kept on commit)
    response.file_to_stream.close()
    default_storage.delete(evidence.file.name)
    with pytest.raises(Http404):
        file_response(evidence)
    with pytest.raises(Http404):
        file_response(_evidence())  # no file was ever stored
