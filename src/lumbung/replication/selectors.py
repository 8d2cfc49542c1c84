"""Reads of replication that pages, the API and reports share."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import Innovation
from lumbung.core.actors import ActorLike, as_actor, in_own_roles
from lumbung.organisations.models import Unit

from . import gates
from .models import (
    AdaptationRecord,
    Commitment,
    CoreComponentStatus,
    DocumentKind,
    FacilitationSession,
    Form,
    FormDecision,
    Programme,
    ReplicaLinkRequest,
    ReplicationProject,
    Stage,
    Transition,
)
from .policies import commitments as commitment_policy
from .policies import link_requests as link_policy
from .policies import programmes as programme_policy
from .policies import projects as project_policy

# --- projects -------------------------------------------------------------------------------


def _project_base() -> QuerySet[ReplicationProject]:
    return ReplicationProject.objects.select_related(
        "source",
        "source__unit",
        "source__agency",
        "adopting_unit",
        "adopting_agency",
        "programme",
        "facilitator_agency",
        "replica",
    )


def project_visible_q(actor: ActorLike) -> Q:
    """Projects this person may read (the project policy's ``view``); the public reads none."""
    return project_policy.condition(actor, "view").to_q(ReplicationProject)


def visible_projects(
    actor: ActorLike, *, stage: str = "", programme: Programme | None = None
) -> QuerySet[ReplicationProject]:
    qs = project_policy.filter(actor, "view", _project_base())
    if stage:
        qs = qs.filter(stage=stage)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("-updated_at", "-id")


def project_detail(pk: int) -> ReplicationProject | None:
    return (
        _project_base()
        .prefetch_related(
            "facilitators",
            "programme__managers",
            "programme__facilitators",
            "documents",
            Prefetch("transitions", queryset=Transition.objects.select_related("actor")),
            "adaptations",
            "component_statuses",
            Prefetch("form_decisions", queryset=FormDecision.objects.select_related("decided_by")),
            "comments__author",
            Prefetch(
                "sessions",
                queryset=FacilitationSession.objects.prefetch_related("commitments__owner_unit"),
            ),
            Prefetch("commitments", queryset=Commitment.objects.select_related("owner_unit")),
        )
        .filter(pk=pk)
        .first()
    )


def active_project_for(source: Innovation, unit: Unit) -> ReplicationProject | None:
    """The running (not stopped) project of ``unit`` for ``source``, if there is one."""
    return (
        ReplicationProject.objects.filter(source=source, adopting_unit=unit)
        .exclude(stage=Stage.STOPPED)
        .first()
    )


def projects_of_source(source: Innovation) -> QuerySet[ReplicationProject]:
    return _project_base().filter(source=source).order_by("adopting_unit__name")


def document_kinds(project: ReplicationProject) -> set[str]:
    return {d.kind for d in project.documents.all()}


@dataclass
class GateItem:
    label: str
    met: bool


@dataclass
class GateStatus:
    next_stage: str | None
    next_label: str
    items: list[GateItem]
    targets: list[tuple[str, str]]

    @property
    def ready(self) -> bool:
        return all(i.met for i in self.items)


def gate_status(project: ReplicationProject) -> GateStatus:
    """What the next stage needs, what is there, and where the project may move."""
    labels = dict(Stage.choices)
    following = gates.next_stage(project.stage) if project.stage != Stage.STOPPED else None
    kinds = document_kinds(project)
    items = [GateItem(r.label, r.met_by(kinds)) for r in gates.requirements_for(following or "")]
    targets = [
        (s, str(labels[s]))
        for s in gates.allowed_targets(project.stage, stopped_from=project.stopped_from)
    ]
    return GateStatus(following, str(labels.get(following or "", "")), items, targets)


def stage_steps(project: ReplicationProject) -> list[dict[str, Any]]:
    """The five stages with done / current / to do (for a progress list)."""
    labels = dict(Stage.choices)
    current = project.stopped_from if project.stage == Stage.STOPPED else project.stage
    index = gates.stage_index(current)
    return [
        {
            "stage": s,
            "label": labels[s],
            "state": "done" if i < index else ("current" if i == index else "todo"),
        }
        for i, s in enumerate(gates.STAGE_ORDER)
    ]


@dataclass
class StagePeriod:
    """One stay of a project in a stage, with the records made during it (a stage left and
    entered again is two periods)."""

    stage: str
    label: str
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    #: the transition that ended the period (who, note, to which stage)
    ended_by: Transition | None = None
    documents: list[Any] = field(default_factory=list)
    sessions: list[Any] = field(default_factory=list)
    commitments: list[Any] = field(default_factory=list)
    comments: list[Any] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    @property
    def records(self) -> int:
        return (
            len(self.documents) + len(self.sessions) + len(self.commitments) + len(self.comments)
        )

    @property
    def number(self) -> int | None:
        """The stage's place in the five steps (none for "stopped")."""
        order = gates.STAGE_ORDER
        return order.index(self.stage) + 1 if self.stage in order else None


@dataclass
class StageRecord:
    """A project's stages as periods, the finished ones first; records of the current period
    and commitments still open stay on the page's own sections."""

    periods: list[StagePeriod]
    documents: list[Any]
    sessions: list[Any]
    commitments: list[Any]
    comments: list[Any]

    @property
    def finished(self) -> list[StagePeriod]:
        return [p for p in self.periods if not p.is_current]

    @property
    def current(self) -> StagePeriod | None:
        return self.periods[-1] if self.periods and self.periods[-1].is_current else None

    @property
    def earlier(self) -> dict[str, int]:
        """How many records of each kind are under the finished stages."""
        return {
            kind: sum(len(getattr(p, kind)) for p in self.finished)
            for kind in ("documents", "sessions", "commitments", "comments")
        }


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def stage_record(project: ReplicationProject) -> StageRecord:
    """The project's stage periods from its transitions, each with the documents uploaded,
    sessions held, closed commitments made and comments written during it. Reads the prefetched
    relations of :func:`project_detail` only (no query of its own)."""
    labels = dict(Stage.choices)
    transitions = list(project.transitions.all())
    periods: list[StagePeriod] = []
    for t in transitions:
        if periods:
            periods[-1].ended_at, periods[-1].ended_by = t.created_at, t
        label = str(labels.get(t.to_stage, t.to_stage))
        periods.append(StagePeriod(t.to_stage, label, t.created_at))

    def period_of(when: dt.datetime) -> StagePeriod | None:
        for period in periods:
            if period.ended_at is None or when < period.ended_at:
                return period
        return periods[-1] if periods else None

    record = StageRecord(periods, [], [], [], [])
    items: list[tuple[str, dt.datetime, Any]] = [
        *(("documents", d.uploaded_at, d) for d in project.documents.all()),
        *(("sessions", _day_start(s.date), s) for s in project.sessions.all()),
        *(("commitments", c.created_at, c) for c in project.commitments.all()),
        *(("comments", c.created_at, c) for c in project.comments.all()),
    ]
    for kind, when, item in items:
        period = period_of(when)
        keep_here = (
            period is None or period.is_current or (kind == "commitments" and item.is_open)
        )
        if period is not None and (period.is_current or not keep_here):
            getattr(period, kind).append(item)
        if keep_here:
            getattr(record, kind).append(item)
    return record


# --- adaptation record and the form check ---------------------------------------------------


def core_components(project: ReplicationProject) -> list[str]:
    """The source's core components (one per line of its profile), in the original language."""
    return [
        line.strip(" -•\t")[:300]
        for line in project.source.core_components.splitlines()
        if line.strip(" -•\t")
    ]


@dataclass
class FidelitySummary:
    declared_form: str
    components: list[dict[str, Any]]
    kept: int = 0
    adapted: int = 0
    dropped: int = 0
    unassessed: int = 0
    changes: int = 0
    by_fidelity: dict[str, int] = field(default_factory=dict)
    mismatch: str = ""
    suggested_form: str = ""
    decision: FormDecision | None = None

    @property
    def signature(self) -> str:
        return self.signature_for(self.declared_form)

    def signature_for(self, form: str) -> str:
        f = self.by_fidelity
        return (
            f"{form}|k{self.kept}|a{self.adapted}|d{self.dropped}|c{self.changes}"
            f"|i{f.get('inconsistent', 0)}"
        )

    @property
    def needs_decision(self) -> bool:
        return bool(self.mismatch) and self.decision is None

    @property
    def mismatch_message(self) -> str:
        return str(MISMATCH_MESSAGES.get(self.mismatch, ""))


MISMATCH_MESSAGES = {
    "adoption_changed": _(
        "Declared as an adoption, but the record shows core components adapted or dropped, or a "
        "change that does not keep them. Is it an adaptation or a modification?"
    ),
    "adaptation_dropped": _(
        "Declared as an adaptation, but the record shows core components dropped or a change "
        "that does not keep them. Is it a modification?"
    ),
    "modification_unchanged": _(
        "Declared as a modification, but no change is recorded. Record what changed, or is it "
        "an adoption?"
    ),
}


def form_check(
    declared_form: str,
    outcomes: list[str],
    changes: int,
    inconsistent_changes: int,
    *,
    stage: str,
) -> tuple[str, str]:
    """Compare the declared form with the record: (mismatch code, suggested form) or ("", "").

    - adoption: nothing of the core may change (no component adapted or dropped, no
      fidelity-inconsistent change);
    - adaptation: core components kept (adapted is fine), none dropped, no inconsistent change;
    - modification: something must have changed — checked once the replica runs (a plan in
      preparation has nothing recorded yet).
    """
    count = Counter(outcomes)
    touched = count["adapted"] + count["dropped"] + inconsistent_changes
    if declared_form == Form.ADOPTION and touched:
        suggested = (
            Form.MODIFICATION if count["dropped"] or inconsistent_changes else Form.ADAPTATION
        )
        return "adoption_changed", suggested
    if declared_form == Form.ADAPTATION and (count["dropped"] or inconsistent_changes):
        return "adaptation_dropped", Form.MODIFICATION
    if (
        declared_form == Form.MODIFICATION
        and not changes
        and not touched
        and (stage in gates.RUNNING_STAGES or stage == Stage.STOPPED)
    ):
        return "modification_unchanged", Form.ADOPTION
    return "", ""


def fidelity_summary(project: ReplicationProject) -> FidelitySummary:
    components = core_components(project)
    statuses = {s.component: s for s in project.component_statuses.all()}
    rows: list[dict[str, Any]] = []
    for component in components:
        status = statuses.get(component)
        rows.append(
            {
                "component": component,
                "outcome": status.outcome if status else "",
                "outcome_label": status.get_outcome_display() if status else _("not assessed"),
                "note": status.note if status else "",
            }
        )
    outcomes = [r["outcome"] for r in rows if r["outcome"]]
    records = list(project.adaptations.all())
    by_fidelity = dict(Counter(r.fidelity for r in records))
    summary = FidelitySummary(
        declared_form=project.declared_form,
        components=rows,
        kept=outcomes.count("kept"),
        adapted=outcomes.count("adapted"),
        dropped=outcomes.count("dropped"),
        unassessed=len(components) - len(outcomes),
        changes=len(records),
        by_fidelity=by_fidelity,
    )
    summary.mismatch, summary.suggested_form = form_check(
        project.declared_form,
        outcomes,
        len(records),
        by_fidelity.get(AdaptationRecord.Fidelity.INCONSISTENT, 0),
        stage=project.stage,
    )
    if summary.mismatch:
        signature = summary.signature
        summary.decision = next(
            (d for d in project.form_decisions.all() if d.signature == signature), None
        )
    return summary


# --- programmes -----------------------------------------------------------------------------

#: A target unit's state in a programme, best first when a unit has several projects.
UNIT_STATES: list[tuple[str, Any]] = [
    ("institutionalised", _("institutionalised")),
    ("evaluated", _("evaluated")),
    ("implementing", _("implementing")),
    ("planning", _("planning")),
    ("preparing", _("preparing")),
    ("committed", _("committed")),
    ("stopped", _("stopped")),
    ("not_started", _("not started")),
]
UNIT_STATE_LABELS = dict(UNIT_STATES)
_RANK = {code: i for i, (code, _label) in enumerate(UNIT_STATES)}


#: The unit state of a project in the other stages (evaluation depends on its documents).
_STAGE_STATES: dict[str, str] = {
    Stage.IMPLEMENTATION: "implementing",
    Stage.PLANNING: "planning",
    Stage.PREPARATION: "preparing",
    Stage.STOPPED: "stopped",
}


def project_unit_state(project: ReplicationProject, kinds: set[str] | None = None) -> str:
    stage = project.stage
    if stage == Stage.INSTITUTIONALISED:
        return "institutionalised"
    if stage == Stage.EVALUATION:
        kinds = document_kinds(project) if kinds is None else kinds
        return "evaluated" if DocumentKind.EVALUATION_REPORT in kinds else "implementing"
    return _STAGE_STATES[stage]


def programme_list() -> QuerySet[Programme]:
    return (
        Programme.objects.select_related("agency", "facilitator_agency")
        .prefetch_related("sources")
        .annotate(target_count=Count("targets", distinct=True))
        .order_by("-start_date", "name")
    )


def programme_detail(slug: str) -> Programme | None:
    return (
        Programme.objects.select_related("agency", "facilitator_agency")
        .prefetch_related("sources__unit", "managers", "facilitators")
        .filter(slug=slug)
        .first()
    )


def programme_projects(programme: Programme) -> QuerySet[ReplicationProject]:
    """The programme's projects, and projects of its target units for its sources started
    outside it."""
    source_ids = list(programme.sources.values_list("pk", flat=True))
    return (
        _project_base()
        .filter(_programme_projects_q(programme, source_ids))
        .prefetch_related("documents")
    )


@dataclass
class UnitRow:
    unit: Unit
    state: str
    project: ReplicationProject | None
    open_commitments: int = 0
    overdue_commitments: int = 0

    @property
    def state_label(self) -> str:
        return str(UNIT_STATE_LABELS[self.state])


def programme_unit_states(programme: Programme) -> list[UnitRow]:
    """Per target unit, where it stands (best state of its projects; "committed" when it made
    a commitment in the programme but has no project yet)."""
    units = list(
        Unit.objects.filter(programme_targets__programme=programme)
        .select_related("agency", "region")
        .order_by("name")
    )
    best: dict[int, tuple[str, ReplicationProject]] = {}
    # only the target units' projects matter here (a programme may hold thousands of others)
    for project in programme_projects(programme).filter(adopting_unit__in=[u.pk for u in units]):
        state = project_unit_state(project, {d.kind for d in project.documents.all()})
        current = best.get(project.adopting_unit_id)
        if current is None or _RANK[state] < _RANK[current[0]]:
            best[project.adopting_unit_id] = (state, project)
    today = timezone.localdate()
    counts = {
        row["owner_unit_id"]: row
        for row in Commitment.objects.filter(programme=programme)
        .values("owner_unit_id")
        .annotate(
            live=Count("pk", filter=~Q(status=Commitment.Status.CANCELLED)),
            open=Count("pk", filter=Q(status__in=Commitment.OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=Commitment.OPEN_STATUSES, due_date__lt=today)),
        )
    }
    rows = []
    for unit in units:
        state, unit_project = best.get(unit.pk, ("not_started", None))
        c: Mapping[str, Any] = counts.get(unit.pk, {})
        if state == "not_started" and c.get("live", 0):
            state = "committed"
        rows.append(UnitRow(unit, state, unit_project, c.get("open", 0), c.get("overdue", 0)))
    rows.sort(key=lambda r: (_RANK[r.state], r.unit.name))
    return rows


def state_counts(rows: list[UnitRow]) -> list[dict[str, Any]]:
    counter = Counter(r.state for r in rows)
    return [
        {"state": code, "label": str(label), "count": counter.get(code, 0)}
        for code, label in UNIT_STATES
    ]


#: The bands of the programme chart, bottom first: target units by the furthest stage their
#: projects had reached at a date ("committed": a commitment in the programme, no project yet).
#: A unit whose only projects stopped is in no band.
STAGE_BANDS: list[tuple[str, Any]] = [
    ("institutionalised", _("institutionalised")),
    ("implementing", _("implementing or evaluating")),
    ("preparing", _("preparing or planning")),
    ("committed", _("committed, no project yet")),
]
STAGE_BAND_LABELS = dict(STAGE_BANDS)
RUNNING_BANDS = ("institutionalised", "implementing")
_BAND_OF_STAGE: dict[str, str] = {
    Stage.PREPARATION: "preparing",
    Stage.PLANNING: "preparing",
    Stage.IMPLEMENTATION: "implementing",
    Stage.EVALUATION: "implementing",
    Stage.INSTITUTIONALISED: "institutionalised",
    Stage.STOPPED: "stopped",
}
#: best first; "stopped" outranks a commitment alone, as on the table of target units
_BAND_RANK = {"institutionalised": 0, "implementing": 1, "preparing": 2, "stopped": 3}


@dataclass
class CoveragePoint:
    date: dt.date
    #: target units per band of :data:`STAGE_BANDS`
    counts: dict[str, int]
    is_today: bool = False

    @property
    def running(self) -> int:
        return sum(self.counts[b] for b in RUNNING_BANDS)

    def bands(self) -> list[int]:
        """The counts in the order of :data:`STAGE_BANDS` (for tables)."""
        return [self.counts[code] for code, _label in STAGE_BANDS]


@dataclass
class Coverage:
    target: int
    current: int
    target_units: int
    points: list[CoveragePoint]
    end_date: dt.date | None = None

    @property
    def series(self) -> list[tuple[dt.date, int]]:
        """Units running a replica at the end of every month and today."""
        return [(p.date, p.running) for p in self.points]

    @property
    def now(self) -> dict[str, int]:
        return self.points[-1].counts if self.points else dict.fromkeys(STAGE_BAND_LABELS, 0)

    @property
    def bands_now(self) -> list[dict[str, Any]]:
        now = self.now
        return [
            {"band": code, "label": str(label), "count": now[code]} for code, label in STAGE_BANDS
        ]

    @property
    def percent(self) -> int:
        return round(100 * self.current / self.target) if self.target else 0


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    points = []
    year, month = start.year, start.month
    while True:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
        if last >= end:
            points.append(end)
            break
        points.append(last)
        year, month = nxt.year, nxt.month
    return points


def _programme_projects_q(programme: Programme, source_ids: list[int]) -> Q:
    return Q(programme=programme) | Q(
        programme__isnull=True,
        source_id__in=source_ids,
        adopting_unit_id__in=programme.targets.values("unit_id"),
    )


def _stage_at(steps: list[tuple[dt.date, str]], day: dt.date) -> str:
    """The stage a project was in at the end of ``day`` ("" before it started)."""
    stage = ""
    for when, to_stage in steps:
        if when > day:
            break
        stage = to_stage
    return stage


def _counts_at(
    day: dt.date,
    histories: dict[int, list[list[tuple[dt.date, str]]]],
    committed_since: dict[int, dt.date],
) -> dict[str, int]:
    counts = dict.fromkeys(STAGE_BAND_LABELS, 0)
    for unit_id in histories.keys() | committed_since.keys():
        stages = [_stage_at(h, day) for h in histories.get(unit_id, [])]
        bands = [_BAND_OF_STAGE[s] for s in stages if s]
        if bands:
            best = min(bands, key=_BAND_RANK.__getitem__)
            if best != "stopped":
                counts[best] += 1
        elif committed_since.get(unit_id, day + dt.timedelta(days=1)) <= day:
            counts["committed"] += 1
    return counts


def programme_coverage(programme: Programme, *, today: dt.date | None = None) -> Coverage:
    """Where the target units stood at the end of every month since the programme started, and
    today (also after the programme's end date), from the projects' stage transitions and the
    units' commitments in the programme. Five queries, however many projects."""
    today = today or timezone.localdate()
    target_ids = set(programme.targets.values_list("unit_id", flat=True))
    source_ids = list(programme.sources.values_list("pk", flat=True))
    projects = dict(
        ReplicationProject.objects.filter(
            _programme_projects_q(programme, source_ids), adopting_unit_id__in=target_ids
        ).values_list("pk", "adopting_unit_id")
    )
    steps: dict[int, list[tuple[dt.date, str]]] = {}
    for project_id, created_at, to_stage in (
        Transition.objects.filter(project_id__in=list(projects))
        .order_by("created_at", "id")
        .values_list("project_id", "created_at", "to_stage")
    ):
        steps.setdefault(project_id, []).append((timezone.localtime(created_at).date(), to_stage))
    histories: dict[int, list[list[tuple[dt.date, str]]]] = {}
    for project_id, unit_id in projects.items():
        histories.setdefault(unit_id, []).append(steps.get(project_id, []))
    committed_since: dict[int, dt.date] = {}
    for unit_id, created_at in (
        Commitment.objects.filter(programme=programme, owner_unit_id__in=target_ids)
        .exclude(status=Commitment.Status.CANCELLED)
        .values_list("owner_unit_id", "created_at")
    ):
        day = timezone.localtime(created_at).date()
        committed_since[unit_id] = min(day, committed_since.get(unit_id, day))
    start = programme.start_date
    days = _month_ends(start, today) if start <= today else []
    points = [
        CoveragePoint(d, _counts_at(d, histories, committed_since), is_today=d == today)
        for d in days
    ]
    current = sum(_counts_at(today, histories, {}).get(b, 0) for b in RUNNING_BANDS)
    return Coverage(
        programme.coverage_target, current, len(target_ids), points, end_date=programme.end_date
    )


CHART_PATTERNS = {
    "institutionalised": "",
    "implementing": "",
    "preparing": "chart-dots",
    "committed": "chart-hatch",
}


def _nice_step(top: int) -> int:
    """A step of 1, 2 or 5 times a power of ten giving at most five ticks up to ``top``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if top / step <= 5:
                return step
        magnitude *= 10


def _date_label_indices(days: list[dt.date], xs: list[float], gap: float = 110) -> list[int]:
    """Which points get a date under the x-axis: the first, the last (today) and, between them,
    every January (every quarter over two years or less, every month over six months or less),
    at least ``gap`` apart (room for "Sep 2026" in the large type of a phone)."""
    if len(days) < 2:
        return list(range(len(days)))
    months = (days[-1].year - days[0].year) * 12 + days[-1].month - days[0].month
    every = 12 if months > 24 else (3 if months > 6 else 1)
    # a label is centred on its point, the first starts there and the last ends there
    centre = [x + (gap / 2 if i == 0 else 0) for i, x in enumerate(xs)]
    centre[-1] = xs[-1] - gap / 2
    chosen = [0]
    for i in range(1, len(days) - 1):
        if (days[i].month - 1) % every == 0 and centre[i] - centre[chosen[-1]] >= gap:
            chosen.append(i)
    while len(chosen) > 1 and centre[-1] - centre[chosen[-1]] < gap:
        chosen.pop()
    if centre[-1] - centre[0] >= gap or len(chosen) > 1:
        chosen.append(len(days) - 1)
    return chosen


def coverage_chart(coverage: Coverage, *, width: int = 560, height: int = 300) -> dict[str, Any]:
    """Geometry for a server-rendered SVG chart: the target units stacked by stage over time,
    the units running a replica as a line over the running bands, the target as a dashed line,
    y-axis ticks, a few dates on the x-axis and the current value at the last point.

    Coordinates are strings with a decimal point whatever the reader's language (an SVG
    attribute must never get Indonesian's decimal comma)."""
    pad_left, pad_right, pad_top, pad_bottom = 44, 24, 28, 40
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    points = coverage.points
    totals = [sum(p.counts.values()) for p in points]
    step = _nice_step(max([coverage.target, *totals, 1]))
    top = step * -(-max([coverage.target, *totals, 1]) // step)
    first = points[0].date if points else None
    span = (points[-1].date - first).days if points and first else 0

    def x(day: dt.date) -> float:
        if first is None or span == 0:
            return pad_left + inner_w / 2
        return pad_left + inner_w * (day - first).days / span

    def y(v: float) -> float:
        return pad_top + inner_h - inner_h * v / top

    def fmt(value: float) -> str:
        return f"{value:.1f}"

    xs = [x(p.date) for p in points]
    bands = []
    below = [0] * len(points)
    for code, label in STAGE_BANDS:
        above = [b + p.counts[code] for b, p in zip(below, points, strict=True)]
        if any(p.counts[code] for p in points):
            if len(points) == 1:  # one point: a bar a few units wide
                outline = [(xs[0] - 6, above[0]), (xs[0] + 6, above[0])]
                base = [(xs[0] + 6, below[0]), (xs[0] - 6, below[0])]
            else:
                outline = list(zip(xs, above, strict=True))
                base = list(zip(reversed(xs), reversed(below), strict=True))
            bands.append(
                {
                    "band": code,
                    "label": label,
                    "pattern": CHART_PATTERNS[code],
                    "points": " ".join(f"{fmt(px)},{fmt(y(v))}" for px, v in outline + base),
                }
            )
        below = above
    line = [(fmt(px), fmt(y(p.running))) for px, p in zip(xs, points, strict=True)]
    n = len(points)
    target_y = y(coverage.target)
    last = points[-1] if points else None
    end = coverage.end_date
    end_x = x(end) if end and first and first < end < points[-1].date else None
    return {
        "width": width,
        "height": height,
        "bands": bands,
        "polyline": " ".join(f"{px},{py}" for px, py in line),
        "dots": [{"x": px, "y": py} for px, py in line],
        "ticks": [
            {"value": v, "y": fmt(y(v)), "label_y": fmt(y(v) + 4)}
            for v in range(0, top + 1, step)
        ],
        "target_y": fmt(target_y),
        "target_label_y": fmt(target_y - 6),
        "x0": pad_left,
        "x1": width - pad_right,
        "y0": pad_top + inner_h,
        "axis_label_x": pad_left - 6,
        "axis_top": pad_top,
        "label_y": pad_top + inner_h + 20,
        "labels": [
            {
                "x": fmt(xs[i]),
                "date": points[i].date,
                "anchor": "start" if i == 0 else ("end" if i == n - 1 else "middle"),
            }
            for i in _date_label_indices([p.date for p in points], xs)
        ],
        "current": None
        if last is None
        else {
            "value": last.running,
            "x": fmt(xs[-1]),
            "y": fmt(max(y(last.running) - 10, pad_top + 12)),
        },
        "end_x": fmt(end_x) if end_x is not None else "",
        "end_label_y": pad_top + 18,
        "top": top,
    }


def programmes_for(actor: ActorLike) -> QuerySet[Programme]:
    """Programmes this person manages or facilitates."""
    if not as_actor(actor).is_authenticated:
        return Programme.objects.none()
    return programme_policy.filter(actor, "facilitate", programme_list())


# --- commitments ----------------------------------------------------------------------------


def commitment_visible_q(actor: ActorLike) -> Q:
    return commitment_policy.condition(actor, "view").to_q(Commitment)


def commitments_for(
    actor: ActorLike,
    *,
    status: str = "",
    overdue: bool = False,
    programme: Programme | None = None,
    project: ReplicationProject | None = None,
    origin: str = "",
) -> QuerySet[Commitment]:
    qs = commitment_policy.filter(actor, "view").select_related(
        "owner_unit", "owner_unit__agency", "project", "project__source", "programme"
    )
    if status == "open":
        qs = qs.filter(status__in=Commitment.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=Commitment.OPEN_STATUSES, due_date__lt=timezone.localdate())
    if programme is not None:
        qs = qs.filter(programme=programme)
    if project is not None:
        qs = qs.filter(project=project)
    if origin:
        qs = qs.filter(origin=origin)
    return qs.order_by("due_date", "pk")


def overdue_for_followers(actor: ActorLike) -> QuerySet[Commitment]:
    """Overdue commitments a facilitator or programme manager follows up: those of the projects
    they facilitate and of the programmes they manage or facilitate."""
    who = as_actor(actor)
    if not who.is_authenticated:
        return Commitment.objects.none()
    today = timezone.localdate()
    qs = Commitment.objects.filter(status__in=Commitment.OPEN_STATUSES, due_date__lt=today)
    if not who.is_platform_admin:
        followed = project_policy.facilitator(who).via("project") | programme_policy.facilitate(
            who
        ).via("programme")
        qs = qs.filter(followed.to_q(Commitment))
    return qs.select_related("owner_unit", "project", "project__source", "programme").order_by(
        "due_date", "pk"
    )


def commitment_detail(pk: int) -> Commitment | None:
    return (
        Commitment.objects.select_related(
            "owner_unit",
            "owner_unit__agency",
            "project",
            "project__source",
            "programme",
            "session",
        )
        .filter(pk=pk)
        .first()
    )


def session_list(
    *, project: ReplicationProject | None = None, programme: Programme | None = None
) -> QuerySet[FacilitationSession]:
    qs = FacilitationSession.objects.select_related("project", "programme", "created_by")
    if project is not None:
        qs = qs.filter(project=project)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.prefetch_related("commitments__owner_unit").order_by("-date", "-id")


def component_status_map(project: ReplicationProject) -> dict[str, CoreComponentStatus]:
    return {s.component: s for s in project.component_statuses.all()}


# --- replica link requests ---------------------------------------------------------------------


def link_requests_for(actor: ActorLike, *, status: str = "") -> QuerySet[ReplicaLinkRequest]:
    """Requests this person may see: those made to their agency, and those of their projects;
    the pending ones first, then the newest."""
    qs = link_policy.filter(
        actor,
        "view",
        ReplicaLinkRequest.objects.select_related(
            "innovation", "project", "project__adopting_unit", "project__source"
        ),
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-status", "-requested_at", "-id")


def link_requests_to_answer(actor: ActorLike) -> QuerySet[ReplicaLinkRequest]:
    """Pending requests this person may answer (as the innovation's agency admin)."""
    return link_policy.filter(
        in_own_roles(as_actor(actor)),
        "answer",
        link_requests_for(actor, status=ReplicaLinkRequest.Status.PENDING),
    )
