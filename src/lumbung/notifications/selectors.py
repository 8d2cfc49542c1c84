"""Reads of notifications (no context processor: pages and the navigation call these)."""

from __future__ import annotations

from django.db.models import QuerySet

from lumbung.core.actors import ActorLike, user_of

from .models import Notification


def notifications_for(user: ActorLike, *, unread_only: bool = False) -> QuerySet[Notification]:
    person = user_of(user)
    if person is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(user=person)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: ActorLike) -> int:
    person = user_of(user)
    if person is None:
        return 0
    return Notification.objects.filter(user=person, read_at__isnull=True).count()
