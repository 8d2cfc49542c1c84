"""Replication pages. Programmes and their coverage are public; projects, sessions and
commitments are for the people the rules allow. A record the person may not read answers 404
(its existence is not disclosed); one they may read but not change answers 403 on writes.

Every write calls ``replication.services``; views only parse forms and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lumbung.catalog.innovation_picker import visible_innovations
from lumbung.catalog.models import Innovation
from lumbung.core import audit
from lumbung.core.actors import ActorLike, as_actor, in_own_roles
from lumbung.core.files.responses import file_response
from lumbung.core.pages import add_service_errors, paginate
from lumbung.core.params import id_param
from lumbung.core.policies import can, require
from lumbung.organisations.models import Agency, Unit
from lumbung.organisations.policies import agencies as agency_policy
from lumbung.organisations.policies import units as unit_policy

from . import selectors, services
from .forms import (
    ActionFormSet,
    AdaptationForm,
    CommentForm,
    CommitmentForm,
    CommitmentUpdateForm,
    ComponentsForm,
    DocumentForm,
    FormDecisionForm,
    LinkAnswerForm,
    ProgrammeForm,
    ProjectEditForm,
    ProjectStartForm,
    ReplicaLinkForm,
    SessionForm,
    TargetsForm,
    TransitionForm,
)
from .models import (
    AdaptationRecord,
    Commitment,
    Programme,
    ProjectDocument,
    ReplicaLinkRequest,
    ReplicationProject,
    Stage,
)
from .policies import project_start as project_start_policy

PER_PAGE = 25


def _data(request: HttpRequest) -> QueryDict | None:
    """The posted data for a bound form (even when empty), or None on GET."""
    return request.POST if request.method == "POST" else None


# --- programmes (public) --------------------------------------------------------------------


def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "replication/programme_list.html",
        {
            "page": paginate(request, selectors.programme_list(), PER_PAGE),
            "can_create": request.user.is_authenticated
            and _programme_agencies(request.user).exists(),
        },
    )


def _programme(slug: str) -> Programme:
    programme = selectors.programme_detail(slug)
    if programme is None:
        raise Http404
    return programme


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    user = request.user
    rows = selectors.programme_unit_states(programme)
    coverage = selectors.programme_coverage(programme)
    internal = can(user, "programme.view_internal", programme)
    context: dict[str, Any] = {
        "programme": programme,
        "sources": [s for s in programme.sources.all() if can(user, "innovation.view", s)],
        "rows": rows,
        "state_counts": selectors.state_counts(rows),
        "coverage": coverage,
        "chart": selectors.coverage_chart(coverage),
        "internal": internal,
        "can_change": can(user, "programme.change", programme),
        "can_facilitate": can(user, "programme.facilitate", programme),
        "startable": set(
            startable_units(user, programme)
            .filter(programme_targets__programme=programme)
            .values_list("pk", flat=True)
        )
        if user.is_authenticated
        else set(),
        "participants": programme.participants.select_related("agency"),
        "joinable": joinable_agencies(user, programme) if user.is_authenticated else [],
        "may_leave": {
            p.agency_id
            for p in programme.participants.select_related("agency")
            if can(user, "agency.administer", p.agency)
        },
    }
    if internal:
        context["overdue"] = list(
            selectors.commitments_for(user, overdue=True, programme=programme)[:50]
        )
        context["sessions"] = list(selectors.session_list(programme=programme)[:20])
        context["projects_visible"] = {
            p.pk for p in selectors.visible_projects(user, programme=programme)
        }
    return render(request, "replication/programme_detail.html", context)


def _programme_agencies(user: ActorLike) -> QuerySet[Agency]:
    """Agencies for which this person may start a programme."""
    return agency_policy.filter(user, "create_programme", Agency.objects.order_by("name"))


def _candidate_sources(user: ActorLike) -> QuerySet[Innovation]:
    """Innovations offered as checkboxes: the published ones of those agencies."""
    return Innovation.objects.filter(
        publication_state=Innovation.State.PUBLISHED,
        agency_id__in=_programme_agencies(user).values("pk"),
    ).order_by("name")[:300]


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    agencies = _programme_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied(_("You do not manage programmes of any agency."))
    initial = {}
    source = Innovation.objects.filter(slug=request.GET.get("source", "")).first()
    if source is not None and source.is_published:
        initial["other_sources"] = source.slug
    form = ProgrammeForm(
        _data(request),
        agencies=agencies,
        sources=Innovation.objects.filter(pk__in=[i.pk for i in _candidate_sources(request.user)]),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                actor=request.user,
                agency=data["agency"],
                name=data["name"],
                description=data["description"],
                sources=data["all_sources"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                coverage_target=data["coverage_target"],
                facilitator_agency=data["facilitator_agency"],
                facilitators=data["facilitators"],
                managers=data["managers"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The programme was created. Now add its target units."))
            return redirect("replication:programme_targets", slug=programme.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "replication/programme_form.html", {"form": form, "programme": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    require(request.user, "programme.change", programme)
    form = ProgrammeForm(
        _data(request),
        agencies=Agency.objects.filter(pk=programme.agency_id),
        sources=Innovation.objects.filter(pk__in=[i.pk for i in _candidate_sources(request.user)]),
        programme=programme,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.programme_update(
                actor=request.user,
                programme=programme,
                data={
                    "name": data["name"],
                    "description": data["description"],
                    "sources": data["all_sources"],
                    "start_date": data["start_date"],
                    "end_date": data["end_date"],
                    "coverage_target": data["coverage_target"],
                    "facilitator_agency": data["facilitator_agency"],
                    "facilitators": data["facilitators"],
                    "managers": data["managers"],
                },
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("replication:programme", slug=programme.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "replication/programme_form.html",
        {"form": form, "programme": programme},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_targets(request: HttpRequest, slug: str) -> HttpResponse:
    """Add target units many at once: all units under a unit (optionally of some types)."""
    programme = _programme(slug)
    require(request.user, "programme.change", programme)
    scope = Agency.objects.filter(pk__in=services.scope_agency_ids(programme)).order_by("name")
    agency = programme.agency
    agency_id = id_param(request.GET.get("agency"))
    if agency_id is not None:
        agency = scope.filter(pk=agency_id).first() or agency
    form = TargetsForm(_data(request), units=Unit.objects.filter(agency=agency))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.programme_targets_add(
                actor=request.user,
                programme=programme,
                units=list(data["units"]),
                under=data["under"],
                kinds=data["kinds"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(n)s target units were added.") % {"n": added}
                if added
                else _("These units were targets already."),
            )
            return redirect(reverse("replication:programme", args=[slug]) + "#units")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "replication/programme_targets.html",
        {
            "programme": programme,
            "form": form,
            "agency": agency,
            "agencies": scope,
            "targets": programme.targets.select_related("unit").order_by("unit__name"),
        },
        status=status,
    )


@login_required
@require_POST
def programme_target_remove(request: HttpRequest, slug: str, unit_id: int) -> HttpResponse:
    programme = _programme(slug)
    require(request.user, "programme.change", programme)
    unit = get_object_or_404(Unit, pk=unit_id)
    try:
        services.programme_target_remove(actor=request.user, programme=programme, unit=unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(unit)s” is no longer a target.") % {"unit": unit})
    return redirect(reverse("replication:programme_targets", args=[slug]))


@login_required
@require_http_methods(["GET", "POST"])
def programme_session(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    require(request.user, "programme.facilitate", programme)
    units = Unit.objects.filter(programme_targets__programme=programme).select_related("agency")
    return _session_page(request, units=units, programme=programme)


# --- projects -------------------------------------------------------------------------------


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The person's replication work: projects, overdue follow-ups, programmes."""
    user = request.user
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = ""
    return render(
        request,
        "replication/workspace.html",
        {
            "page": paginate(request, selectors.visible_projects(user, stage=stage), PER_PAGE),
            "stage": stage,
            "stages": Stage.choices,
            "overdue": list(selectors.overdue_for_followers(user)[:50]),
            "own_overdue": list(
                selectors.commitments_for(user, overdue=True).filter(
                    owner_unit__in=unit_policy.filter(in_own_roles(as_actor(user)), "manage")
                )[:50]
            ),
            "programmes": list(selectors.programmes_for(user)[:50]),
            "requests_waiting": selectors.link_requests_to_answer(user).count(),
            # only for whoever may start one outside a programme (the form would say 403)
            "can_start": startable_units(user, None).exists(),
        },
    )


