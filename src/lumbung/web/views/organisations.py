"""Agency and unit pages with their published innovations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lumbung.catalog.selectors import (
    CatalogFilters,
    agencies_with_counts,
    published_innovations,
    units_with_counts,
)
from lumbung.organisations.models import Agency, Unit

from .common import paginate

AGENCIES_PER_PAGE = 50


def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = agencies_with_counts()
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
        "web/agencies/list.html",
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
    units = list(units_with_counts(agency))
    page = paginate(
        request,
        published_innovations(CatalogFilters(agency=agency.slug)),
        settings.CATALOG_PAGE_SIZE,
    )
    return render(
        request,
        "web/agencies/detail.html",
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
    children = list(units_with_counts(agency).filter(parent=unit))
    page = paginate(
        request,
        published_innovations(CatalogFilters(agency=agency.slug, unit=unit.pk)),
        settings.CATALOG_PAGE_SIZE,
    )
    return render(
        request,
        "web/agencies/unit.html",
        {"agency": agency, "unit": unit, "lineage": lineage, "children": children, "page": page},
    )
