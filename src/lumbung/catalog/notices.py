"""Who is told about an innovation's review, and what they are told (``lumbung.notifications``).

* **submitted for review**: the agency's innovation admins (who publish or return it), linked to
  the review page;
* **returned** with the reasons: the unit's innovation officers, linked to the innovation's
  workspace page (where they edit and submit again);
* **published**: the unit's innovation officers, linked to the public page;
* **a change to a published innovation proposed**: the agency's innovation admins, linked to the
  change's page (``catalog.revisions``); **approved** or **rejected** with the reason: the unit's
  innovation officers, linked to the innovation's workspace page.

The actor is never told of their own action; nobody gets a link they may not open.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.core.actors import ActorLike
from lumbung.notifications import kinds
from lumbung.notifications.services import notify_many
from lumbung.organisations.selectors import agency_admins, unit_officers

from .models import Innovation

REVIEW = kinds.Group(
    "review",
    gettext_lazy("Review and publication of innovations"),
    gettext_lazy(
        "Innovations to review, returned with reasons, or published; requests to record "
        "an innovation as a replica."
    ),
    kinds.Delivery.IMMEDIATE,
)
SUBMITTED = "innovation.submitted"
RETURNED = "innovation.returned"
PUBLISHED = "innovation.published"
REVISION_PROPOSED = "innovation.revision_proposed"
REVISION_DECIDED = "innovation.revision_decided"


def register() -> None:
    kinds.register_group(REVIEW)
    kinds.register_kind(
        kinds.Kind(
            SUBMITTED,
            REVIEW.code,
            gettext_lazy("Submitted for review"),
            gettext_lazy("the agency's innovation admins; opens the review page"),
        )
    )
    kinds.register_kind(
        kinds.Kind(
            RETURNED,
            REVIEW.code,
            gettext_lazy("Returned for changes"),
            gettext_lazy("the unit's innovation officers; opens the innovation to change it"),
        )
    )
    kinds.register_kind(
        kinds.Kind(
            PUBLISHED,
            REVIEW.code,
            gettext_lazy("Published"),
            gettext_lazy("the unit's innovation officers; opens the public page"),
        )
    )
    kinds.register_kind(
        kinds.Kind(
            REVISION_PROPOSED,
            REVIEW.code,
            gettext_lazy("Change to a published innovation proposed"),
            gettext_lazy("the agency's innovation admins; opens the proposed change"),
        )
    )
    kinds.register_kind(
        kinds.Kind(
            REVISION_DECIDED,
            REVIEW.code,
            gettext_lazy("Proposed change approved or rejected"),
            gettext_lazy("the unit's innovation officers; opens the innovation"),
        )
    )


def submitted(innovation: Innovation, *, actor: ActorLike) -> None:
    params = {"innovation": innovation.name, "unit": innovation.unit.name}
    notify_many(
        kind=SUBMITTED,
        users=agency_admins(innovation.agency_id).order_by("pk"),
        text=lambda: _("“%(innovation)s” of %(unit)s was submitted for review.") % params,
        url=reverse("catalog:review", args=[innovation.slug]),
        actor=actor,
        see=("innovation.review", innovation),
    )


def returned(innovation: Innovation, *, actor: ActorLike, reason: str) -> None:
    params = {"innovation": innovation.name, "reason": reason[:300]}
    notify_many(
        kind=RETURNED,
        users=unit_officers(innovation.unit),
        text=lambda: _("“%(innovation)s” was returned for changes: %(reason)s") % params,
        url=reverse("catalog:innovation_manage", args=[innovation.slug]),
        actor=actor,
        see=("innovation.change", innovation),
    )


def published(innovation: Innovation, *, actor: ActorLike) -> None:
    params = {"innovation": innovation.name}
    notify_many(
        kind=PUBLISHED,
        users=unit_officers(innovation.unit),
        text=lambda: _("“%(innovation)s” is published in the catalog.") % params,
        url=reverse("catalog:innovation", args=[innovation.slug]),
        actor=actor,
        see=("innovation.view", innovation),
    )


def revision_proposed(innovation: Innovation, *, actor: ActorLike) -> None:
    params = {"innovation": innovation.name, "unit": innovation.unit.name}
    notify_many(
        kind=REVISION_PROPOSED,
        users=agency_admins(innovation.agency_id).order_by("pk"),
        text=lambda: _("%(unit)s proposed a change to the published “%(innovation)s”.") % params,
        url=reverse("catalog:revision", args=[innovation.slug]),
        actor=actor,
        see=("innovation.review", innovation),
    )


def revision_approved(innovation: Innovation, *, actor: ActorLike) -> None:
    params = {"innovation": innovation.name}
    notify_many(
        kind=REVISION_DECIDED,
        users=unit_officers(innovation.unit),
        text=lambda: _("The change to “%(innovation)s” was approved and is public.") % params,
        url=reverse("catalog:innovation_manage", args=[innovation.slug]),
        actor=actor,
        see=("innovation.change", innovation),
    )


def revision_rejected(innovation: Innovation, *, actor: ActorLike, reason: str) -> None:
    params = {"innovation": innovation.name, "reason": reason[:300]}
    notify_many(
        kind=REVISION_DECIDED,
        users=unit_officers(innovation.unit),
        text=lambda: _("The change to “%(innovation)s” was not accepted: %(reason)s") % params,
        url=reverse("catalog:innovation_manage", args=[innovation.slug]),
        actor=actor,
        see=("innovation.change", innovation),
    )
