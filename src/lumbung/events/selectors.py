"""Reads shared by the event pages, the API and the exports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.organisations.access import access_for
from lumbung.organisations.models import Role, Unit
from lumbung.replication.models import Commitment, Programme

from .models import Event, Intent, Invitation, Material, Registration, Testimonial
from .rules import manages_event


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


def event_visible_q(user: Any) -> Q:
    """Events this person may see: published ones, and those they manage, host or are
    invited to (the rules in ``rules.py`` decide for one event; this is the list's filter)."""
    q = Q(publication_state=Event.State.PUBLISHED)
    access = access_for(user)
    if not access.is_authenticated:
        return q
    if access.is_platform_admin:
        return Q()
    return q | events_involving_q(user)


def events_involving_q(user: Any) -> Q:
    """Events the person has work in: managing, facilitating, hosting or invited."""
    access = access_for(user)
    if not access.is_authenticated:
        return Q(pk__in=[])
    if access.is_platform_admin:
        return Q()
    units = access.unit_ids(Role.UNIT_OFFICER, Role.VIEWER)
    admin_agencies = access.agency_ids(Role.AGENCY_ADMIN, Role.VIEWER, Role.PROGRAMME_MANAGER)
    q = Q(facilitators__id=user.pk) | Q(programme__managers__id=user.pk)
    q |= Q(programme__facilitators__id=user.pk)
    facilitating = access.agency_ids(Role.FACILITATOR)
    if facilitating:
        q |= Q(facilitator_agency_id__in=facilitating)
        q |= Q(programme__facilitator_agency_id__in=facilitating)
    managing = access.agency_ids(Role.PROGRAMME_MANAGER)
    if managing:
        q |= Q(programme__agency_id__in=managing)
    if units:
        q |= Q(host_unit_id__in=units) | Q(invitations__unit_id__in=units)
    if admin_agencies:
        q |= Q(host_agency_id__in=admin_agencies)
        q |= Q(invitations__unit__agency_id__in=admin_agencies)
    return Q(pk__in=Event.objects.filter(q).values("pk"))


def visible_events(user: Any, *, when: str = "") -> QuerySet[Event]:
    return by_time(_base().filter(event_visible_q(user)), when)


def my_events(user: Any, when: str = "") -> QuerySet[Event]:
    return by_time(_base().filter(events_involving_q(user)), when)


def invitations(event: Event) -> QuerySet[Invitation]:
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
        .order_by("partner__name", "unit__agency__name", "unit__path", "pk")
    )


def invited_partners(event: Event) -> list[Any]:
    return [
        i.partner for i in event.invitations.filter(partner__isnull=False).select_related("partner")
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
    }


def invitations_acted_for(user: Any, event: Event) -> list[Invitation]:
    """The invitations whose people this person may register (managers: all)."""
    from lumbung.core.permissions import can

    qs = event.invitations.select_related("unit", "unit__agency", "partner").order_by(
        "unit__name", "partner__name"
    )
    if manages_event(user, event):
        return list(qs)
    return [i for i in qs.filter(unit__isnull=False) if can(user, "event.register", (event, i))]


def units_for_intents(user: Any, event: Event) -> list[Unit]:
    """Invited units whose intents this person may record."""
    from lumbung.core.permissions import can

    units = Unit.objects.filter(event_invitations__event=event).select_related("agency")
    return [u for u in units.order_by("name") if can(user, "event.record_intent", (event, u))]


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
        if inv.unit_id:
            row = ReportRow(inv, inv.unit.name, "unit", inv.unit.agency.name)
            by_unit[inv.unit_id] = row
        else:
            row = ReportRow(inv, inv.partner.name, "partner", "")
        row.registered = inv.registered  # type: ignore[attr-defined]
        row.attended = inv.attended  # type: ignore[attr-defined]
        rows[inv.pk] = row
    all_intents = list(intents(event))
    for intent in all_intents:
        row = by_unit.get(intent.unit_id)
        if row is None:
            continue
        row.decisions[intent.decision] += 1
        if intent.commitment_id:
            row.commitments += 1
            if intent.commitment.status in Commitment.OPEN_STATUSES:
                row.open_commitments += 1
            elif intent.commitment.status == Commitment.Status.DONE:
                row.done_commitments += 1
        if intent.project_id:
            row.projects += 1
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


def programmes_for_events(user: Any, hosts: QuerySet[Unit] | None = None) -> QuerySet[Programme]:
    """Programmes an event may belong to, offered in the form: those the person works on and
    those spreading an innovation of the units they may host for; all of them for
    facilitators and platform admins."""
    from lumbung.replication.selectors import programme_list, programmes_for

    access = access_for(user)
    if access.is_platform_admin or access.has_role(Role.FACILITATOR):
        return programme_list()
    ids = set(programmes_for(user).values_list("pk", flat=True))
    if hosts is not None:
        ids |= set(
            Programme.objects.filter(sources__unit__in=hosts.values("pk")).values_list(
                "pk", flat=True
            )
        )
    return programme_list().filter(pk__in=ids)


def candidate_hosts(user: Any) -> QuerySet[Unit]:
    """Units this person may host an event for: their own units; for facilitators and
    platform admins, units that have a published innovation to show."""
    access = access_for(user)
    qs = Unit.objects.select_related("agency").order_by("agency__name", "path")
    if access.is_platform_admin or access.has_role(Role.FACILITATOR):
        showing = Innovation.objects.filter(
            publication_state=Innovation.State.PUBLISHED, unit__isnull=False
        ).values("unit_id")
        own = access.unit_ids(Role.UNIT_OFFICER)
        return qs.filter(
            Q(pk__in=showing)
            | Q(pk__in=own)
            | Q(agency_id__in=access.agency_ids(Role.AGENCY_ADMIN))
        )
    return qs.filter(
        Q(pk__in=access.unit_ids(Role.UNIT_OFFICER))
        | Q(agency_id__in=access.agency_ids(Role.AGENCY_ADMIN, Role.PROGRAMME_MANAGER))
    )
