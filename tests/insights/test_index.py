from __future__ import annotations

import copy
import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbung.insights.index import (
    COMPONENT_KEYS,
    DEFAULT_SCHEME,
    Band,
    Component,
    IndexFacts,
    IndexScheme,
    IndexScore,
    aggregate,
    scheme_from_dict,
    score,
    sub_scores,
)

NOTHING = IndexFacts(
    stage="creation",
    has_regulation=False,
    staff_count=None,
    budget_idr=None,
    replicas=0,
    replica_regions=0,
    has_benefit_evidence=False,
    measured_recently=False,
    indicators_better=0,
    evidence_documents=0,
    continuing=True,
)
EVERYTHING = IndexFacts(
    stage="institutionalisation",
    has_regulation=True,
    staff_count=12,
    budget_idr=250_000_000,
    replicas=10,
    replica_regions=5,
    has_benefit_evidence=True,
    measured_recently=True,
    indicators_better=3,
    evidence_documents=5,
    continuing=True,
)
MIDDLING = replace(
    NOTHING,
    stage="development",
    staff_count=3,
    budget_idr=20_000_000,
    replicas=2,
    replica_regions=1,
    has_benefit_evidence=True,
    evidence_documents=2,
)

SCHEME_DATA: dict[str, Any] = {
    "components": [
        {"key": "maturity", "weight": 30, "label": "Kematangan"},
        {"key": "replication", "weight": 50},
        {"key": "evidence", "weight": 20},
    ],
    "bands": [
        {"min_score": 0, "label": "Belum dinilai"},
        {"min_score": 60, "label": "Inovatif"},
    ],
}


def points_add_up(s: IndexScore) -> bool:
    return math.isclose(sum(p.points for p in s.parts), s.total, abs_tol=0.05 + 1e-9)


# --- the breakdown ---------------------------------------------------------------------------


def test_default_weights_add_up_to_100() -> None:
    assert DEFAULT_SCHEME.total_weight == 100
    assert tuple(c.key for c in DEFAULT_SCHEME.components) == COMPONENT_KEYS


@pytest.mark.parametrize("facts", [NOTHING, MIDDLING, EVERYTHING])
def test_breakdown_sums_to_the_total(facts: IndexFacts) -> None:
    s = score(facts)
    assert points_add_up(s)
    for p in s.parts:
        assert 0 <= p.sub_score <= 1
        assert p.points == pytest.approx(p.weight * p.sub_score * 100 / 100)


def test_extremes() -> None:
    assert score(EVERYTHING).total == 100
    assert str(score(EVERYTHING).band) == "Very innovative"
    nothing = score(NOTHING)
    # only creation counts: 15 × 1/3
    assert nothing.total == 5.0
    assert str(nothing.band) == "Not yet rated"


def test_sub_scores() -> None:
    subs = sub_scores(MIDDLING)
    assert subs["maturity"] == pytest.approx(2 / 3)
    assert subs["staff"] == 0.5
    assert subs["budget"] == 0.75
    assert subs["benefit"] == 0.5
    assert subs["evidence"] == pytest.approx(0.4)
    assert sub_scores(replace(MIDDLING, staff_count=0))["staff"] == 0
    assert sub_scores(replace(MIDDLING, staff_count=5))["staff"] == 0.75
    assert sub_scores(replace(MIDDLING, budget_idr=100_000_000))["budget"] == 1
    assert sub_scores(replace(MIDDLING, indicators_better=9))["benefit"] == 1


def test_a_stopped_innovation_keeps_half_its_maturity() -> None:
    stopped = replace(EVERYTHING, continuing=False)
    assert sub_scores(stopped)["maturity"] == 0.5
    assert score(stopped).total == pytest.approx(100 - 15 * 0.5)


