"""A notification is one short message for one person (e.g. a commitment reminder).

The app sits beside ``core``: it knows users and nothing of the apps that notify. Higher layers
call :func:`lumbung.notifications.services.notify`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    #: what kind of message this is, for filtering (e.g. "commitment.overdue")
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
