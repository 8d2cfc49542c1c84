"""Results maths of a judged stage (lumbung.competitions.scoring), checked against values worked
out by hand in the comments. Pure Python: no database."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest

from lumbung.competitions import scoring
from lumbung.competitions.scoring import (
    Candidate,
    Criterion,
    EntryResult,
    Mark,
    Ranked,
    agreement,
    cut,
    entry_results,
    judge_totals,
    normalise_by_judge,
    rank,
)

# The rubric of the worked example: C1 weighs 3 of 4 (scale 1..5), C2 weighs 1 of 4 (scale 0..10).
# total = 100 * (3/4 * (c1 - 1) / 4 + 1/4 * c2 / 10) = 18.75 * (c1 - 1) + 2.5 * c2
RUBRIC = [Criterion(id=1, weight=3, scale_min=1, scale_max=5), Criterion(2, 1, 0, 10)]

# 3 entries x 2 judges, as (entry, judge, c1, c2):
SHEET = [
    (1, 10, 5, 2),  # 18.75 * 4 + 2.5 * 2   = 75    + 5     = 80
    (2, 10, 3, 5),  # 18.75 * 2 + 2.5 * 5   = 37.5  + 12.5  = 50
    (3, 10, 1, 8),  # 18.75 * 0 + 2.5 * 8   = 0     + 20    = 20
    (1, 20, 3, 9),  # 18.75 * 2 + 2.5 * 9   = 37.5  + 22.5  = 60
    (2, 20, 4, 5.5),  # 18.75 * 3 + 2.5 * 5.5 = 56.25 + 13.75 = 70
    (3, 20, 3, 5),  # 18.75 * 2 + 2.5 * 5   = 37.5  + 12.5  = 50
]
SQRT_1_5 = math.sqrt(1.5)


def sheet_marks() -> list[Mark]:
    return [
        Mark(entry, judge, criterion, value)
        for entry, judge, c1, c2 in SHEET
        for criterion, value in ((1, c1), (2, c2))
    ]


def one_criterion_marks(scores: dict[tuple[int, int], float]) -> list[Mark]:
    """Marks on a single 0..100 criterion (weight 1), where the total equals the value."""
    return [Mark(entry, judge, 1, value) for (entry, judge), value in scores.items()]


HUNDRED = [Criterion(1, 1, 0, 100)]


def result(entry: int, raw: float = 50.0, normalised: float = 0.0, **by: float) -> EntryResult:
    """A hand-made result; criterion means as c1=.., c2=.."""
    by_criterion = {int(name[1:]): value for name, value in by.items()}
    return EntryResult(entry, 2, raw, normalised, by_criterion)


def order(ranked: list[Ranked]) -> list[tuple[int, int, str]]:
    return [(r.rank, r.result.entry, r.tie_break) for r in ranked]


# --- totals and z-scores ----------------------------------------------------------------------


def test_judge_totals_three_entries_two_judges() -> None:
    totals = judge_totals(sheet_marks(), RUBRIC)

    # see SHEET for the arithmetic of each total
    assert totals == pytest.approx(
        {(1, 10): 80, (2, 10): 50, (3, 10): 20, (1, 20): 60, (2, 20): 70, (3, 20): 50}
    )


def test_normalise_by_judge_gives_z_scores_with_population_std() -> None:
    z = normalise_by_judge(judge_totals(sheet_marks(), RUBRIC))

    # judge 10: 80, 50, 20 -> mean 50, deviations +30, 0, -30
    #   population variance (900 + 0 + 900) / 3 = 600, std sqrt(600); z = 30 / sqrt(600) = sqrt(1.5)
    # judge 20: 60, 70, 50 -> mean 60, deviations 0, +10, -10
    #   variance (0 + 100 + 100) / 3 = 200/3, std 10 * sqrt(2/3); z = 1 / sqrt(2/3) = sqrt(1.5)
    assert z == pytest.approx(
        {
            (1, 10): SQRT_1_5,
            (2, 10): 0.0,
            (3, 10): -SQRT_1_5,
            (1, 20): 0.0,
            (2, 20): SQRT_1_5,
            (3, 20): -SQRT_1_5,
        }
    )
    assert list(z) == list(judge_totals(sheet_marks(), RUBRIC))  # keyed like the input


def test_normalise_gives_zero_without_information_about_the_judge() -> None:
    totals = {
        (1, 7): 90.0,  # judge 7 scored one entry only
        (1, 8): 40.0,  # judge 8 gave everyone 40: no spread
        (2, 8): 40.0,
        (3, 8): 40.0 + 1e-12,  # float noise is no spread either
        (1, 9): 70.0,  # judge 9: 70, 30 -> mean 50, std 20, z = +1, -1
        (2, 9): 30.0,
    }

    z = normalise_by_judge(totals)

    assert z == {(1, 7): 0.0, (1, 8): 0.0, (2, 8): 0.0, (3, 8): 0.0, (1, 9): 1.0, (2, 9): -1.0}
    assert normalise_by_judge({}) == {}


def test_entry_results_are_means_over_the_judges() -> None:
    results = entry_results(sheet_marks(), RUBRIC)

    assert [r.entry for r in results] == [1, 2, 3]
    assert [r.judges for r in results] == [2, 2, 2]
    # raw: (80 + 60) / 2 = 70, (50 + 70) / 2 = 60, (20 + 50) / 2 = 35
    assert [r.raw for r in results] == pytest.approx([70, 60, 35])
    # normalised: (sqrt1.5 + 0) / 2, (0 + sqrt1.5) / 2, (-sqrt1.5 - sqrt1.5) / 2
    assert [r.normalised for r in results] == pytest.approx([SQRT_1_5 / 2, SQRT_1_5 / 2, -SQRT_1_5])
    # by criterion, on the original scales: C1 (5+3)/2, (3+4)/2, (1+3)/2; C2 (2+9)/2, (5+5.5)/2,
    # (8+5)/2
    assert [r.by_criterion for r in results] == [
        {1: 4.0, 2: 5.5},
        {1: 3.5, 2: 5.25},
        {1: 2.0, 2: 6.5},
    ]


def test_incomplete_scoring_is_left_out_never_a_partial_total() -> None:
    marks = [
        *sheet_marks(),
        Mark(1, 30, 1, 5),  # judge 30 marked C1 of entry 1 but not C2
        Mark(4, 10, 2, 10),  # entry 4: only C2, by one judge
    ]

    totals = judge_totals(marks, RUBRIC)
    results = entry_results(marks, RUBRIC)

    assert (1, 30) not in totals
    assert (4, 10) not in totals
    assert len(totals) == 6
    assert [r.entry for r in results] == [1, 2, 3]  # entry 4 has no complete total
    assert results[0].judges == 2
    assert results[0].raw == pytest.approx(70)  # judge 30's C1 is in no mean
    assert results[0].by_criterion[1] == pytest.approx(4.0)


def test_an_entry_needs_only_one_complete_judge() -> None:
    marks = [*sheet_marks(), Mark(4, 10, 1, 2), Mark(4, 10, 2, 6)]  # 18.75 + 15 = 33.75

    results = {r.entry: r for r in entry_results(marks, RUBRIC)}

    assert results[4].judges == 1
    assert results[4].raw == pytest.approx(33.75)
    assert results[4].by_criterion == {1: 2.0, 2: 6.0}


@pytest.mark.parametrize("value", [0.99, 5.01, -1.0, math.nan])
def test_value_outside_the_scale_raises(value: float) -> None:
    with pytest.raises(ValueError, match="scale"):
        judge_totals([Mark(1, 1, 1, value), Mark(1, 1, 2, 5)], RUBRIC)


def test_scale_ends_are_inside_the_scale() -> None:
    low = [Mark(1, 1, 1, 1), Mark(1, 1, 2, 0)]
    high = [Mark(2, 1, 1, 5), Mark(2, 1, 2, 10)]

    assert judge_totals(low + high, RUBRIC) == pytest.approx({(1, 1): 0.0, (2, 1): 100.0})


def test_data_errors_raise() -> None:
    with pytest.raises(ValueError, match="unknown criterion"):
        judge_totals([Mark(1, 1, 99, 3)], RUBRIC)
    with pytest.raises(ValueError, match="two marks"):
        judge_totals([Mark(1, 1, 1, 3), Mark(1, 1, 1, 4)], RUBRIC)
    with pytest.raises(ValueError, match="at least one criterion"):
        judge_totals([], [])
    with pytest.raises(ValueError, match="twice"):
        judge_totals([], [Criterion(1, 1, 1, 5), Criterion(1, 2, 1, 5)])
    with pytest.raises(ValueError, match="weight"):
        judge_totals([], [Criterion(1, 0, 1, 5)])
    with pytest.raises(ValueError, match="scale_max"):
        judge_totals([], [Criterion(1, 1, 5, 5)])


# --- ranking ----------------------------------------------------------------------------------


def test_rank_worked_example_normalised_then_raw() -> None:
    ranked = rank(entry_results(sheet_marks(), RUBRIC), RUBRIC)

    # entries 1 and 2 both have normalised sqrt(1.5)/2 (from different judges' floats: rounded to
    # 9 decimals they are equal); raw 70 > 60 puts entry 1 first. Entry 3 (-sqrt1.5) is below on
    # the normalised mean.
    assert order(ranked) == [(1, 1, ""), (2, 2, "raw"), (3, 3, "normalised")]


def test_lenient_and_harsh_judges_are_equal_after_normalisation() -> None:
    # Two panels on one 0..100 criterion: the lenient judge 1 sees entries 1 and 2, the harsh
    # judge 2 sees entries 3 and 4; each panel has one stronger and one weaker entry.
    marks = one_criterion_marks({(1, 1): 90, (2, 1): 80, (3, 2): 60, (4, 2): 50})
    results = entry_results(marks, HUNDRED)

    # judge 1: mean 85, population std 5 -> z +1, -1; judge 2: mean 55, std 5 -> z +1, -1
    assert [r.normalised for r in results] == pytest.approx([1, -1, 1, -1])
    # normalised first: the two panel winners lead and only the raw mean orders them
    assert order(rank(results, HUNDRED)) == [
        (1, 1, ""),
        (2, 3, "raw"),
        (3, 2, "normalised"),
        (4, 4, "raw"),
    ]
    # raw only: the harsh panel's winner (60) falls behind the lenient panel's runner-up (80)
    assert order(rank(results, HUNDRED, use_normalised=False)) == [
        (1, 1, ""),
        (2, 2, "raw"),
        (3, 3, "raw"),
        (4, 4, "raw"),
    ]


def test_lenient_and_harsh_judges_share_a_rank_when_everything_else_is_equal() -> None:
    # Both judges see both entries and disagree on which is better. The lenient judge 1 gives
    # 90 and 70 (mean 80, std 10). The harsh judge 2 gives 30 and 50 (mean 40, std 10).
    #   entry 1: 90 (z +1) and 30 (z -1) -> raw 60, normalised 0, criterion mean 60
    #   entry 2: 70 (z -1) and 50 (z +1) -> raw 60, normalised 0, criterion mean 60
    # Nothing separates the entries, so they share rank 1.
    marks = one_criterion_marks({(1, 1): 90, (2, 1): 70, (1, 2): 30, (2, 2): 50})
    results = entry_results(marks, HUNDRED)

    assert [(r.raw, r.normalised) for r in results] == [(60, 0), (60, 0)]
    assert order(rank(results, HUNDRED)) == [(1, 1, ""), (1, 2, "tied")]


def test_rank_tie_break_by_criteria_in_descending_weight_then_id() -> None:
    # weights: C3 = 5, C2 = 2, C4 = 2, C1 = 1 -> order C3, C2 (id 2 before 4), C4, C1
    criteria = [
        Criterion(1, 1, 0, 10),
        Criterion(2, 2, 0, 10),
        Criterion(3, 5, 0, 10),
        Criterion(4, 2, 0, 10),
    ]
    results = [
        result(11, c1=9, c2=5, c3=7, c4=5),  # same raw and normalised for all five
        result(12, c1=0, c2=5, c3=8, c4=1),  # best on C3, the heaviest
        result(13, c1=9, c2=6, c3=7, c4=0),  # equal C3, better on C2 than 11 and 14
        result(14, c1=0, c2=5, c3=7, c4=6),  # equal C3 and C2, better on C4 than 11
        result(15, c1=1, c2=5, c3=7, c4=5),  # equal to 11 but for C1 (the lightest)
    ]

    assert order(rank(results, criteria)) == [
        (1, 12, ""),
        (2, 13, "criterion:3"),
        (3, 14, "criterion:2"),
        (4, 11, "criterion:4"),
        (5, 15, "criterion:1"),
    ]


def test_rank_shared_ranks_are_1_2_2_4_listed_by_entry_id() -> None:
    results = [
        result(9, raw=70, c1=5),
        result(4, raw=80, c1=5),
        result(7, raw=70, c1=5),  # equal to entry 9 on everything
        result(2, raw=60, c1=5),
    ]

    assert order(rank(results, HUNDRED)) == [
        (1, 4, ""),
        (2, 7, "raw"),
        (2, 9, "tied"),
        (4, 2, "raw"),
    ]


def test_rank_normalised_wins_over_raw() -> None:
    results = [result(1, raw=90, normalised=-0.5), result(2, raw=40, normalised=0.5)]

    assert order(rank(results, HUNDRED)) == [(1, 2, ""), (2, 1, "normalised")]
    assert order(rank(results, HUNDRED, use_normalised=False)) == [(1, 1, ""), (2, 2, "raw")]


def test_float_noise_never_decides_a_rank() -> None:
    results = [
        result(1, raw=0.1 + 0.2, normalised=1 / 3, c1=0.3),  # 0.30000000000000004
        result(2, raw=0.3, normalised=0.1 / 0.3, c1=0.1 * 3),  # 0.3333333333333333 vs 1/3
        result(3, raw=0.3 + 2e-9, normalised=1 / 3, c1=0.3),  # a real difference at 9 decimals
    ]

    assert order(rank(results, HUNDRED)) == [(1, 3, ""), (2, 1, "raw"), (2, 2, "tied")]


def test_rank_of_nothing_is_empty() -> None:
    assert rank([], HUNDRED) == []


# --- agreement (Krippendorff's alpha, interval) -----------------------------------------------

FIVE = [Criterion(1, 1, 1, 5)]


def test_agreement_interval_alpha_by_hand_for_a_2x4_matrix() -> None:
    # judges x entries:  judge 1: 1 2 3 4
    #                    judge 2: 1 2 3 5
    # n = 8 pairable values; only entry 4 has a disagreement (4 vs 5).
    # D_o = (1/n) * sum_u [ sum_{i!=j} (v_ui - v_uj)^2 / (m_u - 1) ]
    #     = (1/8) * ((4-5)^2 + (5-4)^2) / (2-1) = 2/8 = 0.25
    # D_e = (1 / (n(n-1))) * sum_{c!=k} (v_c - v_k)^2 over the pooled values {1,1,2,2,3,3,4,5}:
    #     sum over unordered pairs = n * sum(v^2) - (sum v)^2 = 8 * 69 - 21^2 = 552 - 441 = 111,
    #     ordered pairs 222, D_e = 222 / (8 * 7) = 222/56
    # alpha = 1 - D_o / D_e = 1 - 0.25 * 56/222 = 1 - 14/222 = 1 - 7/111 = 104/111 = 0.936936...
    marks = [Mark(e, 1, 1, v) for e, v in zip([1, 2, 3, 4], [1, 2, 3, 4], strict=True)] + [
        Mark(e, 2, 1, v) for e, v in zip([1, 2, 3, 4], [1, 2, 3, 5], strict=True)
    ]

    assert agreement(marks, FIVE) == {1: pytest.approx(104 / 111)}


def test_agreement_perfect_is_one() -> None:
    marks = [Mark(entry, judge, 1, entry) for entry in (1, 2, 3) for judge in (1, 2, 3)]

    assert agreement(marks, FIVE) == {1: 1.0}


def test_agreement_closed_form_equals_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same statistic by the package and, past the cost budget, by the closed form: a 0..100
    # scale, 4 judges, 30 entries, each judge missing some entries.
    rng = random.Random(7)
    quality = {entry: rng.uniform(10, 90) for entry in range(30)}
    marks = [
        Mark(entry, judge, 1, round(min(100, max(0, q + rng.gauss(0, 12)))))
        for entry, q in quality.items()
        for judge in range(4)
        if rng.random() < 0.8
    ]
    matrix = np.full((4, 30), np.nan)
    for mark in marks:
        matrix[mark.judge, mark.entry] = mark.value
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")

    by_package = agreement(marks, HUNDRED)[1]
    monkeypatch.setattr(scoring, "_LIBRARY_CELL_BUDGET", 0)
    by_closed_form = agreement(marks, HUNDRED)[1]

    assert 0.5 < expected < 1
    assert by_package == pytest.approx(expected, abs=1e-12)
    assert by_closed_form == pytest.approx(expected, abs=1e-12)


def test_agreement_is_none_when_it_cannot_be_computed() -> None:
    criteria = [Criterion(1, 1, 1, 5), Criterion(2, 1, 1, 5), Criterion(3, 1, 1, 5)]
    marks = [
        # C1: two judges on entry 1 only; entry 2 has one judge -> one pairable entry
        Mark(1, 1, 1, 3),
        Mark(1, 2, 1, 4),
        Mark(2, 1, 1, 5),
        # C2: three entries, two judges, everyone gave 4 -> no variation
        *(Mark(entry, judge, 2, 4) for entry in (1, 2, 3) for judge in (1, 2)),
        # C3: no marks at all
    ]

    assert agreement(marks, criteria) == {1: None, 2: None, 3: None}
    assert agreement([], FIVE) == {1: None}


def test_agreement_can_be_negative_and_still_validates_marks() -> None:
    # judge 1: 1 5, judge 2: 5 1 -> D_o = (1/4) * (2 * 16 + 2 * 16) = 16
    # pooled {1,5,5,1}: unordered sum = 4 * 52 - 12^2 = 64, ordered 128, D_e = 128 / 12
    # alpha = 1 - 16 * 12/128 = 1 - 1.5 = -0.5
    marks = [Mark(1, 1, 1, 1), Mark(2, 1, 1, 5), Mark(1, 2, 1, 5), Mark(2, 2, 1, 1)]

    assert agreement(marks, FIVE) == {1: pytest.approx(-0.5)}
    with pytest.raises(ValueError, match="scale"):
        agreement([*marks, Mark(3, 1, 1, 6)], FIVE)


# --- cut --------------------------------------------------------------------------------------


def ranking(*ranks: int) -> list[Ranked]:
    """Entries 1, 2, 3 ... with the given ranks, best first."""
    return [Ranked(r, result(entry), "") for entry, r in enumerate(ranks, start=1)]


def candidates(*rows: tuple[str, str, str, bool]) -> dict[int, Candidate]:
    """(group, agency type, region, remote) for entries 1, 2, 3 ..."""
    return {
        entry: Candidate(entry, group, kind, region, remote)
        for entry, (group, kind, region, remote) in enumerate(rows, start=1)
    }


def test_cut_takes_the_best_per_group_in_rank_order_with_balance() -> None:
    people = candidates(
        ("local", "regency", "Papua", True),  # 1
        ("ministry", "ministry", "DKI Jakarta", False),  # 2
        ("local", "city", "Jawa Barat", False),  # 3
        ("local", "regency", "Papua", True),  # 4
        ("ministry", "ministry", "DKI Jakarta", False),  # 5
        ("state-owned", "company", "Bali", False),  # 6: a group without a quota
    )

    result_ = cut(ranking(1, 2, 3, 4, 5, 6), people, {"local": 2, "ministry": 1, "empty": 3})

    assert result_.by_group == {"local": [1, 3], "ministry": [2], "empty": []}
    assert result_.selected == [1, 2, 3]
    assert result_.balance == {
        "agency_type": {"city": 1, "ministry": 1, "regency": 1},
        "region": {"DKI Jakarta": 1, "Jawa Barat": 1, "Papua": 1},
        "remote": {"yes": 1, "no": 2},
    }


def test_cut_takes_every_entry_tied_at_the_boundary() -> None:
    people = candidates(*[("local", "regency", "Aceh", False)] * 5)

    # ranks 1, 2, 2, 2, 5 with a quota of 2: the second place is shared by three entries
    assert cut(ranking(1, 2, 2, 2, 5), people, {"local": 2}).selected == [1, 2, 3, 4]
    # a quota of 1 ends before the tie: nothing of it is taken
    assert cut(ranking(1, 2, 2, 2, 5), people, {"local": 1}).selected == [1]
    # a quota of 4 ends exactly after the tie
    assert cut(ranking(1, 2, 2, 2, 5), people, {"local": 4}).selected == [1, 2, 3, 4]
    assert cut(ranking(1, 2, 2, 2, 5), people, {"local": 0}).selected == []


def test_cut_skips_an_entry_over_its_agency_type_cap_and_takes_the_next() -> None:
    people = candidates(
        ("local", "regency", "Papua", True),  # 1
        ("local", "regency", "Maluku", True),  # 2
        ("local", "regency", "Aceh", False),  # 3: a third regency, over the cap of 2
        ("local", "city", "Bali", False),  # 4
        ("local", "province", "Riau", False),  # 5: uncapped type
        ("local", "city", "Bali", False),  # 6
    )

    chosen = cut(ranking(1, 2, 3, 4, 5, 6), people, {"local": 4}, per_agency_type={"regency": 2})

    assert chosen.selected == [1, 2, 4, 5]
    assert chosen.balance == {
        "agency_type": {"city": 1, "province": 1, "regency": 2},
        "region": {"Bali": 1, "Maluku": 1, "Papua": 1, "Riau": 1},
        "remote": {"yes": 2, "no": 2},
    }
    # caps count within each group
    people[4] = Candidate(4, "other", "regency", "Bali", False)
    split = cut(
        ranking(1, 2, 3, 4, 5, 6), people, {"local": 3, "other": 1}, per_agency_type={"regency": 1}
    )
    assert split.by_group == {"local": [1, 5, 6], "other": [4]}
    assert split.selected == [1, 4, 5, 6]


def test_cut_skips_an_entry_over_its_province_cap_and_takes_the_next() -> None:
    people = candidates(
        ("local", "city", "Bali", False),  # 1
        ("local", "regency", "Bali", False),  # 2: a second of Bali, at the cap of 2
        ("local", "regency", "Bali", False),  # 3: a third of Bali, skipped
        ("local", "city", "Papua", True),  # 4
    )

    chosen = cut(ranking(1, 2, 3, 4), people, {"local": 3}, per_region=2)

    assert chosen.selected == [1, 2, 4]
    assert chosen.balance["region"] == {"Bali": 2, "Papua": 1}
    # both caps at once: a regency of Papua may not pass a regency cap of 1
    both = cut(
        ranking(1, 2, 3, 4), people, {"local": 3}, per_region=2, per_agency_type={"regency": 1}
    )
    assert both.selected == [1, 2, 4]


def test_cut_cap_never_splits_a_tie() -> None:
    people = candidates(
        ("local", "city", "Bali", False),  # 1
        ("local", "regency", "Papua", True),  # 2 and 3 share rank 2, both regencies
        ("local", "regency", "Aceh", False),
        ("local", "city", "Riau", False),  # 4
    )

    # one regency allowed, none taken before rank 2: both tied regencies go in together
    chosen = cut(ranking(1, 2, 2, 4), people, {"local": 3}, per_agency_type={"regency": 1})

    assert chosen.selected == [1, 2, 3]


def test_cut_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="no candidate"):
        cut(ranking(1, 2), candidates(("local", "city", "Bali", False)), {"local": 2})
    with pytest.raises(ValueError, match="negative"):
        cut([], {}, {"local": -1})


# --- a national round's size ------------------------------------------------------------------


def test_a_round_of_3500_entries_3_judges_5_criteria() -> None:
    # 52,500 marks: each entry has a hidden quality, each judge a leniency, marks are noisy.
    criteria = [
        Criterion(1, 30, 1, 5),
        Criterion(2, 25, 1, 5),
        Criterion(3, 20, 1, 10),
        Criterion(4, 15, 0, 10),
        Criterion(5, 10, 0, 100),  # a fine scale: agreement past the package's cost budget
    ]
    rng = random.Random(2024)
    marks = []
    for entry in range(1, 3501):
        quality = rng.random()
        for judge in (1, 2, 3):
            lean = (judge - 2) * 0.05
            for c in criteria:
                span = c.scale_max - c.scale_min
                noisy = quality + lean + rng.gauss(0, 0.05)
                value = round(c.scale_min + span * min(1.0, max(0.0, noisy)))
                marks.append(Mark(entry, judge, c.id, value))
    assert len(marks) == 52_500

    results = entry_results(marks, criteria)
    ranked = rank(results, criteria)
    alphas = agreement(marks, criteria)

    assert len(results) == 3500
    assert all(r.judges == 3 and 0 <= r.raw <= 100 for r in results)
    # every judge scored every entry, so the z-scores of each judge sum to 0, and so do the means
    assert math.fsum(r.normalised for r in results) == pytest.approx(0, abs=1e-6)
    assert len(ranked) == 3500 and ranked[0].rank == 1
    for position, item in enumerate(ranked[1:], start=2):
        if item.tie_break == "tied":
            assert item.rank == ranked[position - 2].rank
        else:
            assert item.rank == position
    assert [round(r.result.normalised, 9) for r in ranked] == sorted(
        (round(r.normalised, 9) for r in results), reverse=True
    )
    assert set(alphas) == {1, 2, 3, 4, 5}
    assert all(a is not None and 0.5 < a < 1 for a in alphas.values())
