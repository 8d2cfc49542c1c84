"""Reads of competitions shared by the pages and the API, filtered by the policies; related rows
fetched once here, and counts done by the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from lumbung.catalog import profile
from lumbung.catalog.models import Innovation
from lumbung.core.actors import ActorLike, as_actor, in_own_roles
from lumbung.core.policies import permitted
from lumbung.organisations.models import User

from .models import Assignment, Criterion, Entry, Group, Judge, Quota, Result, Round, Stage


def visible_rounds(actor: ActorLike) -> QuerySet[Round]:
    return permitted(actor, "competition_round.view", Round.objects.select_related("organiser"))


def round_detail(slug: str) -> Round | None:
    return (
        Round.objects.select_related("organiser", "feeds")
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.prefetch_related("sections")),
            Prefetch(
                "stages",
                queryset=Stage.objects.prefetch_related(
                    Prefetch("criteria", queryset=Criterion.objects.order_by("order", "id")),
                    "quotas__group",
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def _entries() -> QuerySet[Entry]:
    return Entry.objects.select_related("round", "group", "unit", "agency", "innovation")


def entry_detail(pk: int) -> Entry | None:
    return (
        _entries()
        .prefetch_related("answers__section", "inspirations", "sdgs", "group__sections")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class ProfileSection:
    title: str
    texts: list[tuple[str, str]]


def _label(name: str) -> str:
    field = Innovation._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def frozen_profile(entry: Entry) -> list[ProfileSection]:
    """The profile as the entry froze it, in the catalog's sections: each text field that has
    words, under its label (what the agency and the judges read)."""
    sections = []
    for section in profile.PAGE_SECTIONS:
        texts = [
            (_label(f.name), str(entry.profile.get(f.name)))
            for f in section.fields
            if f.display in (profile.Display.TEXT, profile.Display.LINES, profile.Display.FIGURE)
            and str(entry.profile.get(f.name) or "").strip()
        ]
        if texts:
            sections.append(ProfileSection(title=str(section.title), texts=texts))
    return sections


#: how many generations down the lineage a monitoring round looks for replications
SPAWN_DEPTH = 5


def spawned_replications(entry: Entry) -> list[Innovation]:
    """The published replications of the entry's innovation, generation by generation down the
    lineage (a replica of a replica too): what a past winner spawned."""
    found: list[Innovation] = []
    parents = [entry.innovation_id]
    for _generation in range(SPAWN_DEPTH):
        children = list(
            Innovation.objects.filter(
                source_id__in=parents, publication_state=Innovation.State.PUBLISHED
            )
            .select_related("agency")
            .order_by("generation", "name")
        )
        if not children:
            break
        found += children
        parents = [c.pk for c in children]
    return found


def my_entries(actor: ActorLike, round_: Round | None = None) -> QuerySet[Entry]:
    """Entries the person prepares (their units') or decides on (their agency's)."""
    who = in_own_roles(as_actor(actor))
    qs = _entries() if round_ is None else _entries().filter(round=round_)
    prepared = permitted(who, "competition_entry.prepare", qs).values("pk")
    decided = permitted(who, "competition_entry.decide", qs).values("pk")
    return qs.filter(Q(pk__in=prepared) | Q(pk__in=decided)).order_by("-round__year", "title")


def organiser_entries(actor: ActorLike, round_: Round) -> QuerySet[Entry]:
    return permitted(actor, "competition_entry.organise", _entries().filter(round=round_)).order_by(
        "group__order", "state", "title"
    )


def enterable_innovations(actor: ActorLike) -> QuerySet[Innovation]:
    """The innovations a person may enter: those of the units they manage."""
    return permitted(
        in_own_roles(as_actor(actor)), "innovation.change", Innovation.objects.all()
    ).order_by("name")


def judges_somewhere(user: User) -> bool:
    """Whether the person sits in an active judge pool (the navigation shows their workspace)."""
    return Judge.objects.filter(user=user, active=True).exists()


def my_assignments(actor: ActorLike) -> QuerySet[Assignment]:
    """A judge's assignments, with how many criteria they scored, deadlines first."""
    return (
        permitted(
            actor,
            "competition_assignment.score",
            Assignment.objects.select_related("stage__round", "entry__group"),
        )
        .annotate(
            scored=Count("scores", distinct=True),
            criteria=Count("stage__criteria", distinct=True),
        )
        .order_by("submitted_at", "stage__ends_at", "entry_id")
    )


