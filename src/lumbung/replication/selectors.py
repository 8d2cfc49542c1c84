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
    target_ids = programme.targets.values("unit_id")
    return (
        _project_base()
        .filter(
            Q(programme=programme)
            | Q(programme__isnull=True, source_id__in=source_ids, adopting_unit_id__in=target_ids)
        )
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
    for project in programme_projects(programme):
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


@dataclass
class Coverage:
    target: int
    current: int
    target_units: int
    series: list[tuple[dt.date, int]]

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


def programme_coverage(programme: Programme, *, today: dt.date | None = None) -> Coverage:
    """How many target units run a replica (stage implementation or later), now and at the end
    of every month since the programme started, from the projects' transition history."""
    today = today or timezone.localdate()
    target_ids = set(programme.targets.values_list("unit_id", flat=True))
    projects = [p for p in programme_projects(programme) if p.adopting_unit_id in target_ids]
    transitions = Transition.objects.filter(project__in=[p.pk for p in projects]).order_by(
        "created_at", "id"
    )
    history: dict[int, list[tuple[dt.date, str]]] = {}
    for t in transitions:
        history.setdefault(t.project_id, []).append(
            (timezone.localtime(t.created_at).date(), t.to_stage)
        )
    unit_of = {p.pk: p.adopting_unit_id for p in projects}

    def covered_at(day: dt.date) -> int:
        units = set()
        for project_id, steps in history.items():
            stage = ""
            for when, to_stage in steps:
                if when > day:
                    break
                stage = to_stage
            if stage in gates.RUNNING_STAGES:
                units.add(unit_of[project_id])
        return len(units)

    end = min(today, programme.end_date or today)
    start = programme.start_date
    series = [(d, covered_at(d)) for d in _month_ends(start, end)] if start <= end else []
    current = len({p.adopting_unit_id for p in projects if p.stage in gates.RUNNING_STAGES})
    return Coverage(programme.coverage_target, current, len(target_ids), series)


def coverage_chart(coverage: Coverage, *, width: int = 640, height: int = 240) -> dict[str, Any]:
    """Geometry for a server-rendered SVG line chart of coverage against the target.

    Coordinates are strings with a decimal point whatever the reader's language (an SVG
    attribute must never get Indonesian's decimal comma)."""
    pad_left, pad_right, pad_top, pad_bottom = 40, 16, 16, 40
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    top = max([coverage.target, *[v for _d, v in coverage.series], 1])
    n = len(coverage.series)

    def x(i: int) -> float:
        return pad_left + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(v: float) -> float:
        return pad_top + inner_h - inner_h * v / top

    def fmt(value: float) -> str:
        return f"{value:.1f}"

    points = [
        {"x": fmt(x(i)), "y": fmt(y(v)), "date": d, "value": v, "ypos": y(v)}
        for i, (d, v) in enumerate(coverage.series)
    ]
    step = max(1, n // 6)
    target_y = y(coverage.target)
    return {
        "width": width,
        "height": height,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "target_y": fmt(target_y),
        "target_label_y": fmt(max(target_y - 4, 12)),
        "x0": pad_left,
        "x1": width - pad_right,
        "y0": pad_top + inner_h,
        "axis_label_x": pad_left - 6,
        "axis_top": pad_top,
        "label_y": pad_top + inner_h + 18,
        "labels": [
            {**p, "anchor": "start" if i == 0 else ("end" if i == n - 1 else "middle")}
            for i, p in enumerate(points)
            if (i % step == 0 and n - 1 - i >= step) or i == n - 1
        ],
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
