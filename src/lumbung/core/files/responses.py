"""Serving a kept upload with safe headers. The caller checks permission first."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.text import slugify

from .models import StoredUpload

#: a served file is a sandboxed document that loads nothing (an image may show itself)
SANDBOX_POLICY = "sandbox; default-src 'none'; img-src 'self'"

#: caching of files anyone may read, and of those only some people may
PUBLIC_CACHE = "public, max-age=3600"
PRIVATE_CACHE = "private, no-store"


def file_response(
    upload: StoredUpload,
    *,
    download_name: str | None = None,
    inline: bool | None = None,
    public: bool = False,
) -> FileResponse:
    """The file of ``upload``, served with its recorded (sniffed) type.

    ``download_name`` is the name to save it under, without extension (default: the title;
    slugified, then the model's name if nothing is left); the extension always follows the
    type. Pictures are shown inline and everything else is an attachment unless ``inline``
    says otherwise. ``public`` files may be cached for an hour; the others are never stored.
    Every response is sandboxed and must not be sniffed. Raises Http404 if the file is missing.
    """
    try:  # from the storage, never the upload object a request may still hold
        if not upload.file.name:
            raise ValueError("no file was stored")
        handle = upload.file.storage.open(upload.file.name, "rb")
    except (OSError, ValueError) as exc:  # gone from the storage, or never written
        raise Http404 from exc
    stem = slugify(upload.title if download_name is None else download_name)
    response = FileResponse(
        handle,
        content_type=upload.content_type,
        as_attachment=not (upload.is_image if inline is None else inline),
        filename=f"{stem or upload._meta.model_name}.{upload.extension}",
    )
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PUBLIC_CACHE if public else PRIVATE_CACHE
    return response
