"""What an uploaded file is, read from its first bytes (never from its name or the browser's
claim), and whether it may be kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.core.files.sizes import file_size

#: content type -> extension of the stored name, for every type :func:`sniff_content_type` knows
EXTENSIONS: Mapping[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}

#: the known types a browser shows as a picture (served inline)
IMAGE_TYPES: frozenset[str] = frozenset({"image/png", "image/jpeg", "image/webp"})

#: how many leading bytes :func:`sniff_content_type` needs
HEAD_BYTES = 16


@dataclass(frozen=True)
class FileTypes:
    """The content types an upload may have, and what to tell someone whose file is none."""

    content_types: frozenset[str]
    refusal: str | Promise


#: what evidence, project documents and event materials accept
DOCUMENTS_AND_IMAGES = FileTypes(
    content_types=frozenset(EXTENSIONS),
    refusal=gettext_lazy("Only PDF documents and PNG, JPEG or WebP images can be uploaded."),
)


def sniff_content_type(head: bytes) -> str | None:
    """The content type that a file's first bytes show, for the known types only."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def max_upload_bytes() -> int:
    """The size limit of an upload (the ``EVIDENCE_MAX_BYTES`` setting, for every kind)."""
    return int(settings.EVIDENCE_MAX_BYTES)


def validate_upload(
    upload: UploadedFile,
    *,
    allowed_types: FileTypes = DOCUMENTS_AND_IMAGES,
    max_bytes: int | None = None,
) -> str:
    """Return the file's real content type, or raise ValidationError with a reason.

    The file must not be empty, must fit ``max_bytes`` (default :func:`max_upload_bytes`) and
    its first bytes must show one of ``allowed_types``. The file is left at its start.
    """
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": file_size(upload.size), "limit": file_size(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None or content_type not in allowed_types.content_types:
        raise ValidationError(str(allowed_types.refusal), code="bad_type")
    return content_type