def test_replication_rewards_spread() -> None:
    one_region = sub_scores(replace(NOTHING, replicas=10, replica_regions=1))["replication"]
    five_regions = sub_scores(replace(NOTHING, replicas=10, replica_regions=5))["replication"]
    assert 0.7 < one_region < five_regions == 1
    # regions are not counted above replicas
    odd = sub_scores(replace(NOTHING, replicas=1, replica_regions=9))["replication"]
    assert odd == sub_scores(replace(NOTHING, replicas=1, replica_regions=1))["replication"]


# --- configuration ---------------------------------------------------------------------------


def test_a_zero_weight_contributes_nothing() -> None:
    data = copy.deepcopy(SCHEME_DATA)
    data["components"][1]["weight"] = 0
    scheme = scheme_from_dict(data)
    s = score(EVERYTHING, scheme)
    replication = next(p for p in s.parts if p.key == "replication")
    assert replication.sub_score == 1 and replication.points == 0
    assert s.total == 100  # the other components carry all of it
    only_replicas = replace(NOTHING, stage="creation", replicas=10, replica_regions=5)
    assert score(only_replicas, scheme).total == pytest.approx(30 / 50 * 100 / 3, abs=0.05)


def test_weights_change_the_result() -> None:
    scheme = scheme_from_dict(SCHEME_DATA)
    facts = replace(NOTHING, replicas=10, replica_regions=1)
    replication = sub_scores(facts)["replication"]
    heavy = score(facts, scheme)
    assert heavy.total == pytest.approx(30 / 3 + 50 * replication, abs=0.05)
    assert str(heavy.band) == "Belum dinilai"
    assert [p.label for p in heavy.parts] == [
        "Kematangan",
        DEFAULT_SCHEME.components[4].label,
        DEFAULT_SCHEME.components[7].label,
    ]
    data = copy.deepcopy(SCHEME_DATA)
    data["components"][1]["weight"] = 100
    heavier = score(facts, scheme_from_dict(data))
    assert heavier.total > heavy.total
    assert str(heavier.band) == "Inovatif"
    assert points_add_up(heavier)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Not yet rated"),
        (24.9, "Not yet rated"),
        (25, "Less innovative"),
        (49.9, "Less innovative"),
        (50, "Innovative"),
        (75, "Very innovative"),
        (100, "Very innovative"),
    ],
)
def test_bands(total: float, band: str) -> None:
    assert str(DEFAULT_SCHEME.band_for(total)) == band


def test_bands_of_a_custom_scheme() -> None:
    scheme = IndexScheme(
        (Component("regulation", "R", 1), Component("evidence", "E", 1)),
        (Band(0, "low"), Band(50, "high")),
    )
    assert score(replace(NOTHING, has_regulation=True), scheme).band == "high"
    assert score(replace(NOTHING, evidence_documents=4), scheme).band == "low"  # 40


