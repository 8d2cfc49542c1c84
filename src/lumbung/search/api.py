"""API: search, problem matching, similar innovations and duplicate warnings (reads; anyone may
call them, and each answers with what the caller may see)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from ninja import Field, Query, Router, Schema

from lumbung.catalog.models import Innovation
from lumbung.catalog.selectors import CatalogFilters, visible_q
from lumbung.core.actors import ActorLike
from lumbung.core.http.auth import READ_AUTH
from lumbung.core.http.errors import error_responses

from . import selectors
from .selectors import MAX_PAGE_SIZE, MAX_PROBLEM_CHARS, MAX_QUERY_CHARS

router = Router(tags=["search"], auth=READ_AUTH)


#: credentials are optional on every operation here
OPTIONAL_AUTH_OPENAPI: dict[str, Any] = {"security": [{}]}


def _user(request: HttpRequest) -> ActorLike:
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    return getattr(request, "user", None)


def _text(value: str) -> str:
    """Without NUL characters (PostgreSQL refuses them in any text)."""
    return value.replace("\x00", "")


def _url(innovation: Innovation) -> str:
    try:
        return reverse("catalog:innovation", args=[innovation.slug])
    except NoReverseMatch:
        return ""


class FamilyOut(Schema):
    id: int
    members: int = Field(description="innovations of the family you may see, this one included")
    replicas: int = Field(description="of them, replicas of this one (by lineage)")
    similar: int = Field(description="of them, near-duplicates and other replicas")


class HitOut(Schema):
    id: int
    slug: str
    name: str
    acronym: str
    agency: str
    unit: str
    sector: str | None
    stage: str
    status: str
    publication_state: str
    url: str
    score: float
    snippet: str = Field(description="HTML: the best passage, matching words in <mark>")
    matched: list[dict[str, Any]] = []
    family: FamilyOut | None = Field(
        None,
        description="the innovations this result stands for (its replicas and near-duplicates); "
        "list them with family=<id>",
    )


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    query: str
    total: int
    total_exact: bool = Field(True, description="false: at least this many (counting stopped)")
    matches: int | None = Field(
        description="matching innovations (total counts each family once); null when they were "
        "not counted (a search that ranks families by their heads and members with a text of "
        "their own does not count every look-alike)"
    )
    page: int
    page_size: int
    num_pages: int
    concepts: list[str]
    corrections: dict[str, str]
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]]


def _hit(hit: selectors.SearchHit) -> dict[str, Any]:
    i = hit.innovation
    return {
        "id": i.pk,
        "slug": i.slug,
        "name": i.display_name,
        "acronym": i.acronym,
        "agency": i.agency.name,
        "unit": i.unit.name,
        "sector": i.sector_id,
        "stage": i.stage,
        "status": i.status,
        "publication_state": i.publication_state,
        "url": _url(i),
        "score": hit.score,
        "snippet": str(hit.snippet),
        "matched": [{"concept": m.label, "sections": m.sections} for m in hit.matched],
        "family": (
            {
                "id": hit.family.id,
                "members": hit.family.members,
                "replicas": hit.family.replicas,
                "similar": hit.family.similar,
            }
            if hit.family
            else None
        ),
    }


class SearchParams(Schema):
    q: str = Field("", max_length=MAX_QUERY_CHARS, description="What to look for")
    agency: str = ""
    unit: int | None = None
    region: str = ""
    sector: str = ""
    stage: str = ""
    award: str = ""
    award_year: int | None = None
    sdg: int | None = None
    status: str = ""
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    facets: bool = Field(False, description="Also count the results per sector, stage, …")
    family: int | None = Field(
        None, ge=1, description="only this family's members, each on its own (a hit's family.id)"
    )


@router.get(
    "/",
    response={200: SearchOut, **error_responses(401, 422)},
    openapi_extra=OPTIONAL_AUTH_OPENAPI,
    summary="Search innovations",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Innovations ranked by relevance (Indonesian analysis: stemming, synonyms, acronyms, typo
    tolerance, English queries), with highlighted snippets and facet counts, within the
    catalog's filters. Drafts show only to those who may see them."""
    data = params.dict()
    filters = CatalogFilters.from_mapping(
        {
            k: _text(v) if isinstance(v, str) else v
            for k, v in data.items()
            if k not in {"q", "family"}
        }
    )
    results = selectors.search_innovations(
        params.q,
        filters,
        _user(request),
        page=params.page,
        page_size=params.page_size,
        facets=params.facets,
        awards=False,  # not part of a hit here
        family=params.family,
    )
    return {
        "query": results.query,
        "total": results.total,
        "matches": results.matches
        if results.matches is not None or not results.matches_counted
        else results.total,
        "total_exact": results.total_exact,
        "page": results.page,
        "page_size": results.page_size,
        "num_pages": results.num_pages,
        "concepts": results.concepts,
        "corrections": results.corrections,
        "hits": [_hit(h) for h in results.hits],
        "facets": {name: [vars(v) for v in values] for name, values in results.facets.items()},
    }


