from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbung.outcomes.comparison import (
    Comparison,
    Direction,
    Point,
    age_in_months,
    compare,
    normalise,
    summarise,
    value_at,
)


def verdicts(c: Comparison) -> list[str]:
    return [a.verdict for a in c.by_age]


# --- normalising -----------------------------------------------------------------------------


def test_normalise_per_beneficiaries() -> None:
    assert normalise(Point(12, 30, denominator=2000), 1000) == 15
    assert normalise(Point(12, 30), None) == 30
    assert normalise(Point(12, 30, denominator=None), 1000) is None
    assert normalise(Point(12, 30, denominator=0), 1000) is None
    assert normalise(Point(12, 30, denominator=-5), 1000) is None


def test_twice_the_size_with_the_same_rate_is_similar() -> None:
    original = [Point(12, 40, denominator=2000)]
    replica = [Point(12, 80, denominator=4000)]
    c = compare(original, replica, better="higher", per=1000, ages=(12,))
    assert c.verdict == "similar"
    assert c.by_age[0].original is not None and c.by_age[0].original.value == 20
    assert c.by_age[0].difference == 0
    # without the normaliser, the raw counts differ: the bigger replica looks "better"
    assert compare(original, replica, better="higher", per=None, ages=(12,)).verdict == "better"


def test_missing_denominator_is_not_guessed() -> None:
    c = compare(
        [Point(12, 40, denominator=2000)],
        [Point(12, 80, denominator=None)],
        better="higher",
        per=1000,
        ages=(12,),
    )
    assert c.verdict == "unknown"
    assert c.at_age is None
    assert c.by_age[0].replica is None
    assert "replica" in str(c.by_age[0].reason)


# --- alignment -------------------------------------------------------------------------------


def test_measured_at_11_and_13_is_compared_at_12_by_interpolation() -> None:
    replica = [Point(11, 100, margin=2), Point(13, 120, margin=4)]
    a = value_at(replica, 12, per=None)
    assert a is not None
    assert a.interpolated
    assert a.value == pytest.approx(110)
    assert [a.low, a.high] == pytest.approx([107, 113])
    assert a.sources == tuple(replica)
    c = compare([Point(12, 110)], replica, better="higher", per=None, ages=(12,))
    assert c.verdict == "similar"
    assert c.at_age == 12


def test_no_extrapolation() -> None:
    replica = [Point(30, 100)]
    assert value_at(replica, 12, per=None) is None
    c = compare([Point(12, 50), Point(24, 60)], replica, better="higher", per=None)
    assert verdicts(c) == ["unknown", "unknown"]
    assert c.verdict == "unknown"
    # a series is not extended past its last point either
    assert value_at([Point(1, 5), Point(6, 10)], 12, per=None) is None


def test_a_measurement_within_tolerance_counts_as_at_that_age() -> None:
    a = value_at([Point(0, 1), Point(13.5, 50)], 12, per=None)
    assert a is not None and not a.interpolated and a.value == 50
    assert value_at([Point(15.5, 50)], 12, per=None) is None
    assert value_at([Point(15.5, 50)], 12, per=None, tolerance=4) is not None


def test_exact_age_wins_and_the_first_measurement_at_an_age_is_used() -> None:
    a = value_at([Point(11, 1), Point(12, 7), Point(12, 9), Point(13, 3)], 12, per=None)
    assert a is not None and a.value == 7 and not a.interpolated


def test_interpolation_needs_neighbours_close_enough() -> None:
    a = value_at([Point(6, 10), Point(18, 22)], 12, per=None)
    assert a is not None and a.interpolated and a.value == pytest.approx(16)
    assert value_at([Point(0, 10), Point(20, 30)], 12, per=None) is None
    assert value_at([Point(0, 10), Point(20, 30)], 12, per=None, max_gap=24) is not None


def test_unusable_points_are_skipped_not_guessed() -> None:
    points = [Point(11, 10, denominator=None), Point(13, 30, denominator=1000)]
    a = value_at(points, 12, per=1000)
    assert a is not None and not a.interpolated and a.value == 30


def test_not_yet_known_with_too_few_points() -> None:
    c = compare([Point(12, 100), Point(24, 120)], [Point(11, 80)], better="higher", per=None)
    assert verdicts(c) == ["worse", "unknown"]
    assert c.verdict == "worse" and c.at_age == 12
    assert "replica" in str(c.by_age[1].reason)
    empty = compare([], [Point(12, 1)], better="higher", per=None)
    assert empty.verdict == "unknown"
    assert "original" in str(empty.by_age[0].reason)
    neither = compare([], [], better="higher", per=None, ages=(12,))
    assert "Neither" in str(neither.by_age[0].reason)


def test_overall_verdict_is_the_latest_known_age() -> None:
    original = [Point(12, 100), Point(24, 100)]
    replica = [Point(12, 150), Point(24, 80)]
    c = compare(original, replica, better="higher", per=None, ages=(24, 12))
    assert verdicts(c) == ["worse", "better"]
    assert c.verdict == "worse" and c.at_age == 24


# --- verdicts --------------------------------------------------------------------------------


def test_lower_is_better_days_to_issue() -> None:
    original = [Point(12, 14)]  # 14 days to issue a birth certificate
    faster = compare(original, [Point(12, 5)], better="lower", per=None, ages=(12,))
    slower = compare(original, [Point(12, 21)], better="lower", per=None, ages=(12,))
    assert faster.verdict == "better"
    assert slower.verdict == "worse"
    assert faster.by_age[0].difference == -9
    assert faster.by_age[0].relative_difference == pytest.approx(-9 / 14)


