"""The innovation index from the catalog's facts (:mod:`.index` does the scoring).

Facts per innovation, read in one query for a page of innovations (annotations, no per-row
queries): management stage; a regulation, decree or SOP among its evidence; staff and budget;
replicas (published) and the regions they are in; before/after impact stated; a figure in the
last twelve months; indicators measured at least twice (a baseline and a follow-up: benefit shown
by figures, not only claimed); evidence documents; continuing or stopped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lumbung.catalog.models import Evidence, Innovation
from lumbung.outcomes.models import Measurement

from . import index
from .models import active_scheme


@dataclass
class Scored:
    innovation: Innovation
    facts: index.IndexFacts
    score: index.IndexScore


def with_facts(qs: QuerySet[Innovation]) -> QuerySet[Innovation]:
    since = timezone.localdate() - dt.timedelta(days=365)
    published = Q(replicas__publication_state=Innovation.State.PUBLISHED)
    return qs.annotate(
        n_evidence=Count("evidence", distinct=True),
        n_replicas=Count("replicas", filter=published, distinct=True),
        n_replica_regions=Count("replicas__unit__region", filter=published, distinct=True),
        has_regulation=Exists(
            Evidence.objects.filter(
                innovation=OuterRef("pk"),
                kind__in=[Evidence.Kind.REGULATION, Evidence.Kind.TEAM_DECREE],
            )
        ),
        measured_recently=Exists(
            Measurement.objects.filter(innovation=OuterRef("pk"), period_end__gte=since)
        ),
    )


def facts_of(innovation: Innovation, measured_twice: int) -> index.IndexFacts:
    return index.IndexFacts(
        stage=innovation.stage,  # type: ignore[arg-type]
        has_regulation=bool(getattr(innovation, "has_regulation", False)),
        staff_count=innovation.staff_count,
        budget_idr=innovation.budget_idr,
        replicas=int(getattr(innovation, "n_replicas", 0)),
        replica_regions=int(getattr(innovation, "n_replica_regions", 0)),
        has_benefit_evidence=bool(innovation.impact_before and innovation.impact_after),
        measured_recently=bool(getattr(innovation, "measured_recently", False)),
        indicators_better=measured_twice,
        evidence_documents=int(getattr(innovation, "n_evidence", 0)),
        continuing=innovation.status == Innovation.Status.CONTINUING,
    )


def _measured_twice(ids: Iterable[int]) -> dict[int, int]:
    """Innovation → indicators it measured at least twice (one grouped query)."""
    rows = (
        Measurement.objects.filter(innovation_id__in=list(ids))
        .order_by()
        .values("innovation_id", "indicator_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    out: dict[int, int] = {}
    for row in rows:
        out[row["innovation_id"]] = out.get(row["innovation_id"], 0) + 1
    return out


def scored(
    innovations: Iterable[Innovation], scheme: index.IndexScheme | None = None
) -> list[Scored]:
    """Innovations read through :func:`with_facts`, scored."""
    scheme = scheme or active_scheme()
    items = list(innovations)
    twice = _measured_twice(i.pk for i in items)
    out = []
    for inn in items:
        facts = facts_of(inn, twice.get(inn.pk, 0))
        out.append(Scored(inn, facts, index.score(facts, scheme)))
    return out


def scored_ids(ids: list[int], scheme: index.IndexScheme | None = None) -> list[Scored]:
    """The innovations ``ids`` scored, in that order (the facts read for them alone)."""
    rows = with_facts(Innovation.objects.filter(pk__in=ids).select_related("agency", "unit"))
    found = {s.innovation.pk: s for s in scored(rows, scheme)}
    return [found[pk] for pk in ids if pk in found]


def aggregate_of(
    qs: QuerySet[Innovation], scheme: index.IndexScheme | None = None, *, limit: int = 5000
) -> tuple[index.IndexScore | None, int]:
    """The index of a unit or an agency: the mean per component over its innovations (at most
    ``limit``, read in batches of one query), and how many were scored."""
    scheme = scheme or active_scheme()
    items = scored(with_facts(qs.order_by("pk"))[:limit], scheme)
    return index.aggregate([s.score for s in items], scheme), len(items)
