"""Who may see and change innovations (their evidence and awards go with them)."""

from __future__ import annotations

from lumbung.core.actors import Actor, ActorLike, as_actor
from lumbung.core.policies import Attr, Condition, Policy, action, register
from lumbung.organisations.models import Role
from lumbung.organisations.policies import administers_agency, manages_unit, reads_unit

from .models import Evidence, Innovation

EDITABLE_STATES = (Innovation.State.DRAFT, Innovation.State.RETURNED)
UNPUBLISHED_STATES = (*EDITABLE_STATES, Innovation.State.SUBMITTED)


class InnovationPolicy(Policy[Innovation]):
    model = Innovation
    name = "innovation"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        """Published innovations are public; drafts are read by the owning unit and agency."""
        return Attr("publication_state").eq(Innovation.State.PUBLISHED) | reads_unit(actor)

    @action("view_internal")
    def view_internal(self, actor: Actor) -> Condition:
        """Review notes and the audit history: the owning unit and its agency only."""
        return reads_unit(actor)

    @action("create")
    def create(self, actor: Actor) -> Condition:
        """Checked on the new (unsaved) innovation: its unit's officers and agency admins."""
        return manages_unit(actor)

    @action("change")
    def change(self, actor: Actor) -> Condition:
        return manages_unit(actor)

    @action("change_directly")
    def change_directly(self, actor: Actor) -> Condition:
        """Write the public profile (its fields, SDGs and team) at once: an unpublished one, who
        may change it; a published one, who may publish (the agency's innovation admins). Others
        who may change a published innovation propose the change for review instead
        (``catalog.revisions``)."""
        return (
            Attr("publication_state").is_in(UNPUBLISHED_STATES) & manages_unit(actor)
        ) | administers_agency(actor)

    @action("submit")
    def submit(self, actor: Actor) -> Condition:
        return Attr("publication_state").is_in(EDITABLE_STATES) & manages_unit(actor)

    @action("review")
    def review(self, actor: Actor) -> Condition:
        """Publish or return; accept another unit's request to link it as a replica: the
        owning agency's innovation admins."""
        return administers_agency(actor)


def with_innovation(actor: Actor, action: str) -> Condition:
    """A record that belongs to an innovation (its evidence, an outcome indicator, a figure)
    follows the innovation's rule for ``action`` ("view", "change")."""
    return innovations.condition(actor, action).via("innovation")


class EvidencePolicy(Policy[Evidence]):
    model = Evidence
    name = "evidence"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        """Evidence is read with its innovation."""
        return with_innovation(actor, "view")

    @action("change")
    def change(self, actor: Actor) -> Condition:
        return with_innovation(actor, "change")


innovations = register(InnovationPolicy())
evidence = register(EvidencePolicy())


def may_review_somewhere(who: ActorLike) -> bool:
    """Whether the review queue is worth linking for this person (the queue itself and every
    decision check the innovation policy per innovation)."""
    actor = as_actor(who)
    return actor.is_platform_admin or bool(actor.agencies(Role.AGENCY_ADMIN))
