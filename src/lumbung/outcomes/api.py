"""API router for outcomes: an innovation's indicators and measurements, and the comparison of
a replica with its original.

Read with the innovation (published: everyone; drafts: its unit and agency); written by who
changes the innovation. Errors: ``{"detail": ..., "errors": [...]}`` (``lumbung.api``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from lumbung.catalog import selectors as catalog_selectors
from lumbung.catalog.models import Innovation
from lumbung.core.http.auth import READ_AUTH, current_user, optional_auth_openapi
from lumbung.core.http.errors import error_responses

from . import selectors, services
from .marks import mark_label
from .models import Indicator, Measurement

router = Router(tags=["outcomes"])
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)


def _read(**kwargs: Any) -> dict[str, Any]:
    return {"auth": READ_AUTH, "openapi_extra": optional_auth_openapi(), **kwargs}


class IndicatorIn(Schema):
    name: str = Field(max_length=200)
    unit_of_measure: str = Field(max_length=60)
    better: Literal["higher", "lower"]
    frequency: Literal["monthly", "quarterly", "half_yearly", "yearly"]
    per: int | None = Field(default=None, ge=1)
    per_what: str = Field(default="", max_length=100)
    similar_within: int = Field(default=10, ge=0, le=100)
    description: str = ""


class IndicatorUpdateIn(Schema):
    """Only the fields given change."""

    name: str | None = Field(default=None, max_length=200)
    unit_of_measure: str | None = Field(default=None, max_length=60)
    better: Literal["higher", "lower"] | None = None
    frequency: Literal["monthly", "quarterly", "half_yearly", "yearly"] | None = None
    per: int | None = Field(default=None, ge=1)
    per_what: str | None = Field(default=None, max_length=100)
    similar_within: int | None = Field(default=None, ge=0, le=100)
    description: str | None = None


class IndicatorOut(Schema):
    id: int
    innovation: str
    inherited: bool
    name: str
    unit_of_measure: str
    better: str
    frequency: str
    per: int | None
    per_what: str
    similar_within: int
    description: str


class MeasurementIn(Schema):
    indicator: int
    period_end: dt.date
    kind: Literal["baseline", "follow_up"] = "follow_up"
    value: float
    denominator: float | None = None
    margin: float | None = None
    evidence: str = Field(max_length=300)
    evidence_url: str = ""
    note: str = ""


class MeasurementUpdateIn(Schema):
    """Only the fields given change (a correction; the indicator stays)."""

    period_end: dt.date | None = None
    kind: Literal["baseline", "follow_up"] | None = None
    value: float | None = None
    denominator: float | None = None
    margin: float | None = None
    evidence: str | None = Field(default=None, max_length=300)
    evidence_url: str | None = None
    note: str | None = None


class MeasurementOut(Schema):
    id: int
    indicator: int
    period_end: dt.date
    kind: str
    value: float
    denominator: float | None
    margin: float | None
    evidence: str
    evidence_url: str
    note: str


class AlignedOut(Schema):
    value: float
    low: float
    high: float
    interpolated: bool


class AgeOut(Schema):
    age: float
    original: AlignedOut | None
    replica: AlignedOut | None
    verdict: str
    reason: str


class IndicatorComparisonOut(Schema):
    indicator: int
    name: str
    verdict: str
    at_age: float | None
    ages: list[AgeOut]


class ComparisonOut(Schema):
    replica: str
    original: str
    mark: str
    mark_label: str
    indicators: list[IndicatorComparisonOut]


def _innovation(request: HttpRequest, slug: str) -> Innovation:
    found = catalog_selectors.visible_innovation(current_user(request), slug)
    if found is None:
        raise Http404
    return found


def _indicator_out(indicator: Indicator, innovation: Innovation) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "innovation": indicator.innovation.slug,
        "inherited": indicator.innovation_id != innovation.pk,
        **{
            k: getattr(indicator, k)
            for k in (
                "name",
                "unit_of_measure",
                "better",
                "frequency",
                "per",
                "per_what",
                "similar_within",
                "description",
            )
        },
    }


def _measurement_out(m: Measurement) -> dict[str, Any]:
    return {
        "id": m.pk,
        "indicator": m.indicator_id,
        **{
            k: getattr(m, k)
            for k in (
                "period_end",
                "kind",
                "value",
                "denominator",
                "margin",
                "evidence",
                "evidence_url",
                "note",
            )
        },
    }


@router.get(
    "/innovations/{slug:slug}/indicators",
    response={200: list[IndicatorOut], **error_responses(401, 404)},
    **_read(),
)
def indicator_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The indicators the innovation records: its lineage's (inherited) and its own."""
    innovation = _innovation(request, slug)
    return [_indicator_out(i, innovation) for i in selectors.indicators_of(innovation)]


@router.post("/innovations/{slug:slug}/indicators", response={201: IndicatorOut, **WRITE_ERRORS})
def indicator_create(request: HttpRequest, slug: str, payload: IndicatorIn) -> Status:
    innovation = _innovation(request, slug)
    indicator = services.indicator_create(
        actor=current_user(request), innovation=innovation, **payload.dict()
    )
    return Status(201, _indicator_out(indicator, innovation))


