"""Every write to learning events a user can trigger.

Plain functions with keyword-only arguments, one transaction each, permission checked first,
audit entry written. Registration holds the event's row lock while it counts the places taken,
so concurrent registrations cannot exceed the capacity. Checking attendance in bulk is one
transaction and idempotent. Recording an intent creates its commitment and, when asked, its
replication project through ``replication.services`` in the same transaction: if either fails,
nothing stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lumbung.catalog.models import Innovation
from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.files.storage import delete_stored, store_upload
from lumbung.core.policies import can, require
from lumbung.organisations.models import Agency, Partner, Region, Unit, User
from lumbung.organisations.selectors import units_under
from lumbung.organisations.services import unique_slug
from lumbung.replication import gates as replication_gates
from lumbung.replication import selectors as replication_selectors
from lumbung.replication import services as replication_services
from lumbung.replication.models import Programme
from lumbung.replication.services import scope_agency_ids

from . import notices
from .models import Event, Intent, Invitation, Material, Registration, Testimonial

EVENT_AUDITED = (
    "title",
    "title_en",
    "summary",
    "summary_en",
    "agenda",
    "host_unit",
    "programme",
    "facilitator_agency",
    "starts_at",
    "ends_at",
    "venue",
    "region",
    "online_url",
    "capacity",
    "registration_open",
    "publication_state",
)

#: fields event_update accepts (besides showcased and facilitators)
EDITABLE = (
    "title",
    "title_en",
    "summary",
    "summary_en",
    "agenda",
    "programme",
    "facilitator_agency",
    "starts_at",
    "ends_at",
    "venue",
    "region",
    "online_url",
    "capacity",
    "registration_open",
)


def _text(value: Any, *, max_length: int | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    return text[:max_length] if max_length else text


def _as_datetime(value: Any, field_name: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime.combine(value, dt.time(9, 0))
    else:
        try:
            result = dt.datetime.fromisoformat(str(value))
        except (TypeError, ValueError):
            raise ValidationError({field_name: _("Enter a valid date and time.")}) from None
    if timezone.is_naive(result):
        result = timezone.make_aware(result)
    return result


def _as_date(value: Any, field_name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Enter a valid date.")}) from None


def _users(values: Iterable[User | int] | None) -> list[User]:
    ids = sorted({int(v.pk) if isinstance(v, User) else int(v) for v in values or []})
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(ids):
        raise ValidationError({"facilitators": _("Unknown person.")})
    return users


def _event_url(event: Event) -> str:
    try:
        return reverse("events:detail", args=[event.slug])
    except NoReverseMatch:
        return ""


def _lock(event: Event) -> Event:
    """The event's row, locked until the end of the transaction (serialises registrations)."""
    return Event.objects.select_for_update().get(pk=event.pk)


# --- events ---------------------------------------------------------------------------------


def _check_showcased(actor: ActorLike, showcased: Sequence[Innovation]) -> None:
    if not showcased:
        raise ValidationError({"showcased": _("Choose at least one innovation to showcase.")})
    for innovation in showcased:
        if not can(actor, "innovation.view", innovation):
            raise ValidationError(
                {"showcased": _("Unknown innovation: %(name)s.") % {"name": innovation}}
            )


