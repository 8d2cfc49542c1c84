"""Judging a stage: the judge pool, declared conflicts, assignments (automatic, with manual
override) and scores (saved as a draft, submitted once).

Automatic assignment (``assignment.assign``) gives each entry the stage's number of judges,
never one of the entrant's agency or with a declared conflict, balancing the load; the organiser
may add or remove a judge by hand (the same two rules apply). A judge scores each criterion of
the stage's rubric with a comment; scores are a draft until submitted, and submitted scores and
anything after the stage closed or its deadline passed are refused with the reason. Two judges
scoring one entry write different rows (their own assignment's), so both keep their scores; one
judge's two saves are serialised by the assignment's row lock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, as_actor
from lumbung.core.policies import can, require
from lumbung.organisations.models import Membership, User

from .. import assignment as planner
from .. import notices
from ..models import Assignment, Conflict, Entry, Judge, Round, Score, Stage
from ..times import deadline_label


def judge_agencies(users: list[int]) -> dict[int, frozenset[int]]:
    """Each person's agencies (any membership): they never judge those agencies' entries."""
    out: dict[int, set[int]] = defaultdict(set)
    for user_id, agency_id in Membership.objects.filter(user_id__in=users).values_list(
        "user_id", "agency_id"
    ):
        out[user_id].add(agency_id)
    return {u: frozenset(out.get(u, set())) for u in users}


@transaction.atomic
def judge_add(*, actor: ActorLike, round_: Round, user: User, capacity: int | None = None) -> Judge:
    require(actor, "competition_round.organise", round_)
    judge, created = Judge.objects.get_or_create(
        round=round_, user=user, defaults={"capacity": capacity}
    )
    if not created:
        judge.capacity, judge.active = capacity, True
        judge.save(update_fields=["capacity", "active"])
    audit.record(actor=actor, obj=round_, action="judge.add", note=str(user))
    return judge


@transaction.atomic
def judge_remove(*, actor: ActorLike, judge: Judge) -> int:
    """Take a judge out of the pool (a judge who cannot go on): no new assignments, and their
    unsubmitted ones in open stages are dropped for others to take. Returns how many."""
    require(actor, "competition_round.organise", judge.round)
    judge.active = False
    judge.save(update_fields=["active"])
    dropped, _rows = Assignment.objects.filter(
        judge=judge, submitted_at__isnull=True, stage__closed_at__isnull=True
    ).delete()
    audit.record(actor=actor, obj=judge.round, action="judge.remove", note=str(judge.user))
    return dropped


@transaction.atomic
def conflict_declare(*, actor: ActorLike, judge: Judge, entry: Entry, reason: str = "") -> Conflict:
    """A judge (or an organiser for them) declares a conflict of interest with an entry; an
    assignment not yet submitted is removed."""
    require(actor, "competition_judge.declare", judge)
    if entry.round_id != judge.round_id:
        raise ValidationError(_("The entry is not in this judge's round."))
    conflict, _created = Conflict.objects.get_or_create(
        judge=judge, entry=entry, defaults={"reason": (reason or "").strip()[:300]}
    )
    Assignment.objects.filter(judge=judge, entry=entry, submitted_at__isnull=True).delete()
    audit.record(actor=actor, obj=entry, action="judge.conflict", note=str(judge))
    return conflict


def _judged_stage(stage: Stage) -> None:
    if not stage.is_judged:
        raise ValidationError(_("This stage is not judged."))
    if stage.is_closed:
        raise ValidationError(_("This stage is closed."))
    if stage.round.state != Round.State.OPEN:
        raise ValidationError(_("Only a running round's entries are judged."))


def stage_entries(stage: Stage) -> list[Entry]:
    """The entries a judged stage scores: those that passed the administrative check, and — after
    an earlier judged stage — those it kept."""
    earlier = (
        Stage.objects.filter(round_id=stage.round_id, order__lt=stage.order)
        .filter(kind__in=Stage.JUDGED_KINDS)
        .order_by("-order")
        .first()
    )
    qs = Entry.objects.filter(round_id=stage.round_id, state=Entry.State.ELIGIBLE)
    if earlier is not None:
        qs = qs.filter(results__stage=earlier, results__kept=True)
    return list(qs.order_by("id"))


@dataclass(frozen=True)
class AssignOutcome:
    created: int
    short: dict[int, int]  # entry id -> judges still missing


@transaction.atomic
def stage_assign(*, actor: ActorLike, stage: Stage) -> AssignOutcome:
    """Assign judges to every entry of the stage that lacks some (existing ones are kept)."""
    stage = Stage.objects.select_for_update().select_related("round").get(pk=stage.pk)
    require(actor, "competition_round.organise", stage.round)
    _judged_stage(stage)
    entries = stage_entries(stage)
    pool = list(Judge.objects.filter(round_id=stage.round_id, active=True).order_by("id"))
    agencies = judge_agencies([j.user_id for j in pool])
    conflicts: dict[int, set[int]] = defaultdict(set)
    for judge_id, entry_id in Conflict.objects.filter(judge__in=pool).values_list(
        "judge_id", "entry_id"
    ):
        conflicts[judge_id].add(entry_id)
    existing: dict[int, set[int]] = defaultdict(set)
    for entry_id, judge_id in Assignment.objects.filter(stage=stage).values_list(
        "entry_id", "judge_id"
    ):
        existing[entry_id].add(judge_id)
    plan = planner.assign(
        [planner.EntryToAssign(id=e.pk, agency_id=e.agency_id) for e in entries],
        [
            planner.Judge(
                id=j.pk,
                agency_ids=agencies[j.user_id],
                conflicts=frozenset(conflicts[j.pk]),
                capacity=j.capacity,
            )
            for j in pool
        ],
        per_entry=stage.judges_per_entry,
        existing=existing,
    )
    Assignment.objects.bulk_create(
        Assignment(stage=stage, entry_id=entry_id, judge_id=judge_id)
        for entry_id, judge_id in plan.pairs
    )
    people = {
        j.pk: j.user
        for j in Judge.objects.filter(pk__in={p for _e, p in plan.pairs}).select_related("user")
    }
    notices.assigned(stage, [people[judge_id] for _entry, judge_id in plan.pairs], actor=actor)
    audit.record(
        actor=actor,
        obj=stage.round,
        action="stage.assign",
        changes={"stage": stage.pk, "created": len(plan.pairs), "short": len(plan.short)},
    )
    return AssignOutcome(created=len(plan.pairs), short=dict(plan.short))


def assignment_problem(judge: Judge, entry: Entry) -> str:
    """Why the judge may not judge the entry (empty: they may)."""
    if not judge.active:
        return _("This judge is not active.")
    if entry.agency_id in judge_agencies([judge.user_id])[judge.user_id]:
        return _("A judge never judges an entry of their own agency.")
    if Conflict.objects.filter(judge=judge, entry=entry).exists():
        return _("This judge declared a conflict of interest with this entry.")
    return ""


@transaction.atomic
def assignment_create(*, actor: ActorLike, stage: Stage, entry: Entry, judge: Judge) -> Assignment:
    """The organiser assigns a judge by hand (the same rules as the automatic assignment)."""
    require(actor, "competition_round.organise", stage.round)
    _judged_stage(stage)
    if entry.round_id != stage.round_id or judge.round_id != stage.round_id:
        raise ValidationError(_("The entry and the judge must be of this stage's round."))
    if entry.pk not in {e.pk for e in stage_entries(stage)}:
        raise ValidationError(_("This entry is not judged in this stage."))
    problem = assignment_problem(judge, entry)
    if problem:
        raise ValidationError(problem)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                stage=stage, entry=entry, judge=judge, manual=True
            )
    except IntegrityError:
        raise ValidationError(_("This judge is already assigned to this entry.")) from None
    audit.record(actor=actor, obj=entry, action="assignment.create", note=str(judge))
    notices.assigned(stage, [judge.user], actor=actor)
    return assignment


@transaction.atomic
def assignment_delete(*, actor: ActorLike, assignment: Assignment) -> None:
    require(actor, "competition_assignment.organise", assignment)
    if assignment.is_submitted:
        raise ValidationError(_("This judge already submitted scores for the entry."))
    entry = assignment.entry
    note = str(assignment.judge)
    assignment.delete()
    audit.record(actor=actor, obj=entry, action="assignment.delete", note=note)


def _check_scoring_open(stage: Stage) -> None:
    if stage.is_closed:
        raise ValidationError(_("This stage is closed: scores can no longer change."))
    now = timezone.now()
    if now < stage.starts_at:
        raise ValidationError(
            _("Scoring opens on %(time)s.") % {"time": deadline_label(stage.starts_at, stage.round)}
        )
    if now > stage.ends_at:
        raise ValidationError(
            _("Scoring closed on %(time)s.") % {"time": deadline_label(stage.ends_at, stage.round)}
        )


@transaction.atomic
def scores_save(
    *,
    actor: ActorLike,
    assignment: Assignment,
    values: Mapping[int, tuple[int | None, str]],
    submit: bool = False,
) -> Assignment:
    """Save the judge's scores ({criterion id: (value or None, comment)}) as a draft, or
    submit them (every criterion scored). Refused once submitted, after the stage closed or its
    deadline passed."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("stage__round", "judge")
        .get(pk=assignment.pk)
    )
    require(actor, "competition_assignment.score", assignment)
    if assignment.is_submitted:
        raise ValidationError(_("These scores were submitted and can no longer change."))
    stage = assignment.stage
    _check_scoring_open(stage)
    criteria = {c.pk: c for c in stage.criteria.all()}
    errors: dict[str, list[str]] = {}
    clean: dict[int, tuple[int | None, str]] = {}
    for key, (value, comment) in values.items():
        criterion = criteria.get(int(key))
        if criterion is None:
            errors.setdefault("scores", []).append(_("Unknown criterion."))
            continue
        if value is not None and not criterion.scale_min <= int(value) <= criterion.scale_max:
            errors[f"criterion_{criterion.pk}"] = [
                _("Give a score from %(low)d to %(high)d.")
                % {"low": criterion.scale_min, "high": criterion.scale_max}
            ]
            continue
        clean[criterion.pk] = (
            None if value is None else int(value),
            (comment or "").replace("\x00", "").strip(),
        )
    if errors:
        raise ValidationError(errors)
    if submit:
        scored = set(assignment.scores.values_list("criterion_id", flat=True))
        scored |= {pk for pk, (value, _c) in clean.items() if value is not None}
        scored -= {pk for pk, (value, _c) in clean.items() if value is None}
        missing = [c.name for pk, c in criteria.items() if pk not in scored]
        if missing:  # checked before writing: a refused submit keeps nothing half done
            raise ValidationError(
                _("Score every criterion before submitting: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )
    for criterion_id, (value, comment) in clean.items():
        if value is None:
            Score.objects.filter(assignment=assignment, criterion_id=criterion_id).delete()
            continue
        Score.objects.update_or_create(
            assignment=assignment,
            criterion_id=criterion_id,
            defaults={"value": value, "comment": comment},
        )
    if submit:
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
        audit.record(actor=actor, obj=assignment.entry, action="assignment.submit")
    return assignment


def judges_blind(actor: ActorLike, entry: Entry) -> bool:
    """Whether the person reads the entry only as one of its judges in a blind stage: they
    must not learn who entered (pages answer 404, the API redacts)."""
    who = as_actor(actor)
    if not who.is_authenticated or who.user_id is None:
        return False
    if (
        can(who, "competition_entry.prepare", entry)
        or can(who, "competition_entry.organise", entry)
        or can(who, "competition_entry.decide", entry)
    ):
        return False
    return Assignment.objects.filter(
        entry=entry, judge__user_id=who.user_id, stage__blind=True
    ).exists()


def may_see_identity(actor: ActorLike, assignment: Assignment) -> bool:
    """Whether the judge may see who entered (not in a blind stage; organisers always)."""
    if can(actor, "competition_assignment.organise", assignment):
        return True
    return not assignment.stage.blind
