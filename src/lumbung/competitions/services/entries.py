"""Entering a round: a unit prepares an entry from one of its innovations, its agency returns it
or submits it to the organiser, the organiser checks it.

Flow: ``draft`` → (unit sends) ``at_agency`` → (agency admin) ``returned`` (with reasons, back to
the unit) or ``submitted`` → (organiser's administrative check) ``eligible`` / ``ineligible``
(with reasons). The entry copies the innovation's profile when it is started and again when it
is sent on: what the agency and the judges read is what the unit sent, whatever the catalog
says later.

Deadlines are the registration stage's, in the organiser's time zone; every write checks them
inside its transaction, after taking the entry's row lock, so a save that crosses the deadline is
refused with the time it closed — never half written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lumbung.catalog.editing import state_of
from lumbung.catalog.models import SDG, Award, Innovation
from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.files.storage import delete_stored, store_upload, uploaded_stem
from lumbung.core.policies import can, require

from .. import notices
from ..models import Answer, DocumentKind, Entry, EntryDocument, Group, Round, Stage
from ..times import deadline_label

#: award levels that make an innovation a past winner of the national competition
WINNING_LEVELS = frozenset(
    {
        Award.Level.TOP_99,
        Award.Level.TOP_45,
        Award.Level.TOP_40,
        Award.Level.TOP_25,
        Award.Level.TOP_15,
        Award.Level.TOP_5_REPLICATION,
        Award.Level.OUTSTANDING,
    }
)
#: how many generations up the lineage the inspiring past winners are looked for
LINEAGE_DEPTH = 10

_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Words as the form counts them while typing: runs of characters between spaces."""
    return len(_WORD.findall(text or ""))


def registration_stage(round_: Round) -> Stage | None:
    return round_.stages.filter(kind=Stage.Kind.REGISTRATION).order_by("order", "starts_at").first()


def check_registration_open(round_: Round, when: dt.datetime | None = None) -> None:
    """Refuse, with the time in the organiser's zone, outside the registration stage."""
    now = when or timezone.now()
    if round_.state != Round.State.OPEN:
        raise ValidationError(_("This round is not taking entries."))
    stage = registration_stage(round_)
    if stage is None:
        raise ValidationError(_("This round has no registration stage."))
    if now < stage.starts_at:
        raise ValidationError(
            _("Registration opens on %(time)s.") % {"time": deadline_label(stage.starts_at, round_)}
        )
    if now > stage.ends_at or stage.is_closed:
        raise ValidationError(
            _("Registration closed on %(time)s.") % {"time": deadline_label(stage.ends_at, round_)}
        )


def _started_on(innovation: Innovation) -> dt.date | None:
    if innovation.start_date:
        return innovation.start_date
    if innovation.start_year:
        return dt.date(innovation.start_year, 1, 1)
    return None


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months - (1 if end.day < start.day else 0)


def is_past_winner(innovation: Innovation, before_year: int) -> bool:
    return innovation.awards.filter(level__in=WINNING_LEVELS, year__lt=before_year).exists()


def inspirations_from_lineage(innovation: Innovation, before_year: int) -> list[Innovation]:
    """The past winners up the innovation's lineage (its source, the source's source, …), the
    nearest first: a replica's inspiration as the catalog knows it."""
    found: list[Innovation] = []
    seen = {innovation.pk}
    current = innovation.source
    for _step in range(LINEAGE_DEPTH):
        if current is None or current.pk in seen:
            break
        seen.add(current.pk)
        if is_past_winner(current, before_year):
            found.append(current)
        current = current.source
    return found


def eligibility_problems(
    round_: Round, group: Group, innovation: Innovation, *, when: dt.date | None = None
) -> list[str]:
    """Why the innovation may not enter the group, from the catalog's facts (empty: it may)."""
    today = when or timezone.localdate()
    problems: list[str] = []
    if round_.level == Round.Level.INTERNAL and innovation.agency_id != round_.organiser_id:
        problems.append(_("An internal selection takes the organising agency's innovations only."))
    if round_.level != Round.Level.MONITORING and innovation.status == Innovation.Status.STOPPED:
        problems.append(_("A stopped innovation cannot enter."))
    started = _started_on(innovation)
    if started is None:
        problems.append(_("Enter when the innovation started (its profile) first."))
    elif _months_between(started, today) < group.min_running_months:
        problems.append(
            ngettext(
                "This group is for innovations running for at least %(count)d month.",
                "This group is for innovations running for at least %(count)d months.",
                group.min_running_months,
            )
            % {"count": group.min_running_months}
        )
    if group.requires_past_winner and not is_past_winner(innovation, round_.year):
        problems.append(_("This group is for past winners of the national competition only."))
    if round_.entries.filter(innovation=innovation).exists():
        problems.append(_("This innovation is already entered in this round."))
    elif round_.entries.filter(title__iexact=innovation.name.strip()).exists():
        problems.append(_("An entry with this title is already in this round."))
    return problems


