"""What every page's layout needs: the navigation, the reader's search text, who may review."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.policies import may_review_somewhere
from lumbung.notifications.selectors import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    items: list[tuple[str, Any]] = [
        (reverse("web:home"), _("Home")),
        (reverse("catalog:catalog"), _("Innovation catalog")),
        (reverse("organisations:agencies"), _("Agencies")),
        (reverse("replication:programmes"), _("Replication")),
        (reverse("events:list"), _("Learning events")),
    ]
    if signed_in:
        items.append((reverse("catalog:dashboard"), _("Workspace")))
        items.append((reverse("replication:workspace"), _("My replication")))
        if may_review_somewhere(user):
            items.append((reverse("catalog:review_queue"), _("Review")))
        if user.is_staff:  # type: ignore[union-attr]
            items.append((reverse("admin:index"), _("Admin")))
    path = request.path
    nav = []
    for url, label in items:
        if path == url:
            current = "page"
        elif url != "/" and path.startswith(url):
            current = "true"
        else:
            current = ""
        nav.append({"url": url, "label": label, "current": current})
    return {
        "unread_notifications": unread_count(user) if signed_in else 0,
        "nav_items": nav,
        "site_search_q": (
            request.GET.get("q", "")[:200]
            if path.startswith(("/inovasi/", "/cari/"))
            else ""
        ),
    }
