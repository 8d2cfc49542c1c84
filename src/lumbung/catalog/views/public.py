"""The public catalog: the list with filters, an innovation's page and its evidence files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from lumbung.core.pagecache import public_page
from lumbung.core.pages import paginate
from lumbung.core.policies import can

from .. import profile, related, resemblance, revisions, selectors
from ..downloads import evidence_response
from ..forms import CatalogFilterForm
from ..models import Evidence, Innovation, innovation_field
from ..profile import Display

#: Names of the audit history's change keys that are not model fields.
CHANGE_LABELS = {
    "evidence": _("evidence"),
    "award": _("awards"),
    "team": _("team"),
    "sdgs": _("SDGs"),
}


def _field_label(name: str) -> str:
    if name in CHANGE_LABELS:
        return str(CHANGE_LABELS[name])
    try:
        return str(innovation_field(name).verbose_name)
    except Exception:
        return name


def _sections(innovation: Innovation) -> list[dict[str, Any]]:
    """The profile's sections that have something to show, each with its fields by display: its
    texts, then its lists, then its figures (with their values)."""
    out = []
    for section in profile.PAGE_SECTIONS:
        texts = [
            f
            for f in section.fields
            if f.display is Display.TEXT and innovation.localized(f.name).strip()
        ]
        lists = [
            f for f in section.fields if f.display is Display.LINES and innovation.localized(f.name)
        ]
        figures = [
            {"field": f, "value": getattr(innovation, f.name)}
            for f in section.fields
            if f.is_figure and getattr(innovation, f.name) not in (None, "")
        ]
        if texts or lists or figures:
            out.append({"section": section, "texts": texts, "lists": lists, "figures": figures})
    return out


FILTER_KEYS = (
    "q",
    "agency",
    "unit",
    "region",
    "sector",
    "stage",
    "award",
    "award_year",
    "sdg",
    "status",
    "sort",
)


@public_page
def catalog(request: HttpRequest) -> HttpResponse:
    filters = selectors.CatalogFilters.from_mapping(request.GET)
    params = {k: request.GET.get(k, "") for k in FILTER_KEYS if request.GET.get(k)}
    form = CatalogFilterForm(initial={"sort": filters.sort, **params})
    page = paginate(request, selectors.published_innovations(filters), settings.CATALOG_PAGE_SIZE)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "filters": filters,
        "filtered": not filters.is_empty(),
    }
    htmx = getattr(request, "htmx", None)  # django-htmx's HtmxDetails, set by its middleware
    partial = htmx is not None and bool(htmx) and not htmx.history_restore_request
    template = "catalog/_catalog.html" if partial else "catalog/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _visible(request: HttpRequest, innovations: list[Innovation]) -> list[Innovation]:
    return [i for i in innovations if can(request.user, "innovation.view", i)]


@public_page
def innovation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = selectors.innovation_detail(slug, replicas=False)
    if innovation is None or not can(request.user, "innovation.view", innovation):
        raise Http404
    family = selectors.innovation_family(innovation)
    ancestors = _visible(request, family["ancestors"])
    descendants = _visible(request, family["descendants"])
    marks = related.marks_for([*ancestors, innovation, *descendants])
    for member in [innovation, *descendants]:
        member.marks = marks.get(member.pk, [])  # type: ignore[attr-defined]
    internal = can(request.user, "innovation.view_internal", innovation)
    history = []
    if internal:
        for entry in selectors.innovation_history(innovation)[:200]:
            history.append(
                {
                    "entry": entry,
                    "action": entry.action_label,
                    "fields": [_field_label(f) for f in entry.changed_fields if f != "version"],
                }
            )
    context = {
        "innovation": innovation,
        "sections": _sections(innovation),
        "has_english": any(
            getattr(innovation, f"{f}_en", "") for f in Innovation.TRANSLATED_FIELDS
        ),
        "ancestors": ancestors,
        "descendants": descendants,
        "internal": internal,
        "pending_revision": revisions.pending_revision(innovation) if internal else None,
        "rejected_revision": revisions.last_rejection(innovation) if internal else None,
        "history": history,
        "can_change": can(request.user, "innovation.change", innovation),
        "can_review": can(request.user, "innovation.review", innovation),
        "similar": resemblance.similar_to(innovation, user=request.user, limit=5),
        "related": related.related_to(innovation, request.user),
        "awards": list(innovation.awards.all()),
        "evidence": list(innovation.evidence.all()),
        "team": list(innovation.team.all()),
        "status_changes": list(innovation.status_changes.all()),
        "sdgs": list(innovation.sdgs.all()),
    }
    return render(request, "catalog/detail.html", context)


def evidence_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """An evidence file, for those who may read the innovation (drafts' files are not public)."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("innovation"), pk=pk, innovation__slug=slug
    )
    innovation = evidence.innovation
    if not can(request.user, "innovation.view", innovation):
        raise Http404
    return evidence_response(evidence)
