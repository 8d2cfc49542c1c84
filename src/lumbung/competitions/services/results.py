"""Closing a judged stage (ranking, quota cut) and publishing a round's results (awards written
back to the catalog); an internal selection's kept entries carried into the national round.

Closing a stage reads its submitted scores once, ranks each group with ``scoring`` (weighted
totals, per-judge z-scores, the documented tie-break), keeps each group's quota (ties at the cut
all kept, an optional cap per agency type) and stores one ``Result`` per entry. Publishing makes
the round's results public and writes, for every entry a stage with an award level kept, that
award to the innovation's award list — once, however often it is published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Innovation
from lumbung.core import audit
from lumbung.core.actors import ActorLike
from lumbung.core.policies import require

from .. import scoring
from ..models import Answer, Assignment, Consensus, Entry, Group, Quota, Result, Round, Score, Stage
from ..selectors import final_stage
from .entries import check_registration_open, eligibility_problems
from .judging import stage_entries

#: the "judge" of the agreed scores of a consensus stage: the panel, one for every entry
PANEL = 0


def stage_marks(stage: Stage) -> list[scoring.Mark]:
    """The stage's submitted scores (drafts never count), read in one query; in a consensus
    stage, the scores each entry's panel agreed."""
    if stage.consensus:
        return [
            scoring.Mark(entry=entry, judge=PANEL, criterion=int(c), value=float(v))
            for entry, values in Consensus.objects.filter(
                stage=stage, confirmed_at__isnull=False
            ).values_list("entry_id", "values")
            for c, v in values.items()
        ]
    rows = Score.objects.filter(
        assignment__stage=stage, assignment__submitted_at__isnull=False
    ).values_list("assignment__entry_id", "assignment__judge_id", "criterion_id", "value")
    return [scoring.Mark(entry=e, judge=j, criterion=c, value=float(v)) for e, j, c, v in rows]


def stage_criteria(stage: Stage) -> list[scoring.Criterion]:
    return [
        scoring.Criterion(
            id=c.pk, weight=float(c.weight), scale_min=c.scale_min, scale_max=c.scale_max
        )
        for c in stage.criteria.all()
    ]


@dataclass(frozen=True)
class StageSummary:
    ranked: int
    kept: int
    agreement: dict[int, float | None]
    balance: dict[str, dict[str, int]]


def _candidates(entries: list[Entry]) -> dict[int, scoring.Candidate]:
    return {
        e.pk: scoring.Candidate(
            entry=e.pk,
            group=str(e.group_id),
            agency_type=e.agency.kind,
            region=e.agency.region.province_name if e.agency.region else "",
            remote=bool(e.agency.region and e.agency.region.is_3t),
        )
        for e in entries
    }


def _closable(stage: Stage) -> None:
    """A judged stage of a running round closes once, after the judged stages before it, when
    every assignment is submitted and every entry has a judge (nobody silently dropped)."""
    if not stage.is_judged:
        raise ValidationError(_("This stage is not judged."))
    if stage.is_closed:
        raise ValidationError(_("This stage is already closed."))
    if stage.round.state != Round.State.OPEN:
        raise ValidationError(_("Only a running round's stages are closed."))
    earlier_open = Stage.objects.filter(
        round_id=stage.round_id,
        kind__in=Stage.JUDGED_KINDS,
        order__lt=stage.order,
        closed_at__isnull=True,
    )
    if earlier_open.exists():
        raise ValidationError(_("Close the judged stages before this one first."))
    pending = Assignment.objects.filter(stage=stage, submitted_at__isnull=True).count()
    if pending:
        raise ValidationError(
            ngettext(
                "%(count)d assignment is not submitted yet: wait, or take its judge out of "
                "the pool and assign again.",
                "%(count)d assignments are not submitted yet: wait, or take their judges out "
                "of the pool and assign again.",
                pending,
            )
            % {"count": pending}
        )
    judged = set(Assignment.objects.filter(stage=stage).values_list("entry_id", flat=True))
    unjudged = [e for e in stage_entries(stage) if e.pk not in judged]
    if unjudged:
        raise ValidationError(
            ngettext(
                "%(count)d entry has no judge yet.",
                "%(count)d entries have no judge yet.",
                len(unjudged),
            )
            % {"count": len(unjudged)}
        )


