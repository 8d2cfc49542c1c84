"""What every page's layout needs: the navigation, the reader's search text, who may review."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.policies import may_review_somewhere
from lumbung.competitions.selectors import judges_somewhere
from lumbung.core.actors import as_actor
from lumbung.core.imports.registry import kinds_for
from lumbung.notifications.selectors import unread_count
from lumbung.organisations.policies import may_manage_organisations

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lumbung.organisations.models import User


def navigation(request: HttpRequest) -> dict[str, Any]:
    # no user on a request that did not pass the authentication middleware (e.g. an early error)
    user: User | AnonymousUser | None = getattr(request, "user", None)
    person = user if user is not None and user.is_authenticated else None
    items: list[tuple[str, Any]] = [
        (reverse("web:home"), _("Home")),
        (reverse("catalog:catalog"), _("Innovation catalog")),
        (reverse("organisations:agencies"), _("Agencies")),
        (reverse("replication:programmes"), _("Replication")),
        (reverse("events:list"), _("Learning events")),
        (reverse("competitions:list"), _("Competitions")),
        (reverse("insights:dashboard"), _("Insights")),
    ]
    if person is not None:
        items.append((reverse("catalog:dashboard"), _("Workspace")))
        items.append((reverse("replication:workspace"), _("My replication")))
        if judges_somewhere(person):
            items.append((reverse("competitions:workspace"), _("Judging")))
        if may_review_somewhere(person):
            items.append((reverse("catalog:review_queue"), _("Review")))
        if may_manage_organisations(person):
            items.append((reverse("manage:home"), _("Manage")))
        if kinds_for(as_actor(person)):
            items.append((reverse("web:imports"), _("Import")))
        if person.is_staff:
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
        "unread_notifications": unread_count(person) if person is not None else 0,
        "nav_items": nav,
        "site_search_q": (
            request.GET.get("q", "")[:200] if path.startswith(("/inovasi/", "/cari/")) else ""
        ),
    }