def _freeze(entry: Entry, innovation: Innovation) -> None:
    entry.profile = {"version": innovation.version, **state_of(innovation)}


@transaction.atomic
def entry_create(*, actor: ActorLike, round_: Round, group: Group, innovation: Innovation) -> Entry:
    if group.round_id != round_.pk:
        raise ValidationError({"group": _("Choose a group of this round.")})
    entry = Entry(
        round=round_,
        group=group,
        innovation=innovation,
        unit_id=innovation.unit_id,
        agency_id=innovation.agency_id,
        title=innovation.name,
        video_url=innovation.video_url,
        created_by=user_of(actor),
    )
    require(actor, "competition_entry.prepare", entry)
    check_registration_open(round_)
    problems = eligibility_problems(round_, group, innovation)
    if problems:
        raise ValidationError(problems)
    _freeze(entry, innovation)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # entered at the same moment by someone else
        raise ValidationError(_("This innovation is already entered in this round.")) from None
    entry.sdgs.set(innovation.sdgs.all())
    if group.requires_inspiration:
        entry.inspirations.set(inspirations_from_lineage(innovation, round_.year))
    Answer.objects.bulk_create(Answer(entry=entry, section=s) for s in group.sections.all())
    audit.record(actor=actor, obj=entry, action="entry.create")
    return entry


