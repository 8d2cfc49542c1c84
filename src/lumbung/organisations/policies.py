"""Who may see and change organisations — and the two rules every other app builds on.

:func:`manages_unit` ("may create and change this unit's records") and :func:`reads_unit` ("may
read this unit's unpublished records") are written once, here, in terms of a record's unit and
agency fields; the catalog, replication and events policies call them with their own field names
(an innovation's ``unit_id``, a project's ``adopting_unit_id``, an event's ``host_unit_id``).
"""

from __future__ import annotations

from lumbung.core.actors import Actor, ActorLike, as_actor
from lumbung.core.policies import ALWAYS, NEVER, Attr, Condition, Policy, Some, action, register

from .models import Agency, Membership, Partner, Role, Unit, User

#: Agency-wide roles whose holders read an agency's unpublished records.
AGENCY_READ_ROLES = (Role.AGENCY_ADMIN, Role.VIEWER, Role.PROGRAMME_MANAGER)
#: Unit roles whose holders read their units' unpublished records.
UNIT_READ_ROLES = (Role.UNIT_OFFICER, Role.VIEWER, Role.AGENCY_ADMIN)


def signed_in(actor: Actor) -> bool:
    return actor.is_authenticated


def manages_unit(actor: Actor, *, unit: str = "unit_id", agency: str = "agency_id") -> Condition:
    """Create and change a unit's records: the unit's officers (and of the units above it), its
    agency's innovation admins, platform admins."""
    if actor.is_platform_admin:
        return ALWAYS
    return Attr(agency).is_in(actor.agencies(Role.AGENCY_ADMIN)) | Attr(unit).is_in(
        actor.units(Role.UNIT_OFFICER)
    )


def reads_unit(actor: Actor, *, unit: str = "unit_id", agency: str = "agency_id") -> Condition:
    """Read a unit's unpublished records: who manages it, its agency's viewers and programme
    managers, viewers of the unit."""
    if actor.is_platform_admin:
        return ALWAYS
    return Attr(agency).is_in(actor.agencies(*AGENCY_READ_ROLES)) | Attr(unit).is_in(
        actor.units(*UNIT_READ_ROLES)
    )


def administers_agency(actor: Actor, *, agency: str = "agency_id") -> Condition:
    """Act as the agency: its innovation admins (review, accept requests, grant roles)."""
    if actor.is_platform_admin:
        return ALWAYS
    return Attr(agency).is_in(actor.agencies(Role.AGENCY_ADMIN))


def named_in(actor: Actor, relation: str) -> Condition:
    """The person is named in the many-to-many ``relation`` of the record (its managers, its
    facilitators)."""
    if actor.user_id is None:
        return NEVER
    return Some(relation, Attr("id").eq(actor.user_id))


def facilitates(actor: Actor) -> Condition:
    """The record's facilitators: the facilitators of its facilitating agency (held anywhere in
    that agency), and the people named as its facilitators."""
    return Attr("facilitator_agency_id").is_in(actor.anywhere(Role.FACILITATOR)) | named_in(
        actor, "facilitators"
    )


def may_manage_organisations(actor: ActorLike) -> bool:
    """Whether the management pages are for this person: platform admins, agencies' innovation
    admins."""
    who = as_actor(actor)
    return who.is_platform_admin or bool(who.agencies(Role.AGENCY_ADMIN))


def platform_only(actor: Actor) -> Condition:
    return ALWAYS if actor.is_platform_admin else NEVER


class AgencyPolicy(Policy[Agency]):
    model = Agency
    name = "agency"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return ALWAYS

    @action("create")
    def create(self, actor: Actor) -> Condition:
        """Create agencies (and partners): platform admins."""
        return platform_only(actor)

    @action("administer")
    def administer(self, actor: Actor) -> Condition:
        """Review its units' innovations, answer requests made to it, change its details."""
        return administers_agency(actor, agency="id")

    @action("manage_units")
    def manage_units(self, actor: Actor) -> Condition:
        return administers_agency(actor, agency="id")

    @action("manage_members")
    def manage_members(self, actor: Actor) -> Condition:
        return administers_agency(actor, agency="id")

    @action("read_internal")
    def read_internal(self, actor: Actor) -> Condition:
        if actor.is_platform_admin:
            return ALWAYS
        return Attr("id").is_in(actor.agencies(*AGENCY_READ_ROLES))

    @action("create_programme")
    def create_programme(self, actor: Actor) -> Condition:
        """Start a replication programme owned by the agency: its innovation admins and its
        programme managers (agency-wide or in one of its units)."""
        if actor.is_platform_admin:
            return ALWAYS
        return Attr("id").is_in(
            actor.agencies(Role.AGENCY_ADMIN) | actor.anywhere(Role.PROGRAMME_MANAGER)
        )


class UnitPolicy(Policy[Unit]):
    model = Unit
    name = "unit"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return ALWAYS

    @action("change")
    def change(self, actor: Actor) -> Condition:
        """Rename, move or remove the unit itself: its agency's innovation admins."""
        return administers_agency(actor)

    @action("manage")
    def manage(self, actor: Actor) -> Condition:
        """Create and change the unit's records (innovations, its projects, its commitments, its
        registrations for events)."""
        return manages_unit(actor, unit="id")

    @action("read_internal")
    def read_internal(self, actor: Actor) -> Condition:
        return reads_unit(actor, unit="id")


class MembershipPolicy(Policy[Membership]):
    model = Membership
    name = "membership"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        own = Attr("user_id").eq(actor.user_id)
        return own | administers_agency(actor)

    @action("change")
    def change(self, actor: Actor) -> Condition:
        """Grant or revoke: the agency's innovation admins, platform admins."""
        return administers_agency(actor)


class PersonPolicy(Policy[User]):
    """People (accounts): a person sees themself; an agency's innovation admins see and manage
    the people who hold a role in it; platform admins everyone."""

    model = User
    name = "person"

    def _of_my_agencies(self, actor: Actor) -> Condition:
        if actor.is_platform_admin:
            return ALWAYS
        return Some("memberships", Attr("agency_id").is_in(actor.agencies(Role.AGENCY_ADMIN)))

    @action("view")
    def view(self, actor: Actor) -> Condition:
        own = Attr("id").eq(actor.user_id) if actor.user_id else NEVER
        return own | self._of_my_agencies(actor)

    @action("deactivate")
    def deactivate(self, actor: Actor) -> Condition:
        """Deactivate or reactivate the account (the service also refuses a person who works for
        another agency too, unless a platform admin asks)."""
        return self._of_my_agencies(actor)


class PartnerPolicy(Policy[Partner]):
    model = Partner
    name = "partner"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return ALWAYS

    @action("create")
    def create(self, actor: Actor) -> Condition:
        """Record partners: platform admins, agencies' innovation admins (for their agency)."""
        if actor.is_platform_admin or actor.agencies(Role.AGENCY_ADMIN):
            return ALWAYS
        return NEVER

    @action("change")
    def change(self, actor: Actor) -> Condition:
        """Change a partner: platform admins; the innovation admins of the agency that recorded
        it."""
        return administers_agency(actor, agency="added_by_agency_id")


agencies = register(AgencyPolicy())
units = register(UnitPolicy())
memberships = register(MembershipPolicy())
people = register(PersonPolicy())
partners = register(PartnerPolicy())
