"""API router for the caller's own notifications and e-mail preferences.

Every endpoint needs the caller (a token or a signed-in session): a notification is only ever
seen by the person it was sent to; anybody else's answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from lumbung.core.http.auth import WRITE_AUTH, current_user
from lumbung.core.http.errors import error_responses
from lumbung.core.http.schemas import Id, PageParams, page_of, paginate

from . import kinds, selectors, services
from .models import Notification
from .schemas import (
    MarkedOut,
    NotificationFilters,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
)

router = Router(tags=["notifications"], auth=WRITE_AUTH)


def _out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": str(kinds.label_of(n.kind)),
        "text": n.text,
        "url": n.url,
        "link": services.absolute(n.url),
        "created_at": n.created_at,
        "read_at": n.read_at,
        "is_read": n.is_read,
    }


def _preferences(values: dict[str, str]) -> dict[str, Any]:
    return {
        "preferences": [
            {
                "group": g.code,
                "label": str(g.label),
                "help_text": str(g.help_text),
                "delivery": values[g.code],
                "default": g.default,
                "kinds": [
                    {"kind": k.code, "label": str(k.label), "recipients": str(k.recipients)}
                    for k in kinds.kinds_of(g.code)
                ],
            }
            for g in kinds.groups()
        ]
    }


@router.get(
    "/notifications",
    response={200: page_of(NotificationOut), **error_responses(401, 422)},
)
def notification_list(
    request: HttpRequest, filters: Query[NotificationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The caller's notifications, newest first (``unread=true``: only unread ones)."""
    qs = selectors.notifications_for(current_user(request), unread_only=filters.unread)
    result = paginate(qs, page)
    result["items"] = [_out(n) for n in result["items"]]
    return result


@router.get(
    "/notifications/preferences",
    response={200: PreferencesOut, **error_responses(401)},
)
def preferences_get(request: HttpRequest) -> dict[str, Any]:
    """How the caller gets each group of notifications by e-mail."""
    return _preferences(selectors.preferences_of(current_user(request)))  # type: ignore[arg-type]


@router.patch(
    "/notifications/preferences",
    response={200: PreferencesOut, **error_responses(401, 403, 422)},
)
def preferences_patch(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    """Change the e-mail delivery of some groups (``immediate``, ``digest`` or ``off``);
    in-app notifications are always kept."""
    return _preferences(
        services.preferences_set(actor=current_user(request), values=payload.preferences)
    )


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut, **error_responses(401, 403)},
)
def notification_mark_all_read(request: HttpRequest) -> dict[str, int]:
    """Mark all of the caller's notifications as read."""
    return {"marked": services.notification_mark_all_read(actor=current_user(request))}


@router.get(
    "/notifications/{int:pk}",
    response={200: NotificationOut, **error_responses(401, 404)},
)
def notification_detail(request: HttpRequest, pk: Id) -> dict[str, Any]:
    notification = selectors.notification_of(current_user(request), pk)
    if notification is None:
        raise Http404
    return _out(notification)


@router.post(
    "/notifications/{int:pk}/read",
    response={200: NotificationOut, **error_responses(401, 403, 404)},
)
def notification_mark_read(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Mark one of the caller's notifications as read (404 for anybody else's)."""
    user = current_user(request)
    notification = selectors.notification_of(user, pk)
    if notification is None:
        raise Http404
    return _out(services.notification_mark_read(actor=user, notification=notification))
