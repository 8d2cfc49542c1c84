"""Reads shared by the event pages, the API and the exports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.core.actors import ActorLike, as_actor, in_own_roles
from lumbung.organisations.models import Partner, Unit
from lumbung.organisations.policies import units as unit_policy
from lumbung.replication.models import Commitment, Programme, ProgrammeParticipant

from .models import Event, Intent, Invitation, Material, Registration, Testimonial
from .policies import events as event_policy
from .policies import invitations as invitation_policy
from .policies import record_intent as record_intent_policy

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _base() -> QuerySet[Event]:
    return Event.objects.select_related(
        "host_unit", "host_agency", "programme", "facilitator_agency", "region"
    )


def event_detail(slug: str) -> Event | None:
    return (
        _base()
        .prefetch_related(
            Prefetch(
                "showcased",
                queryset=Innovation.objects.select_related("unit", "agency").order_by("name"),
            ),
            "facilitators",
            "programme__managers",
            "programme__facilitators",
        )
        .filter(slug=slug)
        .first()
    )


def by_time(qs: QuerySet[Event], when: str = "") -> QuerySet[Event]:
    """``upcoming`` (not over yet, soonest first), ``past`` (newest first), or all."""
    now = timezone.now()
    if when == "upcoming":
        return qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if when == "past":
        return qs.filter(ends_at__lt=now).order_by("-starts_at", "pk")
    return qs.order_by("-starts_at", "pk")


def published_events(when: str = "") -> QuerySet[Event]:
    return by_time(_base().filter(publication_state=Event.State.PUBLISHED), when)


def event_visible_q(actor: ActorLike) -> Q:
    """Events this person may see (the event policy's ``view``)."""
    return event_policy.condition(actor, "view").to_q(Event)


def visible_events(actor: ActorLike, *, when: str = "") -> QuerySet[Event]:
    return by_time(event_policy.filter(actor, "view", _base()), when)


def my_events(actor: ActorLike, when: str = "") -> QuerySet[Event]:
    """Events the person has work in: managing, hosting, invited, following the programme."""
    return by_time(event_policy.filter(in_own_roles(as_actor(actor)), "involved", _base()), when)


class InvitationCounts(TypedDict):
    """What :func:`invitations` counts on each invitation."""

    registered: int
    attended: int


def invitations(event: Event) -> QuerySet[WithAnnotations[Invitation, InvitationCounts]]:
    return (
        event.invitations.select_related("unit", "unit__agency", "partner")
        .annotate(
            registered=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
            ),
            attended=Count(
                "registrations",
                filter=Q(
                    registrations__status=Registration.Status.REGISTERED,
                    registrations__checked_in_at__isnull=False,
                ),
            ),
        )
        .order_by("partner__name", "unit__agency__name", "unit__name", "pk")
    )


def invited_partners(event: Event) -> list[Partner]:
    return [
        i.partner
        for i in event.invitations.filter(partner__isnull=False).select_related("partner")
        if i.partner is not None
    ]


def registrations(
    event: Event, *, q: str = "", invitation_ids: list[int] | None = None, active_only: bool = True
) -> QuerySet[Registration]:
    qs = event.registrations.select_related("invitation", "invitation__unit", "invitation__partner")
    if active_only:
        qs = qs.filter(status=Registration.Status.REGISTERED)
    if invitation_ids is not None:
        qs = qs.filter(invitation_id__in=invitation_ids)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(invitation__unit__name__icontains=q)
            | Q(invitation__partner__name__icontains=q)
        )
    return qs.order_by("name", "pk")


def registration_counts(event: Event) -> dict[str, int]:
    active = event.registrations.filter(status=Registration.Status.REGISTERED)
    return {
        "registered": active.count(),
        "attended": active.filter(checked_in_at__isnull=False).count(),
        "waitlisted": event.registrations.filter(status=Registration.Status.WAITLISTED).count(),
    }


