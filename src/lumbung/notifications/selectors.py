"""Reads of notifications (no context processor: pages and the navigation call these)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from lumbung.core.actors import ActorLike, user_of

from . import kinds
from .models import Notification, NotificationPreference

if TYPE_CHECKING:  # types only: notifications do not import organisations at run time
    from lumbung.organisations.models import User


def notifications_for(user: ActorLike, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own notifications, newest first (nothing for anybody else)."""
    person = user_of(user)
    if person is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(user=person)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_of(user: ActorLike, pk: int) -> Notification | None:
    """One of the person's own notifications (None for anybody else's)."""
    return notifications_for(user).filter(pk=pk).first()


def unread_count(user: ActorLike) -> int:
    person = user_of(user)
    if person is None:
        return 0
    return Notification.objects.filter(user=person, read_at__isnull=True).count()


def preferences_of(user: User) -> dict[str, str]:
    """Every group's e-mail delivery for ``user``, defaults filled in (one query)."""
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("group", "delivery"))
    return {g.code: saved.get(g.code, g.default) for g in kinds.groups()}
