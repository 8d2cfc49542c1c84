"""Setting up a round: create it, copy last year's set-up, open it.

A round's parts (groups, sections, stages, criteria, quotas) are rows the organiser edits in the
round's set-up page or the admin; copying an earlier round copies all of them, the dates moved by
the difference in years, so a new year starts from last year's configuration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import require
from lumbung.organisations.models import Agency
from lumbung.organisations.services import unique_slug

from ..models import Criterion, DocumentKind, Group, Quota, Round, Section, Stage


def _shift(value: dt.datetime, years: int) -> dt.datetime:
    """The same day and time ``years`` later (29 February becomes 28 February)."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


@transaction.atomic
def round_create(
    *,
    actor: ActorLike,
    organiser: Agency,
    title: str,
    year: int,
    level: str,
    time_zone: str = Round._meta.get_field("time_zone").default,
    **fields: Any,
) -> Round:
    round_ = Round(
        organiser=organiser,
        title=title.strip(),
        year=year,
        level=level,
        time_zone=time_zone,
        created_by=user_of(actor),
        **fields,
    )
    require(actor, "competition_round.create", round_)
    named = round_.title if str(year) in round_.title else f"{round_.title} {year}"
    round_.slug = unique_slug(Round, named)
    round_.full_clean()
    round_.save()
    audit.record(actor=actor, obj=round_, action="round.create")
    return round_


@transaction.atomic
def round_copy(
    *,
    actor: ActorLike,
    source: Round,
    year: int,
    title: str = "",
    organiser: Agency | None = None,
    level: str = "",
    time_zone: str = "",
) -> Round:
    """A new round (being set up) with the set-up of ``source``: groups and their sections,
    stages with their criteria and quotas, dates moved by the difference in years. Entries,
    judges and results are not copied."""
    require(actor, "competition_round.organise", source)
    years = year - source.year
    copy = round_create(
        actor=actor,
        organiser=organiser or source.organiser,
        title=title or source.title.replace(str(source.year), str(year)),
        year=year,
        level=level or source.level,
        time_zone=time_zone or source.time_zone,
        title_en=source.title_en.replace(str(source.year), str(year)),
        description=source.description,
        description_en=source.description_en,
        entries_per_agency=source.entries_per_agency,
        award_competition=source.award_competition,
    )
    copy.copied_from = source
    copy.save(update_fields=["copied_from"])
    groups: dict[int, Group] = {}
    for group in source.groups.prefetch_related("sections"):
        old_pk = group.pk
        sections = list(group.sections.all())
        group.pk = None
        group.round = copy
        group.save()
        groups[old_pk] = group
        for section in sections:
            section.pk = None
            section.group = group
            section.save()
    for stage in source.stages.prefetch_related("criteria", "quotas"):
        criteria, quotas = list(stage.criteria.all()), list(stage.quotas.all())
        stage.pk = None
        stage.round = copy
        stage.closed_at = None
        stage.starts_at = _shift(stage.starts_at, years)
        stage.ends_at = _shift(stage.ends_at, years)
        stage.save()
        for criterion in criteria:
            criterion.pk = None
            criterion.stage = stage
            criterion.save()
        for quota in quotas:
            quota.pk = None
            quota.stage = stage
            quota.group = groups[quota.group_id]
            quota.save()
    audit.record(actor=actor, obj=copy, action="round.copy", note=source.title)
    return copy


def setup_problems(round_: Round) -> list[str]:
    """What keeps a round from opening, in words for its organiser (empty: it may open)."""
    problems: list[str] = []
    groups = list(round_.groups.all())
    stages = list(round_.stages.prefetch_related("criteria", "quotas"))
    if not groups:
        problems.append(_("Add at least one group."))
    if not any(s.kind == Stage.Kind.REGISTRATION for s in stages):
        problems.append(_("Add a registration stage with its dates."))
    for stage in stages:
        if stage.is_judged and not stage.criteria.all():
            problems.append(_("The judged stage “%(stage)s” has no criteria.") % {"stage": stage})
    for group in groups:
        if group.requires_inspiration and not group.sections.exists():
            problems.append(
                _("The group “%(group)s” asks for its inspiration: add its sections.")
                % {"group": group}
            )
    return problems


@transaction.atomic
def round_open(*, actor: ActorLike, round_: Round) -> Round:
    require(actor, "competition_round.organise", round_)
    if round_.state != Round.State.DRAFT:
        raise ValidationError(_("This round is already running."))
    problems = setup_problems(round_)
    if problems:
        raise ValidationError(problems)
    round_.state = Round.State.OPEN
    round_.save(update_fields=["state"])
    audit.record(actor=actor, obj=round_, action="round.open")
    return round_


# --- the set-up as one document -------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    title: str
    word_limit: int | None = None
    guidance: str = ""
    required: bool = True


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    name_en: str = ""
    kind: str = Group.Kind.GENERAL
    description: str = ""
    min_running_months: int = 12
    requires_inspiration: bool = False
    requires_past_winner: bool = False
    sections: tuple[SectionSpec, ...] = ()
    required_documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: Decimal = Decimal("1")
    scale_min: int = 1
    scale_max: int = 10
    guidance: str = ""


@dataclass(frozen=True)
class QuotaSpec:
    group: str  # the group's code
    top: int
    award_level: str = ""
    per_agency_type: int | None = None
    per_region: int | None = None


@dataclass(frozen=True)
class StageSpec:
    kind: str
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    blind: bool = False
    judges_per_entry: int = 2
    criteria: tuple[CriterionSpec, ...] = ()
    consensus: bool = False
    quotas: tuple[QuotaSpec, ...] = ()