def _own_indicator(innovation: Innovation, pk: int) -> Indicator:
    indicator = (
        Indicator.objects.select_related("innovation").filter(pk=pk, innovation=innovation).first()
    )
    if indicator is None:
        raise Http404
    return indicator


#: fields that may be emptied (``null``); the others keep their value when null is sent
_NULLABLE = {"per", "denominator", "margin"}


def _changes(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    return {k: v for k, v in data.items() if v is not None or k in _NULLABLE}


@router.patch(
    "/innovations/{slug:slug}/indicators/{pk}", response={200: IndicatorOut, **WRITE_ERRORS}
)
def indicator_update(
    request: HttpRequest, slug: str, pk: int, payload: IndicatorUpdateIn
) -> dict[str, Any]:
    """Change an indicator the innovation defines (not one it inherits)."""
    innovation = _innovation(request, slug)
    indicator = services.indicator_update(
        actor=current_user(request),
        indicator=_own_indicator(innovation, pk),
        **_changes(payload),
    )
    return _indicator_out(indicator, innovation)


@router.delete("/innovations/{slug:slug}/indicators/{pk}", response={204: None, **WRITE_ERRORS})
def indicator_delete(request: HttpRequest, slug: str, pk: int) -> Status:
    """Remove an indicator nobody has measured yet (422 when it has figures)."""
    innovation = _innovation(request, slug)
    services.indicator_delete(actor=current_user(request), indicator=_own_indicator(innovation, pk))
    return Status(204, None)


@router.get(
    "/innovations/{slug:slug}/measurements",
    response={200: list[MeasurementOut], **error_responses(401, 404)},
    **_read(),
)
def measurement_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    innovation = _innovation(request, slug)
    return [
        _measurement_out(m) for m in selectors.measurements_of(innovation, current_user(request))
    ]


@router.post(
    "/innovations/{slug:slug}/measurements", response={201: MeasurementOut, **WRITE_ERRORS}
)
def measurement_create(request: HttpRequest, slug: str, payload: MeasurementIn) -> Status:
    innovation = _innovation(request, slug)
    data = payload.dict()
    indicator = {i.pk: i for i in selectors.indicators_of(innovation)}.get(data.pop("indicator"))
    if indicator is None:
        raise ValidationError(
            {"indicator": _("Not an indicator of this innovation or of what it replicated.")}
        )
    m = services.measurement_record(
        actor=current_user(request), innovation=innovation, indicator=indicator, **data
    )
    return Status(201, _measurement_out(m))


@router.patch(
    "/innovations/{slug:slug}/measurements/{pk}", response={200: MeasurementOut, **WRITE_ERRORS}
)
def measurement_update(
    request: HttpRequest, slug: str, pk: int, payload: MeasurementUpdateIn
) -> dict[str, Any]:
    """Correct a figure (checked as when it was recorded)."""
    innovation = _innovation(request, slug)
    m = Measurement.objects.filter(pk=pk, innovation=innovation).first()
    if m is None:
        raise Http404
    m = services.measurement_update(actor=current_user(request), measurement=m, **_changes(payload))
    return _measurement_out(m)


@router.delete("/innovations/{slug:slug}/measurements/{pk}", response={204: None, **WRITE_ERRORS})
def measurement_delete(request: HttpRequest, slug: str, pk: int) -> Status:
    innovation = _innovation(request, slug)
    m = Measurement.objects.filter(pk=pk, innovation=innovation).first()
    if m is None:
        raise Http404
    services.measurement_delete(actor=current_user(request), measurement=m)
    return Status(204, None)


def _aligned(a: Any) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"value": a.value, "low": a.low, "high": a.high, "interpolated": a.interpolated}


@router.get(
    "/innovations/{slug:slug}/comparison",
    response={200: ComparisonOut, **error_responses(401, 404)},
    **_read(),
)
def comparison(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The replica beside what it replicated, at the same ages, indicator by indicator, with the
    verdict (better / similar / worse / unknown) and the data behind it. 404 for an innovation
    that replicated nothing (or whose original the caller may not see)."""
    innovation = _innovation(request, slug)
    compared = selectors.compare_with_original(innovation)
    if compared is None:
        raise Http404
    _innovation(request, compared.original.slug)
    return {
        "replica": innovation.slug,
        "original": compared.original.slug,
        "mark": compared.mark,
        "mark_label": mark_label(compared.mark),
        "indicators": [
            {
                "indicator": row.indicator.pk,
                "name": row.indicator.name,
                "verdict": row.result.verdict,
                "at_age": row.result.at_age,
                "ages": [
                    {
                        "age": a.age,
                        "original": _aligned(a.original),
                        "replica": _aligned(a.replica),
                        "verdict": a.verdict,
                        "reason": str(a.reason),
                    }
                    for a in row.result.by_age
                ],
            }
            for row in compared.indicators
        ],
    }