class MatchIn(Schema):
    problem: str = Field(..., min_length=1, max_length=MAX_PROBLEM_CHARS)
    sector: str = Field("", max_length=40)
    region: str = Field("", max_length=13, description="Kemendagri code, e.g. 33 or 33.23")
    agency_kind: str = Field("", max_length=20)
    unit_size: str = Field("", description="small, medium or large")
    limit: int = Field(10, ge=1, le=MAX_PAGE_SIZE)


class MatchHitOut(HitOut):
    evidence: dict[str, Any]
    replication: dict[str, Any]
    context: list[str]


class MatchOut(Schema):
    problem: str
    concepts: list[str]
    corrections: dict[str, str]
    hits: list[MatchHitOut]


@router.post(
    "/match",
    response={200: MatchOut, **error_responses(401, 403, 422)},
    openapi_extra=OPTIONAL_AUTH_OPENAPI,
    summary="Find innovations for a problem",
)
def match(request: HttpRequest, payload: MatchIn) -> dict[str, Any]:
    """ "Cari inovasi untuk masalah saya": describe a problem in free text (plus optional context)
    and get innovations worth replicating, each with why it matches (concepts and the profile
    sections where they occur), its evidence and its replication record."""
    results = selectors.match_innovations(
        payload.problem,
        sector=payload.sector,
        region=payload.region,
        agency_kind=payload.agency_kind,
        unit_size=payload.unit_size,
        user=_user(request),
        limit=payload.limit,
    )
    hits = []
    for h in results.hits:
        data = _hit(h)
        ev, rep = h.evidence, h.replication
        data["evidence"] = {
            "awards": ev.awards if ev else [],
            "years_running": ev.years_running if ev else None,
            "continuing": ev.continuing if ev else None,
        }
        data["replication"] = {
            "replicas": rep.replicas if rep else 0,
            "continuing": rep.continuing if rep else 0,
            "stopped": rep.stopped if rep else 0,
            "replica_of": rep.is_replica_of.slug if rep and rep.is_replica_of else None,
        }
        data["context"] = h.context
        hits.append(data)
    return {
        "problem": results.problem,
        "concepts": results.concepts,
        "corrections": results.corrections,
        "hits": hits,
    }


@router.get(
    "/similar/{slug}",
    response={200: list[HitOut], **error_responses(401, 404)},
    openapi_extra=OPTIONAL_AUTH_OPENAPI,
    summary="Innovations similar to one",
)
def similar(request: HttpRequest, slug: str, limit: int = Query(5, ge=1, le=20)) -> list[Any]:
    user = _user(request)
    innovation = Innovation.objects.filter(visible_q(user), slug=_text(slug)[:220]).first()
    if innovation is None:
        raise Http404
    return [_hit(h) for h in selectors.similar_innovations(innovation, user, limit)]


class DuplicatesIn(Schema):
    name: str = Field(..., min_length=1, max_length=300)
    summary: str = Field("", max_length=MAX_PROBLEM_CHARS)
    problem: str = Field("", max_length=MAX_PROBLEM_CHARS)
    exclude: str = Field("", max_length=220, description="slug of the innovation being edited")


class DuplicateOut(Schema):
    slug: str
    name: str
    agency: str
    unit: str
    url: str
    score: float
    name_similarity: float
    text_similarity: float
    family_size: int = Field(1, description="innovations of its family you may see, it included")


@router.post(
    "/duplicates",
    response={200: list[DuplicateOut], **error_responses(401, 403, 422)},
    openapi_extra=OPTIONAL_AUTH_OPENAPI,
    summary="Possible duplicates of a new innovation",
)
def duplicates(request: HttpRequest, payload: DuplicatesIn) -> list[dict[str, Any]]:
    """Existing innovations that closely resemble the one being written (scores 0–1)."""
    user = _user(request)
    exclude = None
    if payload.exclude:
        exclude = (
            Innovation.objects.filter(slug=_text(payload.exclude))
            .values_list("pk", flat=True)
            .first()
        )
    found = selectors.find_duplicates(
        payload.name, payload.summary, payload.problem, exclude, user=user
    )
    return [
        {
            "slug": c.innovation.slug,
            "name": c.innovation.display_name,
            "agency": c.innovation.agency.name,
            "unit": c.innovation.unit.name,
            "url": _url(c.innovation),
            "score": c.score,
            "name_similarity": c.name_similarity,
            "text_similarity": c.text_similarity,
            "family_size": c.family_size,
        }
        for c in found
    ]
