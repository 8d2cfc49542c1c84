"""Competition pages: rounds (public once running), entering and the agency's and organiser's
decisions, the organiser's page, the judge's workspace and scoring, the results.

A record the person may not see answers 404 (its existence is not disclosed); one they see but
may not act on answers 403. Every write calls the services; views parse forms and render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lumbung.core.files.responses import file_response
from lumbung.core.pages import add_service_errors
from lumbung.core.params import id_param
from lumbung.core.policies import can, permitted, require
from lumbung.organisations.models import Agency, User

from . import certificates, exports, selectors
from .forms import (
    CheckForm,
    ConflictForm,
    ConsensusForm,
    CopyForm,
    DocumentForm,
    EnterForm,
    EntryForm,
    JudgeAddForm,
    ObjectionForm,
    ReasonForm,
    ResolveForm,
    ScoreForm,
)
from .models import (
    Assignment,
    Consensus,
    DocumentKind,
    Entry,
    EntryDocument,
    Judge,
    Objection,
    Round,
    Stage,
)
from .services import consensus as panel
from .services import entries as entry_services
from .services import judging, objections, results, rounds
from .setup_forms import (
    GroupFormSet,
    NewRoundForm,
    StageFormSet,
    initial_groups,
    initial_stages,
)
from .times import deadline_label


def _round(request: HttpRequest, slug: str) -> Round:
    round_ = selectors.round_detail(slug)
    if round_ is None or not can(request.user, "competition_round.view", round_):
        raise Http404
    return round_


def _entry(request: HttpRequest, pk: int) -> Entry:
    """The entry, for those who may read it — not for a judge of a blind stage, who reads it
    (redacted) on their scoring page only."""
    entry = selectors.entry_detail(pk)
    if entry is None or not can(request.user, "competition_entry.view", entry):
        raise Http404
    if judging.judges_blind(request.user, entry):
        raise Http404
    return entry


def _flash_error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _stages(round_: Round) -> list[dict[str, Any]]:
    return [
        {
            "stage": s,
            "starts": deadline_label(s.starts_at, round_),
            "ends": deadline_label(s.ends_at, round_),
        }
        for s in round_.stages.all()
    ]


# --- public ---------------------------------------------------------------------------------


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "competitions/round_list.html",
        {
            "rounds": selectors.visible_rounds(request.user),
            "may_create": request.user.is_authenticated
            and permitted(request.user, "agency.administer", Agency.objects.all()).exists(),
        },
    )


@require_GET
def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round(request, slug)
    final = selectors.final_stage(round_)
    published = round_.state == Round.State.PUBLISHED
    user = request.user
    objection_stage = objections.open_objection_stage(round_)
    context = {
        "round": round_,
        "stages": _stages(round_),
        "objection_until": deadline_label(objection_stage.ends_at, round_)
        if objection_stage is not None
        else "",
        "finalists": objections.finalists(round_) if objection_stage is not None else [],
        "organise": can(user, "competition_round.organise", round_),
        "judge": can(user, "competition_round.judge", round_),
        "results": [
            (stage, list(selectors.stage_results(user, stage).filter(kept=True)))
            for stage in selectors.closed_stages(round_)
        ]
        if final is not None and published
        else None,
        "mine": selectors.my_entries(user, round_) if user.is_authenticated else None,
        "may_enter": user.is_authenticated
        and round_.state == Round.State.OPEN
        and selectors.enterable_innovations(user).exists(),
    }
    return render(request, "competitions/round_detail.html", context)


# --- entering -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round(request, slug)
    form = EnterForm(
        request.POST or None,
        round_=round_,
        innovations=selectors.enterable_innovations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = entry_services.entry_create(
                actor=request.user,
                round_=round_,
                group=form.cleaned_data["group"],
                innovation=form.cleaned_data["innovation"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The entry was started: fill in its sections."))
            return redirect("competitions:entry", entry.pk)
    return render(request, "competitions/enter.html", {"round": round_, "form": form})


@require_http_methods(["GET", "POST"])
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    user = request.user
    prepare = can(user, "competition_entry.prepare", entry) and entry.is_editable
    form = EntryForm(request.POST or None, entry=entry) if prepare else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                entry_services.entry_save(
                    actor=user,
                    entry=entry,
                    send=bool(request.POST.get("send")),
                    answers=form.answers(),
                    video_url=form.cleaned_data.get("video_url") or "",
                    sdgs=form.cleaned_data.get("sdgs"),
                    inspirations=form.cleaned_data.get("inspirations"),
                    status=form.status(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if request.POST.get("send"):
                    messages.success(request, _("The entry was sent to your agency."))
                else:
                    messages.success(request, _("Saved."))
                return redirect("competitions:entry", entry.pk)
    context = {
        "entry": entry,
        "form": form,
        "answers": list(entry.answers.all()),
        "profile": selectors.frozen_profile(entry),
        "spawned": selectors.spawned_replications(entry)
        if entry.round.level == Round.Level.MONITORING
        else None,
        "deadline": _registration_deadline(entry.round),
        "decide": entry.state == Entry.State.AT_AGENCY
        and can(user, "competition_entry.decide", entry),
        "check": entry.state in Entry.WITH_ORGANISER
        and can(user, "competition_entry.organise", entry),
        "reason_form": ReasonForm(),
        "withdraw": entry.state != Entry.State.WITHDRAWN
        and entry.round.state != Round.State.PUBLISHED
        and (
            can(user, "competition_entry.prepare", entry)
            or can(user, "competition_entry.decide", entry)
        ),
        "check_form": CheckForm(),
        "documents": list(entry.documents.all()),
        "required_labels": [DocumentKind(k).label for k in entry.group.required_documents],
        "document_form": DocumentForm() if prepare else None,
        "problems": entry_services.send_problems(entry) if prepare else [],
    }
    return render(request, "competitions/entry_detail.html", context)


def _registration_deadline(round_: Round) -> str:
    stage = entry_services.registration_stage(round_)
    return deadline_label(stage.ends_at, round_) if stage is not None else ""


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of document and its file."))
        return redirect("competitions:entry", entry.pk)
    try:
        entry_services.document_add(
            actor=request.user,
            entry=entry,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("The document was added."))
    return redirect("competitions:entry", entry.pk)


def _document(request: HttpRequest, pk: int, doc: int) -> EntryDocument:
    document = EntryDocument.objects.select_related("entry").filter(pk=doc, entry_id=pk).first()
    if document is None or not can(request.user, "competition_document.view", document):
        raise Http404
    if judging.judges_blind(request.user, document.entry):
        raise Http404
    return document


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    document = _document(request, pk, doc)
    try:
        entry_services.document_remove(actor=request.user, document=document)
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("The document was removed."))
    return redirect("competitions:entry", pk)


@require_GET
def document_file(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    return file_response(_document(request, pk, doc))


@login_required
@require_POST
def entry_decide(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    action = request.POST.get("action")
    try:
        if action == "withdraw":
            form = ReasonForm(request.POST)
            form.is_valid()
            entry_services.entry_withdraw(
                actor=request.user, entry=entry, reason=form.cleaned_data.get("reason", "")
            )
            messages.success(request, _("The entry was withdrawn."))
        elif action == "submit":
            entry_services.entry_submit(actor=request.user, entry=entry)
            messages.success(request, _("The entry was submitted to the organiser."))
        elif action == "return":
            form = ReasonForm(request.POST)
            form.is_valid()
            entry_services.entry_return(
                actor=request.user, entry=entry, reason=form.cleaned_data.get("reason", "")
            )
            messages.success(request, _("The entry was returned to the unit."))
        else:
            raise ValidationError(_("Choose what to do with the entry."))
    except ValidationError as exc:
        _flash_error(request, exc)
    return redirect("competitions:entry", entry.pk)


@login_required
@require_POST
def entry_check(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = CheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the entry passes."))
        return redirect("competitions:entry", entry.pk)
    try:
        entry_services.entry_check(
            actor=request.user,
            entry=entry,
            passed=form.cleaned_data["passed"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _flash_error(request, exc)
    else:
        messages.success(request, _("The outcome of the check was recorded."))
    return redirect("competitions:entry", entry.pk)


# --- organiser ------------------------------------------------------------------------------


def _organised(request: HttpRequest, slug: str) -> Round:
    round_ = _round(request, slug)
    require(request.user, "competition_round.organise", round_)
    return round_


@login_required
@require_GET
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _organised(request, slug)
    stages = []
    for item in _stages(round_):
        stage: Stage = item["stage"]
        if stage.is_judged:
            item["judges"] = selectors.judge_progress(stage)
            item["entries"] = selectors.entry_progress(stage)
            item["assignable"] = judging.stage_entries(stage) if not stage.is_closed else []
            if stage.is_closed:
                item["report"] = selectors.stage_report(stage)
        stages.append(item)
    context = {
        "round": round_,
        "stages": stages,
        "problems": rounds.setup_problems(round_) if round_.state == Round.State.DRAFT else [],
        "entries": selectors.organiser_entries(request.user, round_),
        "judges": round_.judges.select_related("user"),
        "objections": Objection.objects.filter(entry__round=round_).select_related("entry"),
        "resolve_form": ResolveForm(),
        "judge_form": JudgeAddForm(),
        "copy_form": CopyForm(initial={"year": round_.year + 1}),
        "feed_groups": list(round_.feeds.groups.all()) if round_.feeds is not None else [],
    }
    return render(request, "competitions/manage.html", context)


def _stage_of(round_: Round, request: HttpRequest) -> Stage:
    pk = id_param(request.POST.get("stage"))
    stage = round_.stages.filter(pk=pk).first() if pk is not None else None
    if stage is None:
        raise ValidationError(_("Unknown stage."))
    return stage


def _open(request: HttpRequest, round_: Round) -> None:
    rounds.round_open(actor=request.user, round_=round_)
    messages.success(request, _("The round is open."))


def _add_judge(request: HttpRequest, round_: Round) -> None:
    form = JudgeAddForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Enter the judge's username."))
    person = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
    if person is None:
        raise ValidationError(_("No one has this username."))
    judging.judge_add(
        actor=request.user, round_=round_, user=person, capacity=form.cleaned_data["capacity"]
    )
    messages.success(request, _("The judge was added."))


def _assign(request: HttpRequest, round_: Round) -> None:
    outcome = judging.stage_assign(actor=request.user, stage=_stage_of(round_, request))
    messages.success(
        request,
        ngettext("%(count)d assignment made.", "%(count)d assignments made.", outcome.created)
        % {"count": outcome.created},
    )
    if outcome.short:
        messages.warning(
            request,
            ngettext(
                "%(count)d entry still lacks judges: add judges or assign by hand.",
                "%(count)d entries still lack judges: add judges or assign by hand.",
                len(outcome.short),
            )
            % {"count": len(outcome.short)},
        )


def _close(request: HttpRequest, round_: Round) -> None:
    summary = results.stage_close(actor=request.user, stage=_stage_of(round_, request))
    messages.success(
        request,
        _("The stage was closed: %(ranked)d ranked, %(kept)d kept.")
        % {"ranked": summary.ranked, "kept": summary.kept},
    )


def _publish(request: HttpRequest, round_: Round) -> None:
    written = results.results_publish(actor=request.user, round_=round_)
    messages.success(
        request,
        ngettext(
            "The results are public; %(count)d award was written to the catalog.",
            "The results are public; %(count)d awards were written to the catalog.",
            written,
        )
        % {"count": written},
    )


def _copy(request: HttpRequest, round_: Round) -> HttpResponse:
    form = CopyForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Enter the year of the new round."))
    copy = rounds.round_copy(
        actor=request.user,
        source=round_,
        year=form.cleaned_data["year"],
        title=form.cleaned_data["title"],
    )
    messages.success(request, _("The set-up was copied to a new round."))
    return redirect("competitions:manage", copy.slug)


def _remove_judge(request: HttpRequest, round_: Round) -> None:
    pk = id_param(request.POST.get("judge"))
    judge = round_.judges.select_related("user").filter(pk=pk).first() if pk is not None else None
    if judge is None:
        raise ValidationError(_("Choose the judge."))
    dropped = judging.judge_remove(actor=request.user, judge=judge)
    messages.success(
        request,
        ngettext(
            "The judge is out of the pool; %(count)d unscored entry is free to assign again.",
            "The judge is out of the pool; %(count)d unscored entries are free to assign again.",
            dropped,
        )
        % {"count": dropped},
    )


def _assign_by_hand(request: HttpRequest, round_: Round) -> None:
    stage = _stage_of(round_, request)
    entry_pk, judge_pk = id_param(request.POST.get("entry")), id_param(request.POST.get("judge"))
    entry = round_.entries.filter(pk=entry_pk).first() if entry_pk is not None else None
    judge = round_.judges.filter(pk=judge_pk).first() if judge_pk is not None else None
    if entry is None or judge is None:
        raise ValidationError(_("Choose the entry and the judge."))
    judging.assignment_create(actor=request.user, stage=stage, entry=entry, judge=judge)
    messages.success(request, _("The judge was assigned."))


def _resolve(request: HttpRequest, round_: Round) -> None:
    pk = id_param(request.POST.get("objection"))
    objection = (
        Objection.objects.filter(pk=pk, entry__round=round_).first() if pk is not None else None
    )
    form = ResolveForm(request.POST)
    if objection is None or not form.is_valid():
        raise ValidationError(_("Choose the objection and the decision."))
    objections.objection_resolve(
        actor=request.user,
        objection=objection,
        upheld=form.cleaned_data["upheld"],
        resolution=form.cleaned_data["resolution"],
    )
    messages.success(request, _("The resolution was recorded."))


def _feed(request: HttpRequest, round_: Round) -> None:
    target = round_.feeds
    if target is None:
        raise ValidationError(_("This selection feeds no round."))
    mapping = {}
    for group in round_.groups.all():
        pk = id_param(request.POST.get(f"group_{group.pk}"))
        national = target.groups.filter(pk=pk).first() if pk is not None else None
        if national is not None:
            mapping[group.pk] = national
    made = results.feed_entries(actor=request.user, source=round_, target=target, groups=mapping)
    messages.success(
        request,
        ngettext(
            "%(count)d entry was carried into %(round)s.",
            "%(count)d entries were carried into %(round)s.",
            len(made),
        )
        % {"count": len(made), "round": target.title},
    )


_ACTIONS: dict[str, Callable[[HttpRequest, Round], HttpResponse | None]] = {
    "open": _open,
    "judge": _add_judge,
    "assign": _assign,
    "close": _close,
    "publish": _publish,
    "copy": _copy,
    "resolve": _resolve,
    "feed": _feed,
    "assign_one": _assign_by_hand,
    "remove_judge": _remove_judge,
}


@login_required
@require_POST
def manage_action(request: HttpRequest, slug: str) -> HttpResponse:
    """The organiser's buttons: open, add a judge, assign, close a stage, publish, copy."""
    round_ = _organised(request, slug)
    handler = _ACTIONS.get(request.POST.get("action", ""))
    try:
        if handler is None:
            raise ValidationError(_("Unknown action."))
        response = handler(request, round_)
    except ValidationError as exc:
        _flash_error(request, exc)
        response = None
    return response or redirect("competitions:manage", round_.slug)


