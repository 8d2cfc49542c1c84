"""Setting up a round: create it, copy last year's set-up, open it.

A round's parts (groups, sections, stages, criteria, quotas) are rows the organiser edits in the
round's set-up page or the admin; copying an earlier round copies all of them, the dates moved by
the difference in years, so a new year starts from last year's configuration.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import require
from lumbung.organisations.models import Agency
from lumbung.organisations.services import unique_slug

from ..models import Group, Round, Stage


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
    round_.slug = unique_slug(Round, f"{round_.title} {year}")
    round_.full_clean()
    round_.save()
    audit.record(actor=actor, obj=round_, action="round.create")
    return round_


@transaction.atomic
def round_copy(
    *, actor: ActorLike, source: Round, year: int, title: str = "", organiser: Agency | None = None
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
        level=source.level,
        time_zone=source.time_zone,
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
