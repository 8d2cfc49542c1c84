"""The figures behind the dashboards, reports and open data.

Every aggregate is a ``GROUP BY`` the database answers (counts by sector, stage, agency, province,
year …) over the rows the person may see — the policy layer's filter is the first ``WHERE`` —
never rows loaded into Python. The few per-row reads (a programme's units, a family's members)
are bounded by what one programme or family holds.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import Award, Innovation, Sector
from lumbung.core.actors import ActorLike, as_actor
from lumbung.core.policies import permitted
from lumbung.events.models import Event
from lumbung.organisations.models import Agency, Region
from lumbung.outcomes import selectors as outcome_selectors
from lumbung.replication import selectors as replication_selectors
from lumbung.replication.models import Commitment, Programme, ReplicationProject, Stage
from lumbung.replication.policies import projects as project_policy

#: A project that has not moved for this long is "stalled" (the facilitator's dashboard).
STALLED_AFTER = dt.timedelta(days=90)


@dataclass
class Breakdown:
    """One dimension of a portfolio: (key, label, count) rows, largest first or in order."""

    key: str
    title: Any
    rows: list[tuple[str, str, int]]

    @property
    def total(self) -> int:
        return sum(n for _k, _l, n in self.rows)


@dataclass
class Portfolio:
    total: int
    continuing: int
    stopped: int
    breakdowns: list[Breakdown]
    awards_by_year: list[tuple[int, int]]
    scope_label: str = ""

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)


def visible_innovations(actor: ActorLike) -> QuerySet[Innovation]:
    """Published innovations, and the drafts the person reads (their units' and agency's)."""
    return permitted(actor, "innovation.view", Innovation.objects.all())


def _counts(qs: QuerySet[Innovation], field_name: str) -> dict[Any, int]:
    return {
        row[field_name]: row["n"]
        for row in qs.order_by().values(field_name).annotate(n=Count("pk"))
    }


def province_codes() -> dict[str, str]:
    """Province code ("33") → name ("Jawa Tengah")."""
    return dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))


def _scoped(actor: ActorLike, agency: Agency | None, year: int | None) -> QuerySet[Innovation]:
    qs = visible_innovations(actor)
    if agency is not None:
        qs = qs.filter(agency=agency)
    if year is not None:
        qs = qs.filter(start_year=year)
    return qs


def _by_stage(qs: QuerySet[Innovation], limit: int) -> Breakdown:
    stages = _counts(qs, "stage")
    return Breakdown(
        "stage",
        _("By management stage"),
        [(code, str(label), stages.get(code, 0)) for code, label in Innovation.Stage.choices],
    )


def _by_sector(qs: QuerySet[Innovation], limit: int) -> Breakdown:
    names = dict(Sector.objects.values_list("code", "name"))
    rows = [
        (str(code or ""), names.get(code, str(_("no sector"))), n)
        for code, n in _counts(qs, "sector_id").items()
    ]
    return Breakdown("sector", _("By sector"), sorted(rows, key=lambda r: (-r[2], r[1]))[:limit])


def _by_agency(qs: QuerySet[Innovation], limit: int) -> Breakdown:
    rows = (
        qs.order_by()
        .values("agency_id", "agency__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "agency__name")[:limit]
    )
    return Breakdown(
        "agency",
        _("By agency (the largest)"),
        [(str(r["agency_id"]), r["agency__name"], r["n"]) for r in rows],
    )


def _by_province(qs: QuerySet[Innovation], limit: int) -> Breakdown:
    names = province_codes()
    counts = _counts(
        qs.annotate(province=Substr(Coalesce("unit__region_id", "agency__region_id"), 1, 2)),
        "province",
    )
    rows = [
        (code or "", names.get(code or "", str(_("no region"))), n) for code, n in counts.items()
    ]
    return Breakdown("province", _("By province"), sorted(rows, key=lambda r: (-r[2], r[1])))


def _by_year(qs: QuerySet[Innovation], limit: int) -> Breakdown:
    rows = [(str(y), str(y), n) for y, n in _counts(qs, "start_year").items() if y]
    return Breakdown("year", _("By start year"), sorted(rows, key=lambda r: r[0]))


#: the portfolio's dimensions, in the order the dashboard shows them
BREAKDOWNS = {
    "stage": _by_stage,
    "sector": _by_sector,
    "agency": _by_agency,
    "province": _by_province,
    "year": _by_year,
}


def breakdown(
    actor: ActorLike,
    key: str,
    *,
    agency: Agency | None = None,
    year: int | None = None,
    limit: int = 15,
) -> Breakdown | None:
    """One dimension of the portfolio (its CSV download); None for an unknown one."""
    build = BREAKDOWNS.get(key)
    return None if build is None else build(_scoped(actor, agency, year), limit)


def portfolio(
    actor: ActorLike, *, agency: Agency | None = None, year: int | None = None, limit: int = 15
) -> Portfolio:
    """The portfolio the person may see (optionally of one agency, or started in one year): by
    management stage, sector, agency, province and start year; continuing vs stopped; awards
    over the years."""
    qs = _scoped(actor, agency, year)
    status = _counts(qs, "status")
    awards = (
        Award.objects.filter(innovation__in=qs.values("pk"), year__isnull=False)
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    return Portfolio(
        total=sum(status.values()),
        continuing=status.get(Innovation.Status.CONTINUING, 0),
        stopped=status.get(Innovation.Status.STOPPED, 0),
        breakdowns=[build(qs, limit) for build in BREAKDOWNS.values()],
        awards_by_year=[(int(r["year"] or 0), int(r["n"])) for r in awards],
    )


def adoption_by_province(actor: ActorLike) -> dict[str, int]:
    """Province name → replication projects (not stopped) whose adopting unit is there, among
    the projects the person may see."""
    qs = replication_selectors.visible_projects(actor).exclude(stage=Stage.STOPPED)
    rows = (
        qs.annotate(
            province=Substr(
                Coalesce("adopting_unit__region_id", "adopting_agency__region_id"), 1, 2
            )
        )
        .order_by()
        .values("province")
        .annotate(n=Count("pk"))
    )
    names = province_codes()
    return {names[r["province"]]: r["n"] for r in rows if r["province"] in names}


# --- a programme ----------------------------------------------------------------------------

FUNNEL: list[tuple[str, Any, tuple[str, ...]]] = [
    ("invited", _("invited (target units)"), ()),
    (
        "committed",
        _("committed"),
        ("committed", "preparing", "planning", "implementing", "evaluated", "institutionalised"),
    ),
    (
        "preparing",
        _("preparing"),
        ("preparing", "planning", "implementing", "evaluated", "institutionalised"),
    ),
    ("implementing", _("implementing"), ("implementing", "evaluated", "institutionalised")),
    ("institutionalised", _("institutionalised"), ("institutionalised",)),
]


@dataclass
class ProgrammeInsight:
    programme: Programme
    funnel: list[tuple[str, str, int]]
    adoption_dates: list[dt.date]
    days_to_adoption: list[int]
    replicas: list[outcome_selectors.ReplicaComparison] = field(default_factory=list)

    @property
    def median_days_to_adoption(self) -> float | None:
        return statistics.median(self.days_to_adoption) if self.days_to_adoption else None


def programme_insight(programme: Programme) -> ProgrammeInsight:
    """The replication funnel of the programme's target units (each unit counted at every step
    it passed), the dates its units adopted (their projects started), the days from the first
    learning event a unit was invited to until it started its project, and its replicas ranked
    against their originals (better first)."""
    rows = replication_selectors.programme_unit_states(programme)
    funnel = []
    for key, label, states in FUNNEL:
        n = len(rows) if not states else sum(1 for r in rows if r.state in states)
        funnel.append((key, str(label), n))
    projects = list(replication_selectors.programme_projects(programme).select_related("replica"))
    adoption_dates = sorted(
        timezone.localtime(p.created_at).date() for p in projects if p.stage != Stage.STOPPED
    )
    sources = [p.source_id for p in projects]
    events = (
        Event.objects.filter(
            Q(programme=programme) | Q(showcased__in=sources),
            publication_state=Event.State.PUBLISHED,
        )
        .values("invitations__unit_id")
        .annotate(first=Min("starts_at"))
    )
    first_event = {r["invitations__unit_id"]: r["first"] for r in events}
    days = []
    for p in projects:
        seen = first_event.get(p.adopting_unit_id)
        if seen is not None and seen <= p.created_at:
            days.append((p.created_at - seen).days)
    pairs: list[tuple[Innovation, Innovation]] = [
        (p.replica, p.source) for p in projects if p.replica is not None
    ]
    replicas = outcome_selectors.compare_pairs(pairs)
    order = {"better": 0, "similar": 1, "worse": 2, "unknown": 3}
    replicas.sort(key=lambda c: (order.get(c.mark, 9), c.replica.name))
    return ProgrammeInsight(programme, funnel, adoption_dates, sorted(days), replicas)


# --- the facilitator ------------------------------------------------------------------------


@dataclass
class FollowUp:
    unit_name: str
    agency_name: str
    overdue: int
    stalled: int


def facilitator_follow_up(
    actor: ActorLike,
) -> tuple[list[FollowUp], QuerySet[Commitment], list[ReplicationProject]]:
    """By unit: the overdue commitments and the stalled projects (no stage change for
    :data:`STALLED_AFTER`, neither stopped nor institutionalised) the person follows up."""
    overdue = replication_selectors.overdue_for_followers(actor)
    who = as_actor(actor)
    projects = (
        replication_selectors.visible_projects(who)
        .filter(stage_since__lt=timezone.now() - STALLED_AFTER)
        .exclude(stage__in=[Stage.STOPPED, Stage.INSTITUTIONALISED])
    )
    if not who.is_platform_admin:
        projects = projects.filter(project_policy.facilitator(who).to_q(ReplicationProject))
    stalled = list(projects.select_related("adopting_unit", "adopting_agency", "source")[:500])
    by_unit: dict[int, FollowUp] = {}
    for row in (
        overdue.order_by()
        .values("owner_unit_id", "owner_unit__name", "owner_unit__agency__name")
        .annotate(n=Count("pk"))
    ):
        by_unit[row["owner_unit_id"]] = FollowUp(
            row["owner_unit__name"], row["owner_unit__agency__name"], row["n"], 0
        )
    for p in stalled:
        entry = by_unit.setdefault(
            p.adopting_unit_id, FollowUp(p.adopting_unit.name, p.adopting_agency.name, 0, 0)
        )
        entry.stalled += 1
    rows = sorted(by_unit.values(), key=lambda r: (-(r.overdue + r.stalled), r.unit_name))
    return rows, overdue, stalled


# --- diffusion ------------------------------------------------------------------------------


def family_adoption_dates(family: outcome_selectors.Family) -> list[dt.date]:
    """When each replica in the family (as the person sees it) started: its start date, else
    when it was recorded."""
    out = []
    for m in family.replicas:
        inn = m.innovation
        out.append(inn.start_date or timezone.localtime(inn.created_at).date())
    return sorted(out)
