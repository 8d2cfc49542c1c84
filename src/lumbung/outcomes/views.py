"""Outcome pages: an innovation's indicators and figures, the comparison with its original, and
its family marked replica by replica. Who may not see the innovation gets 404; who may see it
but not record gets 403 on the forms. Writes go through ``outcomes.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lumbung.catalog import selectors as catalog_selectors
from lumbung.catalog.models import Innovation
from lumbung.core.pages import add_service_errors
from lumbung.core.policies import can

from . import selectors, services
from .charts import indicator_charts
from .forms import IndicatorForm, MeasurementForm
from .models import Indicator, Measurement


def _innovation(request: HttpRequest, slug: str) -> Innovation:
    found = catalog_selectors.visible_innovation(request.user, slug)
    if found is None:
        raise Http404
    return found


def _page(
    request: HttpRequest,
    innovation: Innovation,
    *,
    indicator_form: IndicatorForm | None = None,
    measurement_form: MeasurementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_record = can(request.user, "innovation.change", innovation)
    indicators = selectors.indicators_of(innovation)
    measurements = list(selectors.measurements_of(innovation, request.user))
    by_indicator: dict[int, list[Measurement]] = {}
    for m in measurements:
        by_indicator.setdefault(m.indicator_id, []).append(m)
    compared = selectors.compare_with_original(innovation)
    if compared is not None and not can(request.user, "innovation.view", compared.original):
        compared = None
    context: dict[str, Any] = {
        "innovation": innovation,
        "indicators": [
            {
                "indicator": i,
                "inherited": i.innovation_id != innovation.pk,
                "measurements": by_indicator.get(i.pk, []),
            }
            for i in indicators
        ],
        "compared": compared,
        "charts": indicator_charts(compared) if compared else [],
        "may_record": may_record,
        "indicator_form": indicator_form or (IndicatorForm() if may_record else None),
        "measurement_form": measurement_form
        or (MeasurementForm(indicators=indicators) if may_record and indicators else None),
    }
    return render(request, "outcomes/innovation.html", context, status=status)


@require_GET
def innovation_outcomes(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _innovation(request, slug))


def _may_record(request: HttpRequest, innovation: Innovation) -> None:
    if not can(request.user, "innovation.change", innovation):
        raise PermissionDenied(_("You may not record outcomes of this innovation."))


@login_required
@require_POST
def indicator_new(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _innovation(request, slug)
    _may_record(request, innovation)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_create(
                actor=request.user,
                innovation=innovation,
                **{k: form.cleaned_data[k] for k in IndicatorForm.Meta.fields},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The indicator was added."))
            return redirect("outcomes:innovation", slug=slug)
    return _page(request, innovation, indicator_form=form, status=400)


@login_required
@require_POST
def indicator_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    innovation = _innovation(request, slug)
    indicator = get_object_or_404(Indicator, pk=pk, innovation=innovation)
    try:
        services.indicator_delete(actor=request.user, indicator=indicator)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The indicator was removed."))
    return redirect("outcomes:innovation", slug=slug)


@login_required
@require_POST
def measurement_new(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _innovation(request, slug)
    _may_record(request, innovation)
    indicators = selectors.indicators_of(innovation)
    form = MeasurementForm(request.POST, indicators=indicators)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.measurement_record(
                actor=request.user,
                innovation=innovation,
                indicator=data["indicator"],
                **{k: data[k] for k in MeasurementForm.Meta.fields if k != "indicator"},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The figure was recorded."))
            return redirect("outcomes:innovation", slug=slug)
    return _page(request, innovation, measurement_form=form, status=400)


@login_required
@require_POST
def measurement_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    innovation = _innovation(request, slug)
    measurement = get_object_or_404(Measurement, pk=pk, innovation=innovation)
    services.measurement_delete(actor=request.user, measurement=measurement)
    messages.success(request, _("The figure was removed."))
    return redirect("outcomes:innovation", slug=slug)


@require_GET
def family(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _innovation(request, slug)
    found = selectors.family_of(innovation, request.user)
    counts = {mark: found.count(mark) for mark in ("better", "similar", "worse", "unknown")}
    return render(
        request,
        "outcomes/family.html",
        {"innovation": innovation, "family": found, "counts": counts},
    )
