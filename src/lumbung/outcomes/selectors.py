"""Reads of outcomes that pages, the API, reports and dashboards share.

The comparison of a replica with its original: for every indicator both can be measured on (the
indicators of the original's lineage, which the replica inherits), the replica's figures beside
the original's **at the same age** (months since each started), normalised as the indicator
says, judged by :mod:`.comparison`. A family (an original and every replica down its lineage) is
read in one query per generation plus two, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from lumbung.catalog import selectors as catalog_selectors
from lumbung.catalog.models import Innovation
from lumbung.core.actors import ActorLike
from lumbung.core.policies import permitted

from . import comparison
from .models import Indicator, Measurement, start_of

AGES = (12, 24)


@dataclass
class IndicatorComparison:
    indicator: Indicator
    result: comparison.Comparison


@dataclass
class ReplicaComparison:
    replica: Innovation
    original: Innovation
    indicators: list[IndicatorComparison]
    mark: str
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.mark != "unknown"


@dataclass
class FamilyMember:
    innovation: Innovation
    depth: int
    parent_id: int | None
    mark: str  # "" for the first innovation of the family
    comparison: ReplicaComparison | None = None


@dataclass
class Family:
    root: Innovation
    members: list[FamilyMember] = field(default_factory=list)

    @property
    def replicas(self) -> list[FamilyMember]:
        return [m for m in self.members if m.parent_id is not None]

    def count(self, mark: str) -> int:
        return sum(1 for m in self.replicas if m.mark == mark)


def indicators_of(innovation: Innovation) -> list[Indicator]:
    """The indicators ``innovation`` may record: its lineage's, the first innovation's first."""
    chain = catalog_selectors.lineage(innovation)
    depth = {inn.pk: i for i, inn in enumerate(chain)}
    found = list(Indicator.objects.filter(innovation_id__in=depth).select_related("innovation"))
    return sorted(found, key=lambda i: (-depth[i.innovation_id], i.order, i.pk))


def measurements_of(innovation: Innovation, actor: ActorLike) -> QuerySet[Measurement]:
    return permitted(
        actor,
        "measurement.view",
        Measurement.objects.filter(innovation=innovation).select_related("indicator"),
    ).order_by("indicator_id", "period_end")


def _points(innovation: Innovation, measurements: Iterable[Measurement]) -> list[comparison.Point]:
    start = start_of(innovation)
    if start is None:
        return []
    return [
        comparison.Point(
            age_months=comparison.age_in_months(start, m.period_end),
            value=m.value,
            denominator=m.denominator,
            margin=m.margin,
        )
        for m in measurements
    ]


def _series(innovation_ids: Iterable[int]) -> dict[tuple[int, int], list[Measurement]]:
    """(innovation id, indicator id) → measurements in date order, in one query."""
    out: dict[tuple[int, int], list[Measurement]] = defaultdict(list)
    for m in Measurement.objects.filter(innovation_id__in=list(innovation_ids)).order_by(
        "period_end"
    ):
        out[(m.innovation_id, m.indicator_id)].append(m)
    return out


def _compare(
    replica: Innovation,
    original: Innovation,
    indicators: Sequence[Indicator],
    series: dict[tuple[int, int], list[Measurement]],
) -> ReplicaComparison:
    rows = []
    for indicator in indicators:
        result = comparison.compare(
            _points(original, series.get((original.pk, indicator.pk), [])),
            _points(replica, series.get((replica.pk, indicator.pk), [])),
            better="lower" if indicator.better == Indicator.Better.LOWER else "higher",
            per=indicator.per,
            similar_within=indicator.similar_within / 100,
            ages=AGES,
        )
        rows.append(IndicatorComparison(indicator, result))
    mark = comparison.summarise([r.result.verdict for r in rows])
    reason = ""
    if not indicators:
        reason = "no-indicators"
    elif start_of(replica) is None or start_of(original) is None:
        reason = "no-start"
    return ReplicaComparison(replica, original, rows, mark, reason)


def series_points(
    compared: ReplicaComparison,
) -> dict[tuple[int, int], list[comparison.Point]]:
    """(innovation id, indicator id) → the points of both sides of a comparison (one query)."""
    series = _series([compared.replica.pk, compared.original.pk])
    return {
        (pk, ind): _points(compared.replica if pk == compared.replica.pk else compared.original, ms)
        for (pk, ind), ms in series.items()
    }


def compare_with_original(replica: Innovation) -> ReplicaComparison | None:
    """The replica beside what it replicated; None for an innovation that replicated nothing."""
    if replica.source_id is None:
        return None
    original = Innovation.objects.filter(pk=replica.source_id).first()
    if original is None:
        return None
    indicators = indicators_of(original)
    return _compare(replica, original, indicators, _series([replica.pk, original.pk]))


def compare_pairs(pairs: Sequence[tuple[Innovation, Innovation]]) -> list[ReplicaComparison]:
    """Many (replica, original) pairs — a programme's replicas — in a few queries: one per
    distinct original's lineage, one for the measurements."""
    by_original: dict[int, list[Indicator]] = {}
    for _replica, original in pairs:
        if original.pk not in by_original:
            by_original[original.pk] = indicators_of(original)
    ids = {i.pk for pair in pairs for i in pair}
    series = _series(ids)
    return [_compare(r, o, by_original[o.pk], series) for r, o in pairs]


