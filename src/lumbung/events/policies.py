"""Who may see and run learning events, and see their attendees.

* An event is **managed** (edited, invitations, check-in, testimonials, materials, the report and
  the attendee list with accessibility needs) by the host unit's officers and its agency's
  admins, the event's facilitators (the facilitating agency's, and the people named) and the
  managers of its programme.
* An event is **created** by the host unit's own people — or, within a programme, by whoever
  manages or facilitates that programme (the service checks that the host is in the programme's
  scope). A facilitator never acts for a unit outside the programmes and events their agency
  facilitates.
* **Invited units** register their own people and record their own intents; the event's
  facilitators and programme managers record intents on behalf of the host agency's units and
  of the programme's target units.
* The public sees published events, never attendees.
"""

from __future__ import annotations

from lumbung.core.actors import Actor
from lumbung.core.policies import (
    Attr,
    Condition,
    Policy,
    Some,
    action,
    register,
)
from lumbung.organisations.models import Unit
from lumbung.organisations.policies import facilitates, manages_unit, reads_unit
from lumbung.organisations.policies import units as unit_policy
from lumbung.replication.models import ProgrammeTarget
from lumbung.replication.policies import programmes

from .models import Event, Intent, Invitation, Registration


class EventPolicy(Policy[Event]):
    model = Event
    name = "event"

    def host(self, actor: Actor) -> Condition:
        return manages_unit(actor, unit="host_unit_id", agency="host_agency_id")

    def facilitator(self, actor: Actor) -> Condition:
        return facilitates(actor)

    def runs_on_behalf(self, actor: Actor) -> Condition:
        """The event's facilitators and its programme's managers."""
        return self.facilitator(actor) | programmes.manage(actor).via("programme")

    @action("create")
    def create(self, actor: Actor) -> Condition:
        """Checked on the new event: its host unit's people, or the managers and facilitators
        of its programme."""
        return self.host(actor) | programmes.facilitate(actor).via("programme")

    @action("manage")
    def manage(self, actor: Actor) -> Condition:
        return self.host(actor) | self.runs_on_behalf(actor)

    @action("view_internal")
    def view_internal(self, actor: Actor) -> Condition:
        """Attendees (with their accessibility needs), the report and all testimonials."""
        return self.manage(actor)

    @action("check_in")
    def check_in(self, actor: Actor) -> Condition:
        return self.manage(actor)

    @action("involved")
    def involved(self, actor: Actor) -> Condition:
        """Events the person has work in: managing, hosting, invited, or following its
        programme (the workspace's list)."""
        invited = Some("invitations", unit_policy.manage(actor).via("unit"))
        return (
            self.manage(actor)
            | invited
            | reads_unit(actor, unit="host_unit_id", agency="host_agency_id")
            | programmes.view_internal(actor).via("programme")
        )

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return Attr("publication_state").eq(Event.State.PUBLISHED) | self.involved(actor)


class InvitationPolicy(Policy[Invitation]):
    model = Invitation
    name = "invitation"

    @action("register")
    def register(self, actor: Actor) -> Condition:
        """Register attendees: the invited unit's people; the event's managers for any
        invitation (walk-ins, partners)."""
        return events.manage(actor).via("event") | unit_policy.manage(actor).via("unit")


class RegistrationPolicy(Policy[Registration]):
    """Attendee records (names, positions, accessibility needs)."""

    model = Registration
    name = "registration"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return events.view_internal(actor).via("event") | invitations.register(actor).via(
            "invitation"
        )

    @action("cancel")
    def cancel(self, actor: Actor) -> Condition:
        return invitations.register(actor).via("invitation")


class IntentPolicy(Policy[Intent]):
    model = Intent
    name = "intent"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return events.view_internal(actor).via("event") | unit_policy.read_internal(actor).via(
            "unit"
        )


class RecordIntentPolicy(Policy[Unit]):
    """For which units may a person record intents at an event? The unit's own people; the
    event's facilitators and programme managers for units of the host's agency (which named
    them on its event) and for the targets of the event's programme (whose agencies joined it)."""

    model = Unit
    name = "event_intent"

    @action("for_unit")
    def for_unit(self, actor: Actor, event: Event) -> Condition:
        own = manages_unit(actor, unit="id")
        if not actor.is_authenticated or not events.runs_on_behalf(actor).evaluate(event):
            return own
        on_behalf = Attr("agency_id").eq(event.host_agency_id)
        if event.programme_id is not None:
            targets = ProgrammeTarget.objects.filter(programme_id=event.programme_id)
            on_behalf |= Attr("id").is_in(targets.values_list("unit_id", flat=True))
        return own | on_behalf


events = register(EventPolicy())
invitations = register(InvitationPolicy())
registrations = register(RegistrationPolicy())
intents = register(IntentPolicy())
record_intent = register(RecordIntentPolicy())


def managed_event_refs(actor: Actor) -> list[str]:
    """The events (their ids as text) whose internals this person may see: the commitments
    made at them are theirs to follow (``replication.policies.register_origin_readers``)."""
    ids = events.filter(actor, "view_internal").values_list("pk", flat=True)
    return [str(pk) for pk in ids]
