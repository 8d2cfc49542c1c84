"""API router for competitions: rounds and their set-up, entries, judges, assignments, scores
and results — the same permissions as the pages (``competitions.policies``).

A round or entry the caller may not see is 404; one they see but may not act on is 403. A
judge reads only their own assignments and scores; results are public once published. Writes go
through ``competitions.services``. Errors: ``{"detail": ..., "errors": [...]}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from lumbung.catalog.models import Innovation
from lumbung.core.http.auth import READ_AUTH, current_user, optional_auth_openapi
from lumbung.core.http.errors import error_responses
from lumbung.core.http.schemas import PageParams, page_of, paginate
from lumbung.core.policies import can, require
from lumbung.organisations.models import Agency, User

from . import selectors
from .models import Assignment, Entry, Judge, Round, Stage
from .schemas import (
    AssignIn,
    AssignmentOut,
    AssignOut,
    CheckIn,
    CloseOut,
    ConflictIn,
    CopyIn,
    EntryIn,
    EntryOut,
    EntryUpdateIn,
    FeedIn,
    GroupIO,
    JudgeIn,
    JudgeOut,
    ProgressOut,
    PublishOut,
    ReasonIn,
    ResultOut,
    RoundIn,
    RoundListOut,
    RoundOut,
    ScoresIn,
    SetupIn,
    StageIO,
)
from .services import entries as entry_services
from .services import judging, results, rounds
from .times import deadline_label

router = Router(tags=["competitions"])

WRITE_ERRORS = error_responses(401, 403, 404, 422)


def _read(**kwargs: Any) -> dict[str, Any]:
    return {"auth": READ_AUTH, "openapi_extra": optional_auth_openapi(), **kwargs}


# --- lookups --------------------------------------------------------------------------------


def _round(request: HttpRequest, slug: str) -> Round:
    round_ = selectors.round_detail(slug)
    if round_ is None or not can(current_user(request), "competition_round.view", round_):
        raise Http404
    return round_


def _entry(request: HttpRequest, pk: int) -> Entry:
    entry = selectors.entry_detail(pk)
    if entry is None or not can(current_user(request), "competition_entry.view", entry):
        raise Http404
    return entry


def _stage(request: HttpRequest, pk: int) -> Stage:
    stage = Stage.objects.select_related("round").filter(pk=pk).first()
    if stage is None or not can(current_user(request), "competition_round.view", stage.round):
        raise Http404
    return stage


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("stage__round", "entry", "judge__user")
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not can(
        current_user(request), "competition_assignment.view", assignment
    ):
        raise Http404
    return assignment


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


# --- output ---------------------------------------------------------------------------------


def _round_list_out(r: Round) -> dict[str, Any]:
    return {
        "slug": r.slug,
        "title": r.title,
        "year": r.year,
        "level": r.level,
        "state": r.state,
        "organiser": _ref(r.organiser),
        "url": reverse("competitions:round", args=[r.slug]),
    }


def _groups(r: Round) -> list[dict[str, Any]]:
    return [
        {
            "code": g.code,
            "name": g.name,
            "name_en": g.name_en,
            "kind": g.kind,
            "description": g.description,
            "min_running_months": g.min_running_months,
            "requires_inspiration": g.requires_inspiration,
            "requires_past_winner": g.requires_past_winner,
            "required_documents": list(g.required_documents),
            "sections": [
                {
                    "title": s.title,
                    "word_limit": s.word_limit,
                    "guidance": s.guidance,
                    "required": s.required,
                }
                for s in g.sections.all()
            ],
        }
        for g in r.groups.all()
    ]


def _round_out(request: HttpRequest, r: Round) -> dict[str, Any]:
    out = _round_list_out(r)
    out.update(
        title_en=r.title_en,
        description=r.description,
        time_zone=r.time_zone,
        entries_per_agency=r.entries_per_agency,
        award_competition=r.award_competition,
        groups=_groups(r),
        stages=[
            {
                "id": s.pk,
                "kind": s.kind,
                "name": s.name,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "starts_label": deadline_label(s.starts_at, r),
                "ends_label": deadline_label(s.ends_at, r),
                "blind": s.blind,
                "judges_per_entry": s.judges_per_entry,
                "consensus": s.consensus,
                "closed_at": s.closed_at,
                "criteria": [
                    {
                        "id": c.pk,
                        "name": c.name,
                        "weight": str(c.weight),
                        "scale_min": c.scale_min,
                        "scale_max": c.scale_max,
                        "guidance": c.guidance,
                    }
                    for c in s.criteria.all()
                ],
                "quotas": [
                    {
                        "group": q.group.code,
                        "top": q.top,
                        "award_level": q.award_level,
                        "per_agency_type": q.per_agency_type,
                        "per_region": q.per_region,
                    }
                    for q in s.quotas.all()
                ],
            }
            for s in r.stages.all()
        ],
        can_organise=can(current_user(request), "competition_round.organise", r),
    )
    return out


def _entry_out(entry: Entry, *, detail: bool = True) -> dict[str, Any]:
    """An entry as the API shows it; in lists (``detail=False``) without the replications a
    monitoring round lists (one lineage walk per entry), so a page costs the same queries
    whatever its size."""
    return {
        "id": entry.pk,
        "round": entry.round.slug,
        "group": entry.group.code,
        "title": entry.title,
        "state": entry.state,
        "reason": entry.reason,
        "unit": _ref(entry.unit),
        "agency": _ref(entry.agency),
        "innovation": entry.innovation.slug,
        "video_url": entry.video_url,
        "sdgs": sorted(s.number for s in entry.sdgs.all()),
        "inspirations": [i.slug for i in entry.inspirations.all()],
        "answers": [
            {
                "section": a.section_id,
                "title": a.section.title,
                "word_limit": a.section.word_limit,
                "words": entry_services.count_words(a.text),
                "text": a.text,
            }
            for a in entry.answers.all()
        ],
        "profile": entry.profile,
        "continuing": entry.continuing,
        "stopped_on": entry.stopped_on,
        "stop_reason": entry.stop_reason,
        "replications": [i.slug for i in selectors.spawned_replications(entry)]
        if detail and entry.round.level == Round.Level.MONITORING
        else [],
        "submitted_at": entry.submitted_at,
        "url": reverse("competitions:entry", args=[entry.pk]),
    }


def _blind_entry_out(entry: Entry) -> dict[str, Any]:
    out = _entry_out(entry)
    out.update(
        title="",
        unit=None,
        agency=None,
        innovation=None,
        inspirations=[],
        url="",
        profile={},
        replications=[],
    )
    return out


def _assignment_out(request: HttpRequest, a: Assignment) -> dict[str, Any]:
    blind = not judging.may_see_identity(current_user(request), a)
    return {
        "id": a.pk,
        "stage": a.stage_id,
        "stage_name": a.stage.name,
        "round": a.stage.round.slug,
        "entry": a.entry_id,
        "entry_title": None if blind else a.entry.title,
        "deadline": a.stage.ends_at,
        "submitted_at": a.submitted_at,
        "scores": [
            {"criterion": s.criterion_id, "value": s.value, "comment": s.comment}
            for s in a.scores.all()
        ],
    }


def _setup(payload: SetupIn | RoundIn) -> dict[str, Any]:
    def group(g: GroupIO) -> rounds.GroupSpec:
        data = g.dict()
        sections = tuple(rounds.SectionSpec(**s) for s in data.pop("sections"))
        documents = tuple(data.pop("required_documents"))
        return rounds.GroupSpec(**data, sections=sections, required_documents=documents)

    def stage(s: StageIO) -> rounds.StageSpec:
        data = s.dict()
        criteria = tuple(rounds.CriterionSpec(**c) for c in data.pop("criteria"))
        quotas = tuple(rounds.QuotaSpec(**q) for q in data.pop("quotas"))
        return rounds.StageSpec(**data, criteria=criteria, quotas=quotas)

    return {
        "groups": [group(g) for g in payload.groups],
        "stages": [stage(s) for s in payload.stages],
    }


# --- rounds ---------------------------------------------------------------------------------


@router.get(
    "/competitions/rounds",
    response={200: page_of(RoundListOut), **error_responses(401, 422)},
    **_read(),
)
def round_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Rounds the caller may see: running and published ones; rounds being set up for their
    organisers."""
    result = paginate(selectors.visible_rounds(current_user(request)), page)
    result["items"] = [_round_list_out(r) for r in result["items"]]
    return result


