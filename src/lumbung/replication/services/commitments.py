"""Writes to commitments (rencana tindak lanjut) and the reminders about them.

Who owns a commitment is a rule of the record, whoever records it: a project's commitment
belongs to one of the project's units (the adopting unit or the origin unit); a programme's, to
a unit of an agency in the programme's scope (its own, or one that joined it); any other, to a
unit the person acts for (the policy's check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import require
from lumbung.notifications.services import notify
from lumbung.organisations.models import Role, Unit, User

from .. import gates
from ..models import (
    Commitment,
    CommitmentReminder,
    FacilitationSession,
    Programme,
    ReplicationProject,
    Stage,
)
from ._common import as_date, clean_text
from .programmes import scope_agency_ids


@transaction.atomic
def commitment_create(
    *,
    actor: ActorLike,
    owner_unit: Unit,
    description: str,
    due_date: Any,
    project: ReplicationProject | None = None,
    programme: Programme | None = None,
    session: FacilitationSession | None = None,
    origin: str = "",
    origin_ref: str = "",
    origin_label: str = "",
    origin_url: str = "",
    for_stage: str = "",
    is_example: bool = False,
) -> Commitment:
    """Record a commitment (rencana tindak lanjut). ``origin*`` describe where it was made when
    that is a record of a higher layer (e.g. ``origin="event"``, ``origin_ref=str(event.pk)``);
    see the package docstring."""
    if not isinstance(owner_unit, Unit):
        raise ValidationError({"owner_unit": _("Choose the unit responsible.")})
    if project is not None and programme is None:
        programme = project.programme
    require(
        actor,
        "commitment.create",
        Commitment(owner_unit=owner_unit, project=project, programme=programme),
    )
    return commitment_create_unchecked(
        actor=actor,
        owner_unit=owner_unit,
        description=description,
        due_date=due_date,
        project=project,
        programme=programme,
        session=session,
        origin=origin,
        origin_ref=origin_ref,
        origin_label=origin_label,
        origin_url=origin_url,
        for_stage=for_stage,
        is_example=is_example,
    )


def check_owner(
    owner_unit: Unit, *, project: ReplicationProject | None, programme: Programme | None
) -> None:
    """A project's commitment is owned by one of its units; a programme's by a unit of an
    agency in the programme's scope."""
    if project is not None:
        if owner_unit.pk not in {project.adopting_unit_id, project.source.unit_id}:
            raise ValidationError(
                {
                    "owner_unit": _(
                        "A project's commitment belongs to the adopting unit or the origin unit."
                    )
                }
            )
    elif programme is not None and owner_unit.agency_id not in scope_agency_ids(programme):
        raise ValidationError(
            {
                "owner_unit": _(
                    "This unit's agency has not joined the programme; its innovation admin must "
                    "join it first."
                )
            }
        )


def commitment_create_unchecked(
    *,
    actor: ActorLike,
    owner_unit: Unit,
    description: str,
    due_date: Any,
    project: ReplicationProject | None = None,
    programme: Programme | None = None,
    session: FacilitationSession | None = None,
    origin: str = "",
    origin_ref: str = "",
    origin_label: str = "",
    origin_url: str = "",
    for_stage: str = "",
    is_example: bool = False,
) -> Commitment:
    """The work of :func:`commitment_create` without its permission check: a step of a service
    that has checked for itself (a facilitation session's agreed actions, a unit's intents at a
    learning event). The owner rules still hold."""
    if not isinstance(owner_unit, Unit):
        raise ValidationError({"owner_unit": _("Choose the unit responsible.")})
    if project is not None and programme is None:
        programme = project.programme
    check_owner(owner_unit, project=project, programme=programme)
    description = clean_text(description)
    if not description:
        raise ValidationError({"description": _("Describe what the unit commits to.")})
    if due_date in (None, ""):
        raise ValidationError({"due_date": _("The due date is required.")})
    due = as_date(due_date, "due_date")
    for_stage = for_stage or ""
    if for_stage and (project is None or for_stage not in gates.STAGE_ORDER):
        raise ValidationError(
            {"for_stage": _("Only a project's commitment can be fulfilled by a stage.")}
            if project is None
            else {"for_stage": _("Unknown stage.")}
        )
    commitment = Commitment.objects.create(
        owner_unit=owner_unit,
        description=description,
        due_date=due,
        project=project,
        programme=programme,
        session=session,
        origin=clean_text(origin, max_length=32) or ("project" if project else ""),
        origin_ref=clean_text(origin_ref, max_length=64),
        origin_label=clean_text(origin_label, max_length=200),
        origin_url=clean_text(origin_url, max_length=300),
        for_stage=for_stage,
        is_example=is_example,
        created_by=user_of(actor),
    )
    audit.record(
        actor=actor,
        obj=commitment,
        action="commitment.create",
        changes=audit.diff(
            {},
            audit.snapshot(
                commitment, ("owner_unit", "description", "due_date", "status", "for_stage")
            ),
        ),
    )
    if project is not None and for_stage:  # a project already there fulfils it at once
        commitments_fulfil_unchecked(actor=actor, project=project)
        commitment.refresh_from_db()
    return commitment


