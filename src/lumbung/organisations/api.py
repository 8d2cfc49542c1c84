"""API router for organisations: agencies, units, partners and regions (public reads), and the
writes that set an organisation up: agencies (platform admins), units and memberships (the
agency's innovation admins). Every write goes through ``organisations.services``."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from lumbung.core.http.auth import READ_AUTH, WRITE_AUTH, current_user, optional_auth_openapi
from lumbung.core.http.errors import error_responses
from lumbung.core.http.schemas import (
    MAX_ID,
    PageParams,
    RegionRef,
    page_of,
    paginate,
    text,
)
from lumbung.core.policies import can

from . import people, regions, selectors, services
from .models import Agency, Membership, Partner, Region, Role, Unit, User

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
    parent: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description="With ``agency``: only the units directly under this unit (0: the top units), "
        "by name — one level of a large tree at a time",
    )
    q: text(120) = Field(  # type: ignore[valid-type]
        "", description="With ``agency``: units whose name or short name has every word, by name"
    )


class PartnerFilters(Schema):
    kind: PartnerKind = ""


class RegionFilters(Schema):
    level: RegionLevel = ""
    parent: text(13) = ""  # type: ignore[valid-type]
    q: text(100) = Field(  # type: ignore[valid-type]
        "",
        description="A name, words of one or the start of a code (blitar, kab blitar, 35.05); "
        "the best matches come first",
    )


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
    """Units of all agencies, or of one (``agency`` = its slug), in tree order; with ``agency``,
    ``parent`` gives one level of its tree and ``q`` searches it (both by name)."""
    agency = None
    if filters.agency.strip():
        agency = Agency.objects.filter(slug=filters.agency.strip()).first()
        if agency is None:
            return paginate(Unit.objects.none(), page)
    if agency is not None and (filters.parent is not None or filters.q.strip()):
        parent = None
        if filters.parent:
            parent = Unit.objects.filter(agency=agency, pk=filters.parent).first()
            if parent is None:
                return paginate(Unit.objects.none(), page)
        qs = selectors.unit_level(agency, parent, q=filters.q)
        if filters.kind:
            qs = qs.filter(kind=filters.kind)
        return paginate(qs.select_related("agency"), page)
    return paginate(selectors.unit_list(agency=agency, kind=filters.kind or None), page)


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
    """Regions with their Kemendagri codes; ``parent`` gives a province's regencies and cities,
    ``q`` searches names and codes."""
    qs = selectors.region_list(level=filters.level or None)
    if filters.parent.strip():
        qs = qs.filter(parent_id=filters.parent.strip())
    if filters.q.strip():
        return paginate(regions.search(filters.q, queryset=qs), page)
    return paginate(qs, page)


# --- writes: setting an organisation up ------------------------------------------------------

WRITE_ERRORS = error_responses(401, 403, 404, 422)


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class AgencyIn(_Strict):
    name: text(200) = Field(..., min_length=1)  # type: ignore[valid-type]
    kind: Literal[tuple(Agency.Kind.values)]  # type: ignore[valid-type]
    short_name: text(60) = ""  # type: ignore[valid-type]
    region: text(13) = Field("", description="Kemendagri code, e.g. 33 or 33.23")  # type: ignore[valid-type]
    website: text(200) = ""  # type: ignore[valid-type]


class UnitIn(_Strict):
    agency: int = Field(..., ge=1, le=MAX_ID)
    name: text(250) = Field(..., min_length=1)  # type: ignore[valid-type]
    kind: Literal[tuple(Unit.Kind.values)] = Unit.Kind.OTHER  # type: ignore[valid-type]
    parent: int | None = Field(None, ge=1, le=MAX_ID)
    short_name: text(80) = ""  # type: ignore[valid-type]
    region: text(13) = ""  # type: ignore[valid-type]


class MembershipIn(_Strict):
    user: text(150) = Field(..., min_length=1, description="User name")  # type: ignore[valid-type]
    role: Literal[tuple(Role.values)]  # type: ignore[valid-type]
    agency: int = Field(..., ge=1, le=MAX_ID)
    unit: int | None = Field(None, ge=1, le=MAX_ID)


class MembershipOut(Schema):
    id: int
    user: str
    role: str
    agency: AgencyRef
    unit_id: int | None

    @staticmethod
    def resolve_user(obj: Membership) -> str:
        return obj.user.username


def _region(code: str) -> Region | None:
    if not code.strip():
        return None
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ValidationError({"region": _("Unknown region.")})
    return region


def _agency_by_id(pk: int) -> Agency:
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise ValidationError({"agency": _("Unknown agency.")})
    return agency


def _unit_in(agency: Agency, pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk, agency=agency).first()
    if unit is None:
        raise ValidationError({field: _("Unknown unit of this agency.")})
    return unit


@router.post("/agencies", response={201: AgencyOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def agency_create(request: HttpRequest, payload: AgencyIn) -> Status:
    """Create an agency (platform admins)."""
    agency = services.agency_create(
        actor=current_user(request),
        name=payload.name,
        kind=payload.kind,
        short_name=payload.short_name,
        region=_region(payload.region),
        website=payload.website,
    )
    return Status(201, agency)


@router.post("/units", response={201: UnitOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def unit_create(request: HttpRequest, payload: UnitIn) -> Status:
    """Create a unit of an agency, optionally below another of its units (the agency's
    innovation admins, platform admins)."""
    agency = _agency_by_id(payload.agency)
    unit = services.unit_create(
        actor=current_user(request),
        agency=agency,
        name=payload.name,
        kind=payload.kind,
        parent=_unit_in(agency, payload.parent, "parent"),
        short_name=payload.short_name,
        region=_region(payload.region),
    )
    return Status(201, selectors.unit_list(agency=agency).get(pk=unit.pk))


@router.post("/memberships", response={201: MembershipOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def membership_create(request: HttpRequest, payload: MembershipIn) -> Status:
    """Give a person a role in an agency, or in one of its units (its innovation admins)."""
    agency = _agency_by_id(payload.agency)
    user = User.objects.filter(username=payload.user).first()
    if user is None:
        raise ValidationError({"user": _("Unknown user.")})
    membership = services.membership_grant(
        actor=current_user(request),
        user=user,
        role=payload.role,
        agency=agency,
        unit=_unit_in(agency, payload.unit, "unit"),
    )
    return Status(201, membership)


@router.delete(
    "/memberships/{int:membership_id}", response={204: None, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def membership_delete(request: HttpRequest, membership_id: int) -> Status:
    """Take a role away (the agency's innovation admins)."""
    membership = (
        Membership.objects.select_related("user", "agency").filter(pk=membership_id).first()
        if membership_id <= MAX_ID
        else None
    )
    if membership is None or not can(current_user(request), "membership.view", membership):
        raise Http404
    services.membership_revoke(actor=current_user(request), membership=membership)
    return Status(204, None)


class AgencyPatch(_Strict):
    name: text(200) | None = Field(None, min_length=1)  # type: ignore[valid-type]
    kind: Literal[tuple(Agency.Kind.values)] | None = None  # type: ignore[valid-type]
    short_name: text(60) | None = None  # type: ignore[valid-type]
    region: text(13) | None = Field(None, description="Kemendagri code; empty: none")  # type: ignore[valid-type]
    website: text(200) | None = None  # type: ignore[valid-type]


class UnitPatch(_Strict):
    name: text(250) | None = Field(None, min_length=1)  # type: ignore[valid-type]
    kind: Literal[tuple(Unit.Kind.values)] | None = None  # type: ignore[valid-type]
    parent: int | None = Field(None, ge=1, le=MAX_ID, description="null: a top unit")
    short_name: text(80) | None = None  # type: ignore[valid-type]
    region: text(13) | None = None  # type: ignore[valid-type]


class PartnerIn(_Strict):
    name: text(200) = Field(..., min_length=1)  # type: ignore[valid-type]
    kind: Literal[tuple(Partner.Kind.values)]  # type: ignore[valid-type]
    region: text(13) = ""  # type: ignore[valid-type]
    description: text(5000) = ""  # type: ignore[valid-type]
    website: text(200) = ""  # type: ignore[valid-type]
    agency: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The agency recording the partner (its innovation admins keep it); "
        "platform admins may leave it empty",
    )


