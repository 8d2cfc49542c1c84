"""Pages: search results (/cari/), problem matching (/cari/masalah/), and two fragments for other
pages (similar innovations; possible duplicates while writing a new innovation)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lumbung.catalog.models import Innovation
from lumbung.catalog.selectors import CatalogFilters, visible_q
from lumbung.core.pagecache import public_page

from . import selectors
from .forms import MatchForm

FILTER_PARAMS = (
    "agency",
    "unit",
    "region",
    "sector",
    "stage",
    "award",
    "award_year",
    "sdg",
    "status",
)


def _page_number(raw: Any) -> int:
    try:
        return min(max(int(raw), 1), 10_000)
    except (TypeError, ValueError):
        return 1


def _family_number(raw: Any) -> int | None:
    """The ``family`` parameter (a family's id), or None when absent or not a number."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _url_with(params: QueryDict, **changes: Any) -> str:
    query = params.copy()
    query.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = str(value)
    return "?" + query.urlencode() if query else "?"


def _clean(params: QueryDict) -> QueryDict:
    """The query string without NUL characters (PostgreSQL refuses them in any text)."""
    cleaned = QueryDict(mutable=True)
    for key, values in params.lists():
        cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
    return cleaned


@require_GET
@public_page
def search(request: HttpRequest) -> HttpResponse:
    params = _clean(request.GET)
    query = (params.get("q") or "")[: selectors.MAX_QUERY_CHARS]
    filters = CatalogFilters.from_mapping(params)
    page = _page_number(params.get("page"))
    family = _family_number(params.get("family"))
    results = selectors.search_innovations(query, filters, request.user, page=page, family=family)
    for hit in results.hits:
        if hit.family is not None:
            hit.family.url = _url_with(params, family=hit.family.id)
    facets = []
    for name, values in results.facets.items():
        if not values:
            continue
        entries = []
        for v in values:
            entries.append(
                {
                    "label": v.label,
                    "count": v.count,
                    "selected": v.selected,
                    "url": _url_with(params, **{name: "" if v.selected else v.value}),
                }
            )
        facets.append({"name": name, "label": selectors.FACET_LABELS[name], "values": entries})
    active = [(k, params.get(k)) for k in FILTER_PARAMS if params.get(k)]
    context = {
        "query": query,
        "results": results,
        "facets": facets,
        "active_filters": active,
        "clear_url": _url_with(params, **dict.fromkeys(FILTER_PARAMS, "")),
        "previous_url": _url_with(params, page=results.page - 1) if results.has_previous else "",
        "next_url": _url_with(params, page=results.page + 1) if results.has_next else "",
        "first_index": (results.page - 1) * results.page_size + 1,
        "all_results_url": _url_with(params, family="") if family is not None else "",
    }
    if getattr(request, "htmx", False) and request.headers.get("HX-Target") == "search-results":
        return render(request, "search/_results.html", context)
    return render(request, "search/results.html", context)


@require_GET
@public_page
def match(request: HttpRequest) -> HttpResponse:
    form = MatchForm(_clean(request.GET) if request.GET else None)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        results = selectors.match_innovations(
            data["problem"],
            sector=data["sector"].pk if data["sector"] else "",
            region=data["region"],
            agency_kind=data["agency_kind"],
            unit_size=data["unit_size"],
            user=request.user,
        )
    return render(request, "search/match.html", {"form": form, "results": results})


@require_GET
def similar(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = Innovation.objects.filter(visible_q(request.user), slug=slug[:220]).first()
    if innovation is None:
        raise Http404
    hits = selectors.similar_innovations(innovation, request.user, limit=5)
    # htmx fills the innovation page with the fragment; a direct visit gets a whole page
    fragment = bool(getattr(request, "htmx", False))
    template = "search/_similar.html" if fragment else "search/similar_page.html"
    return render(request, template, {"innovation": innovation, "hits": hits})


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    params = _clean(request.GET)
    exclude = None
    if params.get("exclude"):
        exclude = (
            Innovation.objects.filter(slug=params.get("exclude", "")[:220])
            .values_list("pk", flat=True)
            .first()
        )
    candidates = selectors.find_duplicates(
        params.get("name", "")[:300],
        params.get("summary", "")[: selectors.MAX_PROBLEM_CHARS],
        params.get("problem", "")[: selectors.MAX_PROBLEM_CHARS],
        exclude,
        user=request.user,
    )
    return render(request, "search/_duplicates.html", {"candidates": candidates})
