"""How an innovation spreads: the Bass diffusion model, fitted to adoption dates and forecast.

This module is pure maths (numpy and scipy). It has no models and no database access: callers load
the adoption dates (one per replicating unit), pass them in as plain values, and show what comes
back. The steps:

1. **Adoption curve** (:func:`adoption_curve`). Dates are counted per calendar month or quarter,
   from the period that contains ``start`` to the period that contains ``end``, both included.
   Every period is listed, empty ones too. A date before ``start`` is counted in the first period
   (adoptions recorded before the window opened have happened by then); a date after ``end`` is
   left out. ``CurvePoint.period_start`` is the first day of the month or quarter.

2. **The model** (:func:`bass_cumulative`). With ``p`` the coefficient of innovation (units that
   adopt on their own), ``q`` the coefficient of imitation (units that adopt because others did)
   and ``m`` the market potential (how many units adopt in the end), the expected cumulative number
   of adopters at time ``t`` (in periods, 0 at the start of the first period) is::

       N(t) = m * (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t))

3. **Fit** (:func:`fit_bass`). ``cumulative[i]`` is the number of adopters at the end of period
   ``i + 1``, so the observations are at t = 1..n. ``N(t)`` is fitted to them by bounded nonlinear
   least squares (``scipy.optimize.curve_fit``, trust region reflective, analytic Jacobian) with
   ``1e-6 <= p <= 1`` and ``0 <= q <= 2``. With ``m`` given (a programme's target taken as the
   potential) only p and q are fitted; otherwise m is fitted too, from a few starting values (the
   best fit wins), between the adopters already observed and ``M_MAX_FACTOR`` (50) times that
   many: early in a diffusion the data cannot tell a large potential from a huge one, and a fit at
   that cap means "unknown, but large". The fit runs on log p and log m (see :func:`_fit_once`);
   the bounds are the same. A given ``m`` below the adopters already observed cannot be the
   potential: then m is fitted as if none were given (``m_fixed`` is False) and the given value is
   still the target. No fit is tried, and :class:`TooFew` comes back instead (never an exception),
   when there are fewer than ``min_adoptions`` adopters or fewer than ``min_periods`` periods, or
   when the fit does not converge. A cumulative series that decreases or is negative, and a
   negative ``bootstrap`` or ``horizon``, are caller errors: ``ValueError``.

4. **Uncertainty** (residual bootstrap on the new adoptions per period). The fit's new adoptions
   are ``f_t = N(t) - N(t - 1)``; new adoptions, unlike the cumulative curve, have roughly
   independent errors, so their residuals are what is resampled. Counts vary more where more units
   adopt, so the residuals are Pearson-scaled: ``r_t = (y_t - f_t) / sqrt(max(f_t, 1))`` against
   the observed new adoptions ``y_t`` (the floor of 1 keeps a lone adopter in the curve's tail from
   becoming a huge residual). They are centred and drawn with replacement
   (``numpy.random.default_rng(seed)``, so the same seed gives the same band); each pseudo-series
   is ``y*_t = max(0, f_t + sqrt(f_t) r*_t)`` (a period never loses adopters, and the saturated
   tail, where ``f_t`` is about 0, stays about 0 instead of piling up clipped noise), cumulated and
   refitted the same way, warm-started from the fit, ``bootstrap`` times. A refit that fails is
   skipped; ``BassFit.bootstrap_ok`` counts those that succeeded. For every period
   t = 1..n + horizon the band gives the 10th, 50th and 90th percentile of the refitted N(t) (an
   80 % band) beside the fitted ``expected`` value. Without a successful refit (or with
   ``bootstrap=0``) the band collapses onto ``expected`` and the target's percentiles are None.
   The band is for the expected curve, not for the count a future period will actually show (that
   adds its own noise); on simulated Poisson data it covered the true N(n + 12) in 75-85 % of runs.

5. **When the target is reached.** ``target`` defaults to a given ``m`` (rounded up). If the
   observed data have reached it already, ``target_period`` is the first observed period with at
   least ``target`` adopters, ``target_reached`` is True and the percentiles below equal it.
   Otherwise it is the first future period t in n+1..n+horizon with ``N(t) >= target - 0.5`` (the
   last unit is expected to have adopted), or None when the fitted curve does not get there within
   the horizon (also when ``target`` is above the fitted potential).
   ``target_period_low``/``target_period_high`` are the 10th/90th percentile of that period over
   the bootstrap refits, where a refit that never gets there counts as later than any period; a
   percentile that falls there is None.
"""