def with_waitlist_positions(event: Event, registrations: Iterable[Registration]) -> None:
    """Set ``position_on_waitlist`` (1 = next to get a place) on each wait-listed registration
    given, with one query for the whole list."""
    order = list(
        event.registrations.filter(status=Registration.Status.WAITLISTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    position = {pk: number for number, pk in enumerate(order, start=1)}
    for registration in registrations:
        registration.position_on_waitlist = position.get(registration.pk)  # type: ignore[attr-defined]


def invitations_acted_for(actor: ActorLike, event: Event) -> list[Invitation]:
    """The invitations whose people this person may register (managers: all)."""
    qs = event.invitations.select_related("unit", "unit__agency", "partner").order_by(
        "unit__name", "partner__name"
    )
    return list(invitation_policy.filter(actor, "register", qs))


def units_for_intents(actor: ActorLike, event: Event) -> list[Unit]:
    """Invited units whose intents this person may record."""
    units = Unit.objects.filter(event_invitations__event=event).select_related("agency")
    return list(record_intent_policy.filter(actor, "for_unit", units, event=event).order_by("name"))


def public_testimonials(event: Event) -> QuerySet[Testimonial]:
    return event.testimonials.filter(is_public=True).order_by("pk")


def public_photos(event: Event) -> QuerySet[Material]:
    return event.materials.filter(is_public=True, content_type__startswith="image/")


def public_materials(event: Event) -> QuerySet[Material]:
    return event.materials.filter(is_public=True).exclude(content_type__startswith="image/")


def commitment_count(event: Event) -> int:
    return Intent.objects.filter(event=event, commitment__isnull=False).count()


def intents(event: Event, *, unit: Unit | None = None) -> QuerySet[Intent]:
    qs = event.intents.select_related("unit", "unit__agency", "innovation", "commitment", "project")
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("unit__name", "innovation__name", "pk")


def showcased_public(event: Event) -> list[Innovation]:
    return [i for i in event.showcased.all() if i.is_published]


# --- the report -----------------------------------------------------------------------------


@dataclass
class ReportRow:
    invitation: Invitation
    name: str
    kind: str  # "unit" or "partner"
    agency: str
    registered: int = 0
    attended: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    commitments: int = 0
    open_commitments: int = 0
    done_commitments: int = 0
    projects: int = 0

    @property
    def came(self) -> bool:
        return self.attended > 0


@dataclass
class Report:
    event: Event
    rows: list[ReportRow]
    intents: list[Intent]
    capacity: int | None
    with_accessibility_needs: int

    def _sum(self, name: str, kind: str | None = None) -> int:
        return sum(getattr(r, name) for r in self.rows if kind is None or r.kind == kind)

    @property
    def invited_units(self) -> int:
        return sum(1 for r in self.rows if r.kind == "unit")

    @property
    def invited_partners(self) -> int:
        return sum(1 for r in self.rows if r.kind == "partner")

    @property
    def registered(self) -> int:
        return self._sum("registered")

    @property
    def attended(self) -> int:
        return self._sum("attended")

    @property
    def attending_units(self) -> int:
        return sum(1 for r in self.rows if r.kind == "unit" and r.came)

    @property
    def attending_partners(self) -> int:
        return sum(1 for r in self.rows if r.kind == "partner" and r.came)

    @property
    def committing_units(self) -> int:
        return sum(1 for r in self.rows if r.commitments)

    @property
    def commitments(self) -> int:
        return self._sum("commitments")

    @property
    def projects(self) -> int:
        return self._sum("projects")

    @property
    def decisions(self) -> list[tuple[str, str, int]]:
        counts: Counter[str] = Counter(i.decision for i in self.intents)
        return [(value, str(label), counts[value]) for value, label in Intent.Decision.choices]


def event_report(event: Event) -> Report:
    """Invitations, attendance and commitments by unit (and partner), with totals."""
    rows: dict[int, ReportRow] = {}
    by_unit: dict[int, ReportRow] = {}
    for inv in invitations(event):
        if inv.unit is not None:
            row = ReportRow(inv, inv.unit.name, "unit", inv.unit.agency.name)
            by_unit[inv.unit.pk] = row
        else:
            row = ReportRow(inv, inv.invitee.name, "partner", "")
        row.registered = inv.registered
        row.attended = inv.attended
        rows[inv.pk] = row
    all_intents = list(intents(event))
    for intent in all_intents:
        unit_row = by_unit.get(intent.unit_id)
        if unit_row is None:
            continue
        unit_row.decisions[intent.decision] += 1
        if intent.commitment is not None:
            unit_row.commitments += 1
            if intent.commitment.is_open:
                unit_row.open_commitments += 1
            elif intent.commitment.status == Commitment.Status.DONE:
                unit_row.done_commitments += 1
        if intent.project_id:
            unit_row.projects += 1
    needs = (
        event.registrations.filter(status=Registration.Status.REGISTERED)
        .exclude(accessibility_needs="")
        .count()
    )
    ordered = sorted(rows.values(), key=lambda r: (r.kind != "unit", r.agency, r.name))
    return Report(
        event=event,
        rows=ordered,
        intents=all_intents,
        capacity=event.capacity,
        with_accessibility_needs=needs,
    )


def programmes_for_events(
    actor: ActorLike, hosts: QuerySet[Unit] | None = None
) -> QuerySet[Programme]:
    """Programmes an event may belong to, offered in the form: those the person manages or
    facilitates, and those spreading an innovation of the units they may host for."""
    from lumbung.replication.selectors import programme_list, programmes_for

    ids = set(programmes_for(actor).values_list("pk", flat=True))
    if hosts is not None:
        ids |= set(
            Programme.objects.filter(sources__unit__in=hosts.values("pk")).values_list(
                "pk", flat=True
            )
        )
    return programme_list().filter(pk__in=ids)


def candidate_hosts(actor: ActorLike) -> QuerySet[Unit]:
    """Units this person may host an event for: the units they act for, and — for the
    programmes they manage or facilitate — the units in those programmes' scope."""
    from lumbung.replication.selectors import programmes_for

    own = unit_policy.filter(actor, "manage", Unit.objects.all()).values("pk")
    programmes = programmes_for(actor).values("pk")
    scope = set(Programme.objects.filter(pk__in=programmes).values_list("agency_id", flat=True))
    scope |= set(
        ProgrammeParticipant.objects.filter(programme__in=programmes).values_list(
            "agency_id", flat=True
        )
    )
    return (
        Unit.objects.select_related("agency")
        .filter(Q(pk__in=own) | Q(agency_id__in=scope))
        .order_by("agency__name", "name")
    )