@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate of an entry a published round kept (PDF)."""
    entry = _entry(request, pk)
    if entry.round.state != Round.State.PUBLISHED:
        raise Http404
    kept, quota = selectors.award_quota(entry)
    if not kept:
        raise Http404
    response = HttpResponse(
        certificates.certificate_pdf(entry.round, entry, quota), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="sertifikat-{entry.pk}.pdf"'
    return response


@require_GET
def results_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    round_ = _round(request, slug)
    final = selectors.final_stage(round_)
    if final is None:
        raise Http404
    rows = selectors.stage_results(request.user, final)
    if not can(request.user, "competition_round.organise", round_):
        rows = rows.filter(kept=True)
    return exports.results_response(round_, final, list(rows))


# --- judges ---------------------------------------------------------------------------------


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    assignments = list(selectors.my_assignments(request.user))
    for a in assignments:
        a.deadline = deadline_label(a.stage.ends_at, a.stage.round)  # type: ignore[attr-defined]
    left = sum(1 for a in assignments if not a.is_submitted)
    return render(
        request, "competitions/workspace.html", {"assignments": assignments, "left": left}
    )


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related("stage__round", "entry__group", "judge__user")
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not can(request.user, "competition_assignment.view", assignment):
        raise Http404
    return assignment


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    require(request.user, "competition_assignment.score", assignment)
    criteria = list(assignment.stage.criteria.order_by("order", "id"))
    current = {s.criterion_id: s for s in assignment.scores.all()}
    form = ScoreForm(request.POST or None, criteria=criteria, current=current)
    if request.method == "POST" and form.is_valid():
        submit = bool(request.POST.get("submit"))
        try:
            judging.scores_save(
                actor=request.user, assignment=assignment, values=form.values(), submit=submit
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Your scores were submitted.") if submit else _("Draft saved.")
            )
            return redirect("competitions:score", assignment.pk)
    entry = selectors.entry_detail(assignment.entry_id)
    context = {
        "assignment": assignment,
        "entry": entry,
        "answers": list(entry.answers.all()) if entry is not None else [],
        "profile": selectors.frozen_profile(entry) if entry is not None else [],
        "blind": not judging.may_see_identity(request.user, assignment),
        "form": form,
        "deadline": deadline_label(assignment.stage.ends_at, assignment.stage.round),
        "conflict_form": ConflictForm(),
        **_consensus_context(request, assignment, criteria),
    }
    return render(request, "competitions/score.html", context)


def _consensus_context(
    request: HttpRequest, assignment: Assignment, criteria: list[Any]
) -> dict[str, Any]:
    stage = assignment.stage
    if not stage.consensus:
        return {}
    agreed = Consensus.objects.filter(stage=stage, entry_id=assignment.entry_id).first()
    waiting = Assignment.objects.filter(
        stage=stage, entry_id=assignment.entry_id, submitted_at__isnull=True
    ).exists()
    return {
        "consensus_stage": True,
        "consensus": agreed,
        "consensus_waiting": waiting,
        "consensus_form": ConsensusForm(
            criteria=criteria, current=agreed.values if agreed is not None else {}
        ),
        "may_confirm": agreed is not None
        and not agreed.is_agreed
        and agreed.proposed_by_id != assignment.judge_id,
        "agreed_rows": [(c.name, (agreed.values or {}).get(str(c.pk))) for c in criteria]
        if agreed is not None
        else [],
    }


@login_required
@require_POST
def consensus(request: HttpRequest, pk: int) -> HttpResponse:
    """A panellist proposes the pair's agreed scores, or confirms the other's proposal."""
    assignment = _assignment(request, pk)
    require(request.user, "competition_assignment.score", assignment)
    criteria = list(assignment.stage.criteria.order_by("order", "id"))
    try:
        if request.POST.get("action") == "confirm":
            agreed = Consensus.objects.filter(
                stage=assignment.stage, entry_id=assignment.entry_id
            ).first()
            if agreed is None:
                raise ValidationError(_("Nothing was proposed yet."))
            panel.consensus_confirm(actor=request.user, consensus=agreed)
            messages.success(request, _("The panel's scores are agreed."))
        else:
            form = ConsensusForm(request.POST, criteria=criteria, current={})
            if not form.is_valid():
                raise ValidationError(_("Give every agreed score within its scale."))
            panel.consensus_propose(
                actor=request.user,
                stage=assignment.stage,
                entry=assignment.entry,
                values=form.values(),
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Proposed: your fellow panellist confirms it."))
    except ValidationError as exc:
        _flash_error(request, exc)
    return redirect("competitions:score", assignment.pk)


@login_required
@require_POST
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """The judge declares a conflict of interest with the entry of an assignment."""
    assignment = _assignment(request, pk)
    require(request.user, "competition_assignment.score", assignment)
    judge: Judge = assignment.judge
    form = ConflictForm(request.POST)
    form.is_valid()
    try:
        judging.conflict_declare(
            actor=request.user,
            judge=judge,
            entry=assignment.entry,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as exc:
        _flash_error(request, exc)
        return redirect("competitions:score", assignment.pk)
    messages.success(
        request, _("Your conflict of interest was recorded; the entry is no longer yours to score.")
    )
    return redirect("competitions:workspace")


# --- setting up -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    """A new round (being set up), from scratch or from an earlier round's set-up."""
    user = request.user
    agencies = permitted(user, "agency.administer", Agency.objects.order_by("name"))
    if not agencies.exists():
        raise PermissionDenied
    earlier = permitted(
        user, "competition_round.organise", Round.objects.order_by("-year", "title")
    )
    national = selectors.visible_rounds(user).filter(level=Round.Level.NATIONAL)
    form = NewRoundForm(request.POST or None, agencies=agencies, earlier=earlier, national=national)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["copy_from"] is not None:
                round_ = rounds.round_copy(
                    actor=user,
                    source=d["copy_from"],
                    year=d["year"],
                    title=d["title"],
                    organiser=d["organiser"],
                    level=d["level"],
                    time_zone=d["time_zone"],
                )
                if d["feeds"] is not None:
                    Round.objects.filter(pk=round_.pk).update(feeds=d["feeds"])
            else:
                round_ = rounds.round_create(
                    actor=user,
                    organiser=d["organiser"],
                    title=d["title"],
                    year=d["year"],
                    level=d["level"],
                    time_zone=d["time_zone"],
                    feeds=d["feeds"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The round was created: set it up, then open it."))
            return redirect("competitions:setup", round_.slug)
    return render(request, "competitions/round_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, slug: str) -> HttpResponse:
    """The round's groups and stages, edited on one page while it is being set up."""
    round_ = _organised(request, slug)
    editable = round_.state == Round.State.DRAFT
    data = request.POST if request.method == "POST" else None
    groups = GroupFormSet(data, prefix="groups", initial=initial_groups(round_))
    stages = StageFormSet(
        data,
        prefix="stages",
        initial=initial_stages(round_),
        form_kwargs={"zone": round_.zone},
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if groups.is_valid() and stages.is_valid():
            try:
                rounds.round_configure(
                    actor=request.user,
                    round_=round_,
                    groups=_kept_specs(groups),
                    stages=_kept_specs(stages),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The set-up was saved."))
                return redirect("competitions:manage", round_.slug)
    context = {
        "round": round_,
        "groups": groups,
        "stages": stages,
        "editable": editable,
        "zone": round_.get_time_zone_display(),
    }
    return render(request, "competitions/setup.html", context)


def _kept_specs(formset: Any) -> list[Any]:
    """Every part already set up (unless marked for deletion) and every new one filled in: an
    empty extra form adds nothing, an untouched existing part stays."""
    return [
        form.spec()
        for i, form in enumerate(formset.forms)
        if not form.cleaned_data.get("DELETE")
        and (i < formset.initial_form_count() or form.has_changed())
    ]


# --- the public objection period ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def objection(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Anyone objects to an entry announced as kept, while the objection period is open."""
    round_ = _round(request, slug)
    entry = next((e for e in objections.finalists(round_) if e.pk == pk), None)
    if entry is None:
        raise Http404
    user = request.user
    initial = (
        {"name": getattr(user, "display_name", "") or user.get_username(), "email": user.email}
        if user.is_authenticated
        else {}
    )
    form = ObjectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            objections.objection_raise(
                actor=user,
                entry=entry,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your objection was sent to the organiser."))
            return redirect("competitions:round", round_.slug)
    return render(
        request, "competitions/objection.html", {"round": round_, "entry": entry, "form": form}
    )