def _validate(event: Event) -> None:
    errors: dict[str, str] = {}
    if not event.title.strip():
        errors["title"] = _("The title is required.")
    if event.ends_at < event.starts_at:
        errors["ends_at"] = _("The event cannot end before it starts.")
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = _("The capacity must be at least 1, or empty for no limit.")
    if event.online_url:
        try:
            URLValidator(schemes=["http", "https"])(event.online_url)
        except ValidationError:
            errors["online_url"] = _("Enter a valid web address (https://…).")
    if not event.venue.strip() and not event.online_url:
        errors["venue"] = _("Give the place, an online link, or both.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_create(
    *,
    actor: ActorLike,
    host_unit: Unit,
    title: str,
    starts_at: Any,
    ends_at: Any = None,
    showcased: Sequence[Innovation] = (),
    programme: Programme | None = None,
    title_en: str = "",
    summary: str = "",
    summary_en: str = "",
    agenda: str = "",
    venue: str = "",
    region: Region | None = None,
    online_url: str = "",
    capacity: int | None = None,
    facilitator_agency: Agency | None = None,
    facilitators: Iterable[User | int] = (),
    is_example: bool = False,
) -> Event:
    """Create a draft event hosted by ``host_unit``: by the unit's own people, or — within a
    programme — by the programme's managers and facilitators, for a host in its scope."""
    if not isinstance(host_unit, Unit):
        raise ValidationError({"host_unit": _("Choose the host unit.")})
    require(
        actor,
        "event.create",
        Event(host_unit=host_unit, host_agency_id=host_unit.agency_id, programme=programme),
    )
    if programme is not None and host_unit.agency_id not in scope_agency_ids(programme):
        raise ValidationError(
            {
                "host_unit": _(
                    "The host unit's agency has not joined the programme; its innovation admin "
                    "must join it first."
                )
            }
        )
    showcased = list(dict.fromkeys(showcased))
    _check_showcased(actor, showcased)
    start = _as_datetime(starts_at, "starts_at")
    end = _as_datetime(ends_at, "ends_at") if ends_at not in (None, "") else start
    event = Event(
        title=_text(title, max_length=200),
        title_en=_text(title_en, max_length=200),
        summary=_text(summary),
        summary_en=_text(summary_en),
        agenda=_text(agenda),
        host_unit=host_unit,
        host_agency_id=host_unit.agency_id,
        programme=programme,
        facilitator_agency=facilitator_agency
        or (programme.facilitator_agency if programme is not None else None),
        starts_at=start,
        ends_at=end,
        venue=_text(venue, max_length=300),
        region=region or host_unit.region,
        online_url=_text(online_url, max_length=500),
        capacity=capacity,
        is_example=is_example,
        created_by=user_of(actor),
    )
    _validate(event)
    event.slug = unique_slug(Event, f"{event.title} {start:%Y}", max_length=220)
    event.save()
    event.showcased.set(showcased)
    event.facilitators.set(_users(facilitators))
    audit.record(
        actor=actor,
        obj=event,
        action="event.create",
        changes=audit.diff(
            {},
            {
                **{
                    k: v
                    for k, v in audit.snapshot(event, EVENT_AUDITED).items()
                    if v not in ("", None)
                },
                "showcased": sorted(str(i) for i in showcased),
            },
        ),
    )
    return event


def _event_state(event: Event) -> dict[str, Any]:
    """What the audit entry of a change compares: the audited fields and the showcased."""
    return {
        **audit.snapshot(event, EVENT_AUDITED),
        "showcased": sorted(str(i) for i in event.showcased.all()),
    }


def _cleaned(name: str, value: Any) -> Any:
    """An :data:`EDITABLE` field's new value, as stored."""
    if name in ("starts_at", "ends_at"):
        return _as_datetime(value, name)
    if name in ("title", "title_en", "venue"):
        return _text(value, max_length=300 if name == "venue" else 200)
    if name in ("summary", "summary_en", "agenda", "online_url"):
        return _text(value)
    if name == "capacity":
        return None if value in (None, "") else int(value)
    return value


def _check_capacity(event: Event) -> None:
    """The capacity is not below the places already taken."""
    if event.capacity is None:
        return
    taken = event.registrations.filter(status=Registration.Status.REGISTERED).count()
    if event.capacity < taken:
        raise ValidationError(
            {
                "capacity": _(
                    "%(taken)s people are registered already; the capacity cannot be lower."
                )
                % {"taken": taken}
            }
        )


def _set_showcased(
    actor: ActorLike, event: Event, innovations: Iterable[Innovation] | None
) -> None:
    """Showcase these innovations instead; none that units recorded intents for may go."""
    showcased = list(dict.fromkeys(innovations or []))
    _check_showcased(actor, showcased)
    used = set(event.intents.values_list("innovation_id", flat=True))
    dropped = used - {i.pk for i in showcased}
    if dropped:
        raise ValidationError(
            {"showcased": _("Units have recorded intents for an innovation you removed.")}
        )
    event.showcased.set(showcased)


