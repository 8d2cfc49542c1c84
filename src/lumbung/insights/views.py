"""Insight pages: the portfolio dashboard (everyone sees what the policy layer lets them), a
programme's dashboard, the facilitator's follow-up, an innovation's diffusion, the innovation
index, reports (PDF, XLSX) and open data. Figures come from :mod:`.selectors`; views only pick
the records the person may see and render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lumbung.catalog import selectors as catalog_selectors
from lumbung.catalog.models import Innovation
from lumbung.competitions import selectors as competition_selectors
from lumbung.competitions.models import Round
from lumbung.core import charts
from lumbung.core.pages import paginate
from lumbung.core.policies import can
from lumbung.core.replica import reads_from_replica
from lumbung.organisations.models import Agency, Unit
from lumbung.outcomes import selectors as outcome_selectors
from lumbung.replication import selectors as replication_selectors
from lumbung.replication.models import Programme

from . import documents, indexing, open_catalog, opendata, reports, selectors, spread
from .opendata import csv_lines


def _int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _filters(request: HttpRequest) -> tuple[Agency | None, int | None]:
    """The dashboard's filters: an agency (by id) and a start year; unknown ones are ignored."""
    agency_id = _int(request, "agency")
    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    return agency, _int(request, "year")


def _bars(key: str, breakdown: selectors.Breakdown) -> Any:
    return charts.bar_chart(
        str(breakdown.title), [(label, n) for _k, label, n in breakdown.rows], id=f"chart-{key}"
    )


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    agency, year = _filters(request)
    portfolio = selectors.portfolio(request.user, agency=agency, year=year)
    query = request.GET.urlencode()
    boards = [
        {
            "chart": _bars(b.key, b),
            "csv_url": reverse("insights:breakdown_csv", args=[b.key])
            + (f"?{query}" if query else ""),
        }
        for b in portfolio.breakdowns
        if b.rows
    ]
    status = charts.bar_chart(
        _("Continuing and stopped"),
        [(_("continuing"), portfolio.continuing), (_("stopped"), portfolio.stopped)],
        id="chart-status",
    )
    awards = charts.bar_chart(
        _("Awards over the years"),
        [(str(y), n) for y, n in portfolio.awards_by_year],
        id="chart-awards",
    )
    adoption = selectors.adoption_by_province(request.user)
    tiles = charts.tile_map(adoption, id="chart-map", title=_("Replication projects by province"))
    return render(
        request,
        "insights/dashboard.html",
        {
            "portfolio": portfolio,
            "boards": boards,
            "status_chart": status,
            "awards_chart": awards,
            "map_chart": tiles,
            "agency": agency,
            "year": year,
            "agencies": Agency.objects.order_by("name").only("pk", "name"),
            "programmes": replication_selectors.programme_list()[:20],
        },
    )