from __future__ import annotations

import datetime
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, overload

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext_lazy as _
from scipy.optimize import OptimizeWarning, curve_fit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FloatArray = npt.NDArray[np.float64]

TOO_FEW = _("Too few adoptions to fit a diffusion curve.")
NO_FIT = _("No diffusion curve fits these adoptions.")

P_BOUNDS = (1e-6, 1.0)
Q_BOUNDS = (0.0, 2.0)
P0, Q0 = 0.03, 0.38
# Starting values of m, as multiples of the adopters observed; the best of these fits wins.
M0_FACTORS = (1.2, 2.0, 5.0)
# A fitted potential is at most this many times the adopters observed. Early in a diffusion the
# data cannot tell a large potential from a huge one (N(t) ~ m p t along a ridge where m p is
# constant), and an unbounded fit wanders along that ridge for thousands of evaluations.
M_MAX_FACTOR = 50.0
_MAX_NFEV = 1000


@dataclass(frozen=True)
class CurvePoint:
    period_start: datetime.date  # first day of the month or quarter
    new: int  # adoptions in the period
    cumulative: int  # adoptions up to the end of the period


@dataclass(frozen=True)
class BandPoint:
    t: int  # period, 1-based (t <= periods: observed; later: forecast)
    expected: float  # N(t) of the fit
    low: float  # 10th percentile of N(t) over the bootstrap refits
    mid: float  # 50th percentile
    high: float  # 90th percentile


@dataclass(frozen=True)
class BassFit:
    p: float  # coefficient of innovation
    q: float  # coefficient of imitation
    m: float  # potential adopters
    m_fixed: bool  # m was given, not fitted
    periods: int  # observed periods n
    adoptions: int  # adopters observed by the end of period n
    fitted: list[float]  # N(t) for t = 1..n
    rmse: float  # root mean square error of the fitted against the observed cumulative curve
    forecast: list[BandPoint]  # t = 1..n + horizon
    target: int | None
    target_period: int | None  # see step 5 of the module docstring
    target_period_low: int | None
    target_period_high: int | None
    target_reached: bool  # the observed data reached the target (target_period is observed)
    bootstrap_ok: int  # bootstrap refits that succeeded


@dataclass(frozen=True)
class TooFew:
    """No curve was fitted: too little data, or the fit did not converge."""

    adoptions: int
    periods: int
    needed_adoptions: int
    needed_periods: int
    reason: StrOrPromise


# --- the adoption curve -------------------------------------------------------------------------


def _period_index(day: datetime.date, months: int) -> int:
    return (day.year * 12 + day.month - 1) // months


