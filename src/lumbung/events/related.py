"""Events' part of an innovation's page (``catalog.related``): the learning events that
showcase it, those the person may see."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy

from lumbung.catalog.models import Innovation
from lumbung.catalog.related import Group, Link, Related
from lumbung.core.policies import permitted

from .models import Event

LIMIT = 20


def innovation_related(innovation: Innovation, actor: Any) -> Related:
    events = list(
        permitted(actor, "event.view", Event.objects.filter(showcased=innovation))
        .select_related("host_unit")
        .order_by("-starts_at", "pk")[:LIMIT]
    )
    return Related(
        groups=[
            Group(
                key="events",
                title=gettext_lazy("Learning events"),
                links=[
                    Link(
                        label=e.display_title,
                        url=reverse("events:detail", args=[e.slug]),
                        meta=date_format(localtime(e.starts_at).date(), "DATE_FORMAT"),
                    )
                    for e in events
                ],
            )
        ]
    )
