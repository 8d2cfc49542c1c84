"""Automatic assignment of judges to the entries of a competition stage.

Pure Python: no model, no database. The caller turns its records into :class:`EntryToAssign` and
:class:`Judge` values, calls :func:`assign` and creates the returned pairs.

Rules
-----
* Every entry should end with ``per_entry`` distinct judges. Pairs that already exist (manual
  overrides, earlier runs: ``existing``) count toward that number; they are never duplicated and
  never removed, even when they have become ineligible (the caller deals with those).
* A judge never gets an entry they are ineligible for (:func:`eligible`): an entry of one of the
  judge's own agencies, or one the judge declared a conflict of interest with.
* A judge never holds more assignments in the stage than their ``capacity`` (``None``: no limit).
  Existing pairs count toward the capacity and toward the load, including pairs of entries that
  are not part of this run.
* The load is balanced: among the judges without a capacity limit, the spread (max - min) of the
  final load is as small as the constraints allow (see the guarantee below); at most 1 when no
  eligibility or capacity constraint binds.
* An entry that cannot be filled is reported in :attr:`Plan.short` (never an exception): it is short
  only when no assignment at all could give it more judges without taking them from another entry.
* Deterministic: the same input gives the same plan, whatever the order of ``entries`` and
  ``judges``; every tie is broken by the lowest id.

Algorithm
---------
The problem is a flow: source → entry (what it lacks) → judge (eligible, not yet assigned: one
each) → sink (spare capacity). It is solved in three steps.

1. **Greedy.** The entries are taken most constrained first (fewest eligible, unassigned judges
   with spare capacity; tie: lowest id). Each gets the judges it lacks among its eligible,
   unassigned judges with spare capacity, lowest current load first (tie: lowest id), picked with
   a heap. ``O(E·J + E·k·log J)`` for ``E`` entries, ``J`` judges and ``k = per_entry``; this alone
   solves ordinary stages.
2. **Repair.** When tight capacities or conflicts leave some entry short, a breadth-first search
   looks for an augmenting path: a short entry takes judge ``j1``, who gives up one of their new
   entries, which takes judge ``j2`` … up to a judge with spare capacity. Every path found fills
   one more place, and when none is left the number of filled places is the maximum (Ford and
   Fulkerson). Only new pairs are ever moved.
3. **Rebalance.** While the spread among the judges without a capacity limit is 2 or more, a
   breadth-first search looks for an exchange chain from a most-loaded judge to a judge with at
   least 2 assignments fewer (or from a judge with at least 2 more than the least loaded to a
   least-loaded judge): the first gives up a new entry, which takes another judge, … and the last
   takes one more. The judges in between (and every capped judge) keep their load, and so does
   every entry. (Passing a place from one short entry to another never helps: that chain would
   hold an augmenting path, and step 2 left none.) Each move lowers the sum of squared loads, so
   the loop ends. When no chain is left, the maximum is as low and the minimum as high as they
   can be (the reachable load vectors form an M-convex set, whose decreasingly minimal element is
   also increasingly maximal), so the spread is minimal among all assignments that fill as many
   places and leave every capped judge the load steps 1-2 gave them.

Steps 2 and 3 cost ``O(E·J)`` per path found and do nothing when the greedy step already filled
every entry with a spread of at most 1, the common case.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["EntryToAssign", "Judge", "Plan", "assign", "eligible"]


@dataclass(frozen=True)
class EntryToAssign:
    """An entry waiting for judges."""

    id: int
    agency_id: int  # the entrant's agency


@dataclass(frozen=True)
class Judge:
    """A judge of the stage's pool."""

    id: int
    agency_ids: frozenset[int]  # agencies the judge belongs to (never judges their entries)
    conflicts: frozenset[int] = frozenset()  # entry ids the judge declared a conflict with
    capacity: int | None = None  # most assignments the judge may hold in the stage (None: no limit)


@dataclass(frozen=True)
class Plan:
    """What :func:`assign` proposes."""

    pairs: list[tuple[int, int]]  # NEW (entry id, judge id) pairs to create, sorted
    load: dict[int, int]  # judge id -> total assignments after the plan, every judge listed
    short: dict[int, int]  # entry id -> how many judges it still lacks (only entries lacking some)


