"""Writes to notifications."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification


def notify(*, user: Any, text: str, url: str = "", kind: str = "") -> Notification:
    """Leave a message for ``user`` (system use: no permission check, no audit entry)."""
    return Notification.objects.create(
        user=user, text=str(text)[:500], url=(url or "")[:500], kind=(kind or "")[:64]
    )


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    if not getattr(actor, "is_authenticated", False) or notification.user_id != actor.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Any) -> int:
    if not getattr(actor, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