def stages_reached(stage: str) -> tuple[str, ...]:
    """The stages a project in ``stage`` has reached (a stopped project fulfils nothing)."""
    if stage not in gates.STAGE_ORDER:
        return ()
    return gates.STAGE_ORDER[: gates.STAGE_ORDER.index(stage) + 1]


def commitments_fulfil_unchecked(
    *, actor: ActorLike, project: ReplicationProject
) -> list[Commitment]:
    """Mark done the open commitments of ``project`` made for a stage it has now reached or
    passed, each with an audit entry. A step of :func:`.projects.project_transition` (which
    checked ``project.change``) and of :func:`commitment_create_unchecked`; never called from a
    view."""
    reached = stages_reached(project.stage)
    if not reached:
        return []
    rows = list(
        Commitment.objects.select_for_update()
        .filter(
            project_id=project.pk,
            status__in=Commitment.OPEN_STATUSES,
            for_stage__in=reached,
        )
        .order_by("pk")
    )
    now = timezone.now()
    label = dict(Stage.choices).get(project.stage, project.stage)
    note = _("The project reached “%(stage)s”.") % {"stage": label}
    for commitment in rows:
        before = commitment.status
        commitment.status = Commitment.Status.DONE
        commitment.completed_at = now
        commitment.status_note = note
        commitment.save(update_fields=["status", "completed_at", "status_note", "updated_at"])
        audit.record(
            actor=actor,
            obj=commitment,
            action="commitment.fulfil",
            changes={"status": [before, Commitment.Status.DONE]},
            note=note,
        )
    return rows


@transaction.atomic
def commitment_update(
    *,
    actor: ActorLike,
    commitment: Commitment,
    status: str | None = None,
    due_date: Any = None,
    description: str | None = None,
    note: str = "",
) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    require(actor, "commitment.change", commitment)
    fields = ("description", "due_date", "status", "status_note", "completed_at")
    before = audit.snapshot(commitment, fields)
    if status is not None:
        if status not in Commitment.Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        commitment.status = status
        commitment.completed_at = (
            (commitment.completed_at or timezone.now())
            if status == Commitment.Status.DONE
            else None
        )
    if due_date not in (None, ""):
        commitment.due_date = as_date(due_date, "due_date")
    if description is not None:
        description = clean_text(description)
        if not description:
            raise ValidationError({"description": _("Describe what the unit commits to.")})
        commitment.description = description
    note = clean_text(note)
    if note:
        commitment.status_note = note
    commitment.save()
    changes = audit.diff(before, audit.snapshot(commitment, fields))
    if changes:
        audit.record(
            actor=actor, obj=commitment, action="commitment.update", changes=changes, note=note
        )
    return commitment


# --- reminders ------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    due_soon: int = 0
    overdue: int = 0
    emails: int = 0
    skipped: int = 0
    without_recipient: list[int] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.due_soon + self.overdue


def commitment_recipients(unit: Unit) -> list[User]:
    """Who is reminded of a unit's commitments: its innovation officers (memberships on the
    unit or a unit above it); when it has none, its agency's innovation admins."""
    unit_ids = list(
        Unit.objects.ancestors(unit, include_self=True)
        .filter(agency_id=unit.agency_id)
        .values_list("pk", flat=True)
    )
    users = list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.UNIT_OFFICER,
            memberships__unit_id__in=unit_ids,
        )
        .distinct()
        .order_by("pk")
    )
    if users:
        return users
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.AGENCY_ADMIN,
            memberships__agency_id=unit.agency_id,
            memberships__unit__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )


def _commitment_url(commitment: Commitment) -> str:
    try:
        return reverse("replication:commitment_detail", args=[commitment.pk])
    except NoReverseMatch:
        return ""


def _reminder_text(commitment: Commitment, kind: str) -> tuple[str, str]:
    params = {
        "unit": commitment.owner_unit,
        "date": commitment.due_date.isoformat(),
        "what": commitment.description[:200],
    }
    if kind == CommitmentReminder.Kind.OVERDUE:
        subject = _("Overdue commitment of %(unit)s (due %(date)s)") % params
        body = _("This commitment of %(unit)s was due on %(date)s and is not done: %(what)s")
    else:
        subject = _("Commitment of %(unit)s due on %(date)s") % params
        body = _("This commitment of %(unit)s is due on %(date)s: %(what)s")
    return subject, body % params


def _reminder_part(commitment: Commitment, kind: str, part: int) -> str:
    return _reminder_text(commitment, kind)[part]


def commitment_reminders_send(
    *,
    today: dt.date | None = None,
    days_ahead: int | None = None,
    email: bool = True,
) -> ReminderReport:
    """Remind owners of open commitments that are due within ``days_ahead`` days or overdue.

    Each reminder is a notification (kind ``commitment.due_soon`` / ``commitment.overdue``) in
    the recipient's language; it is e-mailed at once, in the daily digest or not at all as the
    person chose (``email=False``: never).

    Safe to run from cron, also twice at once: each (commitment, person, kind, due date) is
    reminded once — the reminder row is written under a unique constraint in the same
    transaction as the notification and before the e-mail; if sending fails the transaction
    rolls back and the next run tries again.
    """
    today = today or timezone.localdate()
    if days_ahead is None:
        days_ahead = int(getattr(settings, "REPLICATION_REMINDER_DAYS", 7))
    report = ReminderReport()
    horizon = today + dt.timedelta(days=days_ahead)
    commitments = (
        Commitment.objects.filter(status__in=Commitment.OPEN_STATUSES, due_date__lte=horizon)
        .select_related("owner_unit")
        .order_by("due_date", "pk")
    )
    recipients_by_unit: dict[int, list[User]] = {}
    for commitment in commitments.iterator(chunk_size=500):
        kind = (
            CommitmentReminder.Kind.OVERDUE
            if commitment.due_date < today
            else CommitmentReminder.Kind.DUE_SOON
        )
        unit = commitment.owner_unit
        if unit.pk not in recipients_by_unit:
            recipients_by_unit[unit.pk] = commitment_recipients(unit)
        recipients = recipients_by_unit[unit.pk]
        if not recipients:
            report.without_recipient.append(commitment.pk)
            continue
        already = set(
            CommitmentReminder.objects.filter(
                commitment=commitment, kind=kind, due_date=commitment.due_date
            ).values_list("recipient_id", flat=True)
        )
        url = _commitment_url(commitment)
        for user in recipients:
            if user.pk in already:
                report.skipped += 1
                continue
            try:
                with transaction.atomic():
                    reminder = CommitmentReminder.objects.create(
                        commitment=commitment,
                        recipient=user,
                        kind=kind,
                        due_date=commitment.due_date,
                    )
                    notification = notify(
                        user=user,
                        text=partial(_reminder_part, commitment, kind, 1),
                        subject=partial(_reminder_part, commitment, kind, 0),
                        url=url,
                        kind=f"commitment.{kind}",
                        email=email,
                        email_now=True,  # a failed e-mail rolls this reminder back
                    )
                    if notification.emailed_at is not None:
                        reminder.emailed = True
                        reminder.save(update_fields=["emailed"])
                        report.emails += 1
            except IntegrityError:  # another run sent this one meanwhile
                report.skipped += 1
                continue
            if kind == CommitmentReminder.Kind.OVERDUE:
                report.overdue += 1
            else:
                report.due_soon += 1
    return report