def family_of(innovation: Innovation, actor: ActorLike, *, limit: int = 500) -> Family:
    """The family ``innovation`` belongs to — its first innovation (the highest ancestor the
    person may see) and every replica down the lineage they may see — each replica marked
    against what it replicated."""
    visible = permitted(actor, "innovation.view", Innovation.objects.all())
    chain = catalog_selectors.lineage(innovation)
    seen = set(visible.filter(pk__in=[i.pk for i in chain]).values_list("pk", flat=True))
    root = chain[0]
    for ancestor in chain[1:]:  # up to the first ancestor this person may not see
        if ancestor.pk not in seen:
            break
        root = ancestor
    below = catalog_selectors.descendants(root, among=visible, limit=limit)
    depth = {root.pk: 0}
    members = [FamilyMember(root, 0, None, "")]
    for child in below:  # generation by generation: a parent comes before its replicas
        depth[child.pk] = depth.get(child.source_id or 0, 0) + 1
        members.append(FamilyMember(child, depth[child.pk], child.source_id, ""))
    compared = compare_within([root, *below])
    for member in members:
        result = compared.get(member.innovation.pk)
        if result is not None:
            member.comparison = result
            member.mark = result.mark
    return Family(root, members)


def compare_within(innovations: Sequence[Innovation]) -> dict[int, ReplicaComparison]:
    """Each of ``innovations`` whose original is among them, compared with that original — a
    family, or the part of it a page lists — in a fixed number of queries: the indicators of the
    family and of the lineage above its first member, and the measurements."""
    by_id = {i.pk: i for i in innovations}
    pairs = [(i, by_id[i.source_id]) for i in innovations if i.source_id in by_id]
    if not pairs:
        return {}
    tops = {o.pk for _r, o in pairs if o.source_id not in by_id}
    above: dict[int, set[int]] = {}
    for top in tops:
        above[top] = {i.pk for i in catalog_selectors.lineage(by_id[top])}
    defined = list(
        Indicator.objects.filter(
            innovation_id__in={*by_id, *(pk for ids in above.values() for pk in ids)}
        ).order_by("order", "pk")
    )
    series = _series(by_id)
    out = {}
    for replica, original in pairs:
        chain = _chain(original.pk, by_id)
        chain |= above.get(_top(original.pk, by_id), set())
        held = [i for i in defined if i.innovation_id in chain]
        out[replica.pk] = _compare(replica, original, held, series)
    return out


def _chain(pk: int, by_id: dict[int, Innovation]) -> set[int]:
    """``pk`` and its ancestors among ``by_id``."""
    out: set[int] = set()
    current: int | None = pk
    while current is not None and current in by_id and current not in out:
        out.add(current)
        current = by_id[current].source_id
    return out


def _top(pk: int, by_id: dict[int, Innovation]) -> int:
    """The highest ancestor of ``pk`` among ``by_id``."""
    seen: set[int] = set()
    current = pk
    while by_id[current].source_id in by_id and current not in seen:
        seen.add(current)
        current = by_id[current].source_id  # type: ignore[assignment]
    return current
