"""Agency and unit pages with their published innovations (counted and listed by the catalog,
through :mod:`.holdings`).

An agency may have tens of thousands of units, so no page shows its whole tree: the agency's page
lists its top units and finds any unit by name, a unit's page lists the units directly under it,
a page of 50 at a time, each with its own numbers; a page costs the same queries whatever the size
of the tree (``tests/organisations/test_public_org_pages.py``, ``benchmarks/organisations/``)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lumbung.core.pagecache import public_page
from lumbung.core.pages import paginate

from . import selectors
from .holdings import holdings
from .models import Agency, Unit

AGENCIES_PER_PAGE = 50
#: units listed at a time on an agency's or a unit's page (never the whole tree)
UNITS_PER_PAGE = 50


def _agencies_with_counts() -> QuerySet[Agency]:
    """Every agency by name, each with its numbers of units and of published innovations."""
    agencies = Agency.objects.select_related("region").annotate(
        unit_count=Count("units", distinct=True)
    )
    return holdings().count_for_agencies(agencies).order_by("name")


@public_page
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = _agencies_with_counts()
    q = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    if q:
        agencies = agencies.filter(name__icontains=q)
    if kind in Agency.Kind.values:
        agencies = agencies.filter(kind=kind)
    else:
        kind = ""
    page = paginate(request, agencies, AGENCIES_PER_PAGE)
    return render(
        request,
        "organisations/agency_list.html",
        {"page": page, "q": q, "kind": kind, "kinds": Agency.Kind.choices},
    )


def _unit_page(request: HttpRequest, units: QuerySet[Unit]) -> Page:
    """One page of ``units`` (``?unit_page=``), each with its numbers of units directly under
    it and of published innovations: a page costs the same few queries whatever the size of the
    agency."""
    page = paginate(request, units, UNITS_PER_PAGE, param="unit_page")
    page.object_list = selectors.with_unit_counts(page.object_list)
    return page


@public_page
def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("region"), slug=slug)
    unit_q = request.GET.get("unit_q", "").strip()[:200]
    units = selectors.unit_search(agency, unit_q) if unit_q else selectors.top_units(agency)
    page = paginate(request, holdings().published(agency, None), settings.CATALOG_PAGE_SIZE)
    return render(
        request,
        "organisations/agency_detail.html",
        {
            "agency": agency,
            "unit_count": Unit.objects.filter(agency=agency).count(),
            "unit_q": unit_q,
            "units": _unit_page(request, units),
            "page": page,
        },
    )


@public_page
def unit_detail(request: HttpRequest, slug: str, unit_slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=slug)
    unit = (
        Unit.objects.select_related("region", "parent")
        .filter(agency=agency, slug=unit_slug)
        .first()
    )
    if unit is None:
        raise Http404
    page = paginate(request, holdings().published(agency, unit), settings.CATALOG_PAGE_SIZE)
    return render(
        request,
        "organisations/unit_detail.html",
        {
            "agency": agency,
            "unit": unit,
            "lineage": selectors.lineage(unit),
            "children": _unit_page(request, selectors.child_units(unit)),
            "page": page,
        },
    )
