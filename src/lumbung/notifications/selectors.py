"""Reads of notifications (no context processor: pages and the navigation call these)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
