"""Diffusion of an innovation or a programme: the adoption curve from the dates units adopted,
and the Bass model fitted to it (:mod:`.diffusion`) with its forecast of the target."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from . import diffusion

#: below these, no curve is fitted ("too few adoptions to fit")
MIN_ADOPTIONS = 5
MIN_PERIODS = 4
#: bootstrap refits behind the 80 % band: 100 estimate its 10th and 90th percentiles well enough
#: for a planning chart, and keep a programme's first view after new adoptions under 300 ms
#: (benchmarks/insights: 200 refits took it to 341–357 ms at 20,000 adoptions)
BOOTSTRAP = 100
#: how long a fitted curve is kept (its inputs change with every adoption anyway)
CACHE_SECONDS = 6 * 3600


@dataclass
class Spread:
    curve: list[diffusion.CurvePoint]
    fit: diffusion.BassFit | diffusion.TooFew | None
    target: int | None
    period: str = "month"

    @property
    def fitted(self) -> diffusion.BassFit | None:
        return self.fit if isinstance(self.fit, diffusion.BassFit) else None

    @property
    def too_few(self) -> diffusion.TooFew | None:
        return self.fit if isinstance(self.fit, diffusion.TooFew) else None

    def period_start(self, t: int) -> dt.date:
        """The first day of period ``t`` (1-based) of the curve, forecast periods included."""
        first = self.curve[0].period_start
        months = (t - 1) * (3 if self.period == "quarter" else 1)
        y, m = divmod(first.month - 1 + months, 12)
        return dt.date(first.year + y, m + 1, 1)

    @property
    def target_date(self) -> dt.date | None:
        fit = self.fitted
        if fit is None or fit.target_period is None:
            return None
        return self.period_start(fit.target_period)

    def target_range(self) -> tuple[dt.date | None, dt.date | None]:
        fit = self.fitted
        if fit is None:
            return None, None
        low = self.period_start(fit.target_period_low) if fit.target_period_low else None
        high = self.period_start(fit.target_period_high) if fit.target_period_high else None
        return low, high


def spread_of(
    dates: list[dt.date],
    *,
    start: dt.date | None = None,
    target: int | None = None,
    today: dt.date | None = None,
    bootstrap: int = BOOTSTRAP,
) -> Spread:
    """The adoption curve of ``dates`` by month (by quarter over more than five years) from
    ``start`` (default: the first adoption) to today, and the Bass fit: with ``target`` (a
    programme's), the potential m is the target; without, m is fitted."""
    today = today or timezone.localdate()
    if not dates:
        return Spread([], None, target)
    first = start or min(dates)
    months = (today.year - first.year) * 12 + today.month - first.month
    period = "quarter" if months > 60 else "month"
    curve = diffusion.adoption_curve(dates, start=first, end=today, period=period)  # type: ignore[arg-type]
    fit = _fit([p.cumulative for p in curve], target, bootstrap, 120 if period == "month" else 40)
    return Spread(curve, fit, target, period)


def _fit(
    cumulative: list[int], target: int | None, bootstrap: int, horizon: int
) -> diffusion.BassFit | diffusion.TooFew:
    """The fit of a curve, kept in the cache under its inputs: it is deterministic (a fixed
    seed), so a dashboard seen again, or its report, does not refit the bootstrap samples."""
    key = (
        "bass:"
        + hashlib.sha256(
            json.dumps(
                [cumulative, target, bootstrap, horizon, MIN_ADOPTIONS, MIN_PERIODS]
            ).encode()
        ).hexdigest()
    )
    found = cache.get(key)
    if isinstance(found, diffusion.BassFit):
        return found
    fit = diffusion.fit_bass(
        cumulative,
        m=float(target) if target else None,
        min_adoptions=MIN_ADOPTIONS,
        min_periods=MIN_PERIODS,
        bootstrap=bootstrap,
        target=target,
        horizon=horizon,
    )
    if isinstance(fit, diffusion.BassFit):
        cache.set(key, fit, CACHE_SECONDS)
    return fit
