"""What an uploaded file is, read from its content (never from its name or the browser's claim),
and whether it may be kept.

The first bytes say which type a file claims to be (:func:`sniff_content_type`); the whole file
must then be what it claims (:func:`check_structure`): a PDF is parsed with pypdf (its
cross-reference table and trailer found, its pages counted; an encrypted, page-less or
unparseable one refused), an image is opened with Pillow, verified, and refused above
:func:`max_image_pixels` (a decompression bomb: a small file that would unpack into gigabytes).
``%PDF-`` followed by an HTML page is therefore refused, not kept as a PDF.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.core.files.sizes import file_size

logger = logging.getLogger(__name__)

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

#: the largest picture kept, in pixels (``LUMBUNG_UPLOAD_MAX_PIXELS``): 40 million is an
#: 8000 × 5000 photo, more than a phone's camera gives
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000

#: Pillow's name of the format of each image type
_PILLOW_FORMATS: Mapping[str, str] = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WEBP",
}


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


def max_image_pixels() -> int:
    """The pixel limit of an uploaded picture (``LUMBUNG_UPLOAD_MAX_PIXELS``)."""
    return int(getattr(settings, "LUMBUNG_UPLOAD_MAX_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def _not_a_pdf() -> ValidationError:
    return ValidationError(
        _(
            "This file is not a complete PDF document (it may be damaged, cut short or "
            "something else with a PDF's first bytes). Save or export it again as PDF and "
            "upload that file."
        ),
        code="bad_pdf",
    )


def _not_an_image() -> ValidationError:
    return ValidationError(
        _(
            "This file is not a complete PNG, JPEG or WebP image (it may be damaged or cut "
            "short). Save it again as an image and upload that file."
        ),
        code="bad_image",
    )


def check_pdf(stream: IO[bytes]) -> int:
    """The number of pages of the PDF ``stream``, or ValidationError when it is not a whole,
    readable, unencrypted PDF with at least one page."""
    from pypdf import PdfReader

    try:
        # not strict: real PDFs often have small faults (an offset off by a byte) that readers
        # forgive; what is refused is a file with no PDF structure at all, or cut short
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            encrypted = reader.is_encrypted
            pages = 0 if encrypted else len(reader.pages)
    except Exception as exc:  # anything pypdf raises on a malformed file: never a 500
        logger.info("An uploaded PDF was refused: %s", exc)
        raise _not_a_pdf() from exc
    if encrypted:
        raise ValidationError(
            _("This PDF is protected by a password. Upload a copy without a password."),
            code="encrypted_pdf",
        )
    if pages < 1:
        raise ValidationError(_("This PDF has no pages."), code="empty_pdf")
    return pages


def check_image(stream: IO[bytes], content_type: str) -> tuple[int, int]:
    """(width, height) of the picture ``stream``, or ValidationError when it is not a whole
    picture of ``content_type`` or has more than :func:`max_image_pixels` pixels."""
    from PIL import Image

    limit = max_image_pixels()
    try:
        with warnings.catch_warnings():
            # our own limit is checked below; Pillow's warning above its own one is not ours
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
                kind = image.format
                if width * height <= limit and kind == _PILLOW_FORMATS.get(content_type):
                    image.verify()  # the structure: chunks and their checksums, markers
            if width * height <= limit and kind == "JPEG":
                # a JPEG's verify() reads its headers only: decode it (at 1/8 of its size, which
                # reads every byte of the compressed data) to refuse one cut short
                stream.seek(0)
                with Image.open(stream) as image:
                    image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
                    image.load()
    except Image.DecompressionBombError:
        width, height, kind = 0, 0, None  # far above any limit: said so below
    except Exception as exc:  # anything Pillow raises on a malformed file: never a 500
        logger.info("An uploaded image was refused: %s", exc)
        raise _not_an_image() from exc
    if kind is None or width * height > limit:
        raise ValidationError(
            _(
                "The picture is too large (%(width)s × %(height)s pixels); at most "
                "%(limit)s million pixels can be uploaded. Make it smaller and upload it again."
            )
            % {
                "width": width or "?",
                "height": height or "?",
                "limit": f"{limit / 1_000_000:g}",
            },
            code="too_many_pixels",
        )
    if kind != _PILLOW_FORMATS.get(content_type):
        raise _not_an_image()
    return width, height


def check_structure(stream: IO[bytes], content_type: str) -> None:
    """Raise ValidationError unless the whole of ``stream`` is a ``content_type`` file (see
    the module); the types nothing can check here pass."""
    stream.seek(0)
    try:
        if content_type == "application/pdf":
            check_pdf(stream)
        elif content_type in _PILLOW_FORMATS:
            check_image(stream, content_type)
    finally:
        stream.seek(0)


def validate_upload(
    upload: UploadedFile,
    *,
    allowed_types: FileTypes = DOCUMENTS_AND_IMAGES,
    max_bytes: int | None = None,
) -> str:
    """Return the file's real content type, or raise ValidationError with a reason.

    The file must not be empty, must fit ``max_bytes`` (default :func:`max_upload_bytes`), its
    first bytes must show one of ``allowed_types``, and the whole file must be of that type
    (:func:`check_structure`). The file is left at its start.
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
    # Django's file proxies read, seek and tell: what pypdf and Pillow use
    check_structure(cast(IO[bytes], upload), content_type)
    return content_type