@transaction.atomic
def event_update(*, actor: ActorLike, event: Event, data: Mapping[str, Any]) -> Event:
    """Change an event: any of :data:`EDITABLE`, plus ``showcased`` and ``facilitators``."""
    require(actor, "event.manage", event)
    event = _lock(event)
    before = _event_state(event)
    unknown = set(data) - set(EDITABLE) - {"showcased", "facilitators"}
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    for name in EDITABLE:
        if name in data:
            setattr(event, name, _cleaned(name, data[name]))
    _validate(event)
    _check_capacity(event)
    if event.is_published and not event.summary.strip():
        raise ValidationError({"summary": _("A published event needs a summary.")})
    event.save()
    if "showcased" in data:
        _set_showcased(actor, event, data["showcased"])
    if "facilitators" in data:
        event.facilitators.set(_users(data["facilitators"]))
    changes = audit.diff(before, _event_state(event))
    if changes:
        audit.record(actor=actor, obj=event, action="event.update", changes=changes)
    if "capacity" in changes:  # covered by event.manage above: new places go to those waiting
        registration_promote_unchecked(actor=actor, event=event)
    return event


@transaction.atomic
def event_publish(*, actor: ActorLike, event: Event, publish: bool = True) -> Event:
    """Publish the event's public page (its news item), or take it back to draft."""
    require(actor, "event.manage", event)
    event = _lock(event)
    if publish:
        if not event.summary.strip():
            raise ValidationError(
                {"summary": _("Write a summary before publishing: it is the news item's text.")}
            )
        if event.is_published:
            return event
        event.publication_state = Event.State.PUBLISHED
        event.published_at = event.published_at or timezone.now()
    else:
        if not event.is_published:
            return event
        event.publication_state = Event.State.DRAFT
    event.save(update_fields=["publication_state", "published_at", "updated_at"])
    audit.record(
        actor=actor,
        obj=event,
        action="event.publish" if publish else "event.unpublish",
        changes={"publication_state": [None, event.publication_state]},
    )
    return event


# --- invitations ----------------------------------------------------------------------------


@dataclass
class InvitationResult:
    units: int = 0
    partners: int = 0
    #: the host unit was among those chosen and left out (it hosts: it is not invited)
    host_left_out: Unit | None = None

    @property
    def total(self) -> int:
        return self.units + self.partners


@transaction.atomic
def invitations_add(
    *,
    actor: ActorLike,
    event: Event,
    units: Iterable[Unit] = (),
    under: Unit | None = None,
    kinds: Iterable[str] | None = None,
    partners: Iterable[Partner] = (),
) -> InvitationResult:
    """Invite many at once: the given units, and/or every unit under ``under`` (the unit itself
    included, e.g. all sentra under a directorate-general), optionally only of some kinds; and
    partners. Units and partners invited already are skipped. Returns how many were new."""
    require(actor, "event.manage", event)
    kinds = [k for k in (kinds or []) if k]
    if set(kinds) - set(Unit.Kind.values):
        raise ValidationError({"kinds": _("Unknown unit type.")})
    chosen: dict[int, Unit] = {u.pk: u for u in units}
    if under is not None:
        chosen.update({u.pk: u for u in units_under(under, kinds=kinds)})
    host = chosen.pop(event.host_unit_id, None)  # the host does not invite itself (said so)
    partner_map = {p.pk: p for p in partners}
    if not chosen and not partner_map:
        if host is not None:
            raise ValidationError(
                {
                    "units": _("“%(unit)s” hosts this event; it is not invited to it.")
                    % {"unit": host}
                }
            )
        raise ValidationError({"units": _("Choose units or partners to invite.")})
    existing_units = set(
        event.invitations.filter(unit_id__in=chosen).values_list("unit_id", flat=True)
    )
    existing_partners = set(
        event.invitations.filter(partner_id__in=partner_map).values_list("partner_id", flat=True)
    )
    who = user_of(actor)
    new = [
        Invitation(event=event, unit=u, invited_by=who)
        for pk, u in chosen.items()
        if pk not in existing_units
    ] + [
        Invitation(event=event, partner=p, invited_by=who)
        for pk, p in partner_map.items()
        if pk not in existing_partners
    ]
    Invitation.objects.bulk_create(new)
    result = InvitationResult(
        units=sum(1 for i in new if i.unit is not None),
        partners=sum(1 for i in new if i.partner is not None),
        host_left_out=host,
    )
    if new:
        audit.record(
            actor=actor,
            obj=event,
            action="event.invite",
            changes={"invited": [None, sorted(str(i.invitee) for i in new)]},
        )
        notices.invited(event, new, actor=actor)
    return result