@router.get(
    "/competitions/rounds/{slug:slug}",
    response={200: RoundOut, **error_responses(401, 404)},
    **_read(),
)
def round_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A round with its set-up: groups and their sections, stages with dates (and their labels
    in WIB/WITA/WIT), rubrics and quotas."""
    return _round_out(request, _round(request, slug))


@router.post("/competitions/rounds", response={201: RoundOut, **WRITE_ERRORS})
def round_create(request: HttpRequest, payload: RoundIn) -> Status:
    """Create a round (being set up) with its whole set-up in one document."""
    organiser = Agency.objects.filter(pk=payload.organiser).first()
    if organiser is None:
        raise ValidationError({"organiser": _("Unknown agency.")})
    data = payload.dict(exclude={"organiser", "groups", "stages", "feeds"})
    if payload.feeds:
        fed = selectors.round_detail(payload.feeds)
        if fed is None or not can(current_user(request), "competition_round.view", fed):
            raise ValidationError({"feeds": _("Unknown round.")})
        data["feeds"] = fed
    round_ = rounds.round_define(
        actor=current_user(request), organiser=organiser, **data, **_setup(payload)
    )
    return Status(201, _round_out(request, _round(request, round_.slug)))


@router.put("/competitions/rounds/{slug:slug}/setup", response={200: RoundOut, **WRITE_ERRORS})
def round_setup(request: HttpRequest, slug: str, payload: SetupIn) -> dict[str, Any]:
    """Replace the set-up of a round being set up (groups, sections, stages, criteria, quotas)."""
    round_ = _round(request, slug)
    rounds.round_configure(actor=current_user(request), round_=round_, **_setup(payload))
    return _round_out(request, _round(request, slug))


@router.post("/competitions/rounds/{slug:slug}/copy", response={201: RoundOut, **WRITE_ERRORS})
def round_copy(request: HttpRequest, slug: str, payload: CopyIn) -> Status:
    """A new round with this round's set-up, its dates moved to ``year``."""
    source = _round(request, slug)
    copy = rounds.round_copy(
        actor=current_user(request), source=source, year=payload.year, title=payload.title
    )
    return Status(201, _round_out(request, _round(request, copy.slug)))