def adoption_curve(
    dates: Sequence[datetime.date],
    *,
    start: datetime.date,
    end: datetime.date,
    period: Literal["month", "quarter"] = "month",
) -> list[CurvePoint]:
    """Adoptions per month or quarter from ``start`` to ``end`` (see step 1)."""
    if end < start:
        raise ValueError("end is before start")
    months = {"month": 1, "quarter": 3}[period]
    first = _period_index(start, months)
    counts = [0] * (_period_index(end, months) - first + 1)
    for day in dates:
        if isinstance(day, datetime.datetime):
            day = day.date()
        if day > end:
            continue
        counts[max(_period_index(day, months) - first, 0)] += 1
    points: list[CurvePoint] = []
    total = 0
    for offset, new in enumerate(counts):
        month0 = (first + offset) * months
        total += new
        points.append(CurvePoint(datetime.date(month0 // 12, month0 % 12 + 1, 1), new, total))
    return points


# --- the model ----------------------------------------------------------------------------------


@overload
def bass_cumulative(t: float, p: float, q: float, m: float) -> float: ...
@overload
def bass_cumulative(t: FloatArray, p: float, q: float, m: float) -> FloatArray: ...
def bass_cumulative(t: FloatArray | float, p: float, q: float, m: float) -> FloatArray | float:
    """Expected cumulative adopters ``N(t)`` of the Bass model (see step 2); ``p`` must be > 0."""
    if p <= 0:
        raise ValueError("p must be positive")
    decay = np.exp(-(p + q) * np.asarray(t, dtype=np.float64))
    value = m * (1.0 - decay) / (1.0 + (q / p) * decay)
    if isinstance(t, np.ndarray):
        return np.asarray(value, dtype=np.float64)
    return float(value)


def _bass_jacobian(t: FloatArray, p: float, q: float, m: float) -> FloatArray:
    """Columns dN/dp, dN/dq, dN/dm at each t."""
    decay = np.exp(-(p + q) * t)
    ratio = q / p
    denominator = 1.0 + ratio * decay
    shape = (1.0 - decay) / denominator
    common = t * decay * (1.0 + ratio)
    d_p = m * (common + (1.0 - decay) * decay * q / p**2) / denominator**2
    d_q = m * (common - (1.0 - decay) * decay / p) / denominator**2
    return np.column_stack((d_p, d_q, shape))


# --- fitting ------------------------------------------------------------------------------------


def _fit_once(
    t: FloatArray, cumulative: FloatArray, m: float | None, start: tuple[float, float, float]
) -> tuple[float, float, float] | None:
    """One bounded least-squares fit of (p, q[, m]); None when it fails to converge.

    The fit runs on (log p, q[, log m]) with the same bounds taken to logs: early in a diffusion
    the data pin down little more than m * p, a ridge that is curved in (p, m) and straight in
    (log p, log m), where the trust region follows it in a few steps instead of hundreds.
    """
    observed = max(float(cumulative[-1]), 1.0)
    lower = [math.log(P_BOUNDS[0]), Q_BOUNDS[0], math.log(observed)]
    upper = [math.log(P_BOUNDS[1]), Q_BOUNDS[1], math.log(M_MAX_FACTOR * observed)]
    size = 3 if m is None else 2
    fixed_m = 0.0 if m is None else m

    def unpack(params: tuple[float, ...]) -> tuple[float, float, float]:
        p, q = math.exp(params[0]), params[1]
        return p, q, math.exp(params[2]) if m is None else fixed_m

    def model(x: FloatArray, *params: float) -> FloatArray:
        return bass_cumulative(x, *unpack(params))

    def jacobian(x: FloatArray, *params: float) -> FloatArray:
        p, q, mm = unpack(params)
        columns = _bass_jacobian(x, p, q, mm) * np.array([p, 1.0, mm])
        return columns[:, :size]

    x0 = np.clip([math.log(start[0]), start[1], math.log(start[2])], lower, upper)[:size]
    try:
        params, _cov = curve_fit(
            model,
            t,
            cumulative,
            p0=x0,
            bounds=(lower[:size], upper[:size]),
            jac=jacobian,
            method="trf",
            max_nfev=_MAX_NFEV,
        )
    except (RuntimeError, ValueError, FloatingPointError):
        return None
    if not np.all(np.isfinite(params)):
        return None
    return unpack(tuple(float(v) for v in params))


def _sse(t: FloatArray, cumulative: FloatArray, params: tuple[float, float, float]) -> float:
    return float(np.sum((bass_cumulative(t, *params) - cumulative) ** 2))


def _fit(
    t: FloatArray, cumulative: FloatArray, m: float | None
) -> tuple[float, float, float] | None:
    """The best fit from the standard starting values (several values of m when m is fitted)."""
    if m is not None:
        return _fit_once(t, cumulative, m, (P0, Q0, m))
    observed = max(float(cumulative[-1]), 1.0)
    fits = [_fit_once(t, cumulative, None, (P0, Q0, observed * f)) for f in M0_FACTORS]
    found = [fit for fit in fits if fit is not None]
    return min(found, key=lambda fit: _sse(t, cumulative, fit)) if found else None


def _first_at(curves: FloatArray, threshold: float, after: int) -> npt.NDArray[np.float64]:
    """Per row of ``curves`` (N at t = 1..), the first t > ``after`` with N >= threshold; inf if
    none."""
    future = curves[:, after:] >= threshold
    hit = future.any(axis=1)
    return np.where(hit, future.argmax(axis=1) + after + 1, np.inf).astype(np.float64)


def _period_percentile(periods: FloatArray, percent: float) -> int | None:
    value = float(np.percentile(periods, percent, method="inverted_cdf"))
    return None if math.isinf(value) else int(value)


def _check(cumulative: Sequence[int]) -> FloatArray:
    values = np.asarray(cumulative, dtype=np.float64)
    if values.size and (values[0] < 0 or np.any(np.diff(values) < 0)):
        raise ValueError("cumulative adoptions must be non-negative and non-decreasing")
    return values


def _bootstrap(
    t: FloatArray,
    observed: FloatArray,
    fit: tuple[float, float, float],
    m_fixed: bool,
    rounds: int,
    seed: int,
    horizon: int,
) -> FloatArray:
    """The refitted N(t), t = 1..n + horizon, one row per successful refit (see step 4)."""
    n = t.size
    t_all = np.arange(1, n + horizon + 1, dtype=np.float64)
    fitted_new = np.maximum(np.diff(bass_cumulative(t, *fit), prepend=0.0), 0.0)
    spread = np.sqrt(fitted_new)
    residuals = (np.diff(observed, prepend=0.0) - fitted_new) / np.maximum(spread, 1.0)
    residuals -= residuals.mean()
    draws = np.random.default_rng(seed).integers(0, n, size=(rounds, n))
    rows: list[FloatArray] = []
    for draw in draws:
        series = np.cumsum(np.maximum(fitted_new + spread * residuals[draw], 0.0))
        if series[-1] <= 0:
            continue
        refit = _fit_once(t, series, fit[2] if m_fixed else None, fit)
        if refit is not None:
            rows.append(bass_cumulative(t_all, *refit))
    if not rows:
        return np.empty((0, t_all.size), dtype=np.float64)
    return np.vstack(rows)


def fit_bass(
    cumulative: Sequence[int],
    *,
    m: float | None = None,
    min_adoptions: int = 5,
    min_periods: int = 4,
    bootstrap: int = 200,
    seed: int = 0,
    horizon: int = 120,
    target: int | None = None,
) -> BassFit | TooFew:
    """Fit the Bass model to a cumulative adoption curve and forecast it (see steps 3 to 5)."""
    if bootstrap < 0 or horizon < 0:
        raise ValueError("bootstrap and horizon must not be negative")
    observed = _check(cumulative)
    n = int(observed.size)
    adoptions = int(observed[-1]) if n else 0
    if target is None and m is not None:
        target = math.ceil(m)
    m_fixed = m is not None and m >= adoptions
    if adoptions < min_adoptions or n < min_periods:
        return TooFew(adoptions, n, min_adoptions, min_periods, TOO_FEW)
    t = np.arange(1, n + 1, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            fit = _fit(t, observed, m if m_fixed else None)
            if fit is None:
                return TooFew(adoptions, n, min_adoptions, min_periods, NO_FIT)
            curves = _bootstrap(t, observed, fit, m_fixed, bootstrap, seed, horizon)
    p, q, mm = fit
    t_all = np.arange(1, n + horizon + 1, dtype=np.float64)
    expected = bass_cumulative(t_all, p, q, mm)
    if curves.shape[0]:
        low, mid, high = np.percentile(curves, [10.0, 50.0, 90.0], axis=0)
    else:
        low = mid = high = expected
    forecast = [
        BandPoint(i + 1, float(expected[i]), float(low[i]), float(mid[i]), float(high[i]))
        for i in range(t_all.size)
    ]
    target_period = target_low = target_high = None
    reached = False
    if target is not None:
        in_data = np.flatnonzero(observed >= target)
        if in_data.size:
            reached = True
            target_period = target_low = target_high = int(in_data[0]) + 1
        else:
            threshold = target - 0.5
            later = np.flatnonzero(expected[n:] >= threshold)
            target_period = int(later[0]) + n + 1 if later.size else None
            if curves.shape[0]:
                periods = _first_at(curves, threshold, n)
                target_low = _period_percentile(periods, 10.0)
                target_high = _period_percentile(periods, 90.0)
    fitted = expected[:n]
    return BassFit(
        p=p,
        q=q,
        m=mm,
        m_fixed=m_fixed,
        periods=n,
        adoptions=adoptions,
        fitted=[float(v) for v in fitted],
        rmse=float(np.sqrt(np.mean((fitted - observed) ** 2))),
        forecast=forecast,
        target=target,
        target_period=target_period,
        target_period_low=target_low,
        target_period_high=target_high,
        target_reached=reached,
        bootstrap_ok=int(curves.shape[0]),
    )