def eligible(entry: EntryToAssign, judge: Judge) -> bool:
    """False when the judge is of the entrant's agency or declared a conflict with the entry."""
    return entry.agency_id not in judge.agency_ids and entry.id not in judge.conflicts


def assign(
    entries: Sequence[EntryToAssign],
    judges: Sequence[Judge],
    *,
    per_entry: int = 2,
    existing: Mapping[int, Collection[int]] | None = None,
) -> Plan:
    """Plan the new (entry, judge) pairs that give every entry ``per_entry`` judges.

    ``existing`` maps an entry id to the judge ids already assigned to it. Raises ``ValueError``
    when ``per_entry`` is below 1 or when two entries (or two judges) share an id; an entry that
    cannot be filled is reported in :attr:`Plan.short`, never raised.
    """
    if per_entry < 1:
        raise ValueError(f"per_entry must be at least 1, not {per_entry}")
    planner = _Planner(entries, judges, per_entry, existing or {})
    planner.greedy()
    planner.repair()
    planner.rebalance()
    return planner.plan()


# A node of the search graph: ("e", entry id), ("j", judge id) or the source (_SOURCE).
_Node = tuple[str, int]
_SOURCE: _Node = ("s", 0)


class _Planner:
    """The mutable state of one :func:`assign` call."""

    def __init__(
        self,
        entries: Sequence[EntryToAssign],
        judges: Sequence[Judge],
        per_entry: int,
        existing: Mapping[int, Collection[int]],
    ) -> None:
        self.per_entry = per_entry
        self.capacity = {judge.id: judge.capacity for judge in judges}
        if len(self.capacity) != len(judges):
            raise ValueError("two judges share an id")
        self.entry_ids = sorted({entry.id for entry in entries})
        if len(self.entry_ids) != len(entries):
            raise ValueError("two entries share an id")
        self.judge_ids = sorted(self.capacity)
        self.load = dict.fromkeys(self.judge_ids, 0)
        for judge_ids in existing.values():
            for judge_id in set(judge_ids):
                if judge_id in self.load:
                    self.load[judge_id] += 1
        # judges of each entry, existing and new; new pairs of each judge
        self.assigned = {entry_id: set(existing.get(entry_id, ())) for entry_id in self.entry_ids}
        self.new_entries: dict[int, set[int]] = {judge_id: set() for judge_id in self.judge_ids}
        self.candidates = self._eligible_judges(entries, judges)

    def _eligible_judges(
        self, entries: Sequence[EntryToAssign], judges: Sequence[Judge]
    ) -> dict[int, list[int]]:
        """Entry id -> the ids of its eligible judges, ascending (same rule as :func:`eligible`)."""
        of_agency: dict[int, set[int]] = {}
        in_conflict: dict[int, set[int]] = {}
        for judge in judges:
            for agency_id in judge.agency_ids:
                of_agency.setdefault(agency_id, set()).add(judge.id)
            for entry_id in judge.conflicts:
                in_conflict.setdefault(entry_id, set()).add(judge.id)
        candidates = {}
        for entry in entries:
            barred = of_agency.get(entry.agency_id, set()) | in_conflict.get(entry.id, set())
            candidates[entry.id] = [j for j in self.judge_ids if j not in barred]
        return candidates

    # -- state --------------------------------------------------------------------------------

    def has_room(self, judge_id: int) -> bool:
        capacity = self.capacity[judge_id]
        return capacity is None or self.load[judge_id] < capacity

    def lacking(self, entry_id: int) -> int:
        return max(0, self.per_entry - len(self.assigned[entry_id]))

    def open_judges(self, entry_id: int) -> list[int]:
        """Eligible judges not assigned to the entry and with spare capacity, by id."""
        taken = self.assigned[entry_id]
        return [j for j in self.candidates[entry_id] if j not in taken and self.has_room(j)]

    def add(self, entry_id: int, judge_id: int) -> None:
        self.assigned[entry_id].add(judge_id)
        self.new_entries[judge_id].add(entry_id)
        self.load[judge_id] += 1

    def remove(self, entry_id: int, judge_id: int) -> None:
        self.assigned[entry_id].remove(judge_id)
        self.new_entries[judge_id].remove(entry_id)
        self.load[judge_id] -= 1

    # -- the three steps -----------------------------------------------------------------------

    def greedy(self) -> None:
        """Most constrained entry first; each takes its least loaded open judges."""
        order = sorted(self.entry_ids, key=lambda e: (len(self.open_judges(e)), e))
        for entry_id in order:
            need = self.lacking(entry_id)
            if need == 0:
                continue
            pool = [(self.load[j], j) for j in self.open_judges(entry_id)]
            for _, judge_id in heapq.nsmallest(need, pool):
                self.add(entry_id, judge_id)

    def repair(self) -> None:
        """Fill short entries along augmenting paths until none is left."""
        while path := self._search([_SOURCE], self.has_room):
            self._apply(path)

    def rebalance(self) -> None:
        """Move new pairs along exchange chains until the spread is minimal (uncapped judges)."""
        free = [j for j in self.judge_ids if self.capacity[j] is None]
        if len(free) < 2:
            return
        while True:
            top = max(self.load[j] for j in free)
            bottom = min(self.load[j] for j in free)
            if top - bottom <= 1:
                return
            path = self._search(
                [("j", j) for j in free if self.load[j] == top], self._below(top - 1)
            ) or self._search(
                [("j", j) for j in free if self.load[j] >= bottom + 2], self._below(bottom + 1)
            )
            if path is None:
                return
            self._apply(path)

    def _below(self, limit: int) -> Callable[[int], bool]:
        """Accepts an uncapped judge whose load is below ``limit``."""
        return lambda j: self.capacity[j] is None and self.load[j] < limit

    # -- search ---------------------------------------------------------------------------------

    def _next(self, node: _Node) -> list[_Node]:
        """The moves out of a node, in a fixed order.

        source → a short entry (it takes one more judge); entry → an eligible judge not assigned
        to it (the pair is added); judge → an entry the judge newly holds (the pair is undone).
        """
        kind, key = node
        if kind == "s":
            return [("e", e) for e in self.entry_ids if self.lacking(e) > 0]
        if kind == "e":
            taken = self.assigned[key]
            return [("j", j) for j in self.candidates[key] if j not in taken]
        return [("e", e) for e in sorted(self.new_entries[key])]

    def _search(self, starts: list[_Node], is_target: Callable[[int], bool]) -> list[_Node] | None:
        """Breadth-first path from one of ``starts`` to a judge (not a start) ``is_target`` accepts.

        A path alternates entries and judges, so every judge on it but the last keeps its load.
        """
        parent: dict[_Node, _Node | None] = dict.fromkeys(starts)
        queue = deque(starts)
        while queue:
            node = queue.popleft()
            for step in self._next(node):
                if step in parent:
                    continue
                parent[step] = node
                if step[0] == "j" and is_target(step[1]):
                    return self._path_to(step, parent)
                queue.append(step)
        return None

    @staticmethod
    def _path_to(node: _Node, parent: Mapping[_Node, _Node | None]) -> list[_Node]:
        path = [node]
        while (previous := parent[path[-1]]) is not None:
            path.append(previous)
        path.reverse()
        return path

    def _apply(self, path: list[_Node]) -> None:
        """Add the entry → judge pairs of a path and undo its judge → entry pairs."""
        for (kind, key), (next_kind, next_key) in pairwise(path):
            if kind == "e" and next_kind == "j":
                self.add(key, next_key)
            elif kind == "j" and next_kind == "e":
                self.remove(next_key, key)

    # -- result ---------------------------------------------------------------------------------

    def plan(self) -> Plan:
        pairs = sorted((e, j) for j, entry_ids in self.new_entries.items() for e in entry_ids)
        short = {e: self.lacking(e) for e in self.entry_ids if self.lacking(e) > 0}
        return Plan(pairs=pairs, load=dict(self.load), short=short)
