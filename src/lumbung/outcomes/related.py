"""Outcomes' part of an innovation's page (``catalog.related``): its outcomes, and its family —
the original and its replicas, each with its mark against what it replicated."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.catalog.models import Innovation
from lumbung.catalog.related import Group, Link, Related

from .marks import mark_label
from .selectors import family_of

#: the most family members listed on an innovation's page (the family page lists them all)
LIMIT = 12


def innovation_related(innovation: Innovation, actor: Any) -> Related:
    related = Related()
    family = family_of(innovation, actor, limit=200)
    links = [
        Link(
            label=_("Outcomes and indicators"),
            url=reverse("outcomes:innovation", args=[innovation.slug]),
        )
    ]
    for member in family.members[:LIMIT]:
        if member.innovation.pk == innovation.pk:
            continue
        meta = (
            _("original")
            if member.parent_id is None
            else _("generation %(n)d · %(mark)s")
            % {"n": member.depth, "mark": mark_label(member.mark)}
        )
        links.append(
            Link(
                label=member.innovation.display_name,
                url=reverse("outcomes:innovation", args=[member.innovation.slug]),
                meta=meta,
            )
        )
    summary = ""
    if family.replicas:
        summary = _(
            "%(n)d replicas in the family: %(better)d better than what they replicated, "
            "%(similar)d similar, %(worse)d worse, %(unknown)d not yet known."
        ) % {
            "n": len(family.replicas),
            "better": family.count("better"),
            "similar": family.count("similar"),
            "worse": family.count("worse"),
            "unknown": family.count("unknown"),
        }
        links.append(
            Link(
                label=_("The whole family"),
                url=reverse("outcomes:family", args=[innovation.slug]),
            )
        )
    related.groups.append(
        Group(
            key="outcomes", title=gettext_lazy("Outcomes and family"), links=links, summary=summary
        )
    )
    return related
