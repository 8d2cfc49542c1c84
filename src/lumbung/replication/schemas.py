"""Schemas of the replication API: input validated before any service runs, and output."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from lumbung.core.http.schemas import Id, text
from lumbung.organisations.models import Unit

from .models import (
    AdaptationRecord,
    Commitment,
    CoreComponentStatus,
    DocumentKind,
    FacilitationSession,
    Form,
    FormDecision,
    Stage,
)

TEXT_MAX = 20_000


def _choices(values: list[str]) -> Any:
    return Literal[tuple(values)]


StageName = _choices(Stage.values)
FormName = _choices(Form.values)
DocumentKindName = _choices(DocumentKind.values)
CommitmentStatus = _choices(Commitment.Status.values)
SessionMode = _choices(FacilitationSession.Mode.values)
UnitKind = _choices(Unit.Kind.values)


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# --- references ------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class InnovationRef(Schema):
    slug: str
    name: str
    generation: int = 0


# --- programmes ------------------------------------------------------------------------------


class ProgrammeIn(_Strict):
    agency: Id = Field(..., description="The owning agency's id (see /agencies).")
    name: text(200) = Field(..., min_length=1)  # type: ignore[valid-type]
    description: text(TEXT_MAX) = ""  # type: ignore[valid-type]
    sources: list[text(220)] = Field(  # type: ignore[valid-type]
        ..., min_length=1, max_length=20, description="Slugs of the source innovations."
    )
    start_date: dt.date
    end_date: dt.date | None = None
    coverage_target: int = Field(..., ge=1, le=1_000_000)
    facilitator_agency: Id | None = None
    facilitators: list[Id] = Field([], max_length=100, description="Ids of people.")
    managers: list[Id] = Field([], max_length=100, description="Ids of people.")
    targets: list[Id] = Field([], max_length=5000, description="Ids of target units.")


class ProgrammeUpdateIn(_Strict):
    name: text(200) | None = None  # type: ignore[valid-type]
    description: text(TEXT_MAX) | None = None  # type: ignore[valid-type]
    sources: list[text(220)] | None = Field(None, min_length=1, max_length=20)  # type: ignore[valid-type]
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    coverage_target: int | None = Field(None, ge=1, le=1_000_000)
    facilitator_agency: Id | None = None
    facilitators: list[Id] | None = Field(None, max_length=100)
    managers: list[Id] | None = Field(None, max_length=100)


class TargetsIn(_Strict):
    units: list[Id] = Field([], max_length=5000, description="Ids of units to add.")
    under: Id | None = Field(None, description="Add every unit under this unit (and itself).")
    kinds: list[UnitKind] = Field(  # type: ignore[valid-type]
        [], max_length=20, description="With ``under``: only units of these types."
    )


class TargetsOut(Schema):
    added: int
    targets: int


class UnitStateOut(Schema):
    unit: Ref
    agency: Ref
    state: str
    state_label: str
    replica: InnovationRef | None = None
    open_commitments: int | None = None
    overdue_commitments: int | None = None


class CoveragePoint(Schema):
    date: dt.date
    #: target units running a replica (implementing, evaluating or institutionalised)
    covered: int
    #: target units by the furthest stage of their projects: institutionalised, implementing
    #: (or evaluating), preparing (or planning), committed (a commitment, no project yet)
    stages: dict[str, int] = {}


class CoverageOut(Schema):
    target: int
    current: int
    percent: int
    target_units: int
    series: list[CoveragePoint]


class ProgrammeListOut(Schema):
    slug: str
    name: str
    agency: Ref
    facilitator_agency: Ref | None
    start_date: dt.date
    end_date: dt.date | None
    coverage_target: int
    target_count: int
    sources: list[InnovationRef]


class ProgrammeOut(ProgrammeListOut):
    description: str
    coverage: CoverageOut
    states: list[dict[str, Any]]
    units: list[UnitStateOut]
    managers: list[Ref] | None = None
    facilitators: list[Ref] | None = None
    can_change: bool = False


# --- projects --------------------------------------------------------------------------------


class ProjectIn(_Strict):
    source: text(220) = Field(..., description="The source innovation's slug.")  # type: ignore[valid-type]
    adopting_unit: Id
    declared_form: FormName  # type: ignore[valid-type]
    programme: text(220) | None = Field(None, description="The programme's slug.")  # type: ignore[valid-type]
    team: text(TEXT_MAX) = ""  # type: ignore[valid-type]
    notes: text(TEXT_MAX) = ""  # type: ignore[valid-type]
    facilitator_agency: Id | None = None
    facilitators: list[Id] | None = Field(None, max_length=100)


class ProjectUpdateIn(_Strict):
    team: text(TEXT_MAX) | None = None  # type: ignore[valid-type]
    notes: text(TEXT_MAX) | None = None  # type: ignore[valid-type]
    declared_form: FormName | None = None  # type: ignore[valid-type]
    facilitator_agency: Id | None = None
    facilitators: list[Id] | None = Field(None, max_length=100)


class TransitionIn(_Strict):
    to_stage: StageName  # type: ignore[valid-type]
    note: text(TEXT_MAX) = ""  # type: ignore[valid-type]
    expected_version: int | None = Field(
        None, ge=1, description="The project's version you saw (from GET); or expected_stage."
    )
    expected_stage: StageName | None = Field(None, description="The stage you saw.")  # type: ignore[valid-type]


class TransitionOut(Schema):
    from_stage: str
    to_stage: str
    note: str
    actor: str | None
    created_at: dt.datetime


class DocumentIn(Schema):
    kind: DocumentKindName  # type: ignore[valid-type]
    title: text(200) = ""  # type: ignore[valid-type]


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    url: str


class GateItemOut(Schema):
    label: str
    met: bool


class GateOut(Schema):
    next_stage: str | None
    requirements: list[GateItemOut]
    ready: bool
    allowed: list[str]


class ComponentOut(Schema):
    component: str
    outcome: str
    note: str


class FidelityOut(Schema):
    declared_form: str
    kept: int
    adapted: int
    dropped: int
    unassessed: int
    changes: int
    by_fidelity: dict[str, int]
    components: list[ComponentOut]
    mismatch: str
    mismatch_message: str
    suggested_form: str
    needs_decision: bool


class ProjectListOut(Schema):
    id: int
    source: InnovationRef
    adopting_unit: Ref
    adopting_agency: Ref
    programme: str | None
    declared_form: str
    stage: str
    version: int
    replica: InnovationRef | None


class ProjectOut(ProjectListOut):
    stage_since: dt.datetime
    stopped_from: str
    stop_reason: str
    team: str
    notes: str | None
    facilitator_agency: Ref | None
    facilitators: list[Ref]
    gate: GateOut
    fidelity: FidelityOut
    transitions: list[TransitionOut]
    documents: list[DocumentOut]
    can_change: bool


class ReplicaLinkIn(_Strict):
    innovation: text(220) = Field(..., description="Slug of the adopting unit's innovation.")  # type: ignore[valid-type]


class ComponentStatusIn(_Strict):
    component: text(300)  # type: ignore[valid-type]
    outcome: _choices([*CoreComponentStatus.Outcome.values, ""])  # type: ignore[valid-type]
    note: text(TEXT_MAX) = ""  # type: ignore[valid-type]


class ComponentsIn(_Strict):
    statuses: list[ComponentStatusIn] = Field(..., max_length=200)


class AdaptationIn(_Strict):
    date: dt.date | None = None
    when: _choices(AdaptationRecord.When.values)  # type: ignore[valid-type]
    planned: _choices(AdaptationRecord.Planned.values)  # type: ignore[valid-type]
    decided_by: _choices(AdaptationRecord.DecidedBy.values)  # type: ignore[valid-type]
    what: _choices(AdaptationRecord.What.values)  # type: ignore[valid-type]
    nature: _choices(AdaptationRecord.Nature.values)  # type: ignore[valid-type]
    fidelity: _choices(AdaptationRecord.Fidelity.values)  # type: ignore[valid-type]
    reasons: list[_choices(AdaptationRecord.Reason.values)] = Field([], max_length=4)  # type: ignore[valid-type]
    component: text(300) = ""  # type: ignore[valid-type]
    description: text(TEXT_MAX) = Field(..., min_length=1)  # type: ignore[valid-type]
    rationale: text(TEXT_MAX) = ""  # type: ignore[valid-type]


class AdaptationOut(Schema):
    id: int
    date: dt.date | None
    when: str
    planned: str
    decided_by: str
    what: str
    nature: str
    fidelity: str
    reasons: list[str]
    component: str
    description: str
    rationale: str
    created_at: dt.datetime


class FormDecisionIn(_Strict):
    decision: _choices(FormDecision.Decision.values)  # type: ignore[valid-type]
    to_form: FormName | None = None  # type: ignore[valid-type]
    note: text(TEXT_MAX) = ""  # type: ignore[valid-type]


CommentText = text(5000)


class CommentIn(_Strict):
    text: CommentText = Field(..., min_length=1)  # type: ignore[valid-type]


class CommentOut(Schema):
    id: int
    author: str | None
    text: str
    created_at: dt.datetime


# --- sessions and commitments ----------------------------------------------------------------


class ActionIn(_Strict):
    owner_unit: Id | None = Field(None, description="Defaults to the project's adopting unit.")
    description: text(TEXT_MAX) = Field(..., min_length=1)  # type: ignore[valid-type]
    due_date: dt.date


class SessionIn(_Strict):
    date: dt.date
    mode: SessionMode  # type: ignore[valid-type]
    participants: text(TEXT_MAX) = ""  # type: ignore[valid-type]
    notes: text(TEXT_MAX) = ""  # type: ignore[valid-type]
    problems: text(TEXT_MAX) = ""  # type: ignore[valid-type]
    actions: list[ActionIn] = Field([], max_length=100)


class CommitmentOut(Schema):
    id: int
    owner_unit: Ref
    description: str
    due_date: dt.date
    status: str
    status_note: str
    overdue: bool
    project: int | None
    programme: str | None
    session: int | None
    origin: str
    origin_ref: str
    origin_label: str
    origin_url: str
    completed_at: dt.datetime | None
    created_at: dt.datetime


class SessionOut(Schema):
    id: int
    project: int | None
    programme: str | None
    date: dt.date
    mode: str
    participants: str
    notes: str
    problems: str
    commitments: list[CommitmentOut]
    created_at: dt.datetime


class CommitmentIn(_Strict):
    owner_unit: Id
    description: text(TEXT_MAX) = Field(..., min_length=1)  # type: ignore[valid-type]
    due_date: dt.date
    project: Id | None = None
    programme: text(220) | None = None  # type: ignore[valid-type]


class CommitmentUpdateIn(_Strict):
    status: CommitmentStatus | None = None  # type: ignore[valid-type]
    due_date: dt.date | None = None
    description: text(TEXT_MAX) | None = Field(None, min_length=1)  # type: ignore[valid-type]
    note: text(TEXT_MAX) = ""  # type: ignore[valid-type]


class CommitmentFilters(Schema):
    status: _choices([*Commitment.Status.values, "open", ""]) = ""  # type: ignore[valid-type]
    overdue: bool = False
    project: int | None = Field(None, ge=1)
    programme: text(220) = ""  # type: ignore[valid-type]
    origin: text(32) = ""  # type: ignore[valid-type]


class ProjectFilters(Schema):
    stage: _choices([*Stage.values, ""]) = ""  # type: ignore[valid-type]
    programme: text(220) = ""  # type: ignore[valid-type]


# --- replica link requests and programme participation ---------------------------------------


class LinkRequestOut(Schema):
    """A request to record an existing innovation as a project's replica; the innovation's
    agency accepts or declines it."""

    id: int
    project: int
    innovation: Ref
    adopting_unit: Ref
    source: Ref
    status: Literal["pending", "accepted", "declined"]
    requested_at: dt.datetime
    answered_at: dt.datetime | None
    answer_note: str
    can_answer: bool


class LinkAnswerIn(_Strict):
    accept: bool
    note: text(TEXT_MAX) = ""  # type: ignore[valid-type]


class LinkRequestFilters(Schema):
    status: Literal["pending", "accepted", "declined", ""] = ""


class ParticipantIn(_Strict):
    agency: Id = Field(..., description="The agency that joins (its innovation admin consents).")


class ParticipantOut(Schema):
    programme: str
    agency: Ref
    joined_at: dt.datetime
