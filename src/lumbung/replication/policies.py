"""Who may see and change replication programmes, projects, sessions and commitments.

* A **programme** is public (its coverage is the point); its owning agency's innovation admins
  and programme managers, and the people named as its managers, change it; its facilitators (the
  facilitating agency's facilitators, and the people named) see its internals and log sessions.
* A **project** is changed by the adopting unit (its officers, its agency's admins), the
  project's facilitators and the programme's managers; the origin unit and the programme's
  facilitators read it. The public never sees projects.
* A **project starts** for a unit by that unit's own people, or — within a programme — by whoever
  manages or facilitates the programme, for the programme's target units only.
* A **commitment** is changed by its owner unit, whoever changes its project, its programme's
  facilitators and the person who recorded it; whoever runs the record it was made at (a
  learning event's hosts and facilitators, registered by that app) reads it.
"""

from __future__ import annotations

from collections.abc import Callable

from lumbung.core.actors import Actor
from lumbung.core.policies import (
    ALWAYS,
    NEVER,
    Attr,
    Condition,
    Policy,
    action,
    register,
)
from lumbung.organisations.models import Role, Unit
from lumbung.organisations.policies import (
    administers_agency,
    facilitates,
    manages_unit,
    named_in,
    reads_unit,
)
from lumbung.organisations.policies import units as unit_policy

from .models import (
    Commitment,
    FacilitationSession,
    Programme,
    ProgrammeTarget,
    ReplicaLinkRequest,
    ReplicationProject,
)


class ProgrammePolicy(Policy[Programme]):
    model = Programme
    name = "programme"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        """Programmes and their coverage are public."""
        return ALWAYS

    @action("manage")
    def manage(self, actor: Actor) -> Condition:
        """Act as the programme's manager: its agency's programme managers, the people named."""
        if actor.is_platform_admin:
            return ALWAYS
        managers = actor.anywhere(Role.PROGRAMME_MANAGER)
        return Attr("agency_id").is_in(managers) | named_in(actor, "managers")

    @action("change")
    def change(self, actor: Actor) -> Condition:
        """Edit the programme, its sources and targets: its managers and its agency's admins."""
        return self.manage(actor) | administers_agency(actor)

    @action("facilitate")
    def facilitate(self, actor: Actor) -> Condition:
        """Log facilitation sessions, follow up commitments, read the programme's internals."""
        return self.change(actor) | self.facilitator(actor)

    @action("view_internal")
    def view_internal(self, actor: Actor) -> Condition:
        """Sessions, commitments and notes of a programme."""
        return self.facilitate(actor)

    def facilitator(self, actor: Actor) -> Condition:
        """The facilitating agency's facilitators and the facilitators named on it."""
        return facilitates(actor)


class ProjectPolicy(Policy[ReplicationProject]):
    model = ReplicationProject
    name = "project"

    def _adopting(self, actor: Actor) -> Condition:
        return manages_unit(actor, unit="adopting_unit_id", agency="adopting_agency_id")

    def facilitator(self, actor: Actor) -> Condition:
        return facilitates(actor)

    @action("change")
    def change(self, actor: Actor) -> Condition:
        return (
            self._adopting(actor)
            | self.facilitator(actor)
            | programmes.manage(actor).via("programme")
        )

    @action("view")
    def view(self, actor: Actor) -> Condition:
        """Who may change it, the adopting agency's readers, the origin unit and the programme's
        facilitators (and its agency's admins)."""
        return (
            self.change(actor)
            | reads_unit(actor, unit="adopting_unit_id", agency="adopting_agency_id")
            | reads_unit(actor).via("source")
            | programmes.view_internal(actor).via("programme")
        )

    @action("comment")
    def comment(self, actor: Actor) -> Condition:
        return self.view(actor)

    @action("facilitate")
    def facilitate(self, actor: Actor) -> Condition:
        """Log facilitation sessions for the project."""
        return self.change(actor) | programmes.facilitator(actor).via("programme")


class StartProjectPolicy(Policy[Unit]):
    """For which units may a person start a replication project (optionally within a
    programme)? Answers the form's choice of units too."""

    model = Unit
    name = "project_start"

    @action("for_unit")
    def for_unit(self, actor: Actor, programme: Programme | None = None) -> Condition:
        own = manages_unit(actor, unit="id")
        if programme is None or not actor.is_authenticated:
            return own
        if not programmes.can(actor, "facilitate", programme):
            return own
        targets = ProgrammeTarget.objects.filter(programme=programme).values_list(
            "unit_id", flat=True
        )
        return own | Attr("id").is_in(targets)


class SessionPolicy(Policy[FacilitationSession]):
    model = FacilitationSession
    name = "session"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return projects.view(actor).via("project") | programmes.view_internal(actor).via(
            "programme"
        )


#: Who else reads commitments made at a record of a higher layer: ``origin`` (e.g. "event") →
#: the ``origin_ref`` values (as text) of the records whose commitments this actor may read. The
#: higher layer registers it in its ``AppConfig.ready()`` (:func:`register_origin_readers`).
_ORIGIN_READERS: dict[str, Callable[[Actor], list[str]]] = {}


def register_origin_readers(origin: str, refs: Callable[[Actor], list[str]]) -> None:
    _ORIGIN_READERS[origin] = refs


def _origin_readers(actor: Actor) -> Condition:
    condition: Condition = NEVER
    if not actor.is_authenticated:
        return condition
    for origin, refs in sorted(_ORIGIN_READERS.items()):
        condition |= Attr("origin").eq(origin) & Attr("origin_ref").is_in(refs(actor))
    return condition


class CommitmentPolicy(Policy[Commitment]):
    model = Commitment
    name = "commitment"

    def _owner(self, actor: Actor) -> Condition:
        return unit_policy.manage(actor).via("owner_unit")

    @action("create")
    def create(self, actor: Actor) -> Condition:
        """Checked on the new commitment: its owner unit's people, whoever may facilitate its
        project or programme. (Which units may own it is a rule of the record, checked by the
        service: a project's units, a programme's targets.)"""
        return (
            self._owner(actor)
            | projects.facilitate(actor).via("project")
            | programmes.facilitate(actor).via("programme")
        )

    @action("change")
    def change(self, actor: Actor) -> Condition:
        """Update status: the owner unit, whoever may change its project or facilitate its
        programme, and the person who recorded it."""
        recorded = Attr("created_by_id").eq(actor.user_id) if actor.user_id else NEVER
        return (
            self._owner(actor)
            | projects.change(actor).via("project")
            | programmes.facilitate(actor).via("programme")
            | recorded
        )

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return (
            self.change(actor)
            | unit_policy.read_internal(actor).via("owner_unit")
            | projects.view(actor).via("project")
            | programmes.view_internal(actor).via("programme")
            | _origin_readers(actor)
        )


class LinkRequestPolicy(Policy[ReplicaLinkRequest]):
    """A request to record an existing innovation as a project's replica: the innovation's
    agency admins answer it; the project's people see it."""

    model = ReplicaLinkRequest
    name = "replica_link"

    @action("answer")
    def answer(self, actor: Actor) -> Condition:
        return administers_agency(actor).via("innovation")

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return self.answer(actor) | projects.view(actor).via("project")


programmes = register(ProgrammePolicy())
projects = register(ProjectPolicy())
project_start = register(StartProjectPolicy())
sessions = register(SessionPolicy())
commitments = register(CommitmentPolicy())
link_requests = register(LinkRequestPolicy())
