"""Every download of an uploaded file is sandboxed like catalog evidence (issue 13): project
documents, event materials and competition documents are served by ``core.files.responses``
with ``Content-Security-Policy: sandbox``, ``X-Content-Type-Options: nosniff``, no caching of
what is not public, and as an attachment unless it is a picture."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lumbung.competitions.services import entries
from lumbung.core.files.responses import PRIVATE_CACHE, SANDBOX_POLICY
from lumbung.events import services as event_services
from lumbung.replication import services as replication_services
from lumbung.replication.models import DocumentKind

from ..competitions.conftest import cw  # noqa: F401  (the competition fixture, used below)
from ..core.test_upload_structure import PDF, PNG


def _document(w: Any, upload: SimpleUploadedFile) -> str:
    project = replication_services.project_start(
        actor=w.other_officer,
        source=w.published,
        adopting_unit=w.other_unit,
        declared_form="adaptation",
    )
    document = replication_services.project_document_add(
        actor=w.other_officer,
        project=project,
        kind=DocumentKind.COMMITMENT,
        title="Komitmen <script>",
        upload=upload,
    )
    return reverse("replication:document", args=[project.pk, document.pk])


def _material(w: Any, upload: SimpleUploadedFile) -> str:
    event = event_services.event_create(
        actor=w.officer,
        host_unit=w.unit,
        title="Pembelajaran",
        starts_at=timezone.now() + dt.timedelta(days=7),
        showcased=[w.published],
        venue="Aula",
    )
    material = event_services.material_add(
        actor=w.officer, event=event, kind="handout", title="Modul <b>", upload=upload
    )
    return reverse("events:material", args=[event.slug, material.pk])


def _entry_document(w: Any, upload: SimpleUploadedFile) -> str:
    w.general.required_documents = ["statement"]
    w.general.save()
    entry = entries.entry_create(
        actor=w.officer, round_=w.round, group=w.general, innovation=w.published
    )
    document = entries.document_add(
        actor=w.officer, entry=entry, kind="statement", upload=upload, title="Surat"
    )
    return reverse("competitions:document", args=[entry.pk, document.pk])


#: per download: (who may read it, what uploads it and answers its address)
DOWNLOADS: dict[str, tuple[str, Callable[[Any, SimpleUploadedFile], str]]] = {
    "project document": ("other_officer", _document),
    "event material": ("officer", _material),
    "competition document": ("officer", _entry_document),
}


@pytest.mark.parametrize("kind", DOWNLOADS)
@pytest.mark.parametrize(
    ("content", "content_type", "disposition"),
    [(PDF, "application/pdf", "attachment"), (PNG, "image/png", "inline")],
    ids=["pdf", "png"],
)
def test_downloads_carry_the_sandbox_headers(
    cw,  # noqa: F811
    client,
    kind,
    content,
    content_type,
    disposition,
):
    reader, upload = DOWNLOADS[kind]
    # the browser's claim (HTML) and the name are ignored: the type is the sniffed one
    url = upload(cw, SimpleUploadedFile("x.html", content, content_type="text/html"))
    client.force_login(cw.nobody)
    assert client.get(url).status_code == 404  # no permission: as if it did not exist
    client.force_login(getattr(cw, reader))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Security-Policy"] == SANDBOX_POLICY
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == PRIVATE_CACHE == "private, no-store"
    extension = content_type.rsplit("/", 1)[1]
    assert re.fullmatch(
        rf'{disposition}; filename="[a-z0-9-]+\.{extension}"', response["Content-Disposition"]
    )