def _lock(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().select_related("round", "group").get(pk=entry.pk)


def _answer_errors(group: Group, answers: Mapping[int, str]) -> dict[str, list[str]]:
    sections = {s.pk: s for s in group.sections.all()}
    errors: dict[str, list[str]] = {}
    for section_id, text in answers.items():
        section = sections.get(int(section_id))
        if section is None:
            errors.setdefault("answers", []).append(_("Unknown proposal section."))
            continue
        words = count_words(text)
        if section.word_limit and words > section.word_limit:
            errors[f"section_{section.pk}"] = [
                _("“%(section)s” has %(words)d words; the limit is %(limit)d.")
                % {"section": section.title, "words": words, "limit": section.word_limit}
            ]
    return errors


def _past_winners(ids: Iterable[int | Innovation], before_year: int) -> list[Innovation]:
    wanted = sorted({i.pk if isinstance(i, Innovation) else int(i) for i in ids})
    found = list(
        Innovation.objects.filter(
            pk__in=wanted, awards__level__in=WINNING_LEVELS, awards__year__lt=before_year
        ).distinct()
    )
    if len(found) != len(wanted):
        raise ValidationError(
            {"inspirations": _("Name only innovations that won the national competition before.")}
        )
    return found


def _sdgs(sdgs: Iterable[int | SDG] | None, errors: dict[str, list[str]]) -> list[SDG] | None:
    if sdgs is None:
        return None
    numbers = sorted({s.pk if isinstance(s, SDG) else int(s) for s in sdgs})
    rows = list(SDG.objects.filter(number__in=numbers))
    if len(rows) != len(numbers):
        errors["sdgs"] = [_("Unknown SDG.")]
    return rows


@transaction.atomic
def entry_update(
    *,
    actor: ActorLike,
    entry: Entry,
    answers: Mapping[int, str] | None = None,
    video_url: str | None = None,
    sdgs: Iterable[int | SDG] | None = None,
    inspirations: Iterable[int | Innovation] | None = None,
    status: StatusReport | None = None,
) -> Entry:
    """Change the unit's texts (and, in a monitoring round, whether the innovation still runs);
    refused once the entry was sent on, or outside registration."""
    entry = _lock(entry)
    require(actor, "competition_entry.prepare", entry)
    if not entry.is_editable:
        raise ValidationError(_("This entry was sent on and can no longer be changed."))
    check_registration_open(entry.round)
    cleaned = {int(k): str(v or "").replace("\x00", "").strip() for k, v in (answers or {}).items()}
    errors = _answer_errors(entry.group, cleaned)
    if video_url:
        try:
            URLValidator(schemes=["http", "https"])(video_url)
        except ValidationError:
            errors["video_url"] = [_("Enter a web address (https://…).")]
    sdg_rows = _sdgs(sdgs, errors)
    if status is not None:
        errors.update(_status_errors(entry, status))
    if errors:
        raise ValidationError(errors)
    inspiring = _past_winners(inspirations, entry.round.year) if inspirations is not None else None
    before: dict[int, str] = {a.section_id: a.text for a in entry.answers.all()}
    for section_id, text in cleaned.items():
        Answer.objects.update_or_create(entry=entry, section_id=section_id, defaults={"text": text})
    if video_url is not None:
        entry.video_url = video_url.strip()
    if status is not None:
        entry.continuing = status.continuing
        entry.stopped_on = None if status.continuing else status.stopped_on
        entry.stop_reason = "" if status.continuing else status.reason.replace("\x00", "").strip()
    entry.save()
    if sdg_rows is not None:
        entry.sdgs.set(sdg_rows)
    if inspiring is not None:
        entry.inspirations.set(inspiring)
    changed = sorted(str(k) for k, v in cleaned.items() if before.get(k, "") != v)
    audit.record(actor=actor, obj=entry, action="entry.update", changes={"sections": changed})
    return entry


@dataclass(frozen=True)
class StatusReport:
    """A monitoring round's question: does the innovation still run (since when it stopped,
    and why)?"""

    continuing: bool | None
    stopped_on: dt.date | None = None
    reason: str = ""


def _status_errors(entry: Entry, status: StatusReport) -> dict[str, list[str]]:
    if entry.round.level != Round.Level.MONITORING:
        return {"continuing": [_("Only a monitoring round asks whether the innovation runs.")]}
    if status.continuing is False:
        errors: dict[str, list[str]] = {}
        if status.stopped_on is None:
            errors["stopped_on"] = [_("Say when the innovation stopped.")]
        elif status.stopped_on > timezone.localdate():
            errors["stopped_on"] = [_("The date cannot be in the future.")]
        if not status.reason.strip():
            errors["stop_reason"] = [_("Say why the innovation stopped.")]
        return errors
    return {}


@transaction.atomic
def entry_save(*, actor: ActorLike, entry: Entry, send: bool = False, **changes: Any) -> Entry:
    """The entry page's save: the unit's changes and, when asked, sending it — one transaction,
    so a refused send keeps nothing of the save either."""
    entry = entry_update(actor=actor, entry=entry, **changes)
    return entry_send(actor=actor, entry=entry) if send else entry


def send_problems(entry: Entry) -> list[str]:
    """What the unit must still do before sending the entry to its agency."""
    problems: list[str] = []
    texts = {a.section_id: a.text for a in entry.answers.all()}
    for section in entry.group.sections.all():
        text = texts.get(section.pk, "")
        if section.required and not text.strip():
            problems.append(_("Fill in “%(section)s”.") % {"section": section.title})
        elif section.word_limit and count_words(text) > section.word_limit:
            problems.append(
                _("Shorten “%(section)s” to %(limit)d words.")
                % {"section": section.title, "limit": section.word_limit}
            )
    if entry.group.requires_inspiration and not entry.inspirations.exists():
        problems.append(_("Name the past winner(s) this innovation replicated."))
    if entry.round.level == Round.Level.MONITORING and entry.continuing is None:
        problems.append(_("Say whether the innovation is still running."))
    uploaded = set(entry.documents.values_list("kind", flat=True))
    for kind in entry.group.required_documents:
        if kind not in uploaded:
            problems.append(_("Upload the %(document)s.") % {"document": DocumentKind(kind).label})
    return problems


@transaction.atomic
def document_add(
    *, actor: ActorLike, entry: Entry, kind: str, upload: UploadedFile | None, title: str = ""
) -> EntryDocument:
    """Attach a document to an entry the unit may still change (PDF or picture, its type read
    from its content)."""
    entry = _lock(entry)
    require(actor, "competition_entry.prepare", entry)
    if not entry.is_editable:
        raise ValidationError(_("This entry was sent on and can no longer be changed."))
    check_registration_open(entry.round)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose what kind of document this is.")})
    document = EntryDocument(
        entry=entry,
        kind=kind,
        title=(title or uploaded_stem(upload) or DocumentKind(kind).label)[:200],
        uploaded_by=user_of(actor),
    )
    store_upload(document, upload)
    document.save()
    audit.record(actor=actor, obj=entry, action="entry.document_add", note=document.title)
    return document


@transaction.atomic
def document_remove(*, actor: ActorLike, document: EntryDocument) -> None:
    entry = _lock(document.entry)
    require(actor, "competition_entry.prepare", entry)
    if not entry.is_editable:
        raise ValidationError(_("This entry was sent on and can no longer be changed."))
    title = document.title
    delete_stored(document)
    document.delete()
    audit.record(actor=actor, obj=entry, action="entry.document_remove", note=title)


@transaction.atomic
def entry_send(*, actor: ActorLike, entry: Entry) -> Entry:
    """The unit sends the entry to its agency's innovation admins (the profile is copied
    again, as sent)."""
    entry = _lock(entry)
    require(actor, "competition_entry.prepare", entry)
    if not entry.is_editable:
        raise ValidationError(_("This entry was already sent on."))
    check_registration_open(entry.round)
    problems = send_problems(entry)
    if problems:
        raise ValidationError(problems)
    _freeze(entry, entry.innovation)
    entry.state, entry.reason = Entry.State.AT_AGENCY, ""
    entry.save(update_fields=["state", "reason", "profile", "updated_at"])
    audit.record(actor=actor, obj=entry, action="entry.send")
    notices.sent(entry, actor=actor)
    return entry


@transaction.atomic
def entry_return(*, actor: ActorLike, entry: Entry, reason: str) -> Entry:
    entry = _lock(entry)
    require(actor, "competition_entry.decide", entry)
    if entry.state != Entry.State.AT_AGENCY:
        raise ValidationError(_("Only an entry waiting for the agency can be returned."))
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the unit should change.")})
    entry.state, entry.reason = Entry.State.RETURNED, reason
    entry.save(update_fields=["state", "reason", "updated_at"])
    audit.record(actor=actor, obj=entry, action="entry.return", note=reason)
    notices.decided(entry, actor=actor)
    return entry


@transaction.atomic
def entry_submit(*, actor: ActorLike, entry: Entry) -> Entry:
    """The agency submits the entry to the organiser, within its quota of entries."""
    entry = _lock(entry)
    require(actor, "competition_entry.decide", entry)
    if entry.state != Entry.State.AT_AGENCY:
        raise ValidationError(_("Only an entry waiting for the agency can be submitted."))
    round_ = Round.objects.select_for_update().get(pk=entry.round_id)  # serialises the quota
    check_registration_open(round_)
    limit = round_.entries_per_agency
    if limit is not None:
        taken = round_.entries.filter(
            agency_id=entry.agency_id, state__in=Entry.WITH_ORGANISER
        ).count()
        if taken >= limit:
            raise ValidationError(
                ngettext(
                    "Your agency has submitted its %(count)d entry already.",
                    "Your agency has submitted its %(count)d entries already.",
                    limit,
                )
                % {"count": limit}
            )
    entry.state, entry.reason = Entry.State.SUBMITTED, ""
    entry.submitted_at = timezone.now()
    entry.save(update_fields=["state", "reason", "submitted_at", "updated_at"])
    audit.record(actor=actor, obj=entry, action="entry.submit")
    notices.decided(entry, actor=actor)
    return entry


@transaction.atomic
def entry_check(*, actor: ActorLike, entry: Entry, passed: bool, reason: str = "") -> Entry:
    """The organiser's administrative check; the unit sees the outcome and the reasons. It may
    be changed until judges are assigned to the entry."""
    entry = _lock(entry)
    require(actor, "competition_entry.organise", entry)
    if entry.round.state == Round.State.PUBLISHED:
        raise ValidationError(_("The results of this round are published."))
    if entry.assignments.exists():
        raise ValidationError(_("Judges are already assigned to this entry."))
    reason = (reason or "").replace("\x00", "").strip()
    if not passed and not reason:
        raise ValidationError({"reason": _("Say why the entry does not pass.")})
    entry.state = Entry.State.ELIGIBLE if passed else Entry.State.INELIGIBLE
    entry.reason = reason
    entry.save(update_fields=["state", "reason", "updated_at"])
    audit.record(
        actor=actor,
        obj=entry,
        action="entry.check",
        changes={"state": entry.state},
        note=reason,
    )
    notices.decided(entry, actor=actor)
    return entry


@transaction.atomic
def entry_withdraw(*, actor: ActorLike, entry: Entry, reason: str = "") -> Entry:
    """The unit or its agency takes the entry out of the round, until the results are
    published: its judges' unsubmitted work is dropped and no stage keeps it any more."""
    entry = _lock(entry)
    if not (
        can(actor, "competition_entry.prepare", entry)
        or can(actor, "competition_entry.decide", entry)
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    if entry.state == Entry.State.WITHDRAWN:
        raise ValidationError(_("This entry was already withdrawn."))
    if entry.round.state == Round.State.PUBLISHED:
        raise ValidationError(_("The results of this round are published."))
    entry.state = Entry.State.WITHDRAWN
    entry.reason = (reason or "").replace("\x00", "").strip()
    entry.reached = None
    entry.save(update_fields=["state", "reason", "reached", "updated_at"])
    entry.assignments.filter(submitted_at__isnull=True).delete()
    entry.results.update(kept=False)
    audit.record(actor=actor, obj=entry, action="entry.withdraw", note=entry.reason)
    return entry
