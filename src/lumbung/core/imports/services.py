"""Uploading, confirming and running an import.

1. :func:`job_upload` — the person uploads a file for a kind they may import: the limits are
   checked (``LUMBUNG_IMPORT_MAX_BYTES``, ``LUMBUNG_IMPORT_MAX_ROWS``), every row is checked
   without writing, and the file is kept with the preview (``checked``) or the problems
   (``rejected``).
2. :func:`job_confirm` — its uploader starts a checked import: it is queued as a background task
   (:mod:`.tasks`) in the same transaction.
3. :func:`job_run` — the worker runs it: the file is checked again (the data may have changed since
   the preview) and written all or nothing, as the uploader (their rights of that moment), with
   the report's messages in the uploader's language.
"""

from __future__ import annotations

import logging
import os
import socket

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ANONYMOUS, ActorLike, as_actor, user_of
from lumbung.core.policies import require
from lumbung.core.spreadsheets import (
    CONTROL_CHARACTERS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    ImportFileError,
    ImportLimitError,
    Limits,
    Problem,
    measure,
)

from . import progress, registry
from .models import ImportJob
from .registry import Outcome

logger = logging.getLogger(__name__)


def max_bytes() -> int:
    return int(getattr(settings, "LUMBUNG_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "LUMBUNG_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def check_limits(content: bytes) -> None:
    """Raise ValidationError ``{"file": ...}`` when the file is empty, too large or too long
    (:func:`lumbung.core.spreadsheets.measure`; counting stops at the limit)."""
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    try:
        measure(content, Limits(rows=max_rows(), bytes=max_bytes()))
    except ImportLimitError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    except ImportFileError:
        return  # not readable: the check says why, as a problem of the file


def job_upload(*, actor: ActorLike, kind: str, content: bytes, filename: str) -> ImportJob:
    """Check a file for ``kind`` and keep it, with its preview or its problems."""
    who = as_actor(actor)
    user = user_of(actor)
    chosen = registry.get(kind)
    if user is None or chosen is None or not chosen.may_import(who):
        raise PermissionDenied(_("You may not import this."))
    check_limits(content)
    # no control character (NUL …) in the kept name: PostgreSQL stores no NUL
    name = CONTROL_CHARACTERS.sub("", os.path.basename(filename or ""))[:255] or "import"
    outcome = chosen.check(content, name, who)
    if not outcome.problems and not outcome.entries:
        outcome.problems.append(Problem(None, _("The file has no rows to import."), row=False))
    return ImportJob.objects.create(
        kind=kind,
        status=ImportJob.Status.REJECTED if outcome.problems else ImportJob.Status.CHECKED,
        filename=name,
        content=content,
        size=len(content),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=user,
        total=outcome.rows,
        report=outcome.as_dict(),
    )


@transaction.atomic
def job_confirm(*, actor: ActorLike, job: ImportJob) -> ImportJob:
    """Queue a checked import to run in the background (its uploader only)."""
    require(actor, "importjob.confirm", job)
    queued = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.QUEUED, queued_at=timezone.now(), stage="", done=0
    )
    if not queued:
        raise ValidationError(_("This import has already been started, or it cannot be."))
    audit.record(
        actor=actor,
        obj=job,
        action="import.confirm",
        changes={"kind": [None, job.kind], "file": [None, job.filename]},
    )
    from .tasks import run_import

    # in the same transaction: the job is queued exactly when its task is (an immediate backend
    # runs it here and now, and its e-mails go once everything commits)
    run_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_run(job_id: int) -> str:
    """Run a queued import (the background task's work); answers its final status."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), runner=runner_id()
    )
    if not claimed:
        return "skipped"  # run already, or not queued
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    kind = registry.get(job.kind)
    # the uploader's rights now (a deactivated or deleted uploader writes nothing)
    actor = as_actor(job.created_by) if job.created_by is not None else ANONYMOUS
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            if kind is None:
                outcome = _failure(_("This kind of import is no longer offered."))
            else:
                outcome = kind.run(
                    bytes(job.content), job.filename, actor, progress.Reporter(job_id)
                )
        except Exception:
            logger.exception("Import %s stopped", job_id)
            _finish(
                job, _failure(_("The import stopped on an unexpected error; nothing was written."))
            )
            raise
    _finish(job, outcome)
    return job.status


def _failure(message: str) -> Outcome:
    return Outcome(problems=[Problem(None, message, row=False)])


def _finish(job: ImportJob, outcome: Outcome) -> None:
    job.status = ImportJob.Status.DONE if outcome.written else ImportJob.Status.FAILED
    job.report = outcome.as_dict()
    job.done = job.total = outcome.rows or job.total
    job.stage = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "report", "done", "total", "stage", "finished_at"])
    progress.forget(job.pk)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_if_interrupted(job: ImportJob) -> bool:
    """Mark ``job`` as failed when a worker of this machine left it running and is gone (its
    process ended; its transaction, so everything it wrote, was rolled back). Answers whether it
    was. A worker of another machine cannot be told from here: its jobs are left as they are."""
    if job.status != ImportJob.Status.RUNNING:
        return False
    runner_host, _sep, pid = job.runner.rpartition(":")
    if runner_host != socket.gethostname() or not pid.isdigit() or _alive(int(pid)):
        return False
    with translation.override(job.language or settings.LANGUAGE_CODE):
        _finish(
            job,
            _failure(
                _(
                    "The import was interrupted (the server stopped); nothing was written. "
                    "Upload the file again to import it."
                )
            ),
        )
    return True


def fail_interrupted_jobs() -> int:
    """:func:`fail_if_interrupted` for every running import (at a server's start). Answers how
    many were."""
    running = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).defer("content")
    return sum(1 for job in running if fail_if_interrupted(job))
