"""Schemas of the events API: input checked before any service runs, and output."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from lumbung.core.http.schemas import Id
from lumbung.core.http.schemas import text as Text
from lumbung.organisations.models import Unit

from .models import Intent

TEXT_MAX = 20_000


def _choices(values: list[str]) -> Any:
    return Literal[tuple(values)]


DecisionName = _choices(Intent.Decision.values)
UnitKind = _choices(Unit.Kind.values)


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


class InnovationRef(Schema):
    slug: str
    name: str


# --- events ---------------------------------------------------------------------------------


class EventIn(_Strict):
    host_unit: Id = Field(..., description="The host unit's id.")
    title: Text(200) = Field(..., min_length=1)  # type: ignore[valid-type]
    title_en: Text(200) = ""  # type: ignore[valid-type]
    summary: Text(TEXT_MAX) = ""  # type: ignore[valid-type]
    summary_en: Text(TEXT_MAX) = ""  # type: ignore[valid-type]
    agenda: Text(TEXT_MAX) = ""  # type: ignore[valid-type]
    showcased: list[Text(220)] = Field(  # type: ignore[valid-type]
        ..., min_length=1, max_length=20, description="Slugs of the showcased innovations."
    )
    programme: Text(220) | None = Field(  # type: ignore[valid-type]
        None, description="Slug of the replication programme."
    )
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    venue: Text(300) = ""  # type: ignore[valid-type]
    online_url: Text(500) = ""  # type: ignore[valid-type]
    capacity: int | None = Field(None, ge=1, le=100_000)
    facilitator_agency: Id | None = None
    facilitators: list[Id] = Field([], max_length=50, description="Ids of people.")


class EventUpdateIn(_Strict):
    title: Text(200) | None = Field(None, min_length=1)  # type: ignore[valid-type]
    title_en: Text(200) | None = None  # type: ignore[valid-type]
    summary: Text(TEXT_MAX) | None = None  # type: ignore[valid-type]
    summary_en: Text(TEXT_MAX) | None = None  # type: ignore[valid-type]
    agenda: Text(TEXT_MAX) | None = None  # type: ignore[valid-type]
    showcased: list[Text(220)] | None = Field(None, min_length=1, max_length=20)  # type: ignore[valid-type]
    programme: Text(220) | None = None  # type: ignore[valid-type]
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: Text(300) | None = None  # type: ignore[valid-type]
    online_url: Text(500) | None = None  # type: ignore[valid-type]
    capacity: int | None = Field(None, ge=1, le=100_000)
    registration_open: bool | None = None
    facilitator_agency: Id | None = None
    facilitators: list[Id] | None = Field(None, max_length=50)


class PublishIn(_Strict):
    publish: bool = True


class PhotoOut(Schema):
    title: str
    description: str
    url: str


class EventListOut(Schema):
    slug: str
    title: str
    title_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    online_url: str
    host_unit: Ref
    host_agency: Ref
    programme: str | None
    publication_state: str
    url: str


class EventOut(EventListOut):
    summary: str
    summary_en: str
    agenda: list[str]
    showcased: list[InnovationRef]
    facilitator_agency: Ref | None
    partners: list[Ref]
    photos: list[PhotoOut]
    invited_units: int
    attending_units: int
    commitments: int
    published_at: dt.datetime | None
    ics_url: str
    # for the people involved only (null for the public)
    capacity: int | None = None
    places_left: int | None = None
    registration_open: bool | None = None
    can_manage: bool = False


# --- invitations and registrations ----------------------------------------------------------


class InvitationsIn(_Strict):
    units: list[Id] = Field([], max_length=5000, description="Ids of units to invite.")
    under: Id | None = Field(None, description="Invite every unit under this unit.")
    kinds: list[UnitKind] = Field([], description="With `under`: only units of these types.")  # type: ignore[valid-type]
    partners: list[Id] = Field([], max_length=1000, description="Ids of partners.")


class InvitationsAddedOut(Schema):
    units: int
    partners: int
    invited: int
    host_left_out: int | None = Field(
        None, description="The host unit's id when it was among those chosen: it is not invited."
    )


class InvitationOut(Schema):
    id: int
    unit: Ref | None
    partner: Ref | None
    registered: int
    attended: int


class AttendeeIn(_Strict):
    name: Text(150) = Field(..., min_length=1)  # type: ignore[valid-type]
    position: Text(150) = ""  # type: ignore[valid-type]
    accessibility_needs: Text(2000) = ""  # type: ignore[valid-type]


class RegistrationIn(_Strict):
    invitation: Id | None = Field(None, description="The invitation's id.")
    unit: Id | None = Field(None, description="Or: the invited unit's id.")
    attendees: list[AttendeeIn] = Field(..., min_length=1, max_length=200)
    waitlist: bool = Field(
        False,
        description="When the places left are too few: put the others on the wait-list "
        "(status `waitlisted`) instead of refusing everyone.",
    )


class RegistrationOut(Schema):
    id: int
    invitation: int
    invitee: str
    name: str
    position: str
    accessibility_needs: str
    status: str = Field(..., description="`registered`, `waitlisted` or `cancelled`.")
    waitlist_position: int | None = Field(
        None, description="Place in the wait-list (1 = next to get a place), when waiting."
    )
    promoted_at: dt.datetime | None = Field(
        None, description="When a place that became free was given to this wait-listed person."
    )
    checked_in_at: dt.datetime | None


class AttendanceIn(_Strict):
    registrations: list[Id] = Field(..., min_length=1, max_length=2000)


class AttendanceOut(Schema):
    checked_in: list[int]
    already: list[int]
    attended: int
    registered: int


# --- testimonials ---------------------------------------------------------------------------


class TestimonialIn(_Strict):
    speaker: Text(150) = Field(..., min_length=1)  # type: ignore[valid-type]
    text: Text(TEXT_MAX) = Field(..., min_length=1)  # type: ignore[valid-type]
    text_en: Text(TEXT_MAX) = ""  # type: ignore[valid-type]
    group: Text(200) = ""  # type: ignore[valid-type]
    partner: Id | None = None
    is_public: bool = False


class TestimonialOut(Schema):
    id: int
    group: str
    text: str
    text_en: str
    # for the event's managers only (null on public testimonials)
    speaker: str | None = None
    is_public: bool | None = None


# --- intents --------------------------------------------------------------------------------


class IntentItemIn(_Strict):
    innovation: Text(220) = Field(..., description="Slug of a showcased innovation.")  # type: ignore[valid-type]
    decision: DecisionName  # type: ignore[valid-type]
    due_date: dt.date | None = None
    note: Text(TEXT_MAX) = ""  # type: ignore[valid-type]
    start_project: bool = False


class IntentsIn(_Strict):
    unit: Id
    items: list[IntentItemIn] = Field(..., min_length=1, max_length=20)


class IntentOut(Schema):
    id: int
    unit: Ref
    innovation: InnovationRef
    decision: str
    due_date: dt.date | None
    note: str
    commitment: int | None
    commitment_status: str | None
    project: int | None
    project_stage: str | None


# --- report ---------------------------------------------------------------------------------


class ReportRowOut(Schema):
    invitation: int
    name: str
    kind: str
    agency: str
    registered: int
    attended: int
    decisions: dict[str, int]
    commitments: int
    open_commitments: int
    done_commitments: int
    projects: int


class ReportOut(Schema):
    invited_units: int
    invited_partners: int
    registered: int
    attended: int
    attending_units: int
    attending_partners: int
    with_accessibility_needs: int
    commitments: int
    committing_units: int
    projects: int
    decisions: dict[str, int]
    rows: list[ReportRowOut]
