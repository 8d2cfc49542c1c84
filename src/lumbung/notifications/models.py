"""A notification is one short message for one person (e.g. a commitment reminder), with a link
to the place to act; a preference says how a person wants one group of them by e-mail.

The app sits beside ``organisations``: it knows users and nothing of the apps that notify.
Higher layers call :func:`lumbung.notifications.services.notify_many` (or ``notify``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import Delivery


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    #: what kind of message this is (see ``kinds.py``), e.g. "commitment.overdue"
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    #: how it is e-mailed, decided from the person's preference when it was made
    delivery = models.CharField(
        _("e-mail"), max_length=12, choices=Delivery.choices, default=Delivery.OFF
    )
    #: when it was e-mailed (alone or in a digest); each notification is e-mailed at most once
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"]),
            models.Index(fields=["emailed_at", "delivery"], name="notification_to_email"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one person wants one group of notifications by e-mail (no row: the group's
    default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    group = models.CharField(_("group"), max_length=32)
    delivery = models.CharField(_("e-mail"), max_length=12, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="one_preference_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.group} = {self.delivery}"
