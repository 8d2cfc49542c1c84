"""Schemas of the catalog's API: what comes in (validated before any service runs) and what
goes out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db import models
from django.urls import reverse
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, create_model

from lumbung.core.actors import ActorLike
from lumbung.core.http.auth import current_user
from lumbung.core.http.schemas import MAX_ID, Id, RegionRef, text
from lumbung.core.policies import can

from .editing import state_of
from .models import Award, Evidence, Innovation, innovation_field
from .selectors import SORTS
from .services import PROFILE_FIELDS

#: the longest text a profile section may have through the API
TEXT_MAX = 20_000


def _choices(values: list[str], *, blank: bool = False) -> Any:
    return Literal[(("",) if blank else ()) + tuple(values)]


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _optional_int(ge: int, le: int) -> Any:
    """An optional whole number in a query string; an empty value means "not given"."""
    return Annotated[Annotated[int, Field(ge=ge, le=le)] | None, BeforeValidator(_blank_to_none)]


QueryId = _optional_int(1, MAX_ID)

Stage = _choices(Innovation.Stage.values)
Status = _choices(Innovation.Status.values)
AwardLevel = _choices(Award.Level.values)
EvidenceKind = _choices(Evidence.Kind.values)
SdgNumber = Annotated[int, Field(ge=1, le=17)]


# --- input -----------------------------------------------------------------------------------


def _profile_field(name: str) -> tuple[Any, Any]:
    """The input type of one profile field, derived from the model so the two stay in step."""
    field = innovation_field(name)
    description = str(field.verbose_name)
    if name == "sector":
        return (text(40) | None, Field(None, description=f"{description} (code, see /sectors)"))
    if name == "stage":
        return (Stage | None, Field(None, description=description))
    if name == "start_year":
        return (int | None, Field(None, ge=1900, le=2100, description=description))
    if name == "budget_idr":
        return (int | None, Field(None, ge=0, le=10**15, description=description))
    if name == "staff_count":
        return (int | None, Field(None, ge=0, le=10**7, description=description))
    if isinstance(field, models.DateField):
        return (dt.date | None, Field(None, description=description))
    if isinstance(field, models.CharField | models.TextField):
        max_length = field.max_length or TEXT_MAX
        return (text(max_length) | None, Field(None, description=description))
    raise TypeError(f"no API type for profile field {name!r}")  # pragma: no cover


#: pydantic field definitions, ``(type, Field(...))`` by name: ``create_model``'s keyword arguments
_PROFILE: dict[str, Any] = {name: _profile_field(name) for name in PROFILE_FIELDS}
_SDGS: tuple[Any, Any] = (
    list[SdgNumber] | None,
    Field(None, max_length=17, description="SDG numbers (1–17); replaces the current list"),
)


class _StrictSchema(Schema):
    """Unknown fields are an error (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


#: PATCH body: any profile field; fields left out are not changed
InnovationUpdateIn: type[Schema] = create_model(
    "InnovationUpdateIn",
    __base__=_StrictSchema,
    **_PROFILE,
    sdgs=_SDGS,
    version=(
        int | None,
        Field(
            None,
            ge=1,
            description=(
                "the version of the innovation your change is based on (from GET); if it "
                "changed since, nothing is written and the answer is 409 with the fields "
                "changed. Or send the ETag in an If-Match header (412 if it changed)."
            ),
        ),
    ),
)

#: POST body: the unit that owns the innovation, its name and any other profile field
InnovationCreateIn: type[Schema] = create_model(
    "InnovationCreateIn",
    __base__=_StrictSchema,
    **{
        **_PROFILE,
        "unit": (Id, Field(..., description="id of the owning unit")),
        "name": (text(200), Field(..., min_length=1, description="name")),
    },
    sdgs=_SDGS,
)


class ReturnIn(_StrictSchema):
    reason: text(5000) = Field(..., description="why the innovation goes back to its unit")  # type: ignore[valid-type]


class StatusIn(_StrictSchema):
    status: Status  # type: ignore[valid-type]
    date: dt.date | None = Field(None, description="since when; default today")
    reason: text(5000) = ""  # type: ignore[valid-type]


class AwardIn(_StrictSchema):
    level: AwardLevel  # type: ignore[valid-type]
    year: int | None = Field(None, ge=1900, le=2100)
    competition: text(200) = "KIPP"  # type: ignore[valid-type]
    label: text(200) = ""  # type: ignore[valid-type]


class EvidenceIn(Schema):
    kind: EvidenceKind  # type: ignore[valid-type]
    title: text(200) = ""  # type: ignore[valid-type]


class InnovationFilters(Schema):
    """The public catalog's filters (see ``CatalogFilters``), plus ``state`` for one's own
    unpublished records."""

    q: text(200) = ""  # type: ignore[valid-type]
    agency: text(220) = Field("", description="agency slug")  # type: ignore[valid-type]
    unit: QueryId = Field(None, description="unit id")  # type: ignore[valid-type]
    region: text(13) = Field(  # type: ignore[valid-type]
        "", description="Kemendagri region code; a province includes its regencies and cities"
    )
    sector: text(40) = ""  # type: ignore[valid-type]
    stage: _choices(Innovation.Stage.values, blank=True) = ""  # type: ignore[valid-type]
    award: _choices(Award.Level.values, blank=True) = ""  # type: ignore[valid-type]
    award_year: _optional_int(1900, 2100) = None  # type: ignore[valid-type]
    sdg: _optional_int(1, 17) = None  # type: ignore[valid-type]
    status: _choices(Innovation.Status.values, blank=True) = ""  # type: ignore[valid-type]
    sort: _choices(list(SORTS), blank=True) = ""  # type: ignore[valid-type]
    state: _choices([*Innovation.State.values, "all"], blank=True) = Field(  # type: ignore[valid-type]
        "",
        description=(
            "empty: the public catalog (published only). A publication state, or `all`: "
            "every innovation the caller may see in that state (their own drafts included)."
        ),
    )


# --- output ----------------------------------------------------------------------------------


class AgencyRef(Schema):
    id: int
    slug: str
    name: str


class UnitRef(Schema):
    id: int
    slug: str
    name: str


class SectorOut(Schema):
    code: str
    name: str
    name_en: str


class SdgOut(Schema):
    number: int
    name: str
    name_en: str


class AwardOut(Schema):
    id: int
    competition: str
    year: int | None
    level: str
    level_label: str
    label: str

    @staticmethod
    def resolve_level_label(obj: Award) -> str:
        return str(obj.get_level_display())


class InnovationRef(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    agency: AgencyRef
    unit: UnitRef
    replication_form: str
    generation: int


class SourceRef(Schema):
    id: int
    slug: str
    name: str
    name_en: str


def _user(context: dict[str, Any] | None) -> ActorLike:
    """The caller of the request a schema is resolved for (nobody without a request)."""
    request = (context or {}).get("request")
    return current_user(request) if request is not None else None


class InnovationListOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    acronym: str
    acronym_expansion: str
    acronym_expansion_en: str
    summary: str
    summary_en: str
    agency: AgencyRef
    unit: UnitRef
    region: RegionRef | None
    sector: SectorOut | None
    stage: str
    stage_label: str
    status: str
    status_label: str
    publication_state: str
    start_year: int | None
    sdgs: list[int]
    awards: list[AwardOut]
    source: SourceRef | None = Field(description="the innovation this one replicates")
    replication_form: str
    generation: int
    published_at: dt.datetime | None
    updated_at: dt.datetime

    @staticmethod
    def resolve_region(obj: Innovation) -> Any:
        return obj.unit.region or obj.agency.region

    @staticmethod
    def resolve_stage_label(obj: Innovation) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_status_label(obj: Innovation) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_sdgs(obj: Innovation) -> list[int]:
        return [s.number for s in obj.sdgs.all()]

    @staticmethod
    def resolve_source(obj: Innovation, context: Any) -> Innovation | None:
        source = obj.source
        if source is None or not can(_user(context), "innovation.view", source):
            return None
        return source


class TeamMemberOut(Schema):
    name: str
    role_title: str


class EvidenceOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    content_type: str
    size: int
    url: str
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: Evidence) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_url(obj: Evidence) -> str:
        return reverse(
            "api:evidence_file",
            kwargs={"slug": obj.innovation.slug, "evidence_id": obj.pk},
        )


class StatusChangeOut(Schema):
    status: str
    status_label: str
    date: dt.date
    reason: str

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


_DETAIL_TEXT = [
    name
    for name in PROFILE_FIELDS
    if name not in InnovationListOut.model_fields and name not in {"sector", "stage"}
]


class _InnovationDetailBase(InnovationListOut):
    start_date: dt.date | None
    budget_idr: int | None
    staff_count: int | None
    source_urls: list[str]
    status_since: dt.date | None
    stop_reason: str
    review_note: str | None = Field(
        description="the reviewer's note; only for the owning unit and its agency"
    )
    team: list[TeamMemberOut]
    evidence: list[EvidenceOut]
    status_changes: list[StatusChangeOut]
    replicas: list[InnovationRef]
    created_at: dt.datetime
    version: int = Field(
        description="raised by one by every change; the ETag header names it too (see PATCH)"
    )

    @staticmethod
    def resolve_source_urls(obj: Innovation) -> list[str]:
        return obj.source_url_list

    @staticmethod
    def resolve_review_note(obj: Innovation, context: Any) -> str | None:
        return obj.review_note if can(_user(context), "innovation.view_internal", obj) else None

    @staticmethod
    def resolve_replicas(obj: Innovation, context: Any) -> list[Innovation]:
        user = _user(context)
        return [r for r in obj.replicas.all() if can(user, "innovation.view", r)]


_DETAIL_FIELDS: dict[str, Any] = {
    name: (str, ...) for name in _DETAIL_TEXT if name not in _InnovationDetailBase.model_fields
}

#: the whole profile (both languages) with team, evidence, awards, status history and lineage
InnovationOut: type[Schema] = create_model(
    "InnovationOut",
    __base__=_InnovationDetailBase,
    **_DETAIL_FIELDS,
)


class RevisionChangeOut(Schema):
    field: str
    label: str
    published: Any = Field(description="the value published now (plain: texts, ISO dates, …)")
    proposed: Any = Field(description="the proposed value")


class RevisionOut(Schema):
    """A change to a published innovation waiting for its agency's review (or decided)."""

    id: int
    innovation: str = Field(description="the innovation's slug")
    state: str
    state_label: str
    changes: list[RevisionChangeOut]
    base_version: int = Field(description="the innovation's version the change was based on")
    proposed_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str

    @staticmethod
    def resolve_innovation(obj: Any) -> str:
        return str(obj.innovation.slug)

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str:
        return obj.proposed_by.get_username() if obj.proposed_by else ""

    @staticmethod
    def resolve_changes(obj: Any) -> list[dict[str, Any]]:
        published = state_of(obj.innovation)
        return [
            {
                "field": name,
                "label": str(innovation_field(name).verbose_name) if name != "team" else "team",
                "published": published.get(name),
                "proposed": value,
            }
            for name, value in obj.proposed.items()
        ]


class RejectIn(_StrictSchema):
    reason: text(5000) = Field(..., description="why the change is not accepted")  # type: ignore[valid-type]
