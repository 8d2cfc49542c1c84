"""The import record: one uploaded spreadsheet, what checking it found, and the run that writes it.

The file is kept in the row itself (``content``, at most ``LUMBUNG_IMPORT_MAX_BYTES``): a worker on
another machine reads it from the database it already uses, no shared folder is needed, and the
file goes when the row goes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        CHECKED = "checked", _("checked: waiting for confirmation")
        REJECTED = "rejected", _("rejected: nothing written")
        QUEUED = "queued", _("waiting to run")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed: nothing written")

    #: the statuses of a job that is still to finish
    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("what is imported"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CHECKED
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    #: the language of the person who uploaded it: the report's messages are in it
    language = models.CharField(_("language"), max_length=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    stage = models.CharField(_("stage"), max_length=16, blank=True)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    #: the check's outcome (the preview), then the run's (see ``registry.Outcome``)
    report = models.JSONField(_("report"), default=dict, blank=True)
    #: ``host:pid`` of the worker that runs it (an interrupted run is told by its dead pid)
    runner = models.CharField(_("run by"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