@pytest.mark.parametrize(
    ("replica", "expected"),
    [(110, "similar"), (90, "similar"), (110.01, "better"), (89.99, "worse"), (100, "similar")],
)
def test_band_edges(replica: float, expected: str) -> None:
    c = compare([Point(12, 100)], [Point(12, replica)], better="higher", per=None, ages=(12,))
    assert c.verdict == expected


def test_band_is_configurable() -> None:
    c = compare([Point(12, 100)], [Point(12, 120)], better="higher", per=None, similar_within=0.25)
    assert c.by_age[0].verdict == "similar"


def test_overlapping_margins_are_not_yet_known() -> None:
    c = compare(
        [Point(12, 100, margin=15)],
        [Point(12, 125, margin=15)],
        better="higher",
        per=None,
        ages=(12,),
    )
    assert c.verdict == "unknown"
    assert "uncertainty" in str(c.by_age[0].reason)
    apart = compare(
        [Point(12, 100, margin=5)],
        [Point(12, 125, margin=5)],
        better="higher",
        per=None,
        ages=(12,),
    )
    assert apart.verdict == "better"


def test_margins_are_normalised_too() -> None:
    # 100 ± 10 of 2,000 → 50 ± 5 per 1,000; 150 ± 10 of 2,000 → 75 ± 5
    a = value_at([Point(12, 100, denominator=2000, margin=10)], 12, per=1000)
    assert a is not None and (a.low, a.value, a.high) == (45, 50, 55)


def test_original_at_zero() -> None:
    def at_zero(replica: Point, original: Point | None = None) -> str:
        c = compare([original or Point(12, 0)], [replica], better="lower", per=None, ages=(12,))
        return c.verdict

    assert at_zero(Point(12, 0)) == "similar"
    # no declared margins: a difference from 0 cannot be told from noise
    assert at_zero(Point(12, 3)) == "unknown"
    # declared margins that do not overlap: the difference is real
    assert at_zero(Point(12, 3, margin=1), Point(12, 0, margin=1)) == "worse"
    assert at_zero(Point(12, 3, margin=2), Point(12, 0, margin=1)) == "unknown"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="better"):
        compare([], [], better="up", per=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="similar_within"):
        compare([], [], better="higher", per=None, similar_within=-0.1)
    with pytest.raises(ValueError, match="verdict"):
        summarise(["better", "great"])


# --- summarise -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ([], "unknown"),
        (["unknown", "unknown"], "unknown"),
        (["similar", "similar"], "similar"),
        (["better", "similar", "unknown"], "better"),
        (["worse", "similar"], "worse"),
        (["better", "worse"], "similar"),
        (["better", "better", "worse", "unknown", "unknown"], "better"),
        (["worse", "worse", "better", "similar"], "worse"),
    ],
)
def test_summarise(marks: list[str], expected: str) -> None:
    assert summarise(marks) == expected


def test_age_in_months() -> None:
    assert age_in_months(date(2023, 1, 1), date(2024, 1, 1)) == 12.0
    assert age_in_months(date(2023, 1, 1), date(2023, 1, 16)) == 0.5
    assert age_in_months(date(2023, 1, 1), date(2023, 1, 1)) == 0.0
    assert age_in_months(date(2023, 2, 1), date(2023, 1, 1)) == -1.0


# --- properties ------------------------------------------------------------------------------

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
margins = st.one_of(st.none(), st.floats(min_value=0, max_value=1e5))
ages = st.sampled_from([6.0, 11.0, 12.0, 13.0, 14.5, 18.0, 24.0, 30.0])
series = st.lists(st.builds(Point, ages, values, st.none(), margins), max_size=4)
FLIP = {"better": "worse", "worse": "better", "similar": "similar", "unknown": "unknown"}


@given(series, series, st.sampled_from(["higher", "lower"]), st.floats(0, 1))
def test_reversing_the_direction_flips_better_and_worse(
    original: list[Point], replica: list[Point], better: Direction, within: float
) -> None:
    other: Direction = "lower" if better == "higher" else "higher"
    one = compare(original, replica, better=better, per=None, similar_within=within)
    two = compare(original, replica, better=other, per=None, similar_within=within)
    assert verdicts(two) == [FLIP[v] for v in verdicts(one)]


@given(series, series, st.sampled_from(["higher", "lower"]), st.floats(0, 1))
def test_swapping_sides_never_keeps_a_direction(
    original: list[Point], replica: list[Point], better: Direction, within: float
) -> None:
    # the band is relative to the original, so swapping may turn a direction into "similar";
    # it can never keep the direction
    one = compare(original, replica, better=better, per=None, similar_within=within)
    two = compare(replica, original, better=better, per=None, similar_within=within)
    for a, b in zip(verdicts(one), verdicts(two), strict=True):
        if a in ("better", "worse"):
            assert b != a


# positive values: interpolation between them never crosses 0
positive = st.floats(min_value=1e-3, max_value=1e6)
positive_series = st.lists(st.builds(Point, ages, positive, st.none(), margins), max_size=4)


@given(positive_series, positive_series, st.sampled_from(["higher", "lower"]))
def test_swapping_sides_flips_better_and_worse_with_an_exact_band(
    original: list[Point], replica: list[Point], better: Direction
) -> None:
    # with no band (similar only when equal), swapping flips better ↔ worse and keeps the rest
    one = compare(original, replica, better=better, per=None, similar_within=0)
    two = compare(replica, original, better=better, per=None, similar_within=0)
    assert verdicts(two) == [FLIP[v] for v in verdicts(one)]