@reads_from_replica
@require_GET
def breakdown_csv(request: HttpRequest, key: str) -> HttpResponse:
    agency, year = _filters(request)
    found = selectors.breakdown(request.user, key, agency=agency, year=year)
    if found is None:
        raise Http404
    table = opendata.Table(
        name=key,
        title=str(found.title),
        description="",
        fields=(
            opendata.Field("key", "string", "key", ""),
            opendata.Field("label", "string", "label", ""),
            opendata.Field("count", "integer", "count", ""),
        ),
    )
    response = HttpResponse(
        opendata.csv_bytes(table, found.rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="portofolio-{key}.csv"'
    return response


def _programme(request: HttpRequest, slug: str) -> Programme:
    programme = replication_selectors.programme_detail(slug)
    if programme is None or not can(request.user, "programme.view", programme):
        raise Http404
    return programme


@require_GET
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    found = _programme(request, slug)
    insight = selectors.programme_insight(found, request.user)
    diffusion = spread.spread_of(
        insight.adoption_dates, start=found.start_date, target=found.coverage_target or None
    )
    funnel = charts.bar_chart(
        _("Replication funnel"), [(label, n) for _k, label, n in insight.funnel], id="chart-funnel"
    )
    return render(
        request,
        "insights/programme.html",
        {
            "programme": found,
            "insight": insight,
            "replicas": insight.replicas,
            "spread": diffusion,
            "funnel_chart": funnel,
            "curve_chart": charts_for_spread(diffusion, "chart-adoption"),
            "may_report": can(request.user, "programme.view_internal", found),
        },
    )


def charts_for_spread(diffusion: spread.Spread, chart_id: str) -> Any:
    if not diffusion.curve:
        return None
    observed = charts.Series(
        _("adoptions so far"),
        [(p.period_start, float(p.cumulative)) for p in diffusion.curve],
    )
    series = [observed]
    band = None
    fit = diffusion.fitted
    if fit is not None:
        horizon = len(diffusion.curve) + 36
        points = fit.forecast[:horizon]
        series.append(
            charts.Series(
                _("Bass model"),
                [(diffusion.period_start(b.t), b.expected) for b in points],
                dashed=True,
            )
        )
        band = [(diffusion.period_start(b.t), b.low, b.high) for b in points]
    return charts.line_chart(
        _("Adoptions over time"),
        series,
        band=band,
        x_kind="date",
        x_label=_("date"),
        y_label=_("units that adopted"),
        target=float(diffusion.target) if diffusion.target else None,
        id=chart_id,
    )


def _report_response(report: documents.Report, fmt: str, name: str) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(documents.report_pdf(report), content_type=documents.PDF_TYPE)
        disposition = "inline"
    elif fmt == "xlsx":
        response = HttpResponse(documents.report_xlsx(report), content_type=documents.XLSX_TYPE)
        disposition = "attachment"
    else:
        raise Http404
    response["Content-Disposition"] = (
        f'{disposition}; filename="{slugify(name) or "laporan"}.{fmt}"'
    )
    return response


@reads_from_replica
@login_required
@require_GET
def programme_report(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    found = _programme(request, slug)
    if not can(request.user, "programme.view_internal", found):
        raise PermissionDenied(_("Only the programme's managers and facilitators read its report."))
    return _report_response(reports.programme_report(found, request.user), fmt, found.slug)


@reads_from_replica
@require_GET
def unit_portfolio(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("agency"), pk=pk)
    if not can(request.user, "unit.view", unit):
        raise Http404
    return _report_response(reports.unit_portfolio(unit, request.user), fmt, unit.name)


@reads_from_replica
@require_GET
def competition_results(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = Round.objects.filter(slug=slug).first()
    if round_ is None or not can(request.user, "competition_round.view", round_):
        raise Http404
    final = competition_selectors.final_stage(round_)
    if final is None:
        raise Http404
    rows = competition_selectors.stage_results(request.user, final)
    if not can(request.user, "competition_round.organise", round_):
        rows = rows.filter(kept=True)
    rows = rows.select_related("entry__group", "entry__agency")
    return _report_response(reports.competition_results(round_, final, list(rows)), "pdf", slug)


@login_required
@require_GET
def facilitator(request: HttpRequest) -> HttpResponse:
    rows, overdue, stalled = selectors.facilitator_follow_up(request.user)
    chart = charts.bar_chart(
        _("Overdue commitments and stalled projects by unit"),
        [(f"{r.unit_name} ({r.agency_name})", r.overdue + r.stalled) for r in rows[:20]],
        id="chart-follow-up",
    )
    return render(
        request,
        "insights/facilitator.html",
        {
            "rows": rows,
            "overdue": list(overdue[:200]),
            "stalled": stalled[:200],
            "chart": chart,
            "stalled_days": selectors.STALLED_AFTER.days,
        },
    )


def _innovation(request: HttpRequest, slug: str) -> Innovation:
    found = catalog_selectors.visible_innovation(request.user, slug)
    if found is None:
        raise Http404
    return found


@require_GET
def diffusion(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _innovation(request, slug)
    family = outcome_selectors.family_of(innovation, request.user)
    dates = selectors.family_adoption_dates(family)
    found = spread.spread_of(dates)
    nodes = [
        charts.LineageNode(
            id=m.innovation.pk,
            parent_id=m.parent_id,
            label=m.innovation.display_name,
            sublabel=m.innovation.agency.name,
            form=m.innovation.replication_form if m.parent_id else "",
            generation=m.depth,
            url=reverse("outcomes:innovation", args=[m.innovation.slug]),
            mark=m.mark if m.parent_id else "",
            agency=m.innovation.agency.name,
        )
        for m in family.members
    ]
    return render(
        request,
        "insights/diffusion.html",
        {
            "innovation": innovation,
            "family": family,
            "spread": found,
            "curve_chart": charts_for_spread(found, "chart-adoption"),
            "lineage": charts.lineage_layout(nodes),
        },
    )


@require_GET
def index_page(request: HttpRequest) -> HttpResponse:
    scheme = indexing.active_scheme()
    agency = Agency.objects.filter(pk=_int(request, "agency") or 0).first()
    unit = Unit.objects.select_related("agency").filter(pk=_int(request, "unit") or 0).first()
    qs = catalog_selectors.visible_innovations(request.user)
    scope = None
    if unit is not None:
        qs, scope = qs.filter(unit=unit), unit.name
    elif agency is not None:
        qs, scope = qs.filter(agency=agency), agency.name
    aggregate, counted = indexing.aggregate_of(qs, scheme) if scope else (None, 0)
    # the page's innovations first (a plain sorted list), then the facts of those 25 alone
    page = paginate(request, qs.order_by("name", "pk").values_list("pk", flat=True), 25)
    items = indexing.scored_ids(list(page.object_list), scheme)
    return render(
        request,
        "insights/index.html",
        {
            "scheme": scheme,
            "items": items,
            "page": page,
            "scope": scope,
            "aggregate": aggregate,
            "counted": counted,
            "agencies": Agency.objects.order_by("name").only("pk", "name"),
            "agency": agency,
            "unit": unit,
        },
    )


@require_GET
def index_innovation(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _innovation(request, slug)
    [item] = indexing.scored(
        indexing.with_facts(Innovation.objects.filter(pk=innovation.pk)), indexing.active_scheme()
    )
    return render(
        request, "insights/index_innovation.html", {"innovation": innovation, "item": item}
    )


# --- open data ------------------------------------------------------------------------------


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "insights/open_data.html",
        {"tables": list(open_catalog.TABLES.values())},
    )


@require_GET
def datapackage(request: HttpRequest) -> JsonResponse:
    home = request.build_absolute_uri(reverse("insights:open_data"))
    return JsonResponse(
        open_catalog.package(home), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )


@reads_from_replica
@require_GET
def open_table(request: HttpRequest, name: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    table = open_catalog.TABLES.get(name)
    if table is None:
        raise Http404
    rows = open_catalog.ROWS[name]()
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(table, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "json":
        return HttpResponse(
            json.dumps(opendata.json_records(table, rows), ensure_ascii=False, default=str),
            content_type="application/json",
        )
    raise Http404


@reads_from_replica
@require_GET
def open_zip(request: HttpRequest) -> HttpResponse:
    home = request.build_absolute_uri(reverse("insights:open_data"))
    meta = open_catalog.package(home)
    body = opendata.zip_bytes(
        [(t, open_catalog.ROWS[t.name]()) for t in open_catalog.TABLES.values()],
        name=meta["name"],
        title=meta["title"],
        description=meta["description"],
        licence=tuple(meta["licenses"][0][k] for k in ("name", "path", "title")),
        created=timezone.now(),
        version=meta["version"],
        homepage=home,
    )
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="lumbung-data-terbuka.zip"'
    return response
