"""Who is told about learning events, and what they are told (``lumbung.notifications``).

* **invited to an event**: the invited unit's innovation officers, linked to the event's
  registration page (they register their people there);
* **registration confirmed**: the person who registered them and the invited unit's officers,
  linked to the same page — when someone else (the host, a facilitator, or the wait-list)
  registered them; nobody is told of their own registration.

The actor is never told of their own action; nobody gets a link they may not open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lumbung.core.actors import ActorLike
from lumbung.notifications import kinds
from lumbung.notifications.services import notify_many
from lumbung.organisations.selectors import unit_officers

from .models import Event, Invitation, Registration

EVENTS = kinds.Group(
    "events",
    gettext_lazy("Learning events"),
    gettext_lazy("Invitations of your unit to learning events, and registrations confirmed."),
    kinds.Delivery.IMMEDIATE,
)
INVITED = "event.invited"
REGISTERED = "event.registered"


def register() -> None:
    kinds.register_group(EVENTS)
    kinds.register_kind(
        kinds.Kind(
            INVITED,
            EVENTS.code,
            gettext_lazy("Invitation to a learning event"),
            gettext_lazy("the invited unit's officers; opens the registration page"),
        )
    )
    kinds.register_kind(
        kinds.Kind(
            REGISTERED,
            EVENTS.code,
            gettext_lazy("Registration confirmed"),
            gettext_lazy(
                "who registered and the invited unit's officers; opens the registration page"
            ),
        )
    )


def _when(event: Event) -> str:
    return formats.date_format(timezone.localtime(event.starts_at), "DATE_FORMAT")


def invited(event: Event, invitations: Iterable[Invitation], *, actor: ActorLike) -> None:
    """Tell each newly invited unit's officers (partners have no accounts to tell)."""
    url = reverse("events:register", args=[event.slug])
    for invitation in invitations:
        if invitation.unit is None:
            continue
        params = {
            "host": event.host_unit.name,
            "unit": invitation.unit.name,
            "event": event.title,
        }

        def text(params: dict[str, str] = params) -> str:
            return _(
                "%(host)s invites %(unit)s to the learning event “%(event)s” on %(date)s. "
                "Register your people."
            ) % dict(params, date=_when(event))

        notify_many(
            kind=INVITED,
            users=unit_officers(invitation.unit),
            text=text,
            url=url,
            actor=actor,
            see=("invitation.register", invitation),
        )


def registered(
    event: Event,
    invitation: Invitation,
    registrations: Sequence[Registration],
    *,
    actor: ActorLike,
) -> None:
    """Tell who registered these people and the invited unit's officers (not the actor)."""
    if not registrations:
        return
    registrants = {r.registered_by_id: r.registered_by for r in registrations if r.registered_by}
    officers = unit_officers(invitation.unit) if invitation.unit is not None else []
    count = len(registrations)
    params = {"who": str(invitation.invitee), "event": event.title}

    def text() -> str:
        return ngettext(
            "%(count)s person of %(who)s is registered for “%(event)s” (%(date)s).",
            "%(count)s people of %(who)s are registered for “%(event)s” (%(date)s).",
            count,
        ) % dict(params, count=count, date=_when(event))

    notify_many(
        kind=REGISTERED,
        users=chain(registrants.values(), officers),
        text=text,
        url=reverse("events:register", args=[event.slug]),
        actor=actor,
        see=("registration.view", registrations[0]),
    )
