"""Replication's part of an innovation's page (``catalog.related``): "Replicate this
innovation" for whoever may start a project for some unit, the programmes spreading it, and the
projects in progress the person may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lumbung.catalog.models import Innovation
from lumbung.catalog.related import Group, Link, Related
from lumbung.core.actors import as_actor
from lumbung.core.policies import permitted
from lumbung.organisations.models import Unit

from . import gates
from .models import Programme, ReplicationProject, Stage

#: the most programmes and projects listed on an innovation's page
LIMIT = 20


def may_start_for_some_unit(actor: Any, innovation: Innovation) -> bool:
    """Whether the person may start a replication project of ``innovation`` for some unit other
    than its own (policy ``project_start.for_unit``, outside any programme)."""
    who = as_actor(actor)
    if not who.is_authenticated:
        return False
    units = permitted(who, "project_start.for_unit", Unit.objects.all())
    return units.exclude(pk=innovation.unit_id).exists()


def innovation_related(innovation: Innovation, actor: Any) -> Related:
    related = Related()
    if innovation.is_published and may_start_for_some_unit(actor, innovation):
        related.actions.append(
            Link(
                label=_("Replicate this innovation"),
                url=reverse("replication:project_new")
                + "?"
                + urlencode({"source": innovation.slug}),
            )
        )
    programmes = list(
        Programme.objects.filter(sources=innovation)
        .select_related("agency")
        .order_by("-start_date", "name")[:LIMIT]
    )
    related.groups.append(
        Group(
            key="programmes",
            title=gettext_lazy("Replication programmes"),
            links=[
                Link(
                    label=p.name,
                    url=reverse("replication:programme", args=[p.slug]),
                    meta=p.agency.short_name or p.agency.name,
                )
                for p in programmes
            ],
        )
    )
    running = ReplicationProject.objects.filter(source=innovation).exclude(stage=Stage.STOPPED)
    total = running.count()
    visible = list(
        permitted(actor, "project.view", running)
        .select_related("adopting_unit")
        .order_by("adopting_unit__name", "pk")[:LIMIT]
    )
    summary = ""
    if total:
        summary = ngettext(
            "%(n)s unit is replicating it now.", "%(n)s units are replicating it now.", total
        ) % {"n": total}
    related.groups.append(
        Group(
            key="projects",
            title=gettext_lazy("Replication projects in progress"),
            summary=summary,
            links=[
                Link(
                    label=p.adopting_unit.name,
                    url=reverse("replication:project", args=[p.pk]),
                    meta=str(p.get_stage_display()),
                )
                for p in visible
            ],
        )
    )
    return related


def running_replications_count() -> int:
    """How many replications run: a unit running a replica of a source innovation, whether
    recorded as a published replica in the catalog or as a project in implementation or later
    (each unit and source once). The home page and the programmes count alike."""
    projects = (
        ReplicationProject.objects.filter(stage__in=gates.RUNNING_STAGES)
        .order_by()
        .values_list("source_id", "adopting_unit_id")
    )
    replicas = (
        Innovation.objects.filter(
            Q(publication_state=Innovation.State.PUBLISHED) & Q(source__isnull=False)
        )
        .order_by()
        .values_list("source_id", "unit_id")
    )
    # counted by the database (UNION drops the pairs both record): reading the pairs into Python
    # took 0.4 s at 40,000 projects
    return projects.union(replicas).count()
