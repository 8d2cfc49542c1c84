"""The abstract model of a kept upload: evidence, project documents and event materials."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validation import EXTENSIONS, IMAGE_TYPES

#: ``upload_to`` of a file field: (instance, file name) -> stored path
UploadTo = Callable[[Any, str], str]


def default_upload_to(instance: StoredUpload, filename: str) -> str:
    """Where a model that names no directory of its own keeps its files."""
    return f"uploads/{instance._meta.app_label}/{instance._meta.model_name}/{filename}"


def upload_field(upload_to: UploadTo) -> models.FileField:
    """The ``file`` field of a stored upload, kept under the directory ``upload_to`` picks.

    A concrete model passes its own ``upload_to`` (``file = upload_field(my_path)``) to choose
    its directory; the name inside it is always picked by :func:`~.storage.store_upload`.
    """
    return models.FileField(_("file"), upload_to=upload_to, max_length=255)


class StoredUpload(models.Model):
    """A file someone uploaded, its title, its sniffed type and size, who uploaded it and when.

    Write one with :func:`lumbung.core.files.storage.store_upload`, delete its file with
    :func:`~lumbung.core.files.storage.delete_stored` and serve it with
    :func:`lumbung.core.files.responses.file_response`.
    """

    title = models.CharField(_("title"), max_length=200)
    file = upload_field(default_upload_to)
    content_type = models.CharField(_("file type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_image(self) -> bool:
        """Whether the file is a picture a browser shows (PNG, JPEG, WebP)."""
        return self.content_type in IMAGE_TYPES

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def extension(self) -> str:
        """The extension that goes with the file's type (``bin`` for an unknown one)."""
        return EXTENSIONS.get(self.content_type, "bin")