@dataclass(frozen=True)
class Progress:
    judge: str
    assigned: int
    submitted: int


def judge_progress(stage: Stage) -> list[Progress]:
    rows = (
        Assignment.objects.filter(stage=stage)
        .values("judge_id", "judge__user__username", "judge__user__display_name")
        .annotate(assigned=Count("id"), submitted=Count("id", filter=Q(submitted_at__isnull=False)))
        .order_by("judge__user__display_name", "judge__user__username")
    )
    return [
        Progress(
            judge=r["judge__user__display_name"] or r["judge__user__username"],
            assigned=r["assigned"],
            submitted=r["submitted"],
        )
        for r in rows
    ]


def entry_progress(stage: Stage) -> QuerySet[Entry]:
    """The stage's entries with their number of judges and of submitted scorings."""
    return (
        Entry.objects.filter(assignments__stage=stage)
        .annotate(
            assigned=Count("assignments", filter=Q(assignments__stage=stage)),
            submitted=Count(
                "assignments",
                filter=Q(assignments__stage=stage, assignments__submitted_at__isnull=False),
            ),
        )
        .select_related("group")
        .order_by("group__order", "title")
    )


@dataclass(frozen=True)
class StageReport:
    """A closed stage as its organisers read it: the ranking, who was kept by agency type,
    province and 3T region, and how far the judges agreed on each criterion."""

    results: list[Result]
    balance: dict[str, dict[str, int]]
    agreement: list[tuple[str, float | None]]


def stage_report(stage: Stage) -> StageReport:
    from . import scoring
    from .services.results import stage_criteria, stage_marks

    rows = list(
        Result.objects.filter(stage=stage)
        .select_related("entry__group", "entry__agency__region__parent")
        .order_by("entry__group__order", "rank", "entry_id")
    )
    balance: dict[str, dict[str, int]] = {"agency_type": {}, "region": {}, "remote": {}}
    for r in rows:
        if not r.kept:
            continue
        agency = r.entry.agency
        region = agency.region
        for key, value in (
            ("agency_type", agency.get_kind_display()),
            ("region", region.province_name if region else "—"),
            ("remote", "3T" if region is not None and region.is_3t else "—"),
        ):
            balance[key][str(value)] = balance[key].get(str(value), 0) + 1
    names = {c.pk: c.name for c in stage.criteria.all()}
    alphas = scoring.agreement(stage_marks(stage), stage_criteria(stage))
    return StageReport(
        results=rows,
        balance=balance,
        agreement=[(names[pk], alpha) for pk, alpha in alphas.items()],
    )


def stage_results(actor: ActorLike, stage: Stage) -> QuerySet[Result]:
    return permitted(
        actor,
        "competition_result.view",
        Result.objects.filter(stage=stage).select_related(
            "entry__group", "entry__agency", "entry__unit", "entry__innovation"
        ),
    ).order_by("entry__group__order", "rank", "entry_id")


def award_quota(entry: Entry) -> tuple[bool, Quota | None]:
    """Whether a closed stage kept the entry, and the quota (with its award) of the last stage
    that kept it — the award publishing wrote."""
    kept = (
        Result.objects.filter(entry=entry, kept=True, stage__closed_at__isnull=False)
        .select_related("stage")
        .order_by("-stage__order", "-stage__starts_at")
        .first()
    )
    if kept is None:
        return False, None
    quota = (
        Quota.objects.filter(
            stage__round_id=entry.round_id,
            group_id=entry.group_id,
            stage__closed_at__isnull=False,
            stage__results__entry=entry,
            stage__results__kept=True,
        )
        .exclude(award_level="")
        .order_by("-stage__order", "-stage__starts_at")
        .first()
    )
    return True, quota


def closed_stages(round_: Round) -> QuerySet[Stage]:
    """The round's closed judged stages, the last first (the results page lists what each
    kept: Top 45 above Top 99)."""
    return round_.stages.filter(kind__in=Stage.JUDGED_KINDS, closed_at__isnull=False).order_by(
        "-order", "-starts_at"
    )


def final_stage(round_: Round) -> Stage | None:
    """The round's last closed judged stage (its results are the round's)."""
    return (
        round_.stages.filter(kind__in=Stage.JUDGED_KINDS, closed_at__isnull=False)
        .order_by("-order", "-starts_at")
        .first()
    )


def current_stage(round_: Round) -> Stage | None:
    now = timezone.now()
    return round_.stages.filter(starts_at__lte=now, ends_at__gte=now).order_by("order").first()