@transaction.atomic
def invitation_remove(*, actor: ActorLike, invitation: Invitation) -> None:
    event = invitation.event
    require(actor, "event.manage", event)
    if invitation.registrations.filter(status=Registration.Status.REGISTERED).exists():
        raise ValidationError(
            _("People of “%(who)s” are registered; cancel their registrations first.")
            % {"who": invitation.invitee}
        )
    if invitation.unit_id and event.intents.filter(unit_id=invitation.unit_id).exists():
        raise ValidationError(
            _("“%(who)s” has recorded intents; the invitation stays.") % {"who": invitation.invitee}
        )
    invitation.registrations.all().delete()  # cancelled ones only
    label = str(invitation.invitee)
    invitation.delete()
    audit.record(
        actor=actor, obj=event, action="event.uninvite", changes={"invited": [label, None]}
    )


# --- registration ---------------------------------------------------------------------------


@dataclass
class Attendee:
    name: str
    position: str = ""
    accessibility_needs: str = ""


def places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    taken = event.registrations.filter(status=Registration.Status.REGISTERED).count()
    return max(event.capacity - taken, 0)


@transaction.atomic
def registrations_create(
    *,
    actor: ActorLike,
    event: Event,
    invitation: Invitation,
    attendees: Sequence[Attendee | Mapping[str, Any]],
    waitlist: bool = False,
    is_example: bool = False,
) -> list[Registration]:
    """Register people of an invited unit (or partner).

    When the places left are fewer than the people: with ``waitlist`` the first ones take the
    places left and the others go on the event's wait-list (first come, first served; a
    cancellation gives the first one waiting the place, see :func:`registration_promote_unchecked`);
    without it nobody is registered and the message says how many places are left."""
    if invitation.event_id != event.pk:
        raise ValidationError({"invitation": _("This unit or partner is not invited.")})
    require(actor, "invitation.register", invitation)
    cleaned = _attendees(attendees)
    event = _lock(event)  # holds concurrent registrations until this one is counted
    manager = can(actor, "event.manage", event)
    if not manager:
        if not event.registration_open:
            raise ValidationError(_("Registration for this event is closed."))
        if event.has_ended:
            raise ValidationError(_("This event is over; registration is closed."))
    left = len(cleaned)
    if event.capacity is not None:
        taken = Registration.objects.filter(
            event=event, status=Registration.Status.REGISTERED
        ).count()
        left = max(event.capacity - taken, 0)
        if len(cleaned) > left and not waitlist:
            if left == 0:
                message = _(
                    "The event is full: all %(capacity)s places are taken. Nobody was registered."
                ) % {"capacity": event.capacity}
            else:
                message = ngettext(
                    "Only %(left)s place is left; nobody was registered.",
                    "Only %(left)s places are left; nobody was registered.",
                    left,
                ) % {"left": left}
            raise ValidationError(message, code="full")
    who = user_of(actor)
    created = [
        Registration.objects.create(
            event=event,
            invitation=invitation,
            name=p.name,
            position=p.position,
            accessibility_needs=p.accessibility_needs,
            status=(
                Registration.Status.REGISTERED
                if number < left
                else Registration.Status.WAITLISTED
            ),
            registered_by=who,
            is_example=is_example,
        )
        for number, p in enumerate(cleaned)
    ]
    placed = sum(1 for r in created if r.is_active)
    # no personal data in the audit history: who registered how many, for whom
    if placed:
        audit.record(
            actor=actor,
            obj=event,
            action="event.register",
            changes={"registrations": [None, {"for": str(invitation.invitee), "count": placed}]},
        )
    if placed < len(created):
        audit.record(
            actor=actor,
            obj=event,
            action="event.waitlist",
            changes={
                "waitlist": [
                    None,
                    {"for": str(invitation.invitee), "count": len(created) - placed},
                ]
            },
        )
    notices.registered(event, invitation, [r for r in created if r.is_active], actor=actor)
    return created


