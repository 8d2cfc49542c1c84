"""Results maths of a competition: judges score entries by criterion on a rubric.

This module is pure Python (plus numpy, which the ``krippendorff`` package uses). It has no models
and no database access. Callers load the criteria and the submitted scores, pass them in as plain
values, and store what comes back. The steps, in the order a judged stage's results are computed:

1. **Weighted totals** (:func:`judge_totals`). Each mark is rescaled to 0..1 within its
   criterion's scale, ``(value - scale_min) / (scale_max - scale_min)``. It is then multiplied by
   the criterion's share of the weights, ``weight / sum(weights)``, and the sum over the criteria
   is multiplied by 100. Each (entry, judge) total is therefore on 0..100, whatever the rubric's
   scales. If a judge has not marked every criterion of an entry, that pair has no total: an
   incomplete scoring is left out, never counted as a partial total. These raise ``ValueError``,
   because they are data errors and rounding them away would hide them: a value outside its
   criterion's scale (NaN included), a mark on a criterion that is not in the rubric, two marks for
   the same (entry, judge, criterion), and an invalid rubric (no criteria, duplicate ids,
   weight <= 0, scale_max <= scale_min).

2. **Normalisation by judge** (:func:`normalise_by_judge`). Some judges are lenient and some are
   harsh: one gives 80 where another gives 60. Each judge's totals are turned into z-scores,
   ``(total - mean) / std``, using that judge's own mean and *population* standard deviation. A
   judge with fewer than two entries, or whose totals do not vary (standard deviation 0 after
   rounding to 9 decimals), tells us nothing about their leniency. Each of their entries gets 0.0
   (the mean), so that judge neither helps nor hurts it.

3. **Entry results** (:func:`entry_results`). For each entry, taken over the judges with a
   complete total: the number of those judges, the mean weighted total (``raw``, 0..100), the mean
   z-score (``normalised``), and the mean value of each criterion on its own scale
   (``by_criterion``). An entry without any complete total gets no result. Results are listed by
   entry id.

4. **Ranking** (:func:`rank`). The tie-break order, best first:

   1. normalised mean, descending (only when ``use_normalised``; otherwise this step is skipped);
   2. raw mean, descending;
   3. each criterion's mean, descending. Criteria are taken in descending weight order; criteria
      with equal weights go by ascending criterion id;
   4. if the entries are still equal, they share a rank (1, 2, 2, 4). They are listed by entry id
      only so that the order is stable; the listing decides nothing.

   Every float is rounded to 9 decimals before comparison, so float noise (``0.1 + 0.2`` against
   ``0.3``) never decides a rank. ``Ranked.tie_break`` names the rule that separated an entry from
   the one listed just above it: ``"normalised"``, ``"raw"`` or ``"criterion:<id>"``. It is
   ``"tied"`` when nothing did (same rank) and ``""`` for the first entry. A criterion missing from
   a result's ``by_criterion`` (only possible for hand-made results) counts as the lowest value.

5. **Agreement** (:func:`agreement`). Krippendorff's alpha, interval level, for each criterion,
   computed with the ``krippendorff`` package. Judges are the coders and entries are the units: the
   reliability data is a judges x entries matrix with NaN where a judge did not mark an entry.
   Every mark of the criterion counts, including marks from an incomplete scoring, because a mark is
   a rating on its own. Reading: 1 means perfect agreement, 0 means no better than chance, and below
   0 means systematic disagreement. The result is ``None`` (never an exception) when alpha cannot be
   computed: fewer than two entries have values from at least two judges, the values do not vary at
   all, or the package raises or returns NaN. Out-of-scale marks still raise ``ValueError``, as in
   step 1.

   *Cost.* The package builds a coincidence matrix over the distinct values, which costs
   O(entries x distinct values^2) in time and memory. That is fine for rubric scales of a few points
   (1..5, 1..10), but not for fine ones: a 0..100 scale over 3,500 entries takes about 2 s and
   600 MB per criterion. When ``entries * distinct_values**2`` exceeds ``_LIBRARY_CELL_BUDGET``, the
   same statistic is computed from its closed form for interval data, which is exact and has no
   approximation. Here ``m_u`` is the number of values of unit u, ``SS_u`` the sum of squared
   deviations from the unit's mean, ``n = sum(m_u)`` over the units with ``m_u >= 2``, and ``SS``
   the sum of squared deviations of those n values from their overall mean::

       D_o = (1 / n) * sum_u [ sum_{i != j} (v_ui - v_uj)^2 / (m_u - 1) ]
           = (2 / n) * sum_u [ m_u * SS_u / (m_u - 1) ]
       D_e = (1 / (n (n - 1))) * sum_{c != k} (v_c - v_k)^2  =  2 * SS / (n - 1)
       alpha = 1 - D_o / D_e

   The tests check that both paths return the same value.

6. **Cut** (:func:`cut`). For each group, in rank order, the best ``quotas[group]`` entries are
   taken. A group without a quota takes none. A limit never separates entries that share a rank,
   so a tie is never broken by chance or by entry id:

   * if a block of entries sharing a rank starts inside the quota, the whole block is taken, even
     if that goes past the quota;
   * with ``per_agency_type`` caps (the most entries of one agency type selected within a group),
     an entry whose agency type has already reached its cap is skipped, and the next one is
     considered in its place. If entries of the same agency type share a rank and that agency type
     was below its cap before that rank, they are all taken, even if that goes past the cap.

   A quota or a cap is therefore exceeded only by entries tied with the last one taken. Resolving
   such a tie is the committee's decision, not the code's. ``Cut.balance`` counts the selected
   entries by agency type, by region, and by remote (3T) status.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import numpy.typing as npt

_DECIMALS = 9
# Above this many entries x distinct values^2, agreement() uses the closed form (see step 5).
_LIBRARY_CELL_BUDGET = 500_000

Cell = tuple[int, int]  # (entry, judge)
FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: float  # relative weight (> 0); totals use weight / sum(weights)
    scale_min: float
    scale_max: float  # > scale_min


@dataclass(frozen=True)
class Mark:
    """One judge's submitted score of one entry on one criterion."""

    entry: int
    judge: int
    criterion: int
    value: float


