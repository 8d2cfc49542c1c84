"""Agency and unit pages with their published innovations (counted and listed by the catalog,
through :mod:`.holdings`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lumbung.core.pages import paginate

from .holdings import holdings
from .models import Agency, Unit
from .selectors import in_tree_order

AGENCIES_PER_PAGE = 50


def _agencies_with_counts() -> QuerySet[Agency]:
    """Every agency by name, each with its numbers of units and of published innovations."""
    agencies = Agency.objects.select_related("region").annotate(
        unit_count=Count("units", distinct=True)
    )
    return holdings().count_for_agencies(agencies).order_by("name")


def _units_with_counts(agency: Agency) -> QuerySet[Unit]:
    """The agency's units depth first, each with its number of published innovations."""
    units = Unit.objects.filter(agency=agency).select_related("region")
    return in_tree_order(holdings().count_for_units(units), agency=agency)


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


def _tree(units: list[Unit]) -> list[dict[str, Any]]:
    """Nest units by parent (units arrive ordered by path, so parents come first)."""
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for unit in units:
        node = {"unit": unit, "children": []}
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent["children"] if parent else roots).append(node)
    return roots


def agency_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("region"), slug=slug)
    units = list(_units_with_counts(agency))
    page = paginate(request, holdings().published(agency, None), settings.CATALOG_PAGE_SIZE)
    return render(
        request,
        "organisations/agency_detail.html",
        {"agency": agency, "tree": _tree(units), "unit_count": len(units), "page": page},
    )


def unit_detail(request: HttpRequest, slug: str, unit_slug: str) -> HttpResponse:
    agency = get_object_or_404(Agency, slug=slug)
    unit = (
        Unit.objects.select_related("region", "parent")
        .filter(agency=agency, slug=unit_slug)
        .first()
    )
    if unit is None:
        raise Http404
    lineage = list(Unit.objects.ancestors(unit).filter(agency=agency))
    children = list(_units_with_counts(agency).filter(parent=unit))
    page = paginate(request, holdings().published(agency, unit), settings.CATALOG_PAGE_SIZE)
    return render(
        request,
        "organisations/unit_detail.html",
        {"agency": agency, "unit": unit, "lineage": lineage, "children": children, "page": page},
    )