def _attendees(attendees: Sequence[Attendee | Mapping[str, Any]]) -> list[Attendee]:
    people = [a if isinstance(a, Attendee) else Attendee(**dict(a)) for a in attendees]
    if not people:
        raise ValidationError({"name": _("Give the name of at least one person.")})
    cleaned = []
    for person in people:
        name = _text(person.name, max_length=150)
        if not name:
            raise ValidationError({"name": _("The name is required.")})
        cleaned.append(
            Attendee(
                name=name,
                position=_text(person.position, max_length=150),
                accessibility_needs=_text(person.accessibility_needs, max_length=2000),
            )
        )
    return cleaned


@transaction.atomic
def registration_promote_unchecked(*, actor: ActorLike, event: Event) -> list[Registration]:
    """Give the places free at ``event`` to the people waiting, first come first served, each
    with an audit entry; returns the promoted registrations. The one step every promotion goes
    through (a cancellation, a capacity raised, a manager's :func:`registration_promote`): hook
    what follows a promotion (a notification) here. A step of services that checked for
    themselves (``registration.cancel``, ``event.manage``); it locks the event row itself."""
    event = _lock(event)
    waiting = Registration.objects.select_for_update().filter(
        event=event, status=Registration.Status.WAITLISTED
    )
    if event.capacity is None:
        chosen = list(waiting.order_by("pk"))
    else:
        taken = Registration.objects.filter(
            event=event, status=Registration.Status.REGISTERED
        ).count()
        free = max(event.capacity - taken, 0)
        chosen = list(waiting.order_by("pk")[:free]) if free else []
    now = timezone.now()
    for registration in chosen:
        registration.status = Registration.Status.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        audit.record(
            actor=actor,
            obj=event,
            action="event.promote",
            changes={"registrations": [{"waitlisted": registration.pk}, {"id": registration.pk}]},
        )
    for registration in chosen:  # who registered them hears that the place is theirs
        notices.registered(event, registration.invitation, [registration], actor=actor)
    return chosen


@transaction.atomic
def registration_promote(*, actor: ActorLike, event: Event) -> list[Registration]:
    """The event's managers give the free places to the people waiting (also done by itself
    on every cancellation and when the capacity is raised)."""
    require(actor, "event.manage", event)
    return registration_promote_unchecked(actor=actor, event=event)


def registration_create(
    *,
    actor: ActorLike,
    event: Event,
    invitation: Invitation,
    name: str,
    position: str = "",
    accessibility_needs: str = "",
    waitlist: bool = False,
) -> Registration:
    return registrations_create(
        actor=actor,
        event=event,
        invitation=invitation,
        attendees=[Attendee(name, position, accessibility_needs)],
        waitlist=waitlist,
    )[0]


@transaction.atomic
def registration_cancel(*, actor: ActorLike, registration: Registration) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    event = registration.event
    require(actor, "registration.cancel", registration)
    if registration.attended:
        raise ValidationError(_("This person has attended; the registration cannot be cancelled."))
    if registration.status == Registration.Status.CANCELLED:
        return registration
    had_place = registration.is_active
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    audit.record(
        actor=actor,
        obj=event,
        action="event.cancel_registration",
        changes={"registrations": [{"id": registration.pk}, None]},
    )
    if had_place:  # covered by registration.cancel above: the place goes to the first waiting
        registration_promote_unchecked(actor=actor, event=event)
    return registration


# --- attendance -----------------------------------------------------------------------------


@dataclass
class CheckInResult:
    checked_in: list[Registration] = field(default_factory=list)
    already: list[Registration] = field(default_factory=list)


