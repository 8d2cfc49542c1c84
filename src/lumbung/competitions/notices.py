"""Who is told about competition entries and judging, and what (``lumbung.notifications``).

* **entry sent**: the agency's innovation admins, to return or submit it;
* **entry returned / checked**: the entry's unit officers — the reasons, the outcome of the
  administrative check;
* **assigned to judge**: each judge given new entries, once per stage, with the deadline.

The actor is never told of their own action; nobody gets a link they may not open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lumbung.core.actors import ActorLike
from lumbung.notifications import kinds
from lumbung.notifications.services import notify_many
from lumbung.organisations.models import User
from lumbung.organisations.selectors import agency_admins, unit_officers

from .models import Entry, Stage
from .times import deadline_label

COMPETITIONS = kinds.Group(
    "competitions",
    gettext_lazy("Competitions"),
    gettext_lazy("Entries to decide on, entries returned or checked, entries to judge."),
    kinds.Delivery.IMMEDIATE,
)
SENT = "competition.entry_sent"
DECIDED = "competition.entry_decided"
ASSIGNED = "competition.assigned"


def register() -> None:
    kinds.register_group(COMPETITIONS)
    for code, label, who in (
        (
            SENT,
            gettext_lazy("A unit sent a competition entry"),
            gettext_lazy("the agency's innovation admins; opens the entry"),
        ),
        (
            DECIDED,
            gettext_lazy("A competition entry was returned or checked"),
            gettext_lazy("the unit's officers; opens the entry"),
        ),
        (
            ASSIGNED,
            gettext_lazy("Entries to judge"),
            gettext_lazy("the judge; opens their judging"),
        ),
    ):
        kinds.register_kind(kinds.Kind(code, COMPETITIONS.code, label, who))


def sent(entry: Entry, *, actor: ActorLike) -> None:
    params = {"unit": entry.unit.name, "title": entry.title, "round": entry.round.title}

    def text() -> str:
        return _("%(unit)s sent “%(title)s” for %(round)s: return it or submit it.") % params

    notify_many(
        kind=SENT,
        users=agency_admins(entry.agency_id),
        text=text,
        url=reverse("competitions:entry", args=[entry.pk]),
        actor=actor,
        see=("competition_entry.decide", entry),
    )


def decided(entry: Entry, *, actor: ActorLike) -> None:
    """The unit learns its entry was returned, submitted, or how the check came out."""
    params = {"title": entry.title, "round": entry.round.title, "reason": entry.reason}
    state = entry.state

    def text() -> str:
        if state == Entry.State.RETURNED:
            return _("“%(title)s” was returned to your unit: %(reason)s") % params
        if state == Entry.State.SUBMITTED:
            return _("“%(title)s” was submitted to the organiser of %(round)s.") % params
        if state == Entry.State.ELIGIBLE:
            return _("“%(title)s” passed the administrative check of %(round)s.") % params
        return _("“%(title)s” did not pass the administrative check: %(reason)s") % params

    notify_many(
        kind=DECIDED,
        users=unit_officers(entry.unit),
        text=text,
        url=reverse("competitions:entry", args=[entry.pk]),
        actor=actor,
        see=("competition_entry.view", entry),
    )


def assigned(stage: Stage, judges: Iterable[User], *, actor: ActorLike) -> None:
    """Each judge given new entries in the stage hears once, with how many and the deadline."""
    counts = Counter(judges)
    for judge, count in counts.items():
        params = {"stage": stage.name, "round": stage.round.title}

        def text(count: int = count, params: dict[str, str] = params) -> str:
            return ngettext(
                "%(count)d entry of %(round)s (%(stage)s) is yours to score by %(deadline)s.",
                "%(count)d entries of %(round)s (%(stage)s) are yours to score by %(deadline)s.",
                count,
            ) % dict(params, count=count, deadline=deadline_label(stage.ends_at, stage.round))

        notify_many(
            kind=ASSIGNED,
            users=[judge],
            text=text,
            url=reverse("competitions:workspace"),
            actor=actor,
        )
