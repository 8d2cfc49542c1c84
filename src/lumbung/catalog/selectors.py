"""Reads of the catalog shared by pages, API, exports and reports (prefetching done here once)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lumbung.core import audit
from lumbung.core.actors import ActorLike, as_actor, in_own_roles
from lumbung.core.models import AuditEntry
from lumbung.core.params import MAX_ID, bounded_int
from lumbung.core.policies import In
from lumbung.organisations.models import Agency, Unit

from .models import Award, Innovation
from .policies import innovations as policy

SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "newest": ("-published_at", "-id"),
    "start_year": ("-start_year", "name", "id"),
    "agency": ("agency__name", "name", "id"),
}


#: The catalog's whole-number filters and the values they may take (as the API's schema).
INT_RANGES: dict[str, tuple[int, int]] = {
    "unit": (1, MAX_ID),
    "award_year": (1900, 2100),
    "sdg": (1, 17),
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
        """Build from query parameters; values that cannot be parsed are dropped, not fatal, and
        so are whole numbers outside ``INT_RANGES`` (a huge id would overflow the database's
        integers and answer 500; a negative id or an SDG 99 can never match anyway)."""
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            raw = data.get(f.name)
            if raw in (None, ""):
                continue
            if f.name in INT_RANGES:
                value = bounded_int(raw, *INT_RANGES[f.name])
                if value is not None:
                    kwargs[f.name] = value
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


def _with_words(qs: QuerySet[Innovation], text: str) -> QuerySet[Innovation]:
    """Every word (the first ten) in a name, acronym, summary or problem."""
    for word in text.split()[:10]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(acronym__icontains=word)
            | Q(acronym_expansion__icontains=word)
            | Q(summary__icontains=word)
            | Q(problem__icontains=word)
            | Q(name_en__icontains=word)
            | Q(summary_en__icontains=word)
        )
    return qs


def _in_region(qs: QuerySet[Innovation], code: str) -> QuerySet[Innovation]:
    """In the region or under it: the unit's region, else (a unit without one) the agency's."""
    return qs.filter(
        Q(unit__region__code=code)
        | Q(unit__region__code__startswith=f"{code}.")
        | Q(unit__region__isnull=True, agency__region__code=code)
        | Q(unit__region__isnull=True, agency__region__code__startswith=f"{code}.")
    )


def _with_award(qs: QuerySet[Innovation], level: str, year: int | None) -> QuerySet[Innovation]:
    """An award of this level and/or year."""
    awards = Award.objects.filter(innovation=OuterRef("pk"))
    if level:
        awards = awards.filter(level=level)
    if year:
        awards = awards.filter(year=year)
    return qs.filter(Exists(awards))


def _with_sdg(qs: QuerySet[Innovation], sdg: int) -> QuerySet[Innovation]:
    return qs.filter(
        Exists(Innovation.sdgs.through.objects.filter(innovation_id=OuterRef("pk"), sdg_id=sdg))
    )


def apply_filters(qs: QuerySet[Innovation], filters: CatalogFilters) -> QuerySet[Innovation]:
    if filters.q:
        qs = _with_words(qs, filters.q)
    if filters.agency:
        qs = qs.filter(agency__slug=filters.agency)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.region:
        qs = _in_region(qs, filters.region)
    if filters.sector:
        qs = qs.filter(sector_id=filters.sector)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.award or filters.award_year:
        qs = _with_award(qs, filters.award, filters.award_year)
    if filters.sdg:
        qs = _with_sdg(qs, filters.sdg)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def published_innovations(filters: CatalogFilters | None = None) -> QuerySet[Innovation]:
    """The public catalog."""
    qs = _base().filter(publication_state=Innovation.State.PUBLISHED)
    return apply_filters(qs, filters or CatalogFilters())


def visible_q(actor: ActorLike) -> Q:
    """Which innovations this person may read (the innovation policy's ``view``)."""
    return policy.condition(actor, "view").to_q(Innovation)


def reads_published_only(actor: ActorLike) -> bool:
    """Whether this person may read published innovations only — the public, and anyone without
    a role that reads a unit's drafts. Decided from the policy's own condition, without a query
    (a query asking the database to find no unpublished row among the published ones reads
    every published row on PostgreSQL)."""
    condition = policy.condition(actor, "view")
    return (
        isinstance(condition, In)
        and condition.path == "publication_state"
        and condition.values == frozenset({Innovation.State.PUBLISHED})
    )


def visible_innovations(
    user: ActorLike, filters: CatalogFilters | None = None, *, state: str = ""
) -> QuerySet[Innovation]:
    qs = _base().filter(visible_q(user))
    if state:
        qs = qs.filter(publication_state=state)
    return apply_filters(qs, filters or CatalogFilters())


def visible_innovation(actor: ActorLike, slug: str) -> Innovation | None:
    """The innovation at ``slug`` if this person may read it (None otherwise: its existence is
    not disclosed)."""
    return _base().filter(visible_q(actor), slug=slug).first()


def workspace_innovations(actor: ActorLike) -> QuerySet[Innovation]:
    """Innovations this person works on: of their units, or their agencies (by their roles,
    not by a platform admin's reach over everything)."""
    return policy.filter(in_own_roles(as_actor(actor)), "view_internal", _base()).order_by(
        "-updated_at", "-id"
    )


def review_queue(actor: ActorLike) -> QuerySet[Innovation]:
    """Submitted innovations waiting for this person's review (as agency admin)."""
    qs = _base().filter(publication_state=Innovation.State.SUBMITTED)
    return policy.filter(actor, "review", qs).order_by("updated_at")


def innovation_detail(slug: str, *, replicas: bool = True) -> Innovation | None:
    """The innovation with its evidence, team and status changes; with ``replicas``, its direct
    replicas too (the API lists them; the page reads every generation through ``descendants``)."""
    related = ["evidence", "team", "status_changes"]
    if replicas:
        related += ["replicas__unit", "replicas__agency"]
    return _base().prefetch_related(*related).filter(slug=slug).first()


def lineage(innovation: Innovation, *, limit: int = 20) -> list[Innovation]:
    """The innovation, then what it replicated, and so on up to the first (at most ``limit``
    steps up; a cycle, which the replication services never write, is cut)."""
    chain = [innovation]
    seen = {innovation.pk}
    current = innovation
    while current.source_id is not None and current.source_id not in seen and len(chain) <= limit:
        parent = (
            Innovation.objects.select_related("agency", "unit", "source")
            .filter(pk=current.source_id)
            .first()
        )
        if parent is None:
            break
        chain.append(parent)
        seen.add(parent.pk)
        current = parent
    return chain


def descendants(
    innovation: Innovation,
    *,
    among: QuerySet[Innovation] | None = None,
    limit: int = 1000,
) -> list[Innovation]:
    """Every replica below ``innovation``, generation by generation (one query each), taken
    from ``among`` (e.g. what a person may see: a hidden replica then hides what replicated
    it) or from the whole catalog."""
    rows = Innovation.objects.all() if among is None else among
    found: list[Innovation] = []
    seen = {innovation.pk}
    frontier = [innovation.pk]
    while frontier and len(found) < limit:
        level = list(
            rows.select_related("agency", "unit")
            .filter(source_id__in=frontier)
            .exclude(pk__in=seen)
            .order_by("generation", "name")[: limit - len(found)]
        )
        found.extend(level)
        seen.update(i.pk for i in level)
        frontier = [i.pk for i in level]
    return found


def innovation_family(innovation: Innovation) -> dict[str, Any]:
    """Where an innovation came from (its ancestors, the first one first) and every replica
    below it."""
    return {
        "ancestors": list(reversed(lineage(innovation)[1:])),
        "descendants": descendants(innovation),
    }


def innovation_history(innovation: Innovation) -> QuerySet[AuditEntry]:
    return audit.history(innovation)


def agencies_with_published_count(agencies: QuerySet[Agency]) -> QuerySet[Agency]:
    """The agencies, each with its number of published innovations (``published_count``)."""
    return agencies.annotate(
        published_count=Count(
            "innovations",
            filter=Q(innovations__publication_state=Innovation.State.PUBLISHED),
            distinct=True,
        )
    )


def units_with_published_count(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units, each with its number of published innovations (``published_count``)."""
    published = (
        Innovation.objects.filter(unit=OuterRef("pk"), publication_state=Innovation.State.PUBLISHED)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return units.annotate(published_count=Coalesce(Subquery(published), 0))


def published_of(agency: Agency, unit: Unit | None = None) -> QuerySet[Innovation]:
    """The published innovations of an agency, or of one of its units (only that unit's own)."""
    return published_innovations(
        CatalogFilters(agency=agency.slug, unit=unit.pk if unit is not None else None)
    )
