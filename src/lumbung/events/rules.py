"""Permission rules for learning events (registered in lumbung.core.permissions).

Who manages an event (edits it, invites, checks attendance, records testimonials and materials,
sees the report and the attendees): the host unit's officers, its agency's innovation admins,
the event's facilitators (people named on it, or facilitators of its facilitating agency) and
the managers of its programme. An invited unit's officers (and its agency's admins) register
their own people and record their own unit's intents; the event's facilitators and programme
managers may record intents on a unit's behalf. The public sees published events only, never
attendees.
"""

from __future__ import annotations

from typing import Any

from lumbung.core.permissions import rule
from lumbung.organisations.access import access_for, can_manage_unit_records, can_read_internal
from lumbung.organisations.models import Role, Unit
from lumbung.replication.models import Programme
from lumbung.replication.rules import is_programme_facilitator, is_programme_manager

from .models import Event, Invitation


def _uid(user: Any) -> int | None:
    return user.pk if getattr(user, "is_authenticated", False) else None


def is_event_facilitator(user: Any, event: Event) -> bool:
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if event.facilitator_agency_id and event.facilitator_agency_id in access.agency_ids(
        Role.FACILITATOR
    ):
        return True
    uid = _uid(user)
    return any(u.pk == uid for u in event.facilitators.all())


def is_event_programme_manager(user: Any, event: Event) -> bool:
    return event.programme_id is not None and is_programme_manager(user, event.programme)


def is_host(user: Any, event: Event) -> bool:
    """The host unit's officers and its agency's admins (and platform admins)."""
    return can_manage_unit_records(
        access_for(user), agency_id=event.host_agency_id, unit_id=event.host_unit_id
    )


def manages_event(user: Any, event: Event) -> bool:
    if not access_for(user).is_authenticated:
        return False
    return (
        is_host(user, event)
        or is_event_facilitator(user, event)
        or is_event_programme_manager(user, event)
    )


def _unit_of(target: Any) -> Unit | None:
    if isinstance(target, Invitation):
        return target.unit
    if isinstance(target, Unit):
        return target
    return None


@rule("event.create")
def create_event(user: Any, target: Unit | tuple[Unit, Programme | None] | None) -> bool:
    """Create an event hosted by ``target`` (a unit, or (unit, programme)); ``None`` asks
    whether the person may create events at all."""
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if access.is_platform_admin or access.has_role(Role.FACILITATOR):
        return True
    programme = None
    if isinstance(target, tuple):
        target, programme = target
    if programme is not None and (
        is_programme_manager(user, programme) or is_programme_facilitator(user, programme)
    ):
        return True
    if target is None:
        return bool(
            access.unit_ids(Role.UNIT_OFFICER)
            or access.agency_ids(Role.AGENCY_ADMIN, Role.PROGRAMME_MANAGER)
        )
    return can_manage_unit_records(access, agency_id=target.agency_id, unit_id=target.pk)


@rule("event.manage")
def manage_event(user: Any, event: Event) -> bool:
    return manages_event(user, event)


@rule("event.view_internal")
def view_event_internal(user: Any, event: Event) -> bool:
    """Attendees (with their accessibility needs), the report and all testimonials."""
    return manages_event(user, event)


def _invited_unit_ids(event: Event) -> list[int]:
    cached = getattr(event, "_invited_unit_ids", None)
    if cached is None:
        cached = list(
            event.invitations.filter(unit__isnull=False).values_list("unit_id", flat=True)
        )
        event._invited_unit_ids = cached  # type: ignore[attr-defined]
    return cached


def acts_for_invited_unit(user: Any, event: Event) -> bool:
    """Is the person an officer (or agency admin) of a unit invited to the event?"""
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if access.is_platform_admin:
        return True
    own_units = access.unit_ids(Role.UNIT_OFFICER)
    own_agencies = access.agency_ids(Role.AGENCY_ADMIN)
    if not own_units and not own_agencies:
        return False
    invited = _invited_unit_ids(event)
    if own_units.intersection(invited):
        return True
    return (
        bool(own_agencies)
        and Unit.objects.filter(pk__in=invited, agency_id__in=own_agencies).exists()
    )


@rule("event.view")
def view_event(user: Any, event: Event) -> bool:
    if event.is_published:
        return True
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if manages_event(user, event) or acts_for_invited_unit(user, event):
        return True
    if can_read_internal(access, agency_id=event.host_agency_id, unit_id=event.host_unit_id):
        return True
    return event.programme_id is not None and is_programme_facilitator(user, event.programme)


@rule("event.register")
def register_for_event(user: Any, target: tuple[Event, Any]) -> bool:
    """Register attendees for an invitation (``target`` = (event, invitation or unit)): the
    invited unit's officers and admins; the event's managers for any invitation (walk-ins,
    partners)."""
    event, invitee = target
    if manages_event(user, event):
        return True
    unit = _unit_of(invitee)
    if unit is None:
        return False
    return can_manage_unit_records(access_for(user), agency_id=unit.agency_id, unit_id=unit.pk)


@rule("event.check_in")
def check_in(user: Any, event: Event) -> bool:
    return manages_event(user, event)


@rule("event.record_intent")
def record_intent(user: Any, target: tuple[Event, Unit]) -> bool:
    """Record a unit's intents: its own officers and admins; the event's facilitators and its
    programme's managers on its behalf. (Host officers record only for their own unit.)"""
    event, unit = target
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if can_manage_unit_records(access, agency_id=unit.agency_id, unit_id=unit.pk):
        return True
    return is_event_facilitator(user, event) or is_event_programme_manager(user, event)
