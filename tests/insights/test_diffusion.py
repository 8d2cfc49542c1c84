"""The Bass diffusion model (lumbung.insights.diffusion): adoption curves, fitting, the bootstrap
band and the forecast of when a target is reached. Pure maths: no database."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest

from lumbung.insights import diffusion
from lumbung.insights.diffusion import (
    NO_FIT,
    TOO_FEW,
    BassFit,
    CurvePoint,
    TooFew,
    adoption_curve,
    bass_cumulative,
    fit_bass,
)


def _curve(p: float, q: float, m: float, periods: int) -> list[int]:
    """The expected cumulative curve at t = 1..periods, rounded to whole adopters."""
    t = np.arange(1, periods + 1, dtype=np.float64)
    return [round(v) for v in bass_cumulative(t, p, q, m)]


def _noisy(p: float, q: float, m: float, periods: int, seed: int) -> list[int]:
    """A Poisson draw of the new adoptions per period around the model, cumulated."""
    t = np.arange(0, periods + 1, dtype=np.float64)
    expected_new = np.diff(bass_cumulative(t, p, q, m))
    new = np.random.default_rng(seed).poisson(expected_new)
    return [int(v) for v in np.cumsum(new)]


def _fit(cumulative: list[int], **kwargs: object) -> BassFit:
    result = fit_bass(cumulative, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, BassFit), result
    return result


# --- the model ----------------------------------------------------------------------------------


def test_bass_cumulative_shape() -> None:
    assert bass_cumulative(0.0, 0.03, 0.4, 30) == 0.0
    assert isinstance(bass_cumulative(1.0, 0.03, 0.4, 30), float)
    assert bass_cumulative(1000.0, 0.03, 0.4, 30) == pytest.approx(30)
    # at the start only innovators adopt: dN/dt(0) = p m
    h = 1e-6
    assert bass_cumulative(h, 0.03, 0.4, 30) / h == pytest.approx(0.03 * 30, rel=1e-4)
    values = bass_cumulative(np.arange(0, 50, dtype=np.float64), 0.03, 0.4, 30)
    assert values.shape == (50,)
    assert np.all(np.diff(values) > 0)
    with pytest.raises(ValueError):
        bass_cumulative(1.0, 0.0, 0.4, 30)


# --- fitting ------------------------------------------------------------------------------------


def test_recovers_known_parameters_with_m_fitted() -> None:
    fit = _fit(_curve(0.03, 0.4, 30, 36), bootstrap=0)
    assert not fit.m_fixed
    assert fit.p == pytest.approx(0.03, rel=0.20)
    assert fit.q == pytest.approx(0.4, rel=0.15)
    assert fit.m == pytest.approx(30, rel=0.10)
    assert fit.periods == 36
    assert fit.adoptions == 30
    assert len(fit.fitted) == 36
    assert fit.rmse < 0.5  # only the rounding to whole adopters separates data and model


def test_recovers_p_and_q_closer_with_m_given() -> None:
    fit = _fit(_curve(0.03, 0.4, 30, 36), m=30, bootstrap=0)
    assert fit.m_fixed
    assert fit.m == 30
    assert fit.p == pytest.approx(0.03, rel=0.05)
    assert fit.q == pytest.approx(0.4, rel=0.05)


def test_recovers_a_larger_diffusion_closely() -> None:
    # With 500 potential adopters the rounding matters less, so the estimates are tight.
    fit = _fit(_curve(0.01, 0.3, 500, 48), bootstrap=0)
    assert fit.p == pytest.approx(0.01, rel=0.03)
    assert fit.q == pytest.approx(0.3, rel=0.02)
    assert fit.m == pytest.approx(500, rel=0.01)


@pytest.mark.parametrize(
    ("cumulative", "adoptions", "periods"),
    [
        ([0, 1, 2, 3, 3], 3, 5),  # too few adoptions
        ([5, 10], 10, 2),  # too few periods
        ([], 0, 0),
    ],
)
def test_refuses_too_few(cumulative: list[int], adoptions: int, periods: int) -> None:
    result = fit_bass(cumulative)
    assert result == TooFew(
        adoptions=adoptions, periods=periods, needed_adoptions=5, needed_periods=4, reason=TOO_FEW
    )


def test_refusal_uses_the_given_minimums() -> None:
    result = fit_bass([1, 2, 4, 6, 8, 9], min_adoptions=10, min_periods=3)
    assert result == TooFew(9, 6, 10, 3, TOO_FEW)
    assert isinstance(fit_bass([1, 2, 4, 6, 8, 9], min_adoptions=9, bootstrap=0), BassFit)


def test_a_fit_that_does_not_converge_is_refused_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Optimal parameters not found")

    monkeypatch.setattr(diffusion, "curve_fit", fails)
    assert fit_bass(_curve(0.03, 0.4, 30, 36)) == TooFew(30, 36, 5, 4, NO_FIT)


def test_a_decreasing_curve_is_a_caller_error() -> None:
    with pytest.raises(ValueError):
        fit_bass([1, 3, 2, 5, 6])
    with pytest.raises(ValueError):
        fit_bass(_curve(0.03, 0.4, 30, 36), horizon=-1)


def test_given_m_below_the_observed_adopters_is_fitted_and_the_target_is_reached() -> None:
    cumulative = _curve(0.03, 0.4, 30, 36)
    fit = _fit(cumulative, m=25, bootstrap=0)
    assert not fit.m_fixed
    assert fit.m >= 30
    assert fit.target == 25
    assert fit.target_reached
    assert fit.target_period == cumulative.index(25) + 1


# --- the bootstrap band -------------------------------------------------------------------------


NOISY = _noisy(0.01, 0.2, 150, 30, seed=7)


def test_band_contains_the_fit_and_is_not_degenerate_on_noisy_data() -> None:
    fit = _fit(NOISY, horizon=60)
    assert fit.bootstrap_ok >= 190
    assert [point.t for point in fit.forecast] == list(range(1, 91))
    for point in fit.forecast:
        assert point.low <= point.mid <= point.high
        assert point.low <= point.expected <= point.high
    assert fit.fitted == [point.expected for point in fit.forecast[:30]]
    # the band widens into the future, and there it spans many adopters
    assert fit.forecast[89].high - fit.forecast[89].low > 10
    assert fit.forecast[89].high - fit.forecast[89].low > fit.forecast[9].high - fit.forecast[9].low


def test_same_seed_same_result_other_seed_other_band() -> None:
    first = _fit(NOISY, bootstrap=50, seed=3)
    assert _fit(NOISY, bootstrap=50, seed=3) == first
    other = _fit(NOISY, bootstrap=50, seed=4)
    assert (other.p, other.q, other.m) == (first.p, first.q, first.m)
    assert other.forecast != first.forecast


def test_without_bootstrap_the_band_collapses_onto_the_fit() -> None:
    fit = _fit(NOISY, bootstrap=0, target=NOISY[-1] + 5)
    assert fit.bootstrap_ok == 0
    assert fit.target_period is not None
    assert all(pt.low == pt.mid == pt.high == pt.expected for pt in fit.forecast)
    assert fit.target_period_low is None
    assert fit.target_period_high is None


# --- when the target is reached -----------------------------------------------------------------


def test_target_period_is_where_the_fitted_curve_crosses_target_minus_a_half() -> None:
    observed = _curve(0.03, 0.4, 30, 36)[:14]  # 29 of 30 adopted so far
    fit = _fit(observed, m=30)
    assert fit.target == 30
    assert not fit.target_reached
    direct = next(
        t for t in range(15, 15 + 120) if bass_cumulative(float(t), fit.p, fit.q, 30) >= 29.5
    )
    assert fit.target_period == direct
    assert fit.forecast[direct - 1].expected >= 29.5
    assert fit.target_period_low is not None
    assert fit.target_period_high is not None
    assert 15 <= fit.target_period_low <= fit.target_period <= fit.target_period_high


def test_target_period_is_none_when_the_horizon_is_too_short() -> None:
    observed = _curve(0.03, 0.4, 30, 36)[:10]
    long = _fit(observed, m=30, bootstrap=20)
    assert long.target_period is not None
    assert long.target_period > 12
    short = _fit(observed, m=30, bootstrap=20, horizon=long.target_period - 11)
    assert short.target_period is None
    assert short.target_period_high is None
    assert len(short.forecast) == 10 + long.target_period - 11


def test_target_above_the_fitted_potential_is_never_reached() -> None:
    fit = _fit(_curve(0.03, 0.4, 30, 36), target=40, bootstrap=20)
    assert fit.target_period is None
    assert not fit.target_reached


def test_target_reached_in_the_data_says_so() -> None:
    cumulative = _curve(0.03, 0.4, 30, 36)
    fit = _fit(cumulative, m=30, bootstrap=20)
    assert fit.target_reached
    assert fit.target_period == cumulative.index(30) + 1
    assert fit.target_period_low == fit.target_period_high == fit.target_period


def test_two_hundred_refits_on_sixty_periods_stay_fast() -> None:
    # A loose guard (typically ~0.2 s); the figure that matters is measured outside the tests.
    cumulative = _noisy(0.01, 0.15, 200, 60, seed=1)
    started = datetime.datetime.now()
    fit = _fit(cumulative, bootstrap=200)
    assert fit.bootstrap_ok >= 190
    assert (datetime.datetime.now() - started).total_seconds() < 5


# --- the adoption curve -------------------------------------------------------------------------


def test_adoption_curve_by_month_with_empty_periods() -> None:
    dates = [
        datetime.date(2023, 12, 5),  # before start: counted in the first period
        datetime.date(2024, 1, 20),
        datetime.date(2024, 1, 31),
        datetime.date(2024, 4, 1),
        datetime.datetime(2024, 4, 30, 23, 59),
        datetime.date(2024, 5, 10),  # after end: left out
    ]
    curve = adoption_curve(dates, start=datetime.date(2024, 1, 15), end=datetime.date(2024, 5, 9))
    assert curve == [
        CurvePoint(datetime.date(2024, 1, 1), 3, 3),
        CurvePoint(datetime.date(2024, 2, 1), 0, 3),
        CurvePoint(datetime.date(2024, 3, 1), 0, 3),
        CurvePoint(datetime.date(2024, 4, 1), 2, 5),
        CurvePoint(datetime.date(2024, 5, 1), 0, 5),
    ]


def test_adoption_curve_by_quarter_across_a_year() -> None:
    dates = [
        datetime.date(2023, 11, 1),
        datetime.date(2023, 12, 31),
        datetime.date(2024, 1, 1),
        datetime.date(2024, 8, 15),
        datetime.date(2024, 9, 30),
    ]
    curve = adoption_curve(
        dates, start=datetime.date(2023, 10, 1), end=datetime.date(2024, 12, 31), period="quarter"
    )
    assert [(pt.period_start, pt.new, pt.cumulative) for pt in curve] == [
        (datetime.date(2023, 10, 1), 2, 2),
        (datetime.date(2024, 1, 1), 1, 3),
        (datetime.date(2024, 4, 1), 0, 3),
        (datetime.date(2024, 7, 1), 2, 5),
        (datetime.date(2024, 10, 1), 0, 5),
    ]


def test_adoption_curve_feeds_the_fit() -> None:
    start = datetime.date(2022, 1, 1)
    cumulative = _curve(0.03, 0.4, 30, 24)
    dates = []
    for month, (before, after) in enumerate(zip([0, *cumulative], cumulative, strict=False)):
        dates += [datetime.date(2022 + month // 12, month % 12 + 1, 15)] * (after - before)
    curve = adoption_curve(dates, start=start, end=datetime.date(2023, 12, 31))
    assert [pt.cumulative for pt in curve] == cumulative
    assert math.isclose(_fit([pt.cumulative for pt in curve], bootstrap=0).m, 30, rel_tol=0.1)


def test_adoption_curve_of_one_day_and_of_a_reversed_window() -> None:
    assert adoption_curve([], start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 1)) == [
        CurvePoint(datetime.date(2024, 1, 1), 0, 0)
    ]
    with pytest.raises(ValueError):
        adoption_curve([], start=datetime.date(2024, 2, 1), end=datetime.date(2024, 1, 31))