def _ids(values: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    for value in values:
        raw = getattr(value, "pk", value)
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise ValidationError({"registrations": _("Unknown registration.")}) from None
    return list(dict.fromkeys(ids))


@transaction.atomic
def attendance_check_in(
    *,
    actor: ActorLike,
    event: Event,
    registrations: Iterable[Any],
) -> CheckInResult:
    """Mark the given registrations (objects or ids) as attended, at once.

    Atomic: an unknown, cancelled or other event's registration refuses the whole batch.
    Idempotent: people already checked in keep their first check-in time and are not counted
    again.
    """
    require(actor, "event.check_in", event)
    if not event.check_in_open:
        opens = timezone.localtime(event.check_in_opens_at)
        raise ValidationError(
            {
                "registrations": _("Check-in opens on %(when)s, shortly before the event.")
                % {"when": date_format(opens, "DATETIME_FORMAT")}
            },
            code="not_yet",
        )
    ids = _ids(registrations)
    if not ids:
        raise ValidationError({"registrations": _("Choose at least one person.")})
    rows = {
        r.pk: r
        for r in Registration.objects.select_for_update().filter(pk__in=ids, event_id=event.pk)
    }
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        raise ValidationError(
            {"registrations": _("Unknown registration for this event; nobody was checked in.")}
        )
    waiting = [rows[pk].name for pk in ids if rows[pk].is_waitlisted]
    if waiting:
        raise ValidationError(
            {
                "registrations": _(
                    "%(names)s is on the wait-list and has no place yet; nobody was checked in."
                )
                % {"names": ", ".join(waiting)}
            }
        )
    cancelled = [rows[pk].name for pk in ids if not rows[pk].is_active]
    if cancelled:
        raise ValidationError(
            {
                "registrations": _(
                    "The registration of %(names)s was cancelled; nobody was checked in."
                )
                % {"names": ", ".join(cancelled)}
            }
        )
    now = timezone.now()
    todo = [pk for pk in ids if rows[pk].checked_in_at is None]
    Registration.objects.filter(pk__in=todo, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=user_of(actor)
    )
    result = CheckInResult()
    for pk in ids:
        row = rows[pk]
        if pk in todo:
            row.checked_in_at = now
            result.checked_in.append(row)
        else:
            result.already.append(row)
    if result.checked_in:
        audit.record(
            actor=actor,
            obj=event,
            action="event.check_in",
            changes={"attended": [None, sorted(r.pk for r in result.checked_in)]},
        )
    return result


@transaction.atomic
def attendance_undo(*, actor: ActorLike, registration: Registration) -> Registration:
    """Take back a check-in made by mistake."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    require(actor, "event.check_in", registration.event)
    if registration.checked_in_at is None:
        return registration
    registration.checked_in_at = None
    registration.checked_in_by = None
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    audit.record(
        actor=actor,
        obj=registration.event,
        action="event.check_in_undo",
        changes={"attended": [[registration.pk], None]},
    )
    return registration


# --- testimonials and materials -------------------------------------------------------------


@transaction.atomic
def testimonial_add(
    *,
    actor: ActorLike,
    event: Event,
    speaker: str,
    text: str,
    group: str = "",
    partner: Partner | None = None,
    text_en: str = "",
    is_public: bool = False,
    is_example: bool = False,
) -> Testimonial:
    require(actor, "event.manage", event)
    speaker = _text(speaker, max_length=150)
    text = _text(text)
    errors = {}
    if not speaker:
        errors["speaker"] = _("Who spoke? The name is required.")
    if not text:
        errors["text"] = _("Write what was said.")
    if errors:
        raise ValidationError(errors)
    testimonial = Testimonial.objects.create(
        event=event,
        speaker=speaker,
        group=_text(group, max_length=200) or (partner.name if partner else ""),
        partner=partner,
        text=text,
        text_en=_text(text_en),
        is_public=bool(is_public),
        is_example=is_example,
        created_by=user_of(actor),
    )
    audit.record(
        actor=actor,
        obj=event,
        action="event.testimonial_add",
        changes={"testimonials": [None, {"id": testimonial.pk, "group": testimonial.group}]},
    )
    return testimonial


@transaction.atomic
def testimonial_remove(*, actor: ActorLike, testimonial: Testimonial) -> None:
    require(actor, "event.manage", testimonial.event)
    event = testimonial.event
    pk = testimonial.pk
    testimonial.delete()
    audit.record(
        actor=actor,
        obj=event,
        action="event.testimonial_remove",
        changes={"testimonials": [pk, None]},
    )


@transaction.atomic
def material_add(
    *,
    actor: ActorLike,
    event: Event,
    kind: str,
    title: str,
    upload: UploadedFile,
    description: str = "",
    is_public: bool = False,
) -> Material:
    """Attach a file; its type (PDF, PNG, JPEG, WebP) is read from its content, not its name."""
    require(actor, "event.manage", event)
    if kind not in Material.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of material this is.")})
    title = _text(title, max_length=200)
    if not title:
        raise ValidationError({"title": _("The title is required.")})
    material = Material(
        event=event,
        kind=kind,
        title=title,
        description=_text(description, max_length=300),
        is_public=bool(is_public),
        uploaded_by=user_of(actor),
    )
    store_upload(material, upload)
    if material.is_public and material.is_image and not material.description:
        # raised after the file is written: the rollback takes it away again
        raise ValidationError(
            {"description": _("Describe what the photo shows before it goes on the public page.")}
        )
    material.save()
    audit.record(
        actor=actor,
        obj=event,
        action="event.material_add",
        changes={"materials": [None, title]},
    )
    return material


@transaction.atomic
def material_remove(*, actor: ActorLike, material: Material) -> None:
    event = material.event
    require(actor, "event.manage", event)
    title = material.title
    delete_stored(material)
    material.delete()
    audit.record(
        actor=actor, obj=event, action="event.material_remove", changes={"materials": [title, None]}
    )


# --- intents: commitments and projects in one step ------------------------------------------


@dataclass
class IntentItem:
    innovation: Innovation
    decision: str
    due_date: Any = None
    note: str = ""
    start_project: bool = False


def _commitment_text(event: Event, item: IntentItem, unit: Unit) -> str:
    decision = dict(Intent.Decision.choices)[item.decision]
    text = _("%(decision)s “%(innovation)s” (learning event “%(event)s”)") % {
        "decision": str(decision).capitalize(),
        "innovation": item.innovation.name,
        "event": event.title,
    }
    note = _text(item.note)
    return f"{text}: {note}" if note else text


def _record_one(
    actor: ActorLike,
    event: Event,
    unit: Unit,
    item: IntentItem,
    programme_sources: set[int],
    is_example: bool,
) -> Intent:
    if item.decision not in Intent.Decision.values:
        raise ValidationError({"decision": _("Choose adopt, adapt, modify or not now.")})
    if item.innovation.pk not in set(event.showcased.values_list("pk", flat=True)):
        raise ValidationError({"innovation": _("This innovation was not showcased at the event.")})
    due = _as_date(item.due_date, "due_date") if item.due_date not in (None, "") else None
    is_commitment = item.decision != Intent.Decision.NOT_NOW
    if is_commitment and due is None:
        raise ValidationError(
            {"due_date": _("Give a due date: by when will the unit have started?")}
        )
    if due is not None and due < timezone.localtime(event.starts_at).date():
        raise ValidationError({"due_date": _("The due date cannot be before the event.")})
    if item.start_project and not is_commitment:
        raise ValidationError(
            {"start_project": _("A project can only be started to adopt, adapt or modify.")}
        )
    intent = (
        Intent.objects.select_for_update()
        .filter(event=event, unit=unit, innovation=item.innovation)
        .first()
    )
    if intent is not None and intent.commitment_id is not None:
        raise ValidationError(
            {
                "decision": _(
                    "“%(unit)s” has already committed to “%(innovation)s”; follow it up on "
                    "the commitment."
                )
                % {"unit": unit, "innovation": item.innovation}
            }
        )
    if intent is None:
        intent = Intent(event=event, unit=unit, innovation=item.innovation)
    intent.decision = item.decision
    intent.due_date = due
    intent.note = _text(item.note)
    intent.recorded_by = user_of(actor)
    intent.is_example = is_example
    programme = event.programme if item.innovation.pk in programme_sources else None
    project = None
    if item.start_project:
        project = replication_selectors.active_project_for(item.innovation, unit)
        if project is None:
            # covered by intents_record's check (event_intent.for_unit); scope rules still hold
            # the event's facilitators accompany the replication it started (and its
            # programme's, when it belongs to one)
            facilitators = list(event.facilitators.all())
            if programme is not None:
                facilitators += [u for u in programme.facilitators.all() if u not in facilitators]
            project = replication_services.project_start_unchecked(
                actor=actor,
                source=item.innovation,
                adopting_unit=unit,
                declared_form=Intent.FORMS[item.decision],
                programme=programme,
                facilitator_agency=event.facilitator_agency,
                facilitators=facilitators,
                is_example=is_example,
            )
    if is_commitment:
        intent.commitment = replication_services.commitment_create_unchecked(
            actor=actor,
            owner_unit=unit,
            description=_commitment_text(event, item, unit),
            due_date=due,
            project=project,
            programme=programme,
            origin="event",
            origin_ref=str(event.pk),
            origin_label=event.title[:200],
            origin_url=_event_url(event),
            # "by when will the unit have started?": met when its project runs the replica
            for_stage=replication_gates.REPLICA_STAGE if project is not None else "",
            is_example=is_example,
        )
    intent.project = project
    intent.save()
    audit.record(
        actor=actor,
        obj=event,
        action="event.intent",
        changes={
            "intent": [
                None,
                {
                    "unit": str(unit),
                    "innovation": str(item.innovation),
                    "decision": item.decision,
                    "due_date": due.isoformat() if due else None,
                    "project": project.pk if project else None,
                },
            ]
        },
    )
    return intent


@transaction.atomic
def intents_record(
    *,
    actor: ActorLike,
    event: Event,
    unit: Unit,
    items: Sequence[IntentItem | Mapping[str, Any]],
    is_example: bool | None = None,
) -> list[Intent]:
    """Record a unit's intents for showcased innovations, in ONE transaction: each adopt /
    adapt / modify creates the unit's commitment (due date required) and, when
    ``start_project``, its replication project (or links the one already running). If anything
    fails — a project that cannot start, a bad date — nothing at all is kept."""
    require(actor, "event_intent.for_unit", unit, event=event)
    if not event.invitations.filter(unit=unit).exists():
        raise ValidationError(
            {"unit": _("“%(unit)s” was not invited to this event.") % {"unit": unit}}
        )
    parsed = [i if isinstance(i, IntentItem) else IntentItem(**dict(i)) for i in items]
    if not parsed:
        raise ValidationError(_("Record at least one intent."))
    seen: set[int] = set()
    for item in parsed:
        if item.innovation.pk in seen:
            raise ValidationError({"innovation": _("One intent per innovation.")})
        seen.add(item.innovation.pk)
    programme_sources: set[int] = set()
    # an intent joins the event's programme only for a unit of an agency in its scope
    programme = event.programme
    if programme is not None and unit.agency_id in replication_services.scope_agency_ids(
        programme
    ):
        programme_sources = set(programme.sources.values_list("pk", flat=True))
    recorded = []
    for item in parsed:
        try:
            recorded.append(
                _record_one(
                    actor,
                    event,
                    unit,
                    item,
                    programme_sources,
                    event.is_example if is_example is None else is_example,
                )
            )
        except ValidationError as exc:
            raise _about(item.innovation, exc) from exc
    return recorded


def _about(innovation: Innovation, exc: ValidationError) -> ValidationError:
    """The same errors, each saying which innovation it concerns."""

    def label(message: str) -> str:
        return f"{innovation.name}: {message}"

    if hasattr(exc, "error_dict"):
        return ValidationError(
            {
                name: [label(m) for m in ValidationError(errors).messages]
                for name, errors in exc.error_dict.items()
            }
        )
    return ValidationError([label(m) for m in exc.messages])


def intent_record(
    *,
    actor: ActorLike,
    event: Event,
    unit: Unit,
    innovation: Innovation,
    decision: str,
    due_date: Any = None,
    note: str = "",
    start_project: bool = False,
) -> Intent:
    return intents_record(
        actor=actor,
        event=event,
        unit=unit,
        items=[IntentItem(innovation, decision, due_date, note, start_project)],
    )[0]
