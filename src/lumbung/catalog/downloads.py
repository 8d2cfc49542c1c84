"""Serving evidence files (shared by the pages and the API; both check permission first)."""

from __future__ import annotations

from django.http import FileResponse

from lumbung.core.files.responses import file_response

from .models import Evidence


def evidence_response(evidence: Evidence) -> FileResponse:
    """The file, sandboxed (see :func:`~lumbung.core.files.responses.file_response`); the
    evidence of a published innovation is public, so it may be cached. Http404 if missing."""
    return file_response(evidence, public=evidence.innovation.is_published)