class PartnerPatch(_Strict):
    name: text(200) | None = Field(None, min_length=1)  # type: ignore[valid-type]
    kind: Literal[tuple(Partner.Kind.values)] | None = None  # type: ignore[valid-type]
    region: text(13) | None = None  # type: ignore[valid-type]
    description: text(5000) | None = None  # type: ignore[valid-type]
    website: text(200) | None = None  # type: ignore[valid-type]


def _changes(payload: Schema, *, not_null: tuple[str, ...]) -> dict[str, Any]:
    """The fields the request set; a region code becomes its Region."""
    changes = payload.model_dump(exclude_unset=True)
    for name in not_null:
        if name in changes and changes[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if "region" in changes:
        changes["region"] = _region(changes["region"] or "")
    return changes


@router.patch("/agencies/{slug:slug}", response={200: AgencyOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def agency_update(request: HttpRequest, slug: str, payload: AgencyPatch) -> Agency:
    """Change an agency's details (its innovation admins, platform admins); its slug stays."""
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise Http404
    changes = _changes(payload, not_null=("name", "kind", "short_name", "website"))
    return services.agency_update(actor=current_user(request), agency=agency, **changes)


@router.patch("/units/{int:unit_id}", response={200: UnitOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def unit_update(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Unit:
    """Rename a unit, change its type or region, or move it (``parent``: another unit of its
    agency, or null for the top): the agency's innovation admins."""
    unit = (
        Unit.objects.select_related("agency").filter(pk=unit_id).first()
        if unit_id <= MAX_ID
        else None
    )
    if unit is None:
        raise Http404
    changes = _changes(payload, not_null=("name", "kind", "short_name"))
    if "parent" in changes:
        changes["parent"] = _unit_in(unit.agency, changes["parent"], "parent")
    unit = services.unit_update(actor=current_user(request), unit=unit, **changes)
    return selectors.unit_list(agency=unit.agency).get(pk=unit.pk)


@router.post("/partners", response={201: PartnerOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def partner_create(request: HttpRequest, payload: PartnerIn) -> Status:
    """Record a partner: platform admins, or an agency's innovation admins for their agency."""
    partner = services.partner_create(
        actor=current_user(request),
        name=payload.name,
        kind=payload.kind,
        region=_region(payload.region),
        description=payload.description,
        website=payload.website,
        agency=_agency_by_id(payload.agency) if payload.agency else None,
    )
    return Status(201, partner)


@router.patch("/partners/{slug:slug}", response={200: PartnerOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def partner_update(request: HttpRequest, slug: str, payload: PartnerPatch) -> Partner:
    partner = Partner.objects.filter(slug=slug).first()
    if partner is None:
        raise Http404
    changes = _changes(payload, not_null=("name", "kind", "description", "website"))
    return services.partner_update(actor=current_user(request), partner=partner, **changes)


# --- people: invitations and deactivation ----------------------------------------------------


class InvitationIn(_Strict):
    email: text(254) = Field(..., min_length=3)  # type: ignore[valid-type]
    agency: int = Field(..., ge=1, le=MAX_ID)
    role: Literal[tuple(Role.values)]  # type: ignore[valid-type]
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    display_name: text(150) = ""  # type: ignore[valid-type]


class PersonOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    is_active: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(obj.memberships.all())  # prefetched by the list (see people_list)


class InvitationOut(Schema):
    person: PersonOut
    created: bool


class DeactivateIn(_Strict):
    reason: text(2000) = Field(..., min_length=1)  # type: ignore[valid-type]


class PeopleFilters(Schema):
    agency: text(220) = ""  # type: ignore[valid-type]
    q: text(100) = ""  # type: ignore[valid-type]


#: A person's memberships as the API shows them, in one query for a whole page of people.
_MEMBERSHIPS = Prefetch("memberships", queryset=Membership.objects.select_related("user", "agency"))


def _person(request: HttpRequest, person_id: int) -> User:
    person = User.objects.filter(pk=person_id).first() if 0 < person_id <= MAX_ID else None
    if person is None or not can(current_user(request), "person.view", person):
        raise Http404
    return person


@router.get("/people", response={200: page_of(PersonOut), **WRITE_ERRORS}, auth=WRITE_AUTH)
def people_list(
    request: HttpRequest, filters: Query[PeopleFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The people the caller may manage (their agencies' people), by user name."""
    qs = selectors.people_for(current_user(request), agency_slug=filters.agency, q=filters.q)
    return paginate(qs.prefetch_related(_MEMBERSHIPS), page)


@router.post("/people/invitations", response={201: InvitationOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def person_invite(request: HttpRequest, payload: InvitationIn) -> Status:
    """Invite someone by e-mail with a role: a new account gets a link to choose its password."""
    agency = _agency_by_id(payload.agency)
    invitation = people.person_invite(
        actor=current_user(request),
        email=payload.email,
        agency=agency,
        role=payload.role,
        unit=_unit_in(agency, payload.unit, "unit"),
        display_name=payload.display_name,
    )
    return Status(201, {"person": invitation.user, "created": invitation.created})


@router.post(
    "/people/{int:person_id}/deactivate", response={200: PersonOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def person_deactivate(request: HttpRequest, person_id: int, payload: DeactivateIn) -> User:
    """Deactivate an account; it and its history are kept."""
    return people.person_deactivate(
        actor=current_user(request), user=_person(request, person_id), reason=payload.reason
    )


@router.post(
    "/people/{int:person_id}/reactivate", response={200: PersonOut, **WRITE_ERRORS}, auth=WRITE_AUTH
)
def person_reactivate(request: HttpRequest, person_id: int) -> User:
    return people.person_reactivate(actor=current_user(request), user=_person(request, person_id))