@dataclass(frozen=True)
class EntryResult:
    entry: int
    judges: int  # number of complete judge totals
    raw: float  # mean of the judges' weighted totals (0..100)
    normalised: float  # mean of the judges' z-scores
    by_criterion: dict[int, float]  # mean value per criterion over the judges (original scale)


@dataclass(frozen=True)
class Ranked:
    rank: int  # 1-based; entries equal after every tie-break share a rank (1, 2, 2, 4)
    result: EntryResult
    tie_break: str  # "", "normalised", "raw", "criterion:<id>" or "tied"


@dataclass(frozen=True)
class Candidate:
    entry: int
    group: str
    agency_type: str  # e.g. "ministry", "province", "regency", "city"
    region: str  # province name
    remote: bool  # in a 3T (frontier, outermost, underdeveloped) region


@dataclass(frozen=True)
class Cut:
    selected: list[int]  # entry ids in rank order
    by_group: dict[str, list[int]]
    balance: dict[str, dict[str, int]]  # {"agency_type": {..}, "region": {..}, "remote": {..}}


# --- 1. weighted totals -------------------------------------------------------------------------


def _rubric(criteria: Sequence[Criterion]) -> dict[int, Criterion]:
    if not criteria:
        raise ValueError("a rubric needs at least one criterion")
    by_id: dict[int, Criterion] = {}
    for criterion in criteria:
        if criterion.id in by_id:
            raise ValueError(f"criterion {criterion.id} is listed twice")
        if not criterion.weight > 0 or not math.isfinite(criterion.weight):
            raise ValueError(f"criterion {criterion.id}: weight must be a positive number")
        if not criterion.scale_max > criterion.scale_min:
            raise ValueError(f"criterion {criterion.id}: scale_max must exceed scale_min")
        by_id[criterion.id] = criterion
    return by_id


def _cells(marks: Iterable[Mark], rubric: Mapping[int, Criterion]) -> dict[Cell, dict[int, float]]:
    """Validated marks as {(entry, judge): {criterion: value}}."""
    cells: dict[Cell, dict[int, float]] = {}
    for mark in marks:
        criterion = rubric.get(mark.criterion)
        if criterion is None:
            raise ValueError(f"mark on unknown criterion {mark.criterion}")
        if not criterion.scale_min <= mark.value <= criterion.scale_max:
            raise ValueError(
                f"value {mark.value} outside criterion {criterion.id}'s scale "
                f"{criterion.scale_min}..{criterion.scale_max}"
            )
        cell = cells.setdefault((mark.entry, mark.judge), {})
        if mark.criterion in cell:
            raise ValueError(
                f"two marks for entry {mark.entry}, judge {mark.judge}, criterion {mark.criterion}"
            )
        cell[mark.criterion] = mark.value
    return cells


def _totals(
    cells: Mapping[Cell, Mapping[int, float]], rubric: Mapping[int, Criterion]
) -> dict[Cell, float]:
    weights = math.fsum(c.weight for c in rubric.values())
    # per criterion: (scale_min, span, points on 0..100 for a full mark)
    factors = [
        (c.id, c.scale_min, c.scale_max - c.scale_min, 100.0 * c.weight / weights)
        for c in rubric.values()
    ]
    totals: dict[Cell, float] = {}
    for key, values in cells.items():
        if len(values) != len(factors):  # incomplete: never a partial total
            continue
        totals[key] = math.fsum(
            (values[cid] - low) / span * points for cid, low, span, points in factors
        )
    return totals


