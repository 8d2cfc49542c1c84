"""A replica's outcome beside its original's at the same age.

Innovations are compared at the same *age* (months since each one started), so that a replica in
its first year is not held against an original in its fifth. Everything here is pure: the caller
gives the measurements of one indicator for both sides and gets verdicts back.

**Normalising.** An indicator may be counted per ``per`` beneficiaries (``per=1000``: "per 1,000
beneficiaries"): a measurement then counts as ``value / denominator * per``, and so does its
margin. A measurement without a positive denominator cannot be normalised and is left out; it is
never guessed (:func:`normalise`).

**Alignment** (:func:`value_at`). A series has a value at an age when

1. a measurement was taken at exactly that age: that one;
2. the nearest measurements on each side are both within ``tolerance`` months of the age (and
   at most ``max_gap`` months apart): interpolated between them, since the two together say more
   than either (measured at 11 and 13 months → compared at 12 by interpolation);
3. otherwise, a measurement within ``tolerance`` months: the nearest one counts as at that age;
4. otherwise, the nearest measurements on each side at most ``max_gap`` months apart:
   interpolated between them;
5. otherwise there is no value: a series is never extrapolated (measured only at 30 months → no
   value at 12).

Several measurements at the same age: the first given is used. The interval ``[low, high]`` is
the value ± its declared margin (a point when none was declared); interpolation interpolates its
bounds.

**Verdicts** (:func:`compare`), per age, with the difference ``replica − original``:

- ``unknown`` ("not yet known") when either side has no value at that age;
- ``similar`` when ``|difference| ≤ similar_within × |original|`` (the edge counts as similar);
- ``better`` / ``worse`` by the indicator's direction when the difference is outside that band
  *and* the two intervals do not overlap (touching intervals overlap);
- ``unknown`` when it is outside the band but the intervals overlap: "the difference is within
  the uncertainty of the measurements".

*When the original's value is 0* a relative band cannot be formed (it would be empty). The rule:
a replica also at 0 is ``similar``; otherwise the declared uncertainty takes the band's place —
when **both** sides declared a margin and the intervals do not overlap, the difference is real
and gets its direction; when either side declared none, noise cannot be told from a difference
and the verdict is ``unknown`` ("the original's value is 0, …").

The overall verdict of a :class:`Comparison` is the one at the latest of the ``ages`` that is
known, with that age (``at_age``); ``unknown`` when none is.

**One mark over several indicators** (:func:`summarise`): only known verdicts count; more
``better`` than ``worse`` → ``better``; more ``worse`` than ``better`` → ``worse``; otherwise (all
similar, or as many better as worse) → ``similar``; no known verdict → ``unknown``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Direction = Literal["higher", "lower"]
Verdict = Literal["better", "similar", "worse", "unknown"]

BETTER: Verdict = "better"
SIMILAR: Verdict = "similar"
WORSE: Verdict = "worse"
UNKNOWN: Verdict = "unknown"
VERDICTS: tuple[Verdict, ...] = (BETTER, SIMILAR, WORSE, UNKNOWN)

#: What the interface shows for each verdict.
VERDICT_LABELS: dict[str, StrOrPromise] = {
    BETTER: _("better"),
    SIMILAR: _("similar"),
    WORSE: _("worse"),
    UNKNOWN: _("not yet known"),
}

#: The length of a month in days (a Gregorian year / 12).
DAYS_PER_MONTH = 30.4375

_NO_ORIGINAL = _("The original has no usable measurement at this age.")
_NO_REPLICA = _("The replica has no usable measurement at this age.")
_NO_EITHER = _("Neither has a usable measurement at this age.")
_UNCERTAIN = _("The difference is within the uncertainty of the measurements.")
_ZERO = _("The original's value is 0, so without declared margins the difference cannot be judged.")


@dataclass(frozen=True)
class Point:
    """One measurement of an indicator: its age (months since the start), value, optional
    denominator (beneficiaries) and optional margin (± in the value's own units)."""

    age_months: float
    value: float
    denominator: float | None = None
    margin: float | None = None


@dataclass(frozen=True)
class Aligned:
    """A series' (normalised) value at one age and the measurements it comes from."""

    age: float
    value: float
    low: float
    high: float
    interpolated: bool
    sources: tuple[Point, ...]


@dataclass(frozen=True)
class AgeComparison:
    """Original and replica at one age. ``difference`` is ``replica − original`` (None unless
    both are known); ``relative_difference`` is it over ``|original|`` (None when that is 0)."""

    age: float
    original: Aligned | None
    replica: Aligned | None
    verdict: Verdict
    difference: float | None
    relative_difference: float | None
    reason: StrOrPromise


@dataclass(frozen=True)
class Comparison:
    """Verdicts at each age (in the order asked) and the overall one, at ``at_age``."""

    better: Direction
    by_age: tuple[AgeComparison, ...]
    verdict: Verdict
    at_age: float | None


def normalise(point: Point, per: int | None) -> float | None:
    """The point's value, per ``per`` beneficiaries when ``per`` is given.

    None when it needs a denominator that is missing or not positive, or when a number is not
    finite.
    """
    return _scaled(point, point.value, per)


def _scaled(point: Point, amount: float, per: int | None) -> float | None:
    if not math.isfinite(amount):
        return None
    if per is None:
        return float(amount)
    if point.denominator is None or not math.isfinite(point.denominator):
        return None
    if point.denominator <= 0:
        return None
    return amount / point.denominator * per


@dataclass(frozen=True)
class _Usable:
    point: Point
    value: float
    low: float
    high: float


def _usable(points: Iterable[Point], per: int | None) -> list[_Usable]:
    found = []
    for p in points:
        value = normalise(p, per)
        if value is None or not math.isfinite(p.age_months):
            continue
        margin = _scaled(p, abs(p.margin), per) if p.margin is not None else 0.0
        if margin is None:
            continue
        found.append(_Usable(p, value, value - margin, value + margin))
    # stable: several measurements at one age keep the order given, the first one wins
    return sorted(found, key=lambda u: u.point.age_months)


def _exact(u: _Usable, age: float) -> Aligned:
    return Aligned(age, u.value, u.low, u.high, interpolated=False, sources=(u.point,))


def _interpolate(a: _Usable, b: _Usable, age: float) -> Aligned:
    t = (age - a.point.age_months) / (b.point.age_months - a.point.age_months)

    def at(x: float, y: float) -> float:
        return x + (y - x) * t

    return Aligned(
        age,
        at(a.value, b.value),
        at(a.low, b.low),
        at(a.high, b.high),
        interpolated=True,
        sources=(a.point, b.point),
    )


def value_at(
    points: Sequence[Point],
    age: float,
    *,
    per: int | None,
    tolerance: float = 3.0,
    max_gap: float = 12.0,
) -> Aligned | None:
    """The series' value at ``age`` (see the module's rules); None when it has none there."""
    usable = _usable(points, per)
    for u in usable:
        if u.point.age_months == age:
            return _exact(u, age)
    earlier = [u for u in usable if u.point.age_months < age]
    # the latest earlier age; of several measurements there, the first given
    before = next((u for u in earlier if u.point.age_months == earlier[-1].point.age_months), None)
    after = next((u for u in usable if u.point.age_months > age), None)
    bracketed = (
        before is not None
        and after is not None
        and after.point.age_months - before.point.age_months <= max_gap
    )
    near = [
        u for u in (before, after) if u is not None and abs(u.point.age_months - age) <= tolerance
    ]
    if bracketed and len(near) != 1:
        # both sides are near, or neither is: interpolation (never beyond the series' ends)
        assert before is not None and after is not None
        return _interpolate(before, after, age)
    if near:
        return _exact(min(near, key=lambda u: abs(u.point.age_months - age)), age)
    return None


def _direction(difference: float, better: Direction) -> Verdict:
    up = difference > 0
    return BETTER if up == (better == "higher") else WORSE


def _overlap(a: Aligned, b: Aligned) -> bool:
    return a.low <= b.high and b.low <= a.high


def _declared(side: Aligned) -> bool:
    return all(p.margin is not None for p in side.sources)


def _judge(
    age: float,
    original: Aligned | None,
    replica: Aligned | None,
    better: Direction,
    similar_within: float,
) -> AgeComparison:
    if original is None or replica is None:
        if original is None and replica is None:
            reason = _NO_EITHER
        else:
            reason = _NO_ORIGINAL if original is None else _NO_REPLICA
        return AgeComparison(age, original, replica, UNKNOWN, None, None, reason)
    difference = replica.value - original.value
    relative = difference / abs(original.value) if original.value != 0 else None

    def verdict(v: Verdict, reason: StrOrPromise = "") -> AgeComparison:
        return AgeComparison(age, original, replica, v, difference, relative, reason)

    if original.value == 0:
        if replica.value == 0:
            return verdict(SIMILAR)
        if not (_declared(original) and _declared(replica)):
            return verdict(UNKNOWN, _ZERO)
    else:
        band = similar_within * abs(original.value)
        if abs(difference) <= band or math.isclose(abs(difference), band, rel_tol=1e-9):
            return verdict(SIMILAR)
    if _overlap(original, replica):
        return verdict(UNKNOWN, _UNCERTAIN)
    return verdict(_direction(difference, better))


def compare(
    original: Sequence[Point],
    replica: Sequence[Point],
    *,
    better: Direction,
    per: int | None,
    similar_within: float = 0.10,
    ages: Sequence[float] = (12, 24),
    tolerance: float = 3.0,
    max_gap: float = 12.0,
) -> Comparison:
    """The replica beside its original at each of ``ages`` (see the module's rules)."""
    if better not in ("higher", "lower"):
        raise ValueError(f"better must be 'higher' or 'lower', not {better!r}")
    if not (similar_within >= 0 and math.isfinite(similar_within)):
        raise ValueError(f"similar_within must be a number ≥ 0, not {similar_within!r}")
    by_age = tuple(
        _judge(
            age,
            value_at(original, age, per=per, tolerance=tolerance, max_gap=max_gap),
            value_at(replica, age, per=per, tolerance=tolerance, max_gap=max_gap),
            better,
            similar_within,
        )
        for age in ages
    )
    known = [c for c in by_age if c.verdict != UNKNOWN]
    if not known:
        return Comparison(better, by_age, UNKNOWN, None)
    latest = max(known, key=lambda c: c.age)
    return Comparison(better, by_age, latest.verdict, latest.age)


def summarise(verdicts: Sequence[str]) -> Verdict:
    """One mark for a replica over several indicators (see the module's rules)."""
    for v in verdicts:
        if v not in VERDICTS:
            raise ValueError(f"unknown verdict {v!r}")
    better = sum(v == BETTER for v in verdicts)
    worse = sum(v == WORSE for v in verdicts)
    similar = sum(v == SIMILAR for v in verdicts)
    if better + worse + similar == 0:
        return UNKNOWN
    if better > worse:
        return BETTER
    if worse > better:
        return WORSE
    return SIMILAR


def age_in_months(start: date, on: date) -> float:
    """Months from ``start`` to ``on`` (days / 30.4375, one decimal; negative before the start)."""
    return round((on - start).days / DAYS_PER_MONTH, 1)