def _with(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(SCHEME_DATA)
    *parents, last = path.split(".")
    target: Any = data
    for step in parents:
        target = target[int(step)] if step.isdigit() else target[step]
    if value is _DROP:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


_DROP = object()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "the scheme must be an object"),
        ({**SCHEME_DATA, "extra": 1}, "the scheme has unknown keys: extra"),
        (_with("components", []), "components must be a non-empty list"),
        (_with("components.2.weight", -1), "components.2.weight must be a number ≥ 0"),
        (_with("components.2.weight", "5"), "components.2.weight must be a number ≥ 0"),
        (_with("components.2.weight", True), "components.2.weight must be a number ≥ 0"),
        (_with("components.1.weight", float("nan")), "components.1.weight must be a number ≥ 0"),
        (_with("components.0.weight", _DROP), "components.0.weight must be a number ≥ 0"),
        (_with("components.1.key", "beauty"), "components.1.key must be one of maturity"),
        (_with("components.1.key", "maturity"), "components.1.key 'maturity' appears more"),
        (_with("components.0.label", " "), "components.0.label must be a non-empty text"),
        (_with("components.0.colour", "red"), "components.0 has unknown keys: colour"),
        (_with("components.1", "replication"), "components.1 must be an object"),
        (
            {**SCHEME_DATA, "components": [{"key": "maturity", "weight": 0}]},
            "components: at least one weight must be above 0",
        ),
        (_with("bands", _DROP), "bands must be a non-empty list"),
        (_with("bands.0.min_score", 10), "bands.0.min_score must be 0"),
        (_with("bands.1.min_score", 0), "bands.1.min_score must be above the previous"),
        (_with("bands.1.min_score", 101), "bands.1.min_score must be a number from 0 to 100"),
        (_with("bands.1.min_score", None), "bands.1.min_score must be a number from 0 to 100"),
        (_with("bands.1.label", ""), "bands.1.label must be a non-empty text"),
    ],
)
def test_validation_names_the_bad_part(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")):
        scheme_from_dict(data)


def test_a_valid_scheme() -> None:
    scheme = scheme_from_dict(SCHEME_DATA)
    assert [(c.key, c.weight) for c in scheme.components] == [
        ("maturity", 30),
        ("replication", 50),
        ("evidence", 20),
    ]
    assert [b.min_score for b in scheme.bands] == [0, 60]


# --- aggregate -------------------------------------------------------------------------------


def test_aggregate_is_the_mean() -> None:
    scores = [score(NOTHING), score(MIDDLING), score(EVERYTHING)]
    unit = aggregate(scores)
    assert unit is not None
    assert unit.total == pytest.approx(sum(s.total for s in scores) / 3, abs=0.1)
    assert points_add_up(unit)
    for i, part in enumerate(unit.parts):
        assert part.sub_score == pytest.approx(sum(s.parts[i].sub_score for s in scores) / 3)
    assert str(unit.band) == str(DEFAULT_SCHEME.band_for(unit.total))


def test_aggregate_of_nothing() -> None:
    assert aggregate([]) is None


def test_aggregate_needs_every_component() -> None:
    narrow = scheme_from_dict(SCHEME_DATA)
    with pytest.raises(ValueError, match=r"scores\.0 has no part for the component 'regulation'"):
        aggregate([score(EVERYTHING, narrow)], DEFAULT_SCHEME)


def test_facts_are_checked() -> None:
    with pytest.raises(ValueError, match="stage"):
        replace(NOTHING, stage="done")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="replicas"):
        replace(NOTHING, replicas=-1)


# --- properties ------------------------------------------------------------------------------

facts = st.builds(
    IndexFacts,
    stage=st.sampled_from(["creation", "development", "institutionalisation"]),
    has_regulation=st.booleans(),
    staff_count=st.one_of(st.none(), st.integers(0, 200)),
    budget_idr=st.one_of(st.none(), st.integers(0, 10**12)),
    replicas=st.integers(0, 500),
    replica_regions=st.integers(0, 100),
    has_benefit_evidence=st.booleans(),
    measured_recently=st.booleans(),
    indicators_better=st.integers(0, 20),
    evidence_documents=st.integers(0, 50),
    continuing=st.booleans(),
)
weights = st.lists(st.integers(0, 50), min_size=8, max_size=8).filter(lambda w: sum(w) > 0)


def _scheme(ws: list[int]) -> IndexScheme:
    return IndexScheme(
        tuple(Component(k, k, w) for k, w in zip(COMPONENT_KEYS, ws, strict=True)),
        DEFAULT_SCHEME.bands,
    )


@given(facts, st.integers(1, 100), weights)
def test_more_replicas_never_lower_the_score(f: IndexFacts, more: int, ws: list[int]) -> None:
    scheme = _scheme(ws)
    assert score(replace(f, replicas=f.replicas + more), scheme).total >= score(f, scheme).total


@given(facts, weights)
def test_any_score_is_between_0_and_100_and_adds_up(f: IndexFacts, ws: list[int]) -> None:
    s = score(f, _scheme(ws))
    assert 0 <= s.total <= 100
    assert points_add_up(s)