def judge_totals(marks: Iterable[Mark], criteria: Sequence[Criterion]) -> dict[Cell, float]:
    """(entry, judge) -> weighted total on 0..100; incomplete pairs are left out."""
    rubric = _rubric(criteria)
    return _totals(_cells(marks, rubric), rubric)


# --- 2. normalisation by judge ------------------------------------------------------------------


def normalise_by_judge(totals: Mapping[Cell, float]) -> dict[Cell, float]:
    """Per-judge z-scores (population standard deviation), keyed like ``totals``."""
    by_judge: dict[int, list[Cell]] = defaultdict(list)
    for key in totals:
        by_judge[key[1]].append(key)
    scores: dict[Cell, float] = {}
    for keys in by_judge.values():
        values = [totals[key] for key in keys]
        n = len(values)
        mean = math.fsum(values) / n
        std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / n)
        if n < 2 or round(std, _DECIMALS) == 0:  # says nothing about the judge's leniency
            scores.update(dict.fromkeys(keys, 0.0))
        else:
            scores.update((key, (v - mean) / std) for key, v in zip(keys, values, strict=True))
    return {key: scores[key] for key in totals}


# --- 3. entry results ---------------------------------------------------------------------------


def entry_results(marks: Iterable[Mark], criteria: Sequence[Criterion]) -> list[EntryResult]:
    """One result per entry with at least one complete judge total, by entry id."""
    rubric = _rubric(criteria)
    cells = _cells(marks, rubric)
    totals = _totals(cells, rubric)
    z_scores = normalise_by_judge(totals)
    judges_of: dict[int, list[int]] = defaultdict(list)
    for entry, judge in totals:
        judges_of[entry].append(judge)
    results = []
    for entry in sorted(judges_of):
        judges = judges_of[entry]
        n = len(judges)
        results.append(
            EntryResult(
                entry=entry,
                judges=n,
                raw=math.fsum(totals[entry, j] for j in judges) / n,
                normalised=math.fsum(z_scores[entry, j] for j in judges) / n,
                by_criterion={
                    cid: math.fsum(cells[entry, j][cid] for j in judges) / n for cid in rubric
                },
            )
        )
    return results


# --- 4. ranking ---------------------------------------------------------------------------------


def rank(
    results: Iterable[EntryResult], criteria: Sequence[Criterion], *, use_normalised: bool = True
) -> list[Ranked]:
    """Results best first with shared ranks for full ties; see the module docstring."""
    order = sorted(_rubric(criteria).values(), key=lambda c: (-c.weight, c.id))
    rules = (["normalised"] if use_normalised else []) + ["raw"]
    rules += [f"criterion:{c.id}" for c in order]

    def keys(result: EntryResult) -> tuple[float, ...]:
        values = [result.normalised] if use_normalised else []
        values.append(result.raw)
        values += [result.by_criterion.get(c.id, -math.inf) for c in order]
        return tuple(round(v, _DECIMALS) for v in values)

    keyed = sorted(
        ((keys(r), r) for r in results),
        key=lambda item: (tuple(-v for v in item[0]), item[1].entry),
    )
    ranked: list[Ranked] = []
    previous: tuple[float, ...] = ()
    for position, (key, result) in enumerate(keyed, start=1):
        if not ranked:
            ranked.append(Ranked(rank=1, result=result, tie_break=""))
        elif key == previous:
            ranked.append(Ranked(rank=ranked[-1].rank, result=result, tie_break="tied"))
        else:
            rule = next(r for r, a, b in zip(rules, previous, key, strict=True) if a != b)
            ranked.append(Ranked(rank=position, result=result, tie_break=rule))
        previous = key
    return ranked


# --- 5. agreement -------------------------------------------------------------------------------


def agreement(marks: Iterable[Mark], criteria: Sequence[Criterion]) -> dict[int, float | None]:
    """Krippendorff's alpha (interval) per criterion id; None where it cannot be computed."""
    rubric = _rubric(criteria)
    per_criterion: dict[int, dict[Cell, float]] = {cid: {} for cid in rubric}
    for key, values in _cells(marks, rubric).items():
        for cid, value in values.items():
            per_criterion[cid][key] = value
    return {cid: _alpha(_reliability_data(values)) for cid, values in per_criterion.items()}


