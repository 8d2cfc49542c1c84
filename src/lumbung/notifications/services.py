"""Writes to notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core.actors import ActorLike, user_of

from .models import Notification

if TYPE_CHECKING:  # types only: notifications do not import organisations at run time
    from lumbung.organisations.models import User


def notify(*, user: User, text: str, url: str = "", kind: str = "") -> Notification:
    """Leave a message for ``user`` (system use: no permission check, no audit entry)."""
    return Notification.objects.create(
        user=user, text=str(text)[:500], url=(url or "")[:500], kind=(kind or "")[:64]
    )


@transaction.atomic
def notification_mark_read(*, actor: ActorLike, notification: Notification) -> Notification:
    person = user_of(actor)
    if person is None or notification.user_id != person.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: ActorLike) -> int:
    person = user_of(actor)
    if person is None:
        return 0
    return Notification.objects.filter(user=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )
