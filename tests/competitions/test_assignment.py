"""The automatic assignment of judges to entries (lumbung.competitions.assignment): pure Python."""

from __future__ import annotations

import random
import time
from collections.abc import Collection, Mapping, Sequence
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung.competitions.assignment import EntryToAssign, Judge, Plan, assign, eligible

Existing = dict[int, frozenset[int]]
World = tuple[list[EntryToAssign], list[Judge], int, Existing]  # entries, judges, per_entry, …


def judge(
    id: int, *agencies: int, conflicts: Collection[int] = (), capacity: int | None = None
) -> Judge:
    return Judge(id, frozenset(agencies), frozenset(conflicts), capacity)


def entries_of(*agencies: int) -> list[EntryToAssign]:
    """Entries 1, 2, … of the given agencies."""
    return [EntryToAssign(i, agency) for i, agency in enumerate(agencies, start=1)]


def judges_by_entry(
    plan: Plan, existing: Mapping[int, Collection[int]] | None = None
) -> dict[int, set[int]]:
    """Entry id -> every judge it holds after the plan (existing and new)."""
    held: dict[int, set[int]] = {e: set(js) for e, js in (existing or {}).items()}
    for entry_id, judge_id in plan.pairs:
        held.setdefault(entry_id, set()).add(judge_id)
    return held


def spread(plan: Plan, judges: Sequence[Judge]) -> int:
    loads = [plan.load[j.id] for j in judges if j.capacity is None]
    return max(loads) - min(loads) if loads else 0


def check_invariants(
    plan: Plan,
    entries: Sequence[EntryToAssign],
    judges: Sequence[Judge],
    per_entry: int,
    existing: Mapping[int, Collection[int]],
) -> None:
    """Everything assign() promises whatever the world (raises AssertionError otherwise)."""
    entry_by_id = {e.id: e for e in entries}
    judge_by_id = {j.id: j for j in judges}
    # new pairs: sorted, distinct, new, of known entries and judges, never ineligible
    assert plan.pairs == sorted(set(plan.pairs))
    for entry_id, judge_id in plan.pairs:
        assert judge_id not in existing.get(entry_id, ())
        assert eligible(entry_by_id[entry_id], judge_by_id[judge_id])
    # load: existing + new, every judge listed; capacity never exceeded by a new pair
    assert set(plan.load) == set(judge_by_id)
    for j in judges:
        before = sum(1 for js in existing.values() if j.id in js)
        added = sum(1 for _, judge_id in plan.pairs if judge_id == j.id)
        assert plan.load[j.id] == before + added
        if j.capacity is not None and added:
            assert plan.load[j.id] <= j.capacity
    # per entry: never over-filled; short exactly what is missing; short only when nobody is left
    held = judges_by_entry(plan, existing)
    assert all(lack > 0 for lack in plan.short.values())
    for e in entries:
        mine = held.get(e.id, set())
        added = len(mine) - len(set(existing.get(e.id, ())))
        assert added <= max(0, per_entry - len(set(existing.get(e.id, ()))))
        assert plan.short.get(e.id, 0) == max(0, per_entry - len(mine))
        if e.id in plan.short:
            spare = [
                j.id
                for j in judges
                if eligible(e, j)
                and j.id not in mine
                and (j.capacity is None or plan.load[j.id] < j.capacity)
            ]
            assert spare == [], f"entry {e.id} is short while judges {spare} could take it"
    assert set(plan.short) <= set(entry_by_id)


# -- eligibility -------------------------------------------------------------------------------


def test_eligible_excludes_own_agency_and_conflicts() -> None:
    entry = EntryToAssign(7, agency_id=3)
    assert eligible(entry, judge(1, 4))
    assert eligible(entry, judge(1))  # a judge of no agency
    assert not eligible(entry, judge(1, 3))
    assert not eligible(entry, judge(1, 4, conflicts={7}))
    assert eligible(entry, judge(1, 4, conflicts={8}))


def test_a_judge_of_several_agencies_judges_none_of_their_entries() -> None:
    j = judge(1, 1, 2, 3)
    assert [eligible(EntryToAssign(i, i), j) for i in (1, 2, 3, 4)] == [False, False, False, True]

    entries = entries_of(1, 2, 3, 4, 1, 2, 3, 4)
    judges = [j, judge(2, 9), judge(3, 9)]
    plan = assign(entries, judges, per_entry=2)
    check_invariants(plan, entries, judges, 2, {})
    assert {e for e, jid in plan.pairs if jid == 1} == {4, 8}
    assert plan.short == {}


def test_per_entry_below_one_is_refused() -> None:
    for per_entry in (0, -1):
        with pytest.raises(ValueError, match="per_entry"):
            assign(entries_of(1), [judge(1, 2)], per_entry=per_entry)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="entries"):
        assign([EntryToAssign(1, 1), EntryToAssign(1, 2)], [judge(1, 3)])
    with pytest.raises(ValueError, match="judges"):
        assign(entries_of(1), [judge(1, 2), judge(1, 3)])


# -- filling and eligibility -------------------------------------------------------------------


def test_every_entry_gets_its_judges_and_no_pair_is_ineligible() -> None:
    entries = entries_of(1, 1, 2, 2, 3, 3, 4, 4, 5, 5)
    judges = [
        judge(1, 1),
        judge(2, 2, conflicts={5, 6}),
        judge(3, 3, 4),
        judge(4, 5, conflicts={1}),
        judge(5, 1, 2),
        judge(6),
    ]
    plan = assign(entries, judges, per_entry=3)
    check_invariants(plan, entries, judges, 3, {})
    by_id = {e.id: e for e in entries}
    judge_by_id = {j.id: j for j in judges}
    for entry_id, judge_id in plan.pairs:  # every pair, checked again by name
        entry, j = by_id[entry_id], judge_by_id[judge_id]
        assert entry.agency_id not in j.agency_ids
        assert entry.id not in j.conflicts
    assert plan.short == {}
    assert {e: len(js) for e, js in judges_by_entry(plan).items()} == dict.fromkeys(range(1, 11), 3)


def test_an_entry_nobody_can_judge_is_reported_short() -> None:
    entries = entries_of(1, 2, 2)
    judges = [judge(1, 1), judge(2, 1, 3), judge(3, 4, conflicts={3})]
    plan = assign(entries, judges, per_entry=2)
    check_invariants(plan, entries, judges, 2, {})
    # entry 1 (agency 1): only judge 3; entry 2: all three; entry 3: judges 1 and 2
    assert plan.short == {1: 1}
    assert sorted(judges_by_entry(plan)[1]) == [3]

    plan = assign(entries_of(1), [judge(1, 1), judge(2, 1, 2)], per_entry=2)
    assert plan == Plan(pairs=[], load={1: 0, 2: 0}, short={1: 2})


def test_no_judges_at_all() -> None:
    assert assign(entries_of(1, 2), [], per_entry=1) == Plan(pairs=[], load={}, short={1: 1, 2: 1})
    assert assign([], [judge(1, 1)]) == Plan(pairs=[], load={1: 0}, short={})


# -- balance -----------------------------------------------------------------------------------


def test_unconstrained_load_is_even() -> None:
    entries = entries_of(*[9] * 10)
    judges = [judge(j, 1) for j in (1, 2, 3, 4)]
    plan = assign(entries, judges, per_entry=2)
    check_invariants(plan, entries, judges, 2, {})
    assert plan.load == {1: 5, 2: 5, 3: 5, 4: 5}
    assert plan.short == {}
    assert all(len(js) == 2 for js in judges_by_entry(plan).values())


@pytest.mark.parametrize(
    ("n_entries", "n_judges", "per_entry"),
    [(1, 3, 2), (7, 3, 2), (11, 5, 3), (50, 7, 4), (9, 9, 1)],
)
def test_unconstrained_spread_is_at_most_one(n_entries: int, n_judges: int, per_entry: int) -> None:
    entries = entries_of(*[100 + i for i in range(n_entries)])
    judges = [judge(j, j) for j in range(1, n_judges + 1)]
    plan = assign(entries, judges, per_entry=per_entry)
    check_invariants(plan, entries, judges, per_entry, {})
    assert plan.short == {}
    assert spread(plan, judges) <= 1
    assert sum(plan.load.values()) == n_entries * per_entry


def test_exchange_chains_even_out_what_the_greedy_step_leaves_uneven() -> None:
    # Both entries have three eligible judges. Taken in turn, entry 1 gets judges 1 and 3, then
    # entry 2 gets judge 2 and again judge 1 (4 is ineligible): loads 2, 1, 1, 0. Entry 1 can
    # hand judge 1 over to judge 4.
    entries = entries_of(1, 3)
    judges = [judge(1, 2), judge(2, 1), judge(3), judge(4, 3)]
    plan = assign(entries, judges, per_entry=2)
    check_invariants(plan, entries, judges, 2, {})
    assert plan.load == {1: 1, 2: 1, 3: 1, 4: 1}
    assert plan.pairs == [(1, 3), (1, 4), (2, 1), (2, 2)]


def test_exchange_chains_also_lift_the_least_loaded_judge() -> None:
    # As above, plus judge 5 who already holds 3 entries elsewhere and may judge none of these:
    # the maximum (3) cannot come down, but judge 4 can still be lifted from 0 to 1.
    entries = entries_of(1, 3)
    judges = [judge(1, 2), judge(2, 1), judge(3), judge(4, 3), judge(5, 1, 3)]
    existing = {90: {5}, 91: {5}, 92: {5}}
    plan = assign(entries, judges, per_entry=2, existing=existing)
    check_invariants(plan, entries, judges, 2, existing)
    assert plan.load == {1: 1, 2: 1, 3: 1, 4: 1, 5: 3}


def test_balance_when_eligibility_binds_is_as_good_as_it_gets() -> None:
    # Judge 1 may judge every entry, judges 2 and 3 only the entries of agency 1 (the first 3).
    entries = entries_of(1, 1, 1, 2, 2, 2, 2)
    judges = [judge(1, 9), judge(2, 2), judge(3, 2)]
    plan = assign(entries, judges, per_entry=1)
    check_invariants(plan, entries, judges, 1, {})
    # agency 2's four entries can only go to judge 1 (load 4); the other three entries are best
    # shared by judges 2 and 3 (2 and 1): a spread of 3, the smallest possible
    assert plan.load[1] == 4
    assert sorted(plan.load.values()) == [1, 2, 4]


# -- determinism -------------------------------------------------------------------------------


def test_the_same_input_gives_the_same_plan_whatever_its_order() -> None:
    rng = random.Random(4)
    entries = [EntryToAssign(i, rng.randint(1, 6)) for i in range(1, 40)]
    judges = [
        judge(j, rng.randint(1, 6), conflicts=rng.sample(range(1, 40), 3), capacity=None)
        for j in range(1, 9)
    ]
    existing = {1: frozenset({1, 2}), 5: frozenset({3})}
    plan = assign(entries, judges, per_entry=3, existing=existing)
    assert assign(entries, judges, per_entry=3, existing=existing) == plan
    for _ in range(5):
        shuffled_entries, shuffled_judges = entries[:], judges[:]
        rng.shuffle(shuffled_entries)
        rng.shuffle(shuffled_judges)
        again = assign(shuffled_entries, shuffled_judges, per_entry=3, existing=existing)
        assert again == plan


def test_ties_go_to_the_lowest_id() -> None:
    plan = assign(entries_of(5), [judge(3, 1), judge(1, 1), judge(2, 1)], per_entry=2)
    assert plan.pairs == [(1, 1), (1, 2)]


# -- existing assignments ----------------------------------------------------------------------


def test_existing_pairs_are_kept_counted_and_never_duplicated() -> None:
    entries = entries_of(1, 1, 2, 2)
    judges = [judge(1, 1), judge(2, 2), judge(3, 3), judge(4, 4)]
    existing = {
        1: [3],  # counts toward entry 1's two judges
        2: [1, 3, 4],  # judge 1 is of entry 2's agency: kept all the same; entry 2 is full
        3: [3, 3],  # a repeated id counts once
    }
    plan = assign(entries, judges, per_entry=2, existing=existing)
    check_invariants(plan, entries, judges, 2, existing)
    held = judges_by_entry(plan, existing)
    assert not any(e == 2 for e, _ in plan.pairs)  # entry 2 already has 3: nothing added
    assert held[2] == {1, 3, 4}  # and nothing removed, the ineligible judge 1 included
    assert all(len(held[e]) >= 2 for e in (1, 2, 3, 4))
    assert all(j not in existing.get(e, ()) for e, j in plan.pairs)
    assert plan.short == {}
    # loads: judge 3 holds 3 existing pairs, so the new ones go to the others
    assert plan.load[3] == 3
    assert sum(plan.load.values()) == 5 + len(plan.pairs)
    assert len(plan.pairs) == 1 + 1 + 2


def test_existing_load_steers_new_assignments() -> None:
    # Judge 1 already holds 4 entries of another part of the stage (entries 90..93, not in this
    # run): the 6 new pairs go to judges 2 and 3 until they catch up.
    existing = {90: {1}, 91: {1}, 92: {1}, 93: {1}, 94: {99}}  # 99: a judge not in the pool
    entries = entries_of(5, 5, 5, 5, 5, 5)
    judges = [judge(1, 1), judge(2, 1), judge(3, 1)]
    plan = assign(entries, judges, per_entry=1, existing=existing)
    check_invariants(plan, entries, judges, 1, existing)
    assert plan.load == {1: 4, 2: 3, 3: 3}
    assert all(j != 1 for _, j in plan.pairs)


def test_an_existing_judge_outside_the_pool_still_counts_for_the_entry() -> None:
    plan = assign(entries_of(1), [judge(1, 2), judge(2, 2)], per_entry=2, existing={1: {77}})
    assert plan.pairs == [(1, 1)]
    assert plan.short == {}


# -- capacity ----------------------------------------------------------------------------------


def test_capacity_is_never_exceeded_and_existing_pairs_use_it() -> None:
    entries = entries_of(*[1] * 8)
    judges = [judge(1, 2, capacity=2), judge(2, 2, capacity=3), judge(3, 2)]
    existing = {100: {2}, 101: {2}}  # judge 2 has room for one more
    plan = assign(entries, judges, per_entry=1, existing=existing)
    check_invariants(plan, entries, judges, 1, existing)
    assert plan.load == {1: 2, 2: 3, 3: 5}
    assert plan.short == {}


def test_a_judge_already_over_capacity_gets_nothing_more() -> None:
    plan = assign(
        entries_of(1), [judge(1, 2, capacity=1)], per_entry=1, existing={50: {1}, 51: {1}}
    )
    assert plan == Plan(pairs=[], load={1: 2}, short={1: 1})


def test_tight_capacities_are_filled_by_moving_earlier_choices() -> None:
    # Taken in turn, entry 1 gets judge 2 (its only one), entry 2 judge 1, entry 3 judge 1 again
    # (judge 1 is now full), and entry 4, whose only judges are 1 and 2, is left out. Giving entry
    # 2 to judge 3 instead frees judge 1 for entry 4.
    entries = entries_of(2, 1, 1, 2)
    judges = [
        judge(1, conflicts={1}, capacity=2),
        judge(2, conflicts={2}, capacity=1),
        judge(3, 2, conflicts={3}, capacity=1),
    ]
    plan = assign(entries, judges, per_entry=1)
    check_invariants(plan, entries, judges, 1, {})
    assert plan.short == {}
    assert plan.pairs == [(1, 2), (2, 3), (3, 1), (4, 1)]
    assert plan.load == {1: 2, 2: 1, 3: 1}


def test_capacities_too_small_for_everyone() -> None:
    entries = entries_of(1, 1, 1, 1, 1)
    judges = [judge(1, 2, capacity=2), judge(2, 2, capacity=3), judge(3, 3, capacity=0)]
    plan = assign(entries, judges, per_entry=2)
    check_invariants(plan, entries, judges, 2, {})
    assert plan.load == {1: 2, 2: 3, 3: 0}
    assert sum(plan.short.values()) == 5 * 2 - 5


# -- random small worlds -----------------------------------------------------------------------

AGENCIES = range(1, 5)


@st.composite
def worlds(
    draw: st.DrawFn, max_entries: int = 8, max_judges: int = 6, capped: bool = True
) -> World:
    ids = st.integers(1, 30)
    entry_ids = draw(st.lists(ids, max_size=max_entries, unique=True))
    entries = [EntryToAssign(i, draw(st.sampled_from(AGENCIES))) for i in entry_ids]
    judges = [
        Judge(
            i,
            draw(st.frozensets(st.sampled_from(AGENCIES), max_size=3)),
            draw(st.frozensets(st.sampled_from(entry_ids), max_size=3))
            if entry_ids
            else frozenset(),
            draw(st.one_of(st.none(), st.integers(0, 5))) if capped else None,
        )
        for i in draw(st.lists(ids, max_size=max_judges, unique=True))
    ]
    # existing pairs: of entries in the run or not, with judges of the pool or not
    pool = [j.id for j in judges] + [31]
    existing = draw(
        st.dictionaries(
            st.sampled_from([*entry_ids, 32]),
            st.frozensets(st.sampled_from(pool), max_size=3),
            max_size=4,
        )
    )
    per_entry = draw(st.integers(1, 3))
    return entries, judges, per_entry, existing