def _reliability_data(values: Mapping[Cell, float]) -> FloatMatrix | None:
    """Judges x entries matrix (NaN = not marked) of the entries marked by at least two judges;
    None if fewer than two such entries."""
    judges_per_entry = Counter(entry for entry, _ in values)
    entries = sorted(e for e, count in judges_per_entry.items() if count >= 2)
    if len(entries) < 2:
        return None
    column = {entry: i for i, entry in enumerate(entries)}
    judges = sorted({judge for entry, judge in values if entry in column})
    row = {judge: i for i, judge in enumerate(judges)}
    matrix = np.full((len(judges), len(entries)), np.nan)
    for (entry, judge), value in values.items():
        if entry in column:
            matrix[row[judge], column[entry]] = value
    return matrix


def _alpha(matrix: FloatMatrix | None) -> float | None:
    if matrix is None:
        return None
    distinct = np.unique(matrix[~np.isnan(matrix)]).size
    if distinct < 2:  # no variation at all
        return None
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            if matrix.shape[1] * distinct**2 <= _LIBRARY_CELL_BUDGET:
                value = float(
                    krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
                )
            else:
                value = _interval_alpha(matrix)
    except (ValueError, ArithmeticError):
        return None
    return value if math.isfinite(value) else None


def _interval_alpha(matrix: FloatMatrix) -> float:
    """Krippendorff's interval alpha in closed form (module docstring, step 5); NaN = missing."""
    present = ~np.isnan(matrix)
    counts = present.sum(axis=0)
    pairable = counts >= 2
    present, counts = present[:, pairable], counts[pairable].astype(np.float64)
    data = np.where(present, matrix[:, pairable], 0.0)
    unit_means = data.sum(axis=0) / counts
    unit_ss = (np.where(present, data - unit_means, 0.0) ** 2).sum(axis=0)
    pooled = data[present]
    n = float(pooled.size)
    total_ss = float(((pooled - pooled.mean()) ** 2).sum())
    within = float((counts * unit_ss / (counts - 1)).sum())
    return 1.0 - (n - 1.0) / n * within / total_ss


# --- 6. cut -------------------------------------------------------------------------------------


def cut(
    ranked: Sequence[Ranked],
    candidates: Mapping[int, Candidate],
    quotas: Mapping[str, int],
    *,
    per_agency_type: Mapping[str, int] | None = None,
    per_region: int | None = None,
) -> Cut:
    """Per group, the best ``quotas[group]`` entries of ``ranked`` (best first, as :func:`rank`
    returns it); a quota or cap never splits a tie. ``per_region`` caps the entries of one
    region (province) within a group, like ``per_agency_type``. See the module docstring."""
    caps = dict(per_agency_type or {})
    if any(q < 0 for q in quotas.values()) or any(c < 0 for c in caps.values()):
        raise ValueError("quotas and caps cannot be negative")
    if per_region is not None and per_region < 0:
        raise ValueError("quotas and caps cannot be negative")
    # per group: runs of entries sharing a rank, as (entry, agency type, region)
    blocks: dict[str, list[list[tuple[int, str, str]]]] = defaultdict(list)
    last_rank: dict[str, int] = {}
    for item in ranked:
        candidate = candidates.get(item.result.entry)
        if candidate is None:
            raise ValueError(f"no candidate data for entry {item.result.entry}")
        group = candidate.group
        member = (item.result.entry, candidate.agency_type, candidate.region)
        if last_rank.get(group) == item.rank:
            blocks[group][-1].append(member)
        else:
            blocks[group].append([member])
        last_rank[group] = item.rank
    region_cap = math.inf if per_region is None else per_region
    by_group = {
        group: _take(blocks.get(group, []), quota, caps, region_cap)
        for group, quota in quotas.items()
    }
    chosen = {entry for entries in by_group.values() for entry in entries}
    selected = [r.result.entry for r in ranked if r.result.entry in chosen]
    return Cut(
        selected=selected,
        by_group=by_group,
        balance=_balance([candidates[entry] for entry in selected]),
    )


def _take(
    blocks: Sequence[Sequence[tuple[int, str, str]]],
    quota: int,
    caps: Mapping[str, int],
    region_cap: float,
) -> list[int]:
    taken: list[int] = []
    kinds: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for block in blocks:
        if len(taken) >= quota:
            break
        # caps are checked against the counts before this rank: a cap never splits a tie
        admitted = [
            (e, kind, region)
            for e, kind, region in block
            if kinds[kind] < caps.get(kind, math.inf) and regions[region] < region_cap
        ]
        kinds.update(kind for _, kind, _r in admitted)
        regions.update(region for _, _k, region in admitted)
        taken += [e for e, _k, _r in admitted]
    return taken


def _balance(selected: Sequence[Candidate]) -> dict[str, dict[str, int]]:
    remote = sum(c.remote for c in selected)
    return {
        "agency_type": dict(sorted(Counter(c.agency_type for c in selected).items())),
        "region": dict(sorted(Counter(c.region for c in selected).items())),
        "remote": {"yes": remote, "no": len(selected) - remote},
    }
