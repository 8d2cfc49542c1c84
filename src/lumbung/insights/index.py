"""A configurable innovation index, in the spirit of Kemendagri's regional innovation index (IID).

Each innovation gets a score from 0 to 100 from facts the caller gathers (:class:`IndexFacts`).
The score is a weighted sum of components; each component has a sub-score in [0, 1] and its
weight is configuration (:class:`IndexScheme`, :func:`scheme_from_dict`), as are the bands that
name a score. A part's points are ``weight × sub_score × 100 / sum(weights)``, so the parts add
up to the total (rounded to one decimal) whatever the weights.

The components and their sub-scores (:data:`SUB_SCORES`):

``maturity``
    the management stage: creation 1/3, development 2/3, institutionalisation 1. A *stopped*
    innovation keeps what it achieved elsewhere (replicas, evidence …), but its maturity counts
    half: it is no longer run.
``regulation``
    1 when a regulation or decree backs it, else 0.
``staff``
    people who run it, in bands (:data:`STAFF_BANDS`): unknown or none 0, 1–4 ½, 5–9 ¾, 10 or
    more 1.
``budget``
    its own budget in Rupiah, in bands (:data:`BUDGET_BANDS`): unknown or none 0, any 0.5, from
    Rp10 million 0.75, from Rp100 million 1. Having a budget matters more than its size.
``replication``
    reach and spread, each saturating: ``0.7 × min(1, log1p(replicas) / log1p(10))`` (ten
    replicas give full reach) ``+ 0.3 × min(1, log1p(regions) / log1p(5))`` (replicas in five
    distinct regions give full spread; regions are counted no higher than replicas). Both terms
    grow with their count, so more replicas never lower the score.
``benefit``
    ½ when the impact before and after is stated, plus ½ × ``min(1, indicators_better / 3)``
    for measured outcomes showing it (or its replicas) doing better.
``monitoring``
    1 when its outcomes were measured recently, else 0.
``evidence``
    evidence documents, saturating at five: ``min(1, documents / 5)``.

The default weights (:data:`DEFAULT_SCHEME`) add up to 100: replication 20, maturity 15,
benefit 15, and 10 each for regulation, staff, budget, monitoring and evidence. The default bands
follow IID's: from 75 "Very innovative", from 50 "Innovative", from 25 "Less innovative", below
that "Not yet rated".

A unit's or agency's index (:func:`aggregate`) is the mean sub-score per component over its
innovations, weighted like one innovation's; with the same scheme its total is the mean of the
innovations' totals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ManagementStage = Literal["creation", "development", "institutionalisation"]

STAGE_SUB_SCORES: dict[str, float] = {
    "creation": 1 / 3,
    "development": 2 / 3,
    "institutionalisation": 1.0,
}
#: The share of maturity a stopped innovation keeps.
STOPPED_MATURITY = 0.5
#: (from this many people, sub-score), ascending; fewer than the first → 0.
STAFF_BANDS: tuple[tuple[int, float], ...] = ((1, 0.5), (5, 0.75), (10, 1.0))
#: (from this many Rupiah, sub-score), ascending; less than the first → 0.
BUDGET_BANDS: tuple[tuple[int, float], ...] = ((1, 0.5), (10_000_000, 0.75), (100_000_000, 1.0))
#: Replicas that give full reach, distinct regions that give full spread, and their shares.
FULL_REACH = 10
FULL_SPREAD = 5
REACH_SHARE = 0.7
#: Comparisons showing better outcomes that give the measured half of ``benefit`` in full.
FULL_BETTER = 3
#: Evidence documents that give ``evidence`` in full.
FULL_EVIDENCE = 5


@dataclass(frozen=True)
class IndexFacts:
    """What the index needs to know about one innovation (the caller gathers it)."""

    stage: ManagementStage
    has_regulation: bool
    staff_count: int | None
    budget_idr: int | None
    replicas: int
    replica_regions: int
    has_benefit_evidence: bool
    measured_recently: bool
    indicators_better: int
    evidence_documents: int
    continuing: bool

    def __post_init__(self) -> None:
        if self.stage not in STAGE_SUB_SCORES:
            raise ValueError(f"unknown management stage {self.stage!r}")
        for name in ("replicas", "replica_regions", "indicators_better", "evidence_documents"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be ≥ 0")


def _banded(amount: int | None, bands: Sequence[tuple[int, float]]) -> float:
    sub = 0.0
    for start, value in bands:
        if amount is not None and amount >= start:
            sub = value
    return sub


def _saturating(count: int, full: int) -> float:
    return min(1.0, math.log1p(max(count, 0)) / math.log1p(full))


def _maturity(f: IndexFacts) -> float:
    return STAGE_SUB_SCORES[f.stage] * (1.0 if f.continuing else STOPPED_MATURITY)


def _replication(f: IndexFacts) -> float:
    reach = _saturating(f.replicas, FULL_REACH)
    spread = _saturating(min(f.replica_regions, f.replicas), FULL_SPREAD)
    return min(1.0, REACH_SHARE * reach + (1 - REACH_SHARE) * spread)


def _benefit(f: IndexFacts) -> float:
    stated = 0.5 if f.has_benefit_evidence else 0.0
    return stated + 0.5 * min(1.0, f.indicators_better / FULL_BETTER)


#: Each component's sub-score in [0, 1] (see the module's documentation).
SUB_SCORES: dict[str, Callable[[IndexFacts], float]] = {
    "maturity": _maturity,
    "regulation": lambda f: 1.0 if f.has_regulation else 0.0,
    "staff": lambda f: _banded(f.staff_count, STAFF_BANDS),
    "budget": lambda f: _banded(f.budget_idr, BUDGET_BANDS),
    "replication": _replication,
    "benefit": _benefit,
    "monitoring": lambda f: 1.0 if f.measured_recently else 0.0,
    "evidence": lambda f: min(1.0, f.evidence_documents / FULL_EVIDENCE),
}
COMPONENT_KEYS: tuple[str, ...] = tuple(SUB_SCORES)

#: The components' names when a scheme does not give them.
DEFAULT_LABELS: dict[str, StrOrPromise] = {
    "maturity": _("Maturity"),
    "regulation": _("Regulation"),
    "staff": _("Staff"),
    "budget": _("Budget"),
    "replication": _("Replication"),
    "benefit": _("Benefit"),
    "monitoring": _("Monitoring"),
    "evidence": _("Evidence"),
}


@dataclass(frozen=True)
class Component:
    key: str
    label: StrOrPromise
    weight: float


@dataclass(frozen=True)
class Band:
    """Scores from ``min_score`` (up to the next band) carry ``label``."""

    min_score: float
    label: StrOrPromise


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _has_text(label: StrOrPromise) -> bool:
    # a lazy label is taken as given: turning it into text here would translate at import time
    return not isinstance(label, str) or bool(label.strip())


def _check_components(components: Sequence[Component]) -> None:
    if not components:
        raise ValueError("components must not be empty")
    seen: set[str] = set()
    for i, c in enumerate(components):
        where = f"components.{i}"
        if c.key not in SUB_SCORES:
            known = ", ".join(COMPONENT_KEYS)
            raise ValueError(f"{where}.key {c.key!r} is not a known component ({known})")
        if c.key in seen:
            raise ValueError(f"{where}.key {c.key!r} appears more than once")
        seen.add(c.key)
        if not _is_number(c.weight) or c.weight < 0:
            raise ValueError(f"{where}.weight must be a number ≥ 0")
        if not _has_text(c.label):
            raise ValueError(f"{where}.label must not be empty")
    if sum(c.weight for c in components) <= 0:
        raise ValueError("components: at least one weight must be above 0")


def _check_bands(bands: Sequence[Band]) -> None:
    if not bands:
        raise ValueError("bands must not be empty")
    for i, b in enumerate(bands):
        where = f"bands.{i}"
        if not _is_number(b.min_score) or not 0 <= b.min_score <= 100:
            raise ValueError(f"{where}.min_score must be a number from 0 to 100")
        if i == 0 and b.min_score != 0:
            raise ValueError(f"{where}.min_score must be 0, so that every score has a band")
        if i > 0 and b.min_score <= bands[i - 1].min_score:
            raise ValueError(f"{where}.min_score must be above the previous band's (sorted)")
        if not _has_text(b.label):
            raise ValueError(f"{where}.label must not be empty")


@dataclass(frozen=True)
class IndexScheme:
    """Components with their weights, and bands ascending from 0. Checked when made."""

    components: tuple[Component, ...]
    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        _check_components(self.components)
        _check_bands(self.bands)

    @property
    def total_weight(self) -> float:
        return float(sum(c.weight for c in self.components))

    def band_for(self, total: float) -> StrOrPromise:
        """The label of the highest band the total reaches."""
        label = self.bands[0].label
        for b in self.bands:
            if total >= b.min_score:
                label = b.label
        return label


DEFAULT_SCHEME = IndexScheme(
    components=tuple(
        Component(key, DEFAULT_LABELS[key], weight)
        for key, weight in (
            ("maturity", 15),
            ("regulation", 10),
            ("staff", 10),
            ("budget", 10),
            ("replication", 20),
            ("benefit", 15),
            ("monitoring", 10),
            ("evidence", 10),
        )
    ),
    bands=(
        Band(0, _("Not yet rated")),
        Band(25, _("Less innovative")),
        Band(50, _("Innovative")),
        Band(75, _("Very innovative")),
    ),
)


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must be an object")
    return value


def _only(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ValueError(f"{where} has unknown keys: {', '.join(unknown)}")


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list | tuple) or not value:
        raise ValueError(f"{where} must be a non-empty list")
    return list(value)


def _label(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be a non-empty text")
    return value


def _component(value: object, where: str) -> Component:
    item = _mapping(value, where)
    _only(item, {"key", "label", "weight"}, where)
    key = item.get("key")
    if not isinstance(key, str) or key not in SUB_SCORES:
        known = ", ".join(COMPONENT_KEYS)
        raise ValueError(f"{where}.key must be one of {known}, not {key!r}")
    weight = item.get("weight")
    if not _is_number(weight) or weight < 0:
        raise ValueError(f"{where}.weight must be a number ≥ 0")
    label = _label(item["label"], f"{where}.label") if "label" in item else DEFAULT_LABELS[key]
    return Component(key, label, float(weight))


def _band(value: object, where: str) -> Band:
    item = _mapping(value, where)
    _only(item, {"min_score", "label"}, where)
    min_score = item.get("min_score")
    if not _is_number(min_score):
        raise ValueError(f"{where}.min_score must be a number from 0 to 100")
    return Band(float(min_score), _label(item.get("label"), f"{where}.label"))


def scheme_from_dict(data: object) -> IndexScheme:
    """A scheme from JSON-like data; a ``ValueError`` names the first bad part.

    The shape::

        {"components": [{"key": "replication", "weight": 20, "label": "Replication"}, …],
         "bands": [{"min_score": 0, "label": "Not yet rated"}, …]}

    A component's ``label`` is optional (the default one is used); components left out count
    nothing; bands ascend from 0.
    """
    root = _mapping(data, "the scheme")
    _only(root, {"components", "bands"}, "the scheme")
    components = tuple(
        _component(c, f"components.{i}")
        for i, c in enumerate(_list(root.get("components"), "components"))
    )
    bands = tuple(_band(b, f"bands.{i}") for i, b in enumerate(_list(root.get("bands"), "bands")))
    return IndexScheme(components, bands)


@dataclass(frozen=True)
class Part:
    """One component's share of a score."""

    key: str
    label: StrOrPromise
    weight: float
    sub_score: float
    points: float


@dataclass(frozen=True)
class IndexScore:
    total: float
    band: StrOrPromise
    parts: tuple[Part, ...]


def _scored(sub_scores: Mapping[str, float], scheme: IndexScheme) -> IndexScore:
    total_weight = scheme.total_weight
    parts = tuple(
        Part(
            c.key,
            c.label,
            c.weight,
            sub_scores[c.key],
            c.weight * sub_scores[c.key] * 100 / total_weight,
        )
        for c in scheme.components
    )
    total = round(sum(p.points for p in parts), 1)
    return IndexScore(total, scheme.band_for(total), parts)


def sub_scores(facts: IndexFacts) -> dict[str, float]:
    """Every component's sub-score for one innovation."""
    return {key: fn(facts) for key, fn in SUB_SCORES.items()}


def score(facts: IndexFacts, scheme: IndexScheme = DEFAULT_SCHEME) -> IndexScore:
    """One innovation's index under ``scheme``, with its breakdown."""
    return _scored(sub_scores(facts), scheme)


def aggregate(
    scores: Sequence[IndexScore], scheme: IndexScheme = DEFAULT_SCHEME
) -> IndexScore | None:
    """A unit's or agency's index: the mean sub-score per component over its innovations'
    scores (None when there are none). Every score must have a part for each of the scheme's
    components (a ``ValueError`` names the one missing)."""
    if not scores:
        return None
    means: dict[str, float] = {}
    for c in scheme.components:
        values = []
        for i, s in enumerate(scores):
            part = next((p for p in s.parts if p.key == c.key), None)
            if part is None:
                raise ValueError(f"scores.{i} has no part for the component {c.key!r}")
            values.append(part.sub_score)
        means[c.key] = sum(values) / len(values)
    return _scored(means, scheme)
