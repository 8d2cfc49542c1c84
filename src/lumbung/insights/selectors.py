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

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.catalog import selectors as catalog_selectors
from lumbung.catalog.models import Innovation, Sector
from lumbung.core.actors import ActorLike, as_actor
from lumbung.events.models import Event
from lumbung.organisations.models import Agency, Region
from lumbung.outcomes import selectors as outcome_selectors
from lumbung.replication import selectors as replication_selectors
from lumbung.replication.models import Commitment, Programme, ReplicationProject, Stage
from lumbung.replication.policies import projects as project_policy

from . import summary
from .models import PortfolioCount

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


def province_codes() -> dict[str, str]:
    """Province code ("33") → name ("Jawa Tengah")."""
    return dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))


class _Scope:
    """What a portfolio counts: the innovations the person may see, perhaps of one agency or
    started in one year. Published innovations (and, for a platform admin, all) are counted from
    the summary (:mod:`.summary`); the drafts a person reads are few and counted live; a year
    filter (which the summary does not hold) counts live."""

    def __init__(self, actor: ActorLike, agency: Agency | None, year: int | None) -> None:
        self.actor = as_actor(actor)
        self.agency = agency
        self.year = year

    def live(self) -> QuerySet[Innovation]:
        qs = catalog_selectors.visible_innovations(self.actor)
        if self.agency is not None:
            qs = qs.filter(agency=self.agency)
        if self.year is not None:
            qs = qs.filter(start_year=self.year)
        return qs

    def _summary(self, dimension: str) -> QuerySet[PortfolioCount]:
        rows = PortfolioCount.objects.filter(dimension=dimension)
        if self.agency is not None:
            rows = rows.filter(agency=self.agency)
        if not self.actor.is_platform_admin:
            rows = rows.filter(published=True)
        return rows

    def _drafts(self) -> QuerySet[Innovation] | None:
        """The unpublished innovations the person reads (None: nobody's, or all in the summary)."""
        if self.actor.is_platform_admin or catalog_selectors.reads_published_only(self.actor):
            return None
        return self.live().exclude(publication_state=Innovation.State.PUBLISHED)

    def counts(self, dimension: str) -> dict[str, int]:
        if self.year is not None:
            return summary.counts(self.live(), dimension)
        out: dict[str, int] = {}
        rows = self._summary(dimension).order_by().values_list("key").annotate(n=Sum("count"))
        for key, n in rows:
            out[key] = out.get(key, 0) + n
        drafts = self._drafts()
        if drafts is not None:
            for key, n in summary.counts(drafts, dimension).items():
                out[key] = out.get(key, 0) + n
        return out

    def by_agency(self) -> dict[int, int]:
        if self.year is not None:
            rows = self.live().order_by().values_list("agency_id").annotate(n=Count("pk"))
            return dict(rows)
        out: dict[int, int] = {}
        summed = (
            self._summary("status").order_by().values_list("agency_id").annotate(n=Sum("count"))
        )
        for agency_id, n in summed:
            out[agency_id] = out.get(agency_id, 0) + n
        drafts = self._drafts()
        if drafts is not None:
            for agency_id, n in drafts.order_by().values_list("agency_id").annotate(n=Count("pk")):
                out[agency_id] = out.get(agency_id, 0) + n
        return out


def _by_stage(scope: _Scope, limit: int) -> Breakdown:
    stages = scope.counts("stage")
    return Breakdown(
        "stage",
        _("By management stage"),
        [(code, str(label), stages.get(code, 0)) for code, label in Innovation.Stage.choices],
    )


def _by_sector(scope: _Scope, limit: int) -> Breakdown:
    names = dict(Sector.objects.values_list("code", "name"))
    rows = [
        (code, names.get(code, str(_("no sector"))), n)
        for code, n in scope.counts("sector").items()
    ]
    return Breakdown("sector", _("By sector"), sorted(rows, key=lambda r: (-r[2], r[1]))[:limit])


def _by_agency(scope: _Scope, limit: int) -> Breakdown:
    top = sorted(scope.by_agency().items(), key=lambda r: -r[1])[: limit * 2]
    names = dict(Agency.objects.filter(pk__in=[a for a, _n in top]).values_list("pk", "name"))
    rows = sorted(((str(a), names.get(a, "?"), n) for a, n in top), key=lambda r: (-r[2], r[1]))
    return Breakdown("agency", _("By agency (the largest)"), rows[:limit])


def _by_province(scope: _Scope, limit: int) -> Breakdown:
    names = province_codes()
    rows = [
        (code, names.get(code, str(_("no region"))), n)
        for code, n in scope.counts("province").items()
    ]
    return Breakdown("province", _("By province"), sorted(rows, key=lambda r: (-r[2], r[1])))


def _by_year(scope: _Scope, limit: int) -> Breakdown:
    rows = [(y, y, n) for y, n in scope.counts("year").items() if y]
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
    return None if build is None else build(_Scope(actor, agency, year), limit)


def portfolio(
    actor: ActorLike, *, agency: Agency | None = None, year: int | None = None, limit: int = 15
) -> Portfolio:
    """The portfolio the person may see (optionally of one agency, or started in one year): by
    management stage, sector, agency, province and start year; continuing vs stopped; awards
    over the years."""
    scope = _Scope(actor, agency, year)
    status = scope.counts("status")
    awards = scope.counts(summary.AWARD_YEAR)
    return Portfolio(
        total=sum(status.values()),
        continuing=status.get(Innovation.Status.CONTINUING, 0),
        stopped=status.get(Innovation.Status.STOPPED, 0),
        breakdowns=[build(scope, limit) for build in BREAKDOWNS.values()],
        awards_by_year=sorted((int(y), n) for y, n in awards.items() if y.isdigit()),
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


def programme_insight(programme: Programme, actor: ActorLike) -> ProgrammeInsight:
    """The replication funnel of the programme's target units (each unit counted at every step
    it passed), the dates its units adopted (their projects started), the days from the first
    learning event a unit was invited to until it started its project, and its replicas that
    ``actor`` may read ranked against their originals (better first)."""
    rows = replication_selectors.programme_unit_states(programme)
    funnel = []
    for key, label, states in FUNNEL:
        n = len(rows) if not states else sum(1 for r in rows if r.state in states)
        funnel.append((key, str(label), n))
    # the projects as plain values, one query (no documents, no objects): a programme can hold
    # thousands
    projects = list(
        replication_selectors.programme_projects(programme)
        .order_by()
        .values_list("created_at", "stage", "adopting_unit_id", "source_id", "replica_id")
    )
    adoption_dates = sorted(
        timezone.localtime(created).date()
        for created, stage, *_rest in projects
        if stage != Stage.STOPPED
    )
    sources = {source for *_a, source, _r in projects}
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
    for created, _stage, unit_id, _source, _replica in projects:
        seen = first_event.get(unit_id)
        if seen is not None and seen <= created:
            days.append((created - seen).days)
    linked = [(replica, source) for *_a, source, replica in projects if replica is not None]
    innovations = catalog_selectors.visible_innovations(actor).in_bulk(
        {pk for pair in linked for pk in pair}
    )
    pairs: list[tuple[Innovation, Innovation]] = [
        (innovations[r], innovations[s]) for r, s in linked if r in innovations and s in innovations
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
