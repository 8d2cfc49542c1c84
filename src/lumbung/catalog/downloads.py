"""Serving evidence files (shared by the pages and the API; both check permission first)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.text import slugify

from .models import Evidence
from .validators import ALLOWED_TYPES


def evidence_response(evidence: Evidence) -> FileResponse:
    """The file as a download (images inline), sandboxed; raises Http404 if it is missing."""
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    extension = ALLOWED_TYPES.get(evidence.content_type, "bin")
    filename = f"{slugify(evidence.title) or 'evidence'}.{extension}"
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=not evidence.is_image,
        filename=filename,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = (
        "public, max-age=3600" if evidence.innovation.is_published else "private, no-store"
    )
    return response
