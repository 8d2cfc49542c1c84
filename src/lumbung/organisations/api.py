"""API router for organisations: agencies, units, partners and regions (read only, public)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from lumbung.api.auth import READ_AUTH, optional_auth_openapi
from lumbung.api.errors import error_responses
from lumbung.api.schemas import (
    MAX_ID,
    PageParams,
    RegionRef,
    page_of,
    paginate,
    text,
)

from . import selectors
from .models import Agency, Partner, Region, Unit

router = Router(tags=["organisations"], auth=READ_AUTH)

AgencyKind = Literal[("", *Agency.Kind.values)]  # type: ignore[valid-type]
UnitKind = Literal[("", *Unit.Kind.values)]  # type: ignore[valid-type]
PartnerKind = Literal[("", *Partner.Kind.values)]  # type: ignore[valid-type]
RegionLevel = Literal[("", *Region.Level.values)]  # type: ignore[valid-type]


# --- schemas ---------------------------------------------------------------------------------


class AgencyRef(Schema):
    id: int
    slug: str
    name: str


class AgencyOut(Schema):
    id: int
    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    region: RegionRef | None
    website: str

    @staticmethod
    def resolve_kind_label(obj: Agency) -> str:
        return str(obj.get_kind_display())


class UnitOut(Schema):
    id: int
    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    agency: AgencyRef
    parent_id: int | None
    depth: int
    region: RegionRef | None

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(obj.get_kind_display())


class UnitDetailOut(UnitOut):
    ancestor_ids: list[int]

    @staticmethod
    def resolve_ancestor_ids(obj: Unit) -> list[int]:
        return list(
            Unit.objects.ancestors(obj).filter(agency_id=obj.agency_id).values_list("pk", flat=True)
        )


class AgencyDetailOut(AgencyOut):
    units: list[UnitOut]

    @staticmethod
    def resolve_units(obj: Agency) -> list[Unit]:
        return list(selectors.unit_list(agency=obj))


class PartnerOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    kind_label: str
    region: RegionRef | None
    description: str
    website: str
    is_example: bool

    @staticmethod
    def resolve_kind_label(obj: Partner) -> str:
        return str(obj.get_kind_display())


class RegionOut(RegionRef):
    parent_code: str | None

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.parent_id


class AgencyFilters(Schema):
    kind: AgencyKind = ""
    region: text(13) = ""  # type: ignore[valid-type]


class UnitFilters(Schema):
    agency: text(220) = ""  # type: ignore[valid-type]
    kind: UnitKind = ""


class PartnerFilters(Schema):
    kind: PartnerKind = ""


class RegionFilters(Schema):
    level: RegionLevel = ""
    parent: text(13) = ""  # type: ignore[valid-type]


# --- endpoints -------------------------------------------------------------------------------


@router.get(
    "/agencies",
    response={200: page_of(AgencyOut), **error_responses(401, 422)},
    openapi_extra=optional_auth_openapi(),
)
def agency_list(
    request: HttpRequest, filters: Query[AgencyFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Agencies, by name; filter by type and by region code (a province includes its regions)."""
    qs = selectors.agency_list(kind=filters.kind or None, region=filters.region.strip() or None)
    return paginate(qs, page)


@router.get(
    "/agencies/{slug:slug}",
    response={200: AgencyDetailOut, **error_responses(401, 404)},
    openapi_extra=optional_auth_openapi(),
)
def agency_detail(request: HttpRequest, slug: str) -> Agency:
    """One agency with its units (as a tree: ``parent_id`` and ``depth``)."""
    agency = Agency.objects.select_related("region").filter(slug=slug).first()
    if agency is None:
        raise Http404
    return agency


@router.get(
    "/units",
    response={200: page_of(UnitOut), **error_responses(401, 422)},
    openapi_extra=optional_auth_openapi(),
)
def unit_list(
    request: HttpRequest, filters: Query[UnitFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Units of all agencies, or of one (``agency`` = its slug), in tree order."""
    qs = selectors.unit_list(kind=filters.kind or None)
    if filters.agency.strip():
        qs = qs.filter(agency__slug=filters.agency.strip())
    return paginate(qs, page)


@router.get(
    "/units/{int:unit_id}",
    response={200: UnitDetailOut, **error_responses(401, 404)},
    openapi_extra=optional_auth_openapi(),
)
def unit_detail(request: HttpRequest, unit_id: int) -> Unit:
    unit = None
    if unit_id <= MAX_ID:
        unit = selectors.unit_list().filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


@router.get(
    "/partners",
    response={200: page_of(PartnerOut), **error_responses(401, 422)},
    openapi_extra=optional_auth_openapi(),
)
def partner_list(
    request: HttpRequest, filters: Query[PartnerFilters], page: Query[PageParams]
) -> dict[str, Any]:
    return paginate(selectors.partner_list(kind=filters.kind or None), page)


@router.get(
    "/partners/{slug:slug}",
    response={200: PartnerOut, **error_responses(401, 404)},
    openapi_extra=optional_auth_openapi(),
)
def partner_detail(request: HttpRequest, slug: str) -> Partner:
    partner = selectors.partner_list().filter(slug=slug).first()
    if partner is None:
        raise Http404
    return partner


@router.get(
    "/regions",
    response={200: page_of(RegionOut), **error_responses(401, 422)},
    openapi_extra=optional_auth_openapi(),
)
def region_list(
    request: HttpRequest, filters: Query[RegionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Regions with their Kemendagri codes; ``parent`` gives a province's regencies and cities."""
    qs = selectors.region_list(level=filters.level or None)
    if filters.parent.strip():
        qs = qs.filter(parent_id=filters.parent.strip())
    return paginate(qs, page)