def _full_clean(obj: Any, prefix: str, errors: dict[str, list[str]], exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(f"{prefix}.{name}", []).extend(messages)


GroupRows = list[tuple[Group, list[Section]]]
StageRows = list[tuple[Stage, list[Criterion], list[tuple[str, Quota]]]]


def _group_rows(round_: Round, groups: list[GroupSpec], errors: dict[str, list[str]]) -> GroupRows:
    codes = [g.code for g in groups]
    if len(set(codes)) != len(codes):
        errors.setdefault("groups", []).append(_("Give each group its own code."))
    rows: GroupRows = []
    for i, spec in enumerate(groups):
        group = Group(
            round=round_,
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            kind=spec.kind,
            description=spec.description,
            min_running_months=spec.min_running_months,
            requires_inspiration=spec.requires_inspiration,
            requires_past_winner=spec.requires_past_winner,
            required_documents=sorted(set(spec.required_documents)),
            order=i + 1,
        )
        _full_clean(group, f"groups.{i}", errors, ["round"])
        unknown = set(spec.required_documents) - set(DocumentKind.values)
        if unknown:
            errors.setdefault(f"groups.{i}.required_documents", []).append(
                _("Unknown kind of document: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}
            )
        sections = []
        for j, s in enumerate(spec.sections):
            section = Section(
                title=s.title,
                word_limit=s.word_limit,
                guidance=s.guidance,
                required=s.required,
                order=j + 1,
            )
            _full_clean(section, f"groups.{i}.sections.{j}", errors, ["group"])
            sections.append(section)
        rows.append((group, sections))
    return rows


def _criteria(
    prefix: str, specs: tuple[CriterionSpec, ...], errors: dict[str, list[str]]
) -> list[Criterion]:
    criteria = []
    for j, c in enumerate(specs):
        criterion = Criterion(
            name=c.name,
            weight=c.weight,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            guidance=c.guidance,
            order=j + 1,
        )
        _full_clean(criterion, f"{prefix}.criteria.{j}", errors, ["stage"])
        if c.scale_max <= c.scale_min:
            errors.setdefault(f"{prefix}.criteria.{j}.scale_max", []).append(
                _("The highest score must be above the lowest.")
            )
        criteria.append(criterion)
    return criteria


def _stage_rows(
    round_: Round, stages: list[StageSpec], codes: set[str], errors: dict[str, list[str]]
) -> StageRows:
    rows: StageRows = []
    for i, spec in enumerate(stages):
        prefix = f"stages.{i}"
        stage = Stage(
            round=round_,
            kind=spec.kind,
            name=spec.name,
            starts_at=spec.starts_at,
            ends_at=spec.ends_at,
            blind=spec.blind,
            judges_per_entry=spec.judges_per_entry,
            consensus=spec.consensus,
            order=i + 1,
        )
        _full_clean(stage, prefix, errors, ["round"])
        if spec.ends_at < spec.starts_at:
            errors.setdefault(f"{prefix}.ends_at", []).append(_("A stage ends after it starts."))
        criteria = _criteria(prefix, spec.criteria, errors)
        if criteria and not stage.is_judged:
            errors.setdefault(f"{prefix}.criteria", []).append(
                _("Only a judged stage has criteria.")
            )
        quotas = []
        quota_groups = [q.group for q in spec.quotas]
        if len(set(quota_groups)) != len(quota_groups):
            errors.setdefault(f"{prefix}.quotas", []).append(
                _("Give each group one quota per stage.")
            )
        for j, q in enumerate(spec.quotas):
            if q.group not in codes:
                errors.setdefault(f"{prefix}.quotas.{j}.group", []).append(
                    _("Unknown group code: %(code)s.") % {"code": q.group}
                )
            quota = Quota(
                top=q.top,
                award_level=q.award_level,
                per_agency_type=q.per_agency_type,
                per_region=q.per_region,
            )
            _full_clean(quota, f"{prefix}.quotas.{j}", errors, ["stage", "group"])
            quotas.append((q.group, quota))
        rows.append((stage, criteria, quotas))
    return rows


@transaction.atomic
def round_configure(
    *, actor: ActorLike, round_: Round, groups: list[GroupSpec], stages: list[StageSpec]
) -> Round:
    """Replace a round's set-up (while it is being set up) with the one described: every part
    checked first, then written in one transaction — a refused set-up changes nothing."""
    require(actor, "competition_round.organise", round_)
    if round_.state != Round.State.DRAFT:
        raise ValidationError(_("The set-up of a running round can no longer change."))
    errors: dict[str, list[str]] = {}
    group_rows = _group_rows(round_, groups, errors)
    stage_rows = _stage_rows(round_, stages, {g.code for g in groups}, errors)
    if errors:
        raise ValidationError(errors)
    round_.groups.all().delete()
    round_.stages.all().delete()
    by_code: dict[str, Group] = {}
    for group, sections in group_rows:
        group.save()
        by_code[group.code] = group
        for section in sections:
            section.group = group
        Section.objects.bulk_create(sections)
    for stage, criteria, quotas in stage_rows:
        stage.save()
        for criterion in criteria:
            criterion.stage = stage
        Criterion.objects.bulk_create(criteria)
        for code, quota in quotas:
            quota.stage, quota.group = stage, by_code[code]
        Quota.objects.bulk_create(q for _code, q in quotas)
    audit.record(actor=actor, obj=round_, action="round.configure")
    return round_


@transaction.atomic
def round_define(
    *,
    actor: ActorLike,
    organiser: Agency,
    groups: list[GroupSpec],
    stages: list[StageSpec],
    **fields: Any,
) -> Round:
    """A new round and its whole set-up from one document: all of it or nothing."""
    round_ = round_create(actor=actor, organiser=organiser, **fields)
    return round_configure(actor=actor, round_=round_, groups=groups, stages=stages)
