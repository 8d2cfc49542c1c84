"""Outcomes' part of an innovation's page (``catalog.related``): a link to its outcomes and to
its family, and the mark of each replica in the page's own lineage list (``register_marks``):
better / similar / worse than the innovation it replicated, or not yet known."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.catalog.models import Innovation
from lumbung.catalog.related import Group, Link, Mark, Related

from .marks import mark_label
from .selectors import compare_within


def innovation_related(innovation: Innovation, actor: Any) -> Related:
    links = [
        Link(
            label=_("Outcomes and indicators"),
            url=reverse("outcomes:innovation", args=[innovation.slug]),
        ),
        Link(
            label=_("The whole family, each replica compared with what it replicated"),
            url=reverse("outcomes:family", args=[innovation.slug]),
        ),
    ]
    return Related(
        groups=[Group(key="outcomes", title=gettext_lazy("Outcomes and family"), links=links)]
    )


def lineage_marks(innovations: list[Innovation]) -> dict[int, Mark]:
    """Each replica of the list whose original is in the list too, marked against it."""
    return {pk: Mark(c.mark, mark_label(c.mark)) for pk, c in compare_within(innovations).items()}
