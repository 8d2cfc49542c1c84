"""Who is told about replication work, and what they are told (``lumbung.notifications``).

* **a project started from your innovation**: the source innovation's unit officers, linked to
  the project (they may read it: the origin unit reads its replications);
* **a project moved to another stage**: its owners — the adopting unit's officers and the person
  who started it — and its facilitators (the people named; when none are named, the
  facilitating agency's facilitators), linked to the project;
* **commitments due soon or overdue**: the owner unit's officers (else its agency's admins), by
  ``lumbung remind`` (:func:`..services.commitments.commitment_reminders_send`);
* **requests to record an innovation as a replica**, and their answers.

The actor is never told of their own action; nobody gets a link they may not open.
"""

from __future__ import annotations

from itertools import chain

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.core.actors import ActorLike
from lumbung.notifications import kinds
from lumbung.notifications.services import notify_many
from lumbung.organisations.models import Role, User
from lumbung.organisations.selectors import agency_role_holders, unit_officers

from .models import ReplicationProject, Stage, Transition

REPLICATION = kinds.Group(
    "replication",
    gettext_lazy("Replication projects"),
    gettext_lazy(
        "Projects started from your innovations; stage moves of projects you own or facilitate."
    ),
    kinds.Delivery.DIGEST,
)
COMMITMENTS = kinds.Group(
    "commitments",
    gettext_lazy("Commitments"),
    gettext_lazy("Commitments of your unit that are due soon or overdue."),
    kinds.Delivery.IMMEDIATE,
)
STARTED = "project.started"
MOVED = "project.stage"
DUE_SOON = "commitment.due_soon"
OVERDUE = "commitment.overdue"
REPLICA_LINK = "replica_link"


def register() -> None:
    kinds.register_group(REPLICATION)
    kinds.register_group(COMMITMENTS)
    for kind in (
        kinds.Kind(
            STARTED,
            REPLICATION.code,
            gettext_lazy("Replication of your innovation started"),
            gettext_lazy("the source innovation's unit officers; opens the project"),
        ),
        kinds.Kind(
            MOVED,
            REPLICATION.code,
            gettext_lazy("Project moved to another stage"),
            gettext_lazy(
                "the adopting unit's officers, who started it and its facilitators; "
                "opens the project"
            ),
        ),
        kinds.Kind(
            DUE_SOON,
            COMMITMENTS.code,
            gettext_lazy("Commitment due soon"),
            gettext_lazy("the owner unit's officers; opens the commitment"),
        ),
        kinds.Kind(
            OVERDUE,
            COMMITMENTS.code,
            gettext_lazy("Commitment overdue"),
            gettext_lazy("the owner unit's officers; opens the commitment"),
        ),
        kinds.Kind(
            REPLICA_LINK,
            # an answer the agency gives: with the review of innovations when that group exists
            "review" if kinds.group("review") else kinds.OTHER.code,
            gettext_lazy("Request to record a replica"),
            gettext_lazy("the innovation's agency admins, and the person who asked for the answer"),
        ),
    ):
        kinds.register_kind(kind)


def _project_url(project: ReplicationProject) -> str:
    return reverse("replication:project", args=[project.pk])


def project_started(project: ReplicationProject, *, actor: ActorLike) -> None:
    params = {"unit": project.adopting_unit.name, "innovation": project.source.name}
    notify_many(
        kind=STARTED,
        users=unit_officers(project.source.unit),
        text=lambda: (
            _("%(unit)s started a replication project of your innovation “%(innovation)s”.")
            % params
        ),
        url=_project_url(project),
        actor=actor,
        see=("project.view", project),
    )


def project_people(project: ReplicationProject) -> list[User]:
    """Who owns or facilitates a project: the adopting unit's officers, who started it, its
    named facilitators (else its facilitating agency's facilitators)."""
    facilitators = list(project.facilitators.filter(is_active=True).order_by("pk"))
    if not facilitators and project.facilitator_agency_id:
        facilitators = list(agency_role_holders(project.facilitator_agency_id, Role.FACILITATOR))
    starter = [project.created_by] if project.created_by is not None else []
    return list(chain(unit_officers(project.adopting_unit), starter, facilitators))


def project_moved(project: ReplicationProject, transition: Transition, *, actor: ActorLike) -> None:
    labels = dict(Stage.choices)
    params = {
        "unit": project.adopting_unit.name,
        "innovation": project.source.name,
        "from": transition.from_stage,
        "to": transition.to_stage,
    }
    note = transition.note[:200]

    def text() -> str:  # in the recipient's language, stage names included
        values = dict(
            params,
            **{"from": str(labels.get(params["from"], "")), "to": str(labels[params["to"]])},
        )
        message = (
            _("The replication of “%(innovation)s” by %(unit)s moved from “%(from)s” to “%(to)s”.")
            % values
        )
        return f"{message} {note}" if note else message

    notify_many(
        kind=MOVED,
        users=project_people(project),
        text=text,
        url=_project_url(project),
        actor=actor,
        see=("project.view", project),
    )
