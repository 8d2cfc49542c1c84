"""API router for insights: the portfolio figures, a programme's funnel and forecast, an
innovation's diffusion and index. The same selectors as the pages, the same policy filters: a
person's figures count only what they may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from lumbung.catalog import selectors as catalog_selectors
from lumbung.catalog.models import Innovation
from lumbung.core.http.auth import READ_AUTH, current_user, optional_auth_openapi
from lumbung.core.http.errors import error_responses
from lumbung.core.policies import can
from lumbung.organisations.models import Agency
from lumbung.outcomes import selectors as outcome_selectors
from lumbung.replication import selectors as replication_selectors

from . import indexing, selectors, spread

router = Router(tags=["insights"])


def _read(**kwargs: Any) -> dict[str, Any]:
    return {"auth": READ_AUTH, "openapi_extra": optional_auth_openapi(), **kwargs}


class PortfolioFilters(Schema):
    agency: int | None = None
    year: int | None = None


class CountOut(Schema):
    key: str
    label: str
    count: int


class BreakdownOut(Schema):
    key: str
    title: str
    rows: list[CountOut]


class PortfolioOut(Schema):
    total: int
    continuing: int
    stopped: int
    breakdowns: list[BreakdownOut]
    awards_by_year: list[list[int]]
    adoption_by_province: dict[str, int]


class FitOut(Schema):
    fitted: bool
    reason: str
    p: float | None = None
    q: float | None = None
    m: float | None = None
    target: int | None = None
    target_date: dt.date | None = None
    target_date_low: dt.date | None = None
    target_date_high: dt.date | None = None
    target_reached: bool = False


class CurvePointOut(Schema):
    period_start: dt.date
    new: int
    cumulative: int


class SpreadOut(Schema):
    curve: list[CurvePointOut]
    fit: FitOut


class FunnelStepOut(Schema):
    key: str
    label: str
    units: int


class ProgrammeInsightOut(Schema):
    funnel: list[FunnelStepOut]
    median_days_to_adoption: float | None
    spread: SpreadOut


class PartOut(Schema):
    key: str
    label: str
    weight: float
    sub_score: float
    points: float


class IndexOut(Schema):
    innovation: str
    total: float
    band: str
    parts: list[PartOut]


@router.get(
    "/insights/portfolio",
    response={200: PortfolioOut, **error_responses(401, 422)},
    **_read(),
)
def portfolio(request: HttpRequest, filters: Query[PortfolioFilters]) -> dict[str, Any]:
    """Counts of the innovations the caller may see (published for everyone; the caller's own
    drafts too), by stage, sector, agency, province and start year; awards per year; replication
    projects per province."""
    user = current_user(request)
    agency = Agency.objects.filter(pk=filters.agency).first() if filters.agency else None
    found = selectors.portfolio(user, agency=agency, year=filters.year)
    return {
        "total": found.total,
        "continuing": found.continuing,
        "stopped": found.stopped,
        "breakdowns": [
            {
                "key": b.key,
                "title": str(b.title),
                "rows": [{"key": k, "label": label, "count": n} for k, label, n in b.rows],
            }
            for b in found.breakdowns
        ],
        "awards_by_year": [[y, n] for y, n in found.awards_by_year],
        "adoption_by_province": selectors.adoption_by_province(user),
    }


def _spread_out(found: spread.Spread) -> dict[str, Any]:
    fit = found.fitted
    low, high = found.target_range()
    return {
        "curve": [
            {"period_start": p.period_start, "new": p.new, "cumulative": p.cumulative}
            for p in found.curve
        ],
        "fit": {
            "fitted": fit is not None,
            "reason": str(found.too_few.reason) if found.too_few else "",
            "p": fit.p if fit else None,
            "q": fit.q if fit else None,
            "m": fit.m if fit else None,
            "target": found.target,
            "target_date": found.target_date,
            "target_date_low": low,
            "target_date_high": high,
            "target_reached": bool(fit and fit.target_reached),
        },
    }


@router.get(
    "/insights/programmes/{slug:slug}",
    response={200: ProgrammeInsightOut, **error_responses(401, 404)},
    **_read(),
)
def programme(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A programme's replication funnel, time from learning event to adoption, and the Bass
    model fitted to its adoptions with the forecast of its coverage target."""
    found = replication_selectors.programme_detail(slug)
    if found is None or not can(current_user(request), "programme.view", found):
        raise Http404
    insight = selectors.programme_insight(found, current_user(request))
    diffusion = spread.spread_of(
        insight.adoption_dates, start=found.start_date, target=found.coverage_target or None
    )
    return {
        "funnel": [{"key": k, "label": label, "units": n} for k, label, n in insight.funnel],
        "median_days_to_adoption": insight.median_days_to_adoption,
        "spread": _spread_out(diffusion),
    }


def _innovation(request: HttpRequest, slug: str) -> Innovation:
    found = catalog_selectors.visible_innovation(current_user(request), slug)
    if found is None:
        raise Http404
    return found


@router.get(
    "/insights/innovations/{slug:slug}/diffusion",
    response={200: SpreadOut, **error_responses(401, 404)},
    **_read(),
)
def diffusion(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The adoption curve of the innovation's family (the replicas the caller may see) and the
    Bass model fitted to it, or why it is not fitted."""
    innovation = _innovation(request, slug)
    family = outcome_selectors.family_of(innovation, current_user(request))
    return _spread_out(spread.spread_of(selectors.family_adoption_dates(family)))


@router.get(
    "/insights/innovations/{slug:slug}/index",
    response={200: IndexOut, **error_responses(401, 404)},
    **_read(),
)
def innovation_index(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The innovation's index score with its breakdown (the weights in use)."""
    innovation = _innovation(request, slug)
    [item] = indexing.scored(indexing.with_facts(Innovation.objects.filter(pk=innovation.pk)))
    return {
        "innovation": innovation.slug,
        "total": item.score.total,
        "band": str(item.score.band),
        "parts": [
            {
                "key": p.key,
                "label": str(p.label),
                "weight": p.weight,
                "sub_score": p.sub_score,
                "points": p.points,
            }
            for p in item.score.parts
        ],
    }