def startable_units(user: ActorLike, programme: Programme | None) -> QuerySet[Unit]:
    """Units for which this person may start a project (the policy decides)."""
    return project_start_policy.filter(user, "for_unit", Unit.objects.all(), programme=programme)


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    programme = None
    programme_slug = request.POST.get("programme") or request.GET.get("programme") or ""
    if programme_slug:
        programme = _programme(programme_slug)
    units = startable_units(request.user, programme)
    if not units.exists():
        raise PermissionDenied(_("You may not start a replication project for any unit."))
    initial: dict[str, Any] = {}
    if request.GET.get("source"):
        initial["source"] = request.GET["source"]
    unit_id = id_param(request.GET.get("unit"))
    if unit_id is not None:
        initial["adopting_unit"] = unit_id
    form = ProjectStartForm(
        _data(request),
        units=units,
        sources=visible_innovations(request.user),
        programme=programme,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_start(
                actor=request.user,
                source=data["source"],
                adopting_unit=data["adopting_unit"],
                declared_form=data["declared_form"],
                programme=programme,
                team=data["team"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The project was started. Upload the signed replication commitment to move "
                    "it to planning."
                ),
            )
            return redirect("replication:project", pk=project.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "replication/project_new.html",
        {"form": form, "programme": programme},
        status=status,
    )


def _project(request: HttpRequest, pk: int, action: str | None = None) -> ReplicationProject:
    project = selectors.project_detail(pk)
    if project is None or not can(request.user, "project.view", project):
        raise Http404
    if action:
        require(request.user, action, project)
    return project


def _project_units(project: ReplicationProject) -> QuerySet[Unit]:
    ids = {project.adopting_unit_id, project.source.unit_id}
    return Unit.objects.filter(pk__in=ids).select_related("agency")


def _project_context(
    request: HttpRequest, project: ReplicationProject, **forms: BaseForm
) -> dict[str, Any]:
    user = request.user
    may_change = can(user, "project.change", project)
    summary = selectors.fidelity_summary(project)
    gate = selectors.gate_status(project)
    record = selectors.stage_record(project)
    context = {
        "project": project,
        "record": record,
        "steps": selectors.stage_steps(project),
        "gate": gate,
        "summary": summary,
        "can_change": may_change,
        "can_comment": can(user, "project.comment", project),
        "can_facilitate": can(user, "project.facilitate", project),
        "replica_visible": project.replica is not None
        and can(user, "innovation.view", project.replica),
        # the records of the current stage (and commitments still open); those of finished
        # stages are under their stage, collapsed
        "documents": record.documents,
        "transitions": list(project.transitions.all()),
        "adaptations": list(project.adaptations.all()),
        "decisions": list(project.form_decisions.all()),
        "comments": record.comments,
        "sessions": record.sessions,
        "commitments": record.commitments,
        "history": list(audit.history(project)[:30]),
    }
    if may_change:
        context.update(
            transition_form=forms.get("transition_form")
            or TransitionForm(targets=gate.targets, initial={"version": project.version}),
            document_form=forms.get("document_form") or DocumentForm(),
            components_form=forms.get("components_form")
            or ComponentsForm(components=summary.components),
            decision_form=forms.get("decision_form")
            or FormDecisionForm(initial={"to_form": summary.suggested_form}),
            replica_form=forms.get("replica_form") or ReplicaLinkForm(project=project),
            commitment_form=forms.get("commitment_form")
            or CommitmentForm(units=_project_units(project)),
        )
    if context["can_comment"]:
        context["comment_form"] = forms.get("comment_form") or CommentForm()
    return context


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(request, "replication/project_detail.html", _project_context(request, project))


def _project_error(
    request: HttpRequest, project: ReplicationProject, status: int = 400, **forms: BaseForm
) -> HttpResponse:
    messages.error(request, _("Nothing was saved: please correct the errors shown below."))
    return render(
        request,
        "replication/project_detail.html",
        _project_context(request, _fresh(project), **forms),
        status=status,
    )


def _fresh(project: ReplicationProject) -> ReplicationProject:
    """The project read again, as the page shows it (after a write, or a failed one)."""
    fresh = selectors.project_detail(project.pk)
    if fresh is None:
        raise Http404
    return fresh


def _back(project: ReplicationProject, anchor: str) -> HttpResponse:
    return redirect(reverse("replication:project", args=[project.pk]) + anchor)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    form = ProjectEditForm(_data(request), initial=ProjectEditForm.initial_for(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("replication:project", pk=project.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "replication/project_edit.html",
        {"project": project, "form": form},
        status=status,
    )


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    gate = selectors.gate_status(project)
    form = TransitionForm(request.POST, targets=gate.targets)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.project_transition(
                actor=request.user,
                project=project,
                to_stage=data["to_stage"],
                note=data["note"],
                expected_version=data["version"],
            )
        except services.TransitionConflict as exc:
            messages.error(request, exc.message)
            return render(
                request,
                "replication/project_detail.html",
                _project_context(request, _fresh(project)),
                status=409,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            labels = dict(Stage.choices)
            messages.success(
                request,
                _("The project moved to “%(stage)s”.") % {"stage": labels[data["to_stage"]]},
            )
            return _back(project, "#stage")
    return _project_error(request, project, transition_form=form)


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.project_document_add(
                actor=request.user,
                project=project,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The document was uploaded."))
            return _back(project, "#documents")
    return _project_error(request, project, document_form=form)


@login_required
def document_download(request: HttpRequest, pk: int, doc_id: int) -> FileResponse:
    project = _project(request, pk)
    document = get_object_or_404(ProjectDocument, pk=doc_id, project=project)
    return file_response(document, download_name=f"{document.kind}-{document.pk}")


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    document = get_object_or_404(ProjectDocument, pk=doc_id, project=project)
    services.project_document_remove(actor=request.user, document=document)
    messages.success(request, _("The document “%(title)s” was removed.") % {"title": document})
    return _back(project, "#documents")


@login_required
@require_POST
def components_set(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    summary = selectors.fidelity_summary(project)
    form = ComponentsForm(request.POST, components=summary.components)
    if form.is_valid():
        try:
            services.component_statuses_set(
                actor=request.user, project=project, statuses=form.statuses()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The core components were saved."))
            return _back(project, "#fidelity")
    return _project_error(request, project, components_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def adaptation_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    form = AdaptationForm(_data(request), components=selectors.core_components(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.adaptation_add(actor=request.user, project=project, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The change was recorded."))
            return _back(project, "#adaptations")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "replication/adaptation_form.html",
        {"project": project, "form": form},
        status=status,
    )


@login_required
@require_POST
def adaptation_remove(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    record = get_object_or_404(AdaptationRecord, pk=rid, project=project)
    services.adaptation_remove(actor=request.user, record=record)
    messages.success(request, _("The change record was removed."))
    return _back(project, "#adaptations")


@login_required
@require_POST
def form_decision(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    form = FormDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.form_decide(
                actor=request.user,
                project=project,
                decision=form.cleaned_data["decision"],
                to_form=form.cleaned_data["to_form"],
                note=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "note" in exc.error_dict:
                exc = ValidationError({"reason": exc.error_dict.pop("note"), **exc.error_dict})
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The decision on the form was recorded."))
            return _back(project, "#fidelity")
    return _project_error(request, project, decision_form=form)


@login_required
@require_POST
def replica_link(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    form = ReplicaLinkForm(request.POST, project=project)
    if form.is_valid():
        try:
            link = services.replica_link_request(
                actor=request.user, project=project, innovation=form.cleaned_data["innovation"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if link.status == ReplicaLinkRequest.Status.ACCEPTED:
                messages.success(request, _("The innovation is now this project's replica."))
            else:
                messages.success(
                    request,
                    _(
                        "The request was sent to the innovation admins of “%(agency)s”: the "
                        "innovation becomes the replica when they accept."
                    )
                    % {"agency": link.innovation.agency},
                )
            return _back(project, "#replica")
    return _project_error(request, project, replica_form=form)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.comment")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user, project=project, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your comment was added."))
            return _back(project, "#comments")
    return _project_error(request, project, comment_form=form)


@login_required
@require_POST
def project_commitment_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.change")
    form = CommitmentForm(request.POST, units=_project_units(project))
    if form.is_valid():
        try:
            services.commitment_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The commitment was recorded."))
            return _back(project, "#commitments")
    return _project_error(request, project, commitment_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def project_session(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "project.facilitate")
    return _session_page(request, units=_project_units(project), project=project)


def _session_page(
    request: HttpRequest,
    *,
    units: QuerySet[Unit],
    project: ReplicationProject | None = None,
    programme: Programme | None = None,
) -> HttpResponse:
    form = SessionForm(_data(request))
    actions = ActionFormSet(_data(request), prefix="actions", form_kwargs={"units": units})
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        rows = [
            a.cleaned_data
            for a in actions.forms
            if a.cleaned_data and a.cleaned_data.get("description")
        ]
        try:
            with transaction.atomic():
                services.session_create(
                    actor=request.user,
                    project=project,
                    programme=programme,
                    actions=rows,
                    **form.cleaned_data,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session was logged."))
            if project is not None:
                return _back(project, "#sessions")
            if programme is None:  # the service refuses a session of neither
                raise ValueError("A session belongs to a project or a programme.")
            return redirect(reverse("replication:programme", args=[programme.slug]) + "#sessions")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "replication/session_form.html",
        {"form": form, "actions": actions, "project": project, "programme": programme},
        status=status,
    )


# --- commitments ----------------------------------------------------------------------------


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in {*Commitment.Status.values, "open", "all"}:
        status = "open"
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.commitments_for(
        request.user, status="" if status == "all" else status, overdue=overdue
    )
    return render(
        request,
        "replication/commitment_list.html",
        {
            "page": paginate(request, qs, PER_PAGE),
            "status": status,
            "overdue": overdue,
            "statuses": [
                ("open", _("open or in progress")),
                *Commitment.Status.choices,
                ("all", _("all")),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = selectors.commitment_detail(pk)
    if commitment is None or not can(request.user, "commitment.view", commitment):
        raise Http404
    may_change = can(request.user, "commitment.change", commitment)
    form = None
    status = 200
    if may_change:
        form = CommitmentUpdateForm(
            _data(request),
            initial={"status": commitment.status, "due_date": commitment.due_date},
        )
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.commitment_update(
                        actor=request.user, commitment=commitment, **form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The commitment was saved."))
                    return redirect("replication:commitment_detail", pk=pk)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "replication/commitment_detail.html",
        {
            "commitment": commitment,
            "form": form,
            "history": list(audit.history(commitment)[:20]),
            "project_visible": commitment.project_id is not None
            and can(request.user, "project.view", commitment.project),
        },
        status=status,
    )


# --- replica link requests -------------------------------------------------------------------


@login_required
def link_requests(request: HttpRequest) -> HttpResponse:
    """Requests to record an innovation as a project's replica: those made to the person's
    agency (to answer) and those of their projects."""
    user = request.user
    return render(
        request,
        "replication/link_requests.html",
        {
            "to_answer": list(selectors.link_requests_to_answer(user)[:100]),
            "page": paginate(request, selectors.link_requests_for(user), PER_PAGE),
            "answer_form": LinkAnswerForm(),
        },
    )


@login_required
@require_POST
def link_request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_requests_for(request.user).filter(pk=pk).first()
    if link is None:
        raise Http404
    form = LinkAnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.replica_link_answer(
                actor=request.user, link_request=link, accept=accept, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The request was accepted: the innovation is now the project's replica.")
                if accept
                else _("The request was declined."),
            )
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("replication:link_requests")


# --- agencies joining a programme ------------------------------------------------------------


def joinable_agencies(user: ActorLike, programme: Programme) -> QuerySet[Agency]:
    """Agencies this person may join to the programme (as their innovation admin)."""
    joined = services.scope_agency_ids(programme)
    return agency_policy.filter(
        in_own_roles(as_actor(user)), "administer", Agency.objects.order_by("name")
    ).exclude(pk__in=joined)


@login_required
@require_POST
def programme_join(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    agency_id = id_param(request.POST.get("agency"))
    agency = (
        joinable_agencies(request.user, programme).filter(pk=agency_id).first()
        if agency_id is not None
        else None
    )
    if agency is None:
        messages.error(request, _("Choose an agency you are the innovation admin of."))
    else:
        services.programme_join(actor=request.user, programme=programme, agency=agency)
        messages.success(
            request,
            _("“%(agency)s” joined the programme: its units may now be targets.")
            % {"agency": agency},
        )
    return redirect(reverse("replication:programme", args=[slug]) + "#participants")


@login_required
@require_POST
def programme_leave(request: HttpRequest, slug: str, agency_id: int) -> HttpResponse:
    programme = _programme(slug)
    agency = get_object_or_404(Agency, pk=agency_id)
    try:
        removed = services.programme_leave(actor=request.user, programme=programme, agency=agency)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(agency)s” left the programme; %(n)s of its units are no longer targets.")
            % {"agency": agency, "n": removed},
        )
    return redirect(reverse("replication:programme", args=[slug]) + "#participants")
