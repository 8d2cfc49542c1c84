"""Writing and deleting uploaded files in step with the transaction that writes their row.

A file is written at once (so the row can be saved with its name), but it belongs to the
transaction: when that transaction — or the savepoint it was written in — rolls back, the file
is removed again. A deleted row's file is removed only once the deletion is committed.

Django has no "on rollback" hook. :func:`store_upload` registers an on-commit callback that
*keeps* the file; Django runs it on commit and drops it, unrun, when the transaction or savepoint
rolls back. A finaliser attached to that callback removes the file when it is dropped unrun while
the transaction is open or being rolled back. If it is dropped after the commit (Django skips the
remaining callbacks when one raises), the file is left alone: a committed row keeps its file.
(CPython finalises the dropped callback at once, during the rollback; the file is therefore gone
when the ``atomic`` block has been left.)
"""

from __future__ import annotations

import logging
import os
import uuid
import weakref

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from .models import StoredUpload
from .validation import DOCUMENTS_AND_IMAGES, EXTENSIONS, FileTypes, validate_upload

logger = logging.getLogger(__name__)


def uploaded_stem(upload: UploadedFile | None) -> str:
    """The uploaded file's own name without folder and extension (a default title)."""
    name = getattr(upload, "name", None) or ""
    return os.path.splitext(os.path.basename(name))[0]


def store_upload(
    instance: StoredUpload,
    upload: UploadedFile | None,
    *,
    allowed_types: FileTypes = DOCUMENTS_AND_IMAGES,
    max_bytes: int | None = None,
) -> None:
    """Check ``upload`` and write it as ``instance.file``; saving the row is the caller's job.

    The type is sniffed from the content (:func:`~.validation.validate_upload`) and set as
    ``instance.content_type``, with ``instance.size``. The stored name is random, with the
    extension of the sniffed type, in the model's upload directory: nothing of the uploaded name
    is used. The file is removed again if the transaction in progress rolls back.

    Raises ValidationError ``{"file": [...]}`` when there is no file or it is refused.
    """
    if upload is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    try:
        content_type = validate_upload(upload, allowed_types=allowed_types, max_bytes=max_bytes)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    instance.content_type = content_type
    instance.size = upload.size or 0
    instance.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", upload, save=False)
    _remove_on_rollback(
        instance.file.storage,
        instance.file.name,
        using=router.db_for_write(type(instance), instance=instance),
    )


def delete_stored(instance: StoredUpload) -> None:
    """Remove ``instance``'s file once the transaction in progress commits.

    Call it where the row is deleted (directly or by a cascade); the file stays if the deletion
    is rolled back. A failure to remove it is logged, not raised: the row is gone either way.
    """
    storage, name = instance.file.storage, instance.file.name
    if not name:
        return
    transaction.on_commit(
        lambda: _delete(storage, name),
        using=router.db_for_write(type(instance), instance=instance),
        robust=True,
    )


def _remove_on_rollback(storage: Storage, name: str | None, *, using: str) -> None:
    """Remove the file ``name`` unless the transaction in progress commits (see the module)."""
    if not name:
        return
    connection = transaction.get_connection(using)

    def keep() -> None:
        """Run by Django on commit: the row is kept, so the file stays."""
        remover.detach()

    remover = weakref.finalize(keep, _remove_if_rolled_back, storage, name, connection)
    transaction.on_commit(keep, using=using, robust=True)


def _remove_if_rolled_back(storage: Storage, name: str, connection: BaseDatabaseWrapper) -> None:
    """Finaliser of an unrun :func:`_remove_on_rollback` callback: remove the file if it was
    dropped by a rollback (the transaction is still open, or ending without autocommit)."""
    if connection.in_atomic_block or not connection.autocommit:
        _delete(storage, name)


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:
        logger.exception("Could not delete the stored file %s", name)
