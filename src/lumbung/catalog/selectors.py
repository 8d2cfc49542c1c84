"""Reads of the catalog shared by pages, API, exports and reports (prefetching done here once)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from lumbung.core import audit
from lumbung.core.models import AuditEntry
from lumbung.organisations.access import INTERNAL_READ_ROLES, access_for
from lumbung.organisations.models import Agency, Role, Unit

from .models import Award, Innovation

SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "newest": ("-published_at", "-id"),
    "start_year": ("-start_year", "name", "id"),
    "agency": ("agency__name", "name", "id"),
}


@dataclass
class CatalogFilters:
    """The catalog's filters, shared by the public list, the API and exports."""

    q: str = ""
    agency: str = ""  # agency slug
    unit: int | None = None
    region: str = ""  # Kemendagri code: a province includes its regencies and cities
    sector: str = ""
    stage: str = ""
    award: str = ""  # award level
    award_year: int | None = None
    sdg: int | None = None
    status: str = ""
    sort: str = "name"

    @classmethod
    def from_mapping(cls, data: Any) -> CatalogFilters:
        """Build from query parameters; values that cannot be parsed are dropped, not fatal."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            raw = data.get(f.name)
            if raw in (None, ""):
                continue
            if f.name in {"unit", "award_year", "sdg"}:
                try:
                    kwargs[f.name] = int(raw)
                except (TypeError, ValueError):
                    continue
            else:
                kwargs[f.name] = str(raw).strip()[:200]
        if kwargs.get("sort") not in SORTS:
            kwargs.pop("sort", None)
        return cls(**kwargs)

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "sort")


def _base() -> QuerySet[Innovation]:
    return Innovation.objects.select_related(
        "agency", "agency__region", "unit", "unit__region", "sector", "source"
    ).prefetch_related(
        Prefetch("awards", queryset=Award.objects.order_by("-year", "level")),
        "sdgs",
    )


def apply_filters(qs: QuerySet[Innovation], filters: CatalogFilters) -> QuerySet[Innovation]:
    if filters.q:
        for word in filters.q.split()[:10]:
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(acronym__icontains=word)
                | Q(acronym_expansion__icontains=word)
                | Q(summary__icontains=word)
                | Q(problem__icontains=word)
                | Q(name_en__icontains=word)
                | Q(summary_en__icontains=word)
            )
    if filters.agency:
        qs = qs.filter(agency__slug=filters.agency)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.region:
        code = filters.region
        qs = qs.filter(
            Q(unit__region__code=code)
            | Q(unit__region__code__startswith=f"{code}.")
            | Q(unit__region__isnull=True, agency__region__code=code)
            | Q(unit__region__isnull=True, agency__region__code__startswith=f"{code}.")
        )
    if filters.sector:
        qs = qs.filter(sector_id=filters.sector)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.award or filters.award_year:
        awards = Award.objects.filter(innovation=OuterRef("pk"))
        if filters.award:
            awards = awards.filter(level=filters.award)
        if filters.award_year:
            awards = awards.filter(year=filters.award_year)
        qs = qs.filter(Exists(awards))
    if filters.sdg:
        qs = qs.filter(
            Exists(
                Innovation.sdgs.through.objects.filter(
                    innovation_id=OuterRef("pk"), sdg_id=filters.sdg
                )
            )
        )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def published_innovations(filters: CatalogFilters | None = None) -> QuerySet[Innovation]:
    """The public catalog."""
    qs = _base().filter(publication_state=Innovation.State.PUBLISHED)
    return apply_filters(qs, filters or CatalogFilters())


def visible_q(user: Any) -> Q:
    """Which innovations this person may read: published ones plus their own agency's or unit's."""
    access = access_for(user)
    if access.is_platform_admin:
        return Q()
    q = Q(publication_state=Innovation.State.PUBLISHED)
    agency_ids = access.agency_ids(*INTERNAL_READ_ROLES)
    if agency_ids:
        q |= Q(agency_id__in=agency_ids)
    unit_ids = access.unit_ids(Role.UNIT_OFFICER, Role.VIEWER, Role.AGENCY_ADMIN)
    if unit_ids:
        q |= Q(unit_id__in=unit_ids)
    return q


def visible_innovations(
    user: Any, filters: CatalogFilters | None = None, *, state: str = ""
) -> QuerySet[Innovation]:
    qs = _base().filter(visible_q(user))
    if state:
        qs = qs.filter(publication_state=state)
    return apply_filters(qs, filters or CatalogFilters())


def workspace_innovations(user: Any) -> QuerySet[Innovation]:
    """Innovations this person works on: of their units, or their agencies as admin/viewer."""
    access = access_for(user)
    if not access.is_authenticated:
        return Innovation.objects.none()
    q = Q(pk__in=[])
    agency_ids = access.agency_ids(*INTERNAL_READ_ROLES)
    if agency_ids:
        q |= Q(agency_id__in=agency_ids)
    unit_ids = access.unit_ids(Role.UNIT_OFFICER, Role.VIEWER, Role.AGENCY_ADMIN)
    if unit_ids:
        q |= Q(unit_id__in=unit_ids)
    return _base().filter(q).order_by("-updated_at", "-id")


def review_queue(user: Any) -> QuerySet[Innovation]:
    """Submitted innovations waiting for this person's review (as agency admin)."""
    access = access_for(user)
    qs = _base().filter(publication_state=Innovation.State.SUBMITTED)
    if access.is_platform_admin:
        return qs.order_by("updated_at")
    return qs.filter(agency_id__in=access.agency_ids(Role.AGENCY_ADMIN)).order_by("updated_at")


def innovation_detail(slug: str) -> Innovation | None:
    return (
        _base()
        .prefetch_related(
            "evidence", "team", "status_changes", "replicas__unit", "replicas__agency"
        )
        .filter(slug=slug)
        .first()
    )


def innovation_family(innovation: Innovation) -> dict[str, Any]:
    """Where an innovation came from (its ancestors) and every replica below it."""
    ancestors: list[Innovation] = []
    seen = {innovation.pk}
    current = innovation.source
    while current is not None and current.pk not in seen and len(ancestors) < 20:
        ancestors.append(current)
        seen.add(current.pk)
        current = (
            Innovation.objects.select_related("agency", "unit", "source")
            .filter(pk=current.source_id)
            .first()
            if current.source_id
            else None
        )
    ancestors.reverse()
    descendants: list[Innovation] = []
    frontier = [innovation.pk]
    while frontier and len(descendants) < 1000:
        level = list(
            Innovation.objects.select_related("agency", "unit")
            .filter(source_id__in=frontier)
            .exclude(pk__in=seen)
            .order_by("generation", "name")
        )
        descendants.extend(level)
        seen.update(i.pk for i in level)
        frontier = [i.pk for i in level]
    return {"ancestors": ancestors, "descendants": descendants}


def innovation_history(innovation: Innovation) -> QuerySet[AuditEntry]:
    return audit.history(innovation)


def agencies_with_counts() -> QuerySet[Agency]:
    return (
        Agency.objects.select_related("region")
        .annotate(
            unit_count=Count("units", distinct=True),
            published_count=Count(
                "innovations",
                filter=Q(innovations__publication_state=Innovation.State.PUBLISHED),
                distinct=True,
            ),
        )
        .order_by("name")
    )


def units_with_counts(agency: Agency) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(agency=agency)
        .select_related("region")
        .annotate(
            published_count=Count(
                "innovations",
                filter=Q(innovations__publication_state=Innovation.State.PUBLISHED),
            )
        )
        .order_by("path")
    )