def _check_agreed(stage: Stage, marks: list[scoring.Mark]) -> None:
    """A consensus stage closes only when every entry's panel agreed its scores."""
    judged = {m.entry for m in marks}
    lacking = [e for e in stage_entries(stage) if e.pk not in judged]
    if lacking:
        raise ValidationError(
            ngettext(
                "%(count)d entry has no agreed panel scores yet.",
                "%(count)d entries have no agreed panel scores yet.",
                len(lacking),
            )
            % {"count": len(lacking)}
        )


@transaction.atomic
def stage_close(*, actor: ActorLike, stage: Stage) -> StageSummary:
    """Rank the stage's entries per group and keep each group's quota. Scores can no longer
    change afterwards."""
    stage = Stage.objects.select_for_update().select_related("round").get(pk=stage.pk)
    require(actor, "competition_round.organise", stage.round)
    _closable(stage)
    criteria = stage_criteria(stage)
    marks = stage_marks(stage)
    if stage.consensus:
        _check_agreed(stage, marks)
    entries = [
        e
        for e in Entry.objects.filter(pk__in=[e.pk for e in stage_entries(stage)]).select_related(
            "agency__region__parent"
        )
    ]
    by_group: dict[int, list[scoring.EntryResult]] = defaultdict(list)
    results = {r.entry: r for r in scoring.entry_results(marks, criteria)}
    group_of = {e.pk: e.group_id for e in entries}
    for entry_id, result in results.items():
        if entry_id in group_of:
            by_group[group_of[entry_id]].append(result)
    quotas = {q.group_id: q for q in Quota.objects.filter(stage=stage)}
    candidates = _candidates(entries)
    rows: list[Result] = []
    kept: set[int] = set()
    balance: dict[str, dict[str, int]] = {}
    for group_id, group_results in by_group.items():
        ranked = scoring.rank(group_results, criteria)
        quota = quotas.get(group_id)
        if quota is not None:
            cut = scoring.cut(
                ranked,
                candidates,
                {str(group_id): quota.top},
                per_agency_type=(
                    {
                        kind: quota.per_agency_type
                        for kind in {c.agency_type for c in candidates.values()}
                    }
                    if quota.per_agency_type
                    else None
                ),
                per_region=quota.per_region,
            )
            kept |= set(cut.selected)
            for key, counts in cut.balance.items():
                merged = balance.setdefault(key, {})
                for name, n in counts.items():
                    merged[name] = merged.get(name, 0) + n
        for item in ranked:
            rows.append(
                Result(
                    stage=stage,
                    entry_id=item.result.entry,
                    judges=item.result.judges,
                    raw=item.result.raw,
                    normalised=item.result.normalised,
                    rank=item.rank,
                    tie_break=item.tie_break,
                )
            )
    for row in rows:
        # a group with a quota keeps what the cut chose; a group without one keeps everyone
        capped = group_of.get(row.entry_id) in quotas
        row.kept = row.entry_id in kept if capped else True
    Result.objects.bulk_create(rows)
    Entry.objects.filter(pk__in=[r.entry_id for r in rows if r.kept]).update(reached=stage)
    stage.closed_at = timezone.now()
    stage.save(update_fields=["closed_at"])
    agreement = scoring.agreement(marks, criteria)
    audit.record(
        actor=actor,
        obj=stage.round,
        action="stage.close",
        changes={"stage": stage.pk, "ranked": len(rows), "kept": sum(r.kept for r in rows)},
    )
    return StageSummary(
        ranked=len(rows), kept=sum(r.kept for r in rows), agreement=agreement, balance=balance
    )


def _award_label(round_: Round, quota: Quota) -> str:
    return f"{quota.get_award_level_display()} {round_.award_competition} {round_.year}"