@settings(deadline=None, max_examples=200)
@given(worlds())
def test_invariants_hold_in_random_worlds(
    world: World,
) -> None:
    entries, judges, per_entry, existing = world
    plan = assign(entries, judges, per_entry=per_entry, existing=existing)
    check_invariants(plan, entries, judges, per_entry, existing)
    assert assign(entries, judges, per_entry=per_entry, existing=existing) == plan
    reordered = assign(entries[::-1], judges[::-1], per_entry=per_entry, existing=existing)
    assert reordered == plan


def _every_assignment(world: World) -> list[tuple[int, dict[int, int]]]:
    """Exhaustive search: (new pairs, final loads) of every valid assignment of a tiny world."""
    entries, judges, per_entry, existing = world
    options = []  # per entry: its eligible judges not assigned yet, and how many it lacks
    for e in entries:
        held = set(existing.get(e.id, ()))
        open_judges = [j for j in judges if eligible(e, j) and j.id not in held]
        options.append((open_judges, max(0, per_entry - len(held))))
    load = {j.id: sum(1 for js in existing.values() if j.id in js) for j in judges}
    found: list[tuple[int, dict[int, int]]] = []

    def walk(i: int, added: int) -> None:
        if i == len(options):
            found.append((added, dict(load)))
            return
        open_judges, need = options[i]
        for size in range(min(need, len(open_judges)) + 1):
            for chosen in combinations(open_judges, size):
                if any(j.capacity is not None and load[j.id] >= j.capacity for j in chosen):
                    continue
                for j in chosen:
                    load[j.id] += 1
                walk(i + 1, added + size)
                for j in chosen:
                    load[j.id] -= 1

    walk(0, 0)
    return found


@settings(deadline=None, max_examples=150)
@given(worlds(max_entries=4, max_judges=3))
def test_as_many_places_are_filled_as_any_assignment_could(world: World) -> None:
    entries, judges, per_entry, existing = world
    plan = assign(entries, judges, per_entry=per_entry, existing=existing)
    assert len(plan.pairs) == max(added for added, _ in _every_assignment(world))


@settings(deadline=None, max_examples=150)
@given(worlds(max_entries=4, max_judges=3) | worlds(max_entries=4, max_judges=4, capped=False))
def test_spread_is_the_smallest_any_assignment_could_reach(world: World) -> None:
    """Among the fullest assignments that leave every capped judge the same load (all, when no
    judge has a capacity), none has a smaller spread among the uncapped judges."""
    entries, judges, per_entry, existing = world
    plan = assign(entries, judges, per_entry=per_entry, existing=existing)
    check_invariants(plan, entries, judges, per_entry, existing)
    capped = [j.id for j in judges if j.capacity is not None]
    alike = [
        load
        for added, load in _every_assignment(world)
        if added == len(plan.pairs) and all(load[j] == plan.load[j] for j in capped)
    ]
    assert min(spread(Plan([], load, {}), judges) for load in alike) == spread(plan, judges)


# -- a national stage --------------------------------------------------------------------------


def test_a_national_stage_is_filled_and_balanced_quickly() -> None:
    # 3,500 entries of agencies 1..700 (5 each), 60 judges each of one agency, two conflicts each
    entries = [EntryToAssign(i, i % 700 + 1) for i in range(1, 3501)]
    judges = [
        judge(k, k * 37 % 700 + 1, conflicts={k * 53 % 3500 + 1, k * 29 % 3500 + 1})
        for k in range(1, 61)
    ]
    started = time.perf_counter()
    plan = assign(entries, judges, per_entry=3)
    elapsed = time.perf_counter() - started
    assert elapsed < 5
    assert plan.short == {}
    assert len(plan.pairs) == 3500 * 3
    assert spread(plan, judges) <= 1
    assert set(plan.load.values()) == {175}
    entry_by_id = {e.id: e for e in entries}
    judge_by_id = {j.id: j for j in judges}
    assert all(eligible(entry_by_id[e], judge_by_id[j]) for e, j in plan.pairs)
    assert all(len(js) == 3 for js in judges_by_entry(plan).values())
