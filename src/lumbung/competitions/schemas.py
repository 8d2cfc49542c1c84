"""Schemas of the competitions API: input checked before any service runs, and output."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from lumbung.catalog.models import Award
from lumbung.core.http.schemas import Id
from lumbung.core.http.schemas import text as Text

from .models import DocumentKind, Group, Round, Stage, TimeZone

TEXT_MAX = 20_000


def _choices(values: list[str]) -> Any:
    return Literal[tuple(values)]


LevelName = _choices(Round.Level.values)
GroupKind = _choices(Group.Kind.values)
StageKind = _choices(Stage.Kind.values)
ZoneName = _choices(TimeZone.values)
DocumentKindName = _choices(DocumentKind.values)
AwardLevel = _choices(["", *Award.Level.values])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


# --- set-up ---------------------------------------------------------------------------------


class SectionIO(_Strict):
    title: Text(200) = Field(..., min_length=1)  # type: ignore[valid-type]
    word_limit: int | None = Field(None, ge=1, le=100_000)
    guidance: Text(TEXT_MAX) = ""  # type: ignore[valid-type]
    required: bool = True


class GroupIO(_Strict):
    code: Text(40) = Field(..., min_length=1, pattern=r"^[-a-zA-Z0-9_]+$")  # type: ignore[valid-type]
    name: Text(150) = Field(..., min_length=1)  # type: ignore[valid-type]
    name_en: Text(150) = ""  # type: ignore[valid-type]
    kind: GroupKind = "general"  # type: ignore[valid-type]
    description: Text(TEXT_MAX) = ""  # type: ignore[valid-type]
    min_running_months: int = Field(12, ge=0, le=600)
    requires_inspiration: bool = False
    requires_past_winner: bool = False
    sections: list[SectionIO] = Field(default_factory=list, max_length=50)
    required_documents: list[DocumentKindName] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Kinds of document an entry must upload."
    )


class CriterionIO(_Strict):
    name: Text(200) = Field(..., min_length=1)  # type: ignore[valid-type]
    weight: Decimal = Field(Decimal("1"), gt=0, le=1000, decimal_places=2)
    scale_min: int = Field(1, ge=0, le=1000)
    scale_max: int = Field(10, ge=1, le=1000)
    guidance: Text(TEXT_MAX) = ""  # type: ignore[valid-type]


class QuotaIO(_Strict):
    group: Text(40) = Field(..., description="The group's code.")  # type: ignore[valid-type]
    top: int = Field(..., ge=1, le=100_000)
    award_level: AwardLevel = Field("", description="The award written for the kept entries.")  # type: ignore[valid-type]
    per_agency_type: int | None = Field(None, ge=1)
    per_region: int | None = Field(None, ge=1, description="The most kept of one province.")


class StageIO(_Strict):
    kind: StageKind  # type: ignore[valid-type]
    name: Text(150) = Field(..., min_length=1)  # type: ignore[valid-type]
    starts_at: dt.datetime
    ends_at: dt.datetime
    blind: bool = False
    judges_per_entry: int = Field(2, ge=1, le=20)
    consensus: bool = Field(False, description="The panellists of each entry agree one score.")
    criteria: list[CriterionIO] = Field(default_factory=list, max_length=50)
    quotas: list[QuotaIO] = Field(default_factory=list, max_length=50)


class RoundIn(_Strict):
    organiser: Id = Field(..., description="The organising agency's id.")
    title: Text(200) = Field(..., min_length=1)  # type: ignore[valid-type]
    title_en: Text(200) = ""  # type: ignore[valid-type]
    year: int = Field(..., ge=2000, le=2100)
    level: LevelName  # type: ignore[valid-type]
    time_zone: ZoneName = "Asia/Jakarta"  # type: ignore[valid-type]
    description: Text(TEXT_MAX) = ""  # type: ignore[valid-type]
    entries_per_agency: int | None = Field(None, ge=1)
    award_competition: Text(200) = "KIPP"  # type: ignore[valid-type]
    feeds: Text(220) | None = Field(  # type: ignore[valid-type]
        None, description="Slug of the national round an internal selection feeds."
    )
    groups: list[GroupIO] = Field(default_factory=list, max_length=50)
    stages: list[StageIO] = Field(default_factory=list, max_length=50)


class SetupIn(_Strict):
    groups: list[GroupIO] = Field(..., max_length=50)
    stages: list[StageIO] = Field(..., max_length=50)


class FeedIn(_Strict):
    groups: dict[str, Text(40)] = Field(  # type: ignore[valid-type]
        ..., description="For each group code of this selection, the national group's code."
    )


class CopyIn(_Strict):
    year: int = Field(..., ge=2000, le=2100)
    title: Text(200) = ""  # type: ignore[valid-type]


class StageOut(Schema):
    id: int
    kind: str
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    starts_label: str
    ends_label: str
    blind: bool
    judges_per_entry: int
    consensus: bool
    closed_at: dt.datetime | None
    criteria: list[dict[str, Any]]
    quotas: list[dict[str, Any]]


class RoundListOut(Schema):
    slug: str
    title: str
    year: int
    level: str
    state: str
    organiser: Ref
    url: str


class RoundOut(RoundListOut):
    title_en: str
    description: str
    time_zone: str
    entries_per_agency: int | None
    award_competition: str
    groups: list[GroupIO]
    stages: list[StageOut]
    can_organise: bool


# --- entries --------------------------------------------------------------------------------


class EntryIn(_Strict):
    group: Text(40) = Field(..., description="The group's code.")  # type: ignore[valid-type]
    innovation: Text(220) = Field(..., description="The innovation's slug.")  # type: ignore[valid-type]


class AnswerIO(_Strict):
    section: Id
    text: Text(TEXT_MAX) = ""  # type: ignore[valid-type]


class EntryUpdateIn(_Strict):
    answers: list[AnswerIO] | None = Field(None, max_length=50)
    video_url: Text(500) | None = None  # type: ignore[valid-type]
    sdgs: list[int] | None = Field(None, max_length=17)
    inspirations: list[Text(220)] | None = Field(  # type: ignore[valid-type]
        None, max_length=20, description="Slugs of the inspiring past winners."
    )
    continuing: bool | None = Field(
        None, description="A monitoring round: is the innovation still running?"
    )
    stopped_on: dt.date | None = None
    stop_reason: Text(TEXT_MAX) = ""  # type: ignore[valid-type]


class ReasonIn(_Strict):
    reason: Text(TEXT_MAX) = ""  # type: ignore[valid-type]


class CheckIn(_Strict):
    passed: bool
    reason: Text(TEXT_MAX) = ""  # type: ignore[valid-type]


class AnswerOut(Schema):
    section: int
    title: str
    word_limit: int | None
    words: int
    text: str


class EntryOut(Schema):
    id: int
    round: str
    group: str
    title: str
    state: str
    reason: str
    unit: Ref | None
    agency: Ref | None
    innovation: str | None
    video_url: str
    sdgs: list[int]
    inspirations: list[str]
    answers: list[AnswerOut]
    profile: dict[str, Any]
    continuing: bool | None
    stopped_on: dt.date | None
    stop_reason: str
    replications: list[str] = Field(
        default_factory=list,
        description="A monitoring round: slugs of the published replications it spawned.",
    )
    submitted_at: dt.datetime | None
    url: str


# --- judging --------------------------------------------------------------------------------


class JudgeIn(_Strict):
    user: Id
    capacity: int | None = Field(None, ge=1)


class JudgeOut(Schema):
    id: int
    user: Ref
    capacity: int | None
    active: bool


class ConflictIn(_Strict):
    entry: Id
    reason: Text(300) = ""  # type: ignore[valid-type]


class AssignIn(_Strict):
    entry: Id
    judge: Id


class AssignOut(Schema):
    created: int
    short: dict[str, int]


class ScoreIO(_Strict):
    criterion: Id
    value: int | None = None
    comment: Text(TEXT_MAX) = ""  # type: ignore[valid-type]


class ScoresIn(_Strict):
    scores: list[ScoreIO] = Field(..., max_length=50)
    submit: bool = False


class AssignmentOut(Schema):
    id: int
    stage: int
    stage_name: str
    round: str
    entry: int
    entry_title: str | None = Field(None, description="Empty in a blind stage.")
    deadline: dt.datetime
    submitted_at: dt.datetime | None
    scores: list[ScoreIO]


class ProgressOut(Schema):
    judge: str
    assigned: int
    submitted: int


class CloseOut(Schema):
    ranked: int
    kept: int
    agreement: dict[str, float | None]
    balance: dict[str, dict[str, int]]


class ResultOut(Schema):
    entry: int
    title: str
    group: str
    agency: Ref
    rank: int
    judges: int
    raw: float
    normalised: float
    tie_break: str
    kept: bool


class PublishOut(Schema):
    awards_written: int