@router.post("/competitions/rounds/{slug:slug}/open", response={200: RoundOut, **WRITE_ERRORS})
def round_open(request: HttpRequest, slug: str) -> dict[str, Any]:
    rounds.round_open(actor=current_user(request), round_=_round(request, slug))
    return _round_out(request, _round(request, slug))


@router.post("/competitions/rounds/{slug:slug}/publish", response={200: PublishOut, **WRITE_ERRORS})
def round_publish(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Publish the results and write the awards to the catalog (once)."""
    written = results.results_publish(actor=current_user(request), round_=_round(request, slug))
    return {"awards_written": written}


@router.post(
    "/competitions/rounds/{slug:slug}/feed",
    response={201: list[EntryOut], **WRITE_ERRORS},
)
def round_feed(request: HttpRequest, slug: str, payload: FeedIn) -> Status:
    """The entries this internal selection kept become the agency's entries of the national
    round it feeds (waiting for the agency admin's submission)."""
    source = _round(request, slug)
    target = source.feeds
    if target is None:
        raise ValidationError(_("This selection feeds no round."))
    mapping = {}
    for code, target_code in payload.groups.items():
        group = source.groups.filter(code=code).first()
        national = target.groups.filter(code=target_code).first()
        if group is None or national is None:
            raise ValidationError({"groups": _("Unknown group.")})
        mapping[group.pk] = national
    made = results.feed_entries(
        actor=current_user(request), source=source, target=target, groups=mapping
    )
    return Status(201, [_entry_out(_entry(request, e.pk)) for e in made])


@router.get(
    "/competitions/rounds/{slug:slug}/results",
    response={200: list[ResultOut], **error_responses(401, 404)},
    **_read(),
)
def round_results(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The final stage's results the caller may see: every one for organisers; once
    published, the kept entries for everyone and an agency's own entries for its people."""
    round_ = _round(request, slug)
    final = selectors.final_stage(round_)
    if final is None:
        return []
    return [
        {
            "entry": r.entry_id,
            "title": r.entry.title,
            "group": r.entry.group.code,
            "agency": _ref(r.entry.agency),
            "rank": r.rank,
            "judges": r.judges,
            "raw": r.raw,
            "normalised": r.normalised,
            "tie_break": r.tie_break,
            "kept": r.kept,
        }
        for r in selectors.stage_results(current_user(request), final)
    ]


# --- entries --------------------------------------------------------------------------------


@router.get(
    "/competitions/rounds/{slug:slug}/entries",
    response={200: page_of(EntryOut), **error_responses(401, 404, 422)},
    **_read(),
)
def entry_list(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """For organisers, the entries submitted to them; for everyone else their own units' and
    agency's entries."""
    round_ = _round(request, slug)
    user = current_user(request)
    if can(user, "competition_round.organise", round_):
        qs = selectors.organiser_entries(user, round_)
    else:
        qs = selectors.my_entries(user, round_)
    qs = qs.prefetch_related("answers__section", "inspirations", "sdgs")
    result = paginate(qs, page)
    result["items"] = [_entry_out(e, detail=False) for e in result["items"]]
    return result


@router.post("/competitions/rounds/{slug:slug}/entries", response={201: EntryOut, **WRITE_ERRORS})
def entry_create(request: HttpRequest, slug: str, payload: EntryIn) -> Status:
    """Start an entry from one of the caller's units' innovations (the profile is copied)."""
    round_ = _round(request, slug)
    group = round_.groups.filter(code=payload.group).first()
    if group is None:
        raise ValidationError({"group": _("Unknown group.")})
    innovation = Innovation.objects.filter(slug=payload.innovation).first()
    if innovation is None or not can(current_user(request), "innovation.view", innovation):
        raise ValidationError({"innovation": _("Unknown innovation.")})
    entry = entry_services.entry_create(
        actor=current_user(request), round_=round_, group=group, innovation=innovation
    )
    return Status(201, _entry_out(_entry(request, entry.pk)))


@router.get(
    "/competitions/entries/{pk}", response={200: EntryOut, **error_responses(401, 404)}, **_read()
)
def entry_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    entry = _entry(request, pk)
    judged_blind = judging.judges_blind(current_user(request), entry)
    return _blind_entry_out(entry) if judged_blind else _entry_out(entry)


@router.patch("/competitions/entries/{pk}", response={200: EntryOut, **WRITE_ERRORS})
def entry_update(request: HttpRequest, pk: int, payload: EntryUpdateIn) -> dict[str, Any]:
    """Change the unit's texts (word limits enforced), video, SDGs and inspiring winners."""
    entry = _entry(request, pk)
    inspirations = None
    if payload.inspirations is not None:
        found = {i.slug: i for i in Innovation.objects.filter(slug__in=payload.inspirations)}
        missing = [s for s in payload.inspirations if s not in found]
        if missing:
            raise ValidationError({"inspirations": _("Unknown innovation.")})
        inspirations = list(found.values())
    entry_services.entry_update(
        actor=current_user(request),
        entry=entry,
        answers={a.section: a.text for a in payload.answers} if payload.answers else None,
        video_url=payload.video_url,
        sdgs=payload.sdgs,
        inspirations=inspirations,
        status=entry_services.StatusReport(
            continuing=payload.continuing,
            stopped_on=payload.stopped_on,
            reason=payload.stop_reason,
        )
        if "continuing" in payload.model_fields_set
        else None,
    )
    return _entry_out(_entry(request, pk))


@router.post("/competitions/entries/{pk}/send", response={200: EntryOut, **WRITE_ERRORS})
def entry_send(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The unit sends the entry to its agency's innovation admins."""
    entry_services.entry_send(actor=current_user(request), entry=_entry(request, pk))
    return _entry_out(_entry(request, pk))


@router.post("/competitions/entries/{pk}/return", response={200: EntryOut, **WRITE_ERRORS})
def entry_return(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    entry_services.entry_return(
        actor=current_user(request), entry=_entry(request, pk), reason=payload.reason
    )
    return _entry_out(_entry(request, pk))


@router.post("/competitions/entries/{pk}/submit", response={200: EntryOut, **WRITE_ERRORS})
def entry_submit(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The agency submits the entry to the organiser (within its quota of entries)."""
    entry_services.entry_submit(actor=current_user(request), entry=_entry(request, pk))
    return _entry_out(_entry(request, pk))


@router.post("/competitions/entries/{pk}/withdraw", response={200: EntryOut, **WRITE_ERRORS})
def entry_withdraw(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    """The unit or its agency takes the entry out of the round (until results are published)."""
    entry_services.entry_withdraw(
        actor=current_user(request), entry=_entry(request, pk), reason=payload.reason
    )
    return _entry_out(_entry(request, pk))


@router.post("/competitions/entries/{pk}/check", response={200: EntryOut, **WRITE_ERRORS})
def entry_check(request: HttpRequest, pk: int, payload: CheckIn) -> dict[str, Any]:
    """The organiser's administrative check (reasons required when it does not pass)."""
    entry_services.entry_check(
        actor=current_user(request),
        entry=_entry(request, pk),
        passed=payload.passed,
        reason=payload.reason,
    )
    return _entry_out(_entry(request, pk))


# --- judges and assignments -----------------------------------------------------------------


@router.get(
    "/competitions/rounds/{slug:slug}/judges",
    response={200: list[JudgeOut], **error_responses(401, 403, 404)},
)
def judge_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    round_ = _round(request, slug)
    require(current_user(request), "competition_round.organise", round_)
    return [
        {"id": j.pk, "user": _ref(j.user), "capacity": j.capacity, "active": j.active}
        for j in round_.judges.select_related("user")
    ]


@router.post("/competitions/rounds/{slug:slug}/judges", response={201: JudgeOut, **WRITE_ERRORS})
def judge_add(request: HttpRequest, slug: str, payload: JudgeIn) -> Status:
    round_ = _round(request, slug)
    require(current_user(request), "competition_round.organise", round_)
    person = User.objects.filter(pk=payload.user, is_active=True).first()
    if person is None:
        raise ValidationError({"user": _("Unknown person.")})
    judge = judging.judge_add(
        actor=current_user(request), round_=round_, user=person, capacity=payload.capacity
    )
    return Status(
        201,
        {"id": judge.pk, "user": _ref(person), "capacity": judge.capacity, "active": judge.active},
    )


@router.post("/competitions/judges/{pk}/conflicts", response={201: dict[str, int], **WRITE_ERRORS})
def conflict_declare(request: HttpRequest, pk: int, payload: ConflictIn) -> Status:
    """A judge (or an organiser for them) declares a conflict of interest with an entry."""
    judge = Judge.objects.select_related("round").filter(pk=pk).first()
    if judge is None or not can(current_user(request), "competition_judge.view", judge):
        raise Http404
    entry = Entry.objects.filter(pk=payload.entry, round_id=judge.round_id).first()
    if entry is None or not can(current_user(request), "competition_entry.view", entry):
        raise ValidationError({"entry": _("Unknown entry.")})
    conflict = judging.conflict_declare(
        actor=current_user(request), judge=judge, entry=entry, reason=payload.reason
    )
    return Status(201, {"id": conflict.pk})


@router.post("/competitions/stages/{pk}/assign", response={200: AssignOut, **WRITE_ERRORS})
def stage_assign(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Assign judges automatically to every entry of the stage that lacks some."""
    outcome = judging.stage_assign(actor=current_user(request), stage=_stage(request, pk))
    return {"created": outcome.created, "short": {str(k): v for k, v in outcome.short.items()}}


@router.post("/competitions/stages/{pk}/assignments", response={201: AssignmentOut, **WRITE_ERRORS})
def assignment_create(request: HttpRequest, pk: int, payload: AssignIn) -> Status:
    """Assign a judge by hand (never of the entrant's agency or with a declared conflict)."""
    stage = _stage(request, pk)
    entry = Entry.objects.filter(pk=payload.entry, round_id=stage.round_id).first()
    judge = Judge.objects.filter(pk=payload.judge, round_id=stage.round_id).first()
    if entry is None or judge is None:
        raise ValidationError(_("Unknown entry or judge."))
    made = judging.assignment_create(
        actor=current_user(request), stage=stage, entry=entry, judge=judge
    )
    return Status(201, _assignment_out(request, _assignment(request, made.pk)))


@router.delete("/competitions/assignments/{pk}", response={204: None, **WRITE_ERRORS})
def assignment_delete(request: HttpRequest, pk: int) -> Status:
    judging.assignment_delete(actor=current_user(request), assignment=_assignment(request, pk))
    return Status(204, None)


@router.get(
    "/competitions/stages/{pk}/progress",
    response={200: list[ProgressOut], **error_responses(401, 403, 404)},
)
def stage_progress(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """Each judge's assigned and submitted entries (organisers)."""
    stage = _stage(request, pk)
    require(current_user(request), "competition_round.organise", stage.round)
    return [p.__dict__ for p in selectors.judge_progress(stage)]


@router.post("/competitions/stages/{pk}/close", response={200: CloseOut, **WRITE_ERRORS})
def stage_close(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Rank each group (weighted totals, per-judge z-scores, tie-break), keep each quota; the
    agreement of the judges per criterion (Krippendorff's alpha) and the balance of the kept."""
    summary = results.stage_close(actor=current_user(request), stage=_stage(request, pk))
    return {
        "ranked": summary.ranked,
        "kept": summary.kept,
        "agreement": {str(k): v for k, v in summary.agreement.items()},
        "balance": summary.balance,
    }


@router.get(
    "/competitions/assignments",
    response={200: page_of(AssignmentOut), **error_responses(401, 422)},
)
def my_assignments(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The caller's assignments as a judge, the nearest deadline first."""
    qs = selectors.my_assignments(current_user(request)).prefetch_related("scores")
    result = paginate(qs, page)
    result["items"] = [_assignment_out(request, a) for a in result["items"]]
    return result


@router.get(
    "/competitions/assignments/{pk}",
    response={200: AssignmentOut, **error_responses(401, 404)},
)
def assignment_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _assignment_out(request, _assignment(request, pk))


@router.put("/competitions/assignments/{pk}/scores", response={200: AssignmentOut, **WRITE_ERRORS})
def scores_save(request: HttpRequest, pk: int, payload: ScoresIn) -> dict[str, Any]:
    """Save the caller's scores as a draft, or submit them (every criterion scored; once)."""
    assignment = _assignment(request, pk)
    judging.scores_save(
        actor=current_user(request),
        assignment=assignment,
        values={s.criterion: (s.value, s.comment) for s in payload.scores},
        submit=payload.submit,
    )
    return _assignment_out(request, _assignment(request, pk))