@transaction.atomic
def results_publish(*, actor: ActorLike, round_: Round) -> int:
    """Publish the round's results and write each award to its innovation (idempotent).
    Returns the number of awards written now."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    require(actor, "competition_round.organise", round_)
    if round_.state == Round.State.DRAFT:
        raise ValidationError(_("This round has not run yet."))
    if round_.state == Round.State.PUBLISHED:
        return 0  # published once: its awards and statuses are written
    if not round_.stages.filter(kind__in=Stage.JUDGED_KINDS, closed_at__isnull=False).exists():
        raise ValidationError(_("Close a judged stage before publishing the results."))
    # each innovation gets one award of the round: that of the last stage that kept it (a
    # Top 45 entry was Top 99 first; the catalog lists what it won, not every cut it passed)
    award_of: dict[int, Quota] = {}
    quotas = (
        Quota.objects.filter(stage__round=round_, stage__closed_at__isnull=False)
        .exclude(award_level="")
        .select_related("stage")
        .order_by("stage__order", "stage__starts_at")
    )
    for quota in quotas:
        kept = Result.objects.filter(
            stage=quota.stage, kept=True, entry__group_id=quota.group_id
        ).values_list("entry__innovation_id", flat=True)
        for innovation_id in kept:
            award_of[innovation_id] = quota
    written = 0
    innovations = Innovation.objects.in_bulk(list(award_of))
    for innovation_id, quota in award_of.items():
        # checked above: the round's organiser publishes (competition_round.organise)
        _award, created = catalog_services.award_grant_unchecked(
            actor=actor,
            innovation=innovations[innovation_id],
            level=quota.award_level,
            year=round_.year,
            competition=round_.award_competition,
            label=_award_label(round_, quota),
        )
        written += created
    if round_.level == Round.Level.MONITORING:
        _report_statuses(actor, round_)
    round_.state = Round.State.PUBLISHED
    round_.results_published_at = round_.results_published_at or timezone.now()
    round_.save(update_fields=["state", "results_published_at"])
    audit.record(actor=actor, obj=round_, action="round.publish", changes={"awards": written})
    return written


def _report_statuses(actor: ActorLike, round_: Round) -> None:
    """A monitoring round's answers become the catalog's statuses: a stopped innovation from
    the day its unit gave, one reported running again from the day the results are published."""
    today = timezone.localdate()
    reported = round_.entries.filter(
        state=Entry.State.ELIGIBLE, continuing__isnull=False
    ).select_related("innovation")
    for entry in reported:
        # checked by the caller: the round's organiser publishes (competition_round.organise)
        catalog_services.innovation_report_status_unchecked(
            actor=actor,
            innovation=entry.innovation,
            status=Innovation.Status.CONTINUING if entry.continuing else Innovation.Status.STOPPED,
            date=today if entry.continuing else (entry.stopped_on or today),
            reason=entry.stop_reason or _("Reported in %(round)s.") % {"round": round_.title},
        )


def kept_entries(round_: Round) -> list[Entry]:
    """The entries the round's last closed judged stage kept, in group and rank order."""
    last = final_stage(round_)
    if last is None:
        return []
    return [
        r.entry
        for r in Result.objects.filter(stage=last, kept=True)
        .select_related("entry")
        .order_by("entry__group__order", "rank", "entry_id")
    ]


@transaction.atomic
def feed_entries(
    *, actor: ActorLike, source: Round, target: Round, groups: Mapping[int, Group]
) -> list[Entry]:
    """The entries an internal selection kept become the agency's entries of the national
    round, without retyping: the profile, SDGs, video, inspirations and the texts of sections
    with the same title are carried over; they wait for the agency admin's submission."""
    require(actor, "competition_round.organise", source)
    if source.feeds_id != target.pk:
        raise ValidationError(_("This selection does not feed that round."))
    check_registration_open(target)
    created: list[Entry] = []
    for entry in kept_entries(source):
        group = groups.get(entry.group_id)
        if group is None or group.round_id != target.pk:
            raise ValidationError(
                _("Choose the national group for “%(group)s”.") % {"group": entry.group}
            )
        if target.entries.filter(innovation_id=entry.innovation_id).exists():
            continue
        problems = eligibility_problems(target, group, entry.innovation)
        if problems:
            raise ValidationError(
                _("“%(title)s” cannot enter “%(group)s”: %(problems)s")
                % {"title": entry.title, "group": group, "problems": " ".join(problems)}
            )
        carried = Entry(
            round=target,
            group=group,
            innovation_id=entry.innovation_id,
            unit_id=entry.unit_id,
            agency_id=entry.agency_id,
            title=entry.title,
            profile=entry.profile,
            video_url=entry.video_url,
            fed_from=entry,
            state=Entry.State.AT_AGENCY,
            created_by=entry.created_by,
        )
        require(actor, "competition_entry.decide", carried)
        carried.save()
        carried.sdgs.set(entry.sdgs.all())
        carried.inspirations.set(entry.inspirations.all())
        texts = {
            a.section.title.strip().lower(): a.text for a in entry.answers.select_related("section")
        }
        Answer.objects.bulk_create(
            Answer(entry=carried, section=s, text=texts.get(s.title.strip().lower(), ""))
            for s in group.sections.all()
        )
        audit.record(actor=actor, obj=carried, action="entry.feed", note=source.title)
        created.append(carried)
    return created
