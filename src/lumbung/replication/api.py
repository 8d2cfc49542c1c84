"""API router for replication: programmes, projects, transitions, documents, adaptation records,
facilitation sessions and commitments.

Programmes and their coverage are public. Projects, sessions and commitments are read by whom
the replication rules allow and are 404 for everyone else. Writes go through
``replication.services``, which check permissions. A transition names the version (or stage) the
client saw; if the project moved meanwhile the answer is 409 with the current stage.
"""

from __future__ import annotations

from typing import Any, overload

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from lumbung.catalog.models import Innovation
from lumbung.core.actors import ActorLike
from lumbung.core.http.auth import READ_AUTH, current_user, optional_auth_openapi
from lumbung.core.http.errors import error_responses
from lumbung.core.http.schemas import PageParams, page_of, paginate
from lumbung.core.policies import can, require
from lumbung.organisations.models import Agency, Unit, User

from . import selectors, services
from .models import (
    AdaptationRecord,
    Commitment,
    FacilitationSession,
    Programme,
    ProjectDocument,
    ReplicaLinkRequest,
    ReplicationProject,
    Transition,
)
from .schemas import (
    AdaptationIn,
    AdaptationOut,
    CommentIn,
    CommentOut,
    CommitmentFilters,
    CommitmentIn,
    CommitmentOut,
    CommitmentUpdateIn,
    ComponentsIn,
    DocumentIn,
    DocumentOut,
    FidelityOut,
    FormDecisionIn,
    LinkAnswerIn,
    LinkRequestFilters,
    LinkRequestOut,
    ParticipantIn,
    ParticipantOut,
    ProgrammeIn,
    ProgrammeListOut,
    ProgrammeOut,
    ProgrammeUpdateIn,
    ProjectFilters,
    ProjectIn,
    ProjectListOut,
    ProjectOut,
    ProjectUpdateIn,
    ReplicaLinkIn,
    SessionIn,
    SessionOut,
    TargetsIn,
    TargetsOut,
    TransitionIn,
    TransitionOut,
)

router = Router(tags=["replication"])

WRITE_ERRORS = error_responses(401, 403, 404, 422)


def _read(**kwargs: Any) -> dict[str, Any]:
    return {"auth": READ_AUTH, "openapi_extra": optional_auth_openapi(), **kwargs}


# --- lookups ---------------------------------------------------------------------------------


def _programme(slug: str) -> Programme:
    programme = selectors.programme_detail(slug)
    if programme is None:
        raise Http404
    return programme


def _project(request: HttpRequest, pk: int) -> ReplicationProject:
    project = selectors.project_detail(pk)
    if project is None or not can(current_user(request), "project.view", project):
        raise Http404
    return project


def _commitment(request: HttpRequest, pk: int) -> Commitment:
    commitment = selectors.commitment_detail(pk)
    if commitment is None or not can(current_user(request), "commitment.view", commitment):
        raise Http404
    return commitment


@overload
def _unit(pk: int, field: str) -> Unit: ...
@overload
def _unit(pk: None, field: str) -> None: ...
def _unit(pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.select_related("agency").filter(pk=pk).first()
    if unit is None:
        raise ValidationError({field: _("Unknown unit.")})
    return unit


@overload
def _agency(pk: int, field: str) -> Agency: ...
@overload
def _agency(pk: None, field: str) -> None: ...
def _agency(pk: int | None, field: str) -> Agency | None:
    if pk is None:
        return None
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise ValidationError({field: _("Unknown agency.")})
    return agency


def _written_commitment(pk: int) -> Commitment:
    """A commitment just written, read again with what its output shows."""
    commitment = selectors.commitment_detail(pk)
    if commitment is None:
        raise Http404
    return commitment


def _innovations(request: HttpRequest, slugs: list[str], field: str) -> list[Innovation]:
    user = current_user(request)
    found = {i.slug: i for i in Innovation.objects.filter(slug__in=slugs)}
    result = []
    for slug in slugs:
        innovation = found.get(slug)
        if innovation is None or not can(user, "innovation.view", innovation):
            raise ValidationError({field: _("Unknown innovation: %(slug)s.") % {"slug": slug}})
        result.append(innovation)
    return result


def _people(ids: list[int] | None, field: str) -> list[User] | None:
    if ids is None:
        return None
    people = list(User.objects.filter(pk__in=set(ids), is_active=True))
    if len(people) != len(set(ids)):
        raise ValidationError({field: _("Unknown person.")})
    return people


# --- output ----------------------------------------------------------------------------------


def _ref(obj: Model | None) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def _innovation_ref(innovation: Innovation | None, user: ActorLike) -> dict[str, Any] | None:
    if innovation is None or not can(user, "innovation.view", innovation):
        return None
    return {"slug": innovation.slug, "name": innovation.name, "generation": innovation.generation}


def _programme_list_out(programme: Programme) -> dict[str, Any]:
    sources = [s for s in programme.sources.all() if s.is_published]
    return {
        "slug": programme.slug,
        "name": programme.name,
        "agency": _ref(programme.agency),
        "facilitator_agency": _ref(programme.facilitator_agency),
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "coverage_target": programme.coverage_target,
        "target_count": getattr(programme, "target_count", None) or programme.targets.count(),
        "sources": [{"slug": s.slug, "name": s.name, "generation": s.generation} for s in sources],
    }


def _programme_out(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    user = current_user(request)
    internal = can(user, "programme.view_internal", programme)
    coverage = selectors.programme_coverage(programme)
    rows = selectors.programme_unit_states(programme)
    units = []
    for row in rows:
        replica = row.project.replica if row.project else None
        item: dict[str, Any] = {
            "unit": _ref(row.unit),
            "agency": _ref(row.unit.agency),
            "state": row.state,
            "state_label": row.state_label,
            "replica": _innovation_ref(replica, user),
        }
        if internal:
            item.update(
                open_commitments=row.open_commitments,
                overdue_commitments=row.overdue_commitments,
            )
        units.append(item)
    out = _programme_list_out(programme)
    out.update(
        description=programme.description,
        coverage={
            "target": coverage.target,
            "current": coverage.current,
            "percent": coverage.percent,
            "target_units": coverage.target_units,
            "series": [
                {"date": p.date, "covered": p.running, "stages": p.counts}
                for p in coverage.points
            ],
        },
        states=selectors.state_counts(rows),
        units=units,
        can_change=can(user, "programme.change", programme),
    )
    if internal:
        out["managers"] = [_ref(u) for u in programme.managers.all()]
        out["facilitators"] = [_ref(u) for u in programme.facilitators.all()]
    return out


def _document_url(document: ProjectDocument) -> str:
    try:
        return reverse("replication:document", args=[document.project_id, document.pk])
    except NoReverseMatch:
        return ""


def _document_out(document: ProjectDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "title": document.title,
        "content_type": document.content_type,
        "size": document.size,
        "uploaded_at": document.uploaded_at,
        "url": _document_url(document),
    }


def _project_list_out(project: ReplicationProject, user: ActorLike) -> dict[str, Any]:
    return {
        "id": project.pk,
        "source": _innovation_ref(project.source, user)
        or {"slug": "", "name": str(project.source), "generation": project.source.generation},
        "adopting_unit": _ref(project.adopting_unit),
        "adopting_agency": _ref(project.adopting_agency),
        "programme": project.programme.slug if project.programme is not None else None,
        "declared_form": project.declared_form,
        "stage": project.stage,
        "version": project.version,
        "replica": _innovation_ref(project.replica, user),
    }


def _fidelity_out(project: ReplicationProject) -> dict[str, Any]:
    summary = selectors.fidelity_summary(project)
    return {
        "declared_form": summary.declared_form,
        "kept": summary.kept,
        "adapted": summary.adapted,
        "dropped": summary.dropped,
        "unassessed": summary.unassessed,
        "changes": summary.changes,
        "by_fidelity": summary.by_fidelity,
        "components": [
            {"component": c["component"], "outcome": c["outcome"], "note": c["note"]}
            for c in summary.components
        ],
        "mismatch": summary.mismatch,
        "mismatch_message": summary.mismatch_message,
        "suggested_form": summary.suggested_form,
        "needs_decision": summary.needs_decision,
    }


def _project_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = current_user(request)
    project = _project(request, pk)
    gate = selectors.gate_status(project)
    may_change = can(user, "project.change", project)
    out = _project_list_out(project, user)
    out.update(
        stage_since=project.stage_since,
        stopped_from=project.stopped_from,
        stop_reason=project.stop_reason,
        team=project.team,
        notes=project.notes if may_change else None,
        facilitator_agency=_ref(project.facilitator_agency),
        facilitators=[_ref(u) for u in project.facilitators.all()],
        gate={
            "next_stage": gate.next_stage,
            "requirements": [{"label": i.label, "met": i.met} for i in gate.items],
            "ready": gate.ready,
            "allowed": [s for s, _label in gate.targets],
        },
        fidelity=_fidelity_out(project),
        transitions=[_transition_out(t) for t in project.transitions.all()],
        documents=[_document_out(d) for d in project.documents.all()],
        can_change=may_change,
    )
    return out


def _transition_out(t: Transition) -> dict[str, Any]:
    return {
        "from_stage": t.from_stage,
        "to_stage": t.to_stage,
        "note": t.note,
        "actor": str(t.actor) if t.actor_id else None,
        "created_at": t.created_at,
    }


def _commitment_out(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "owner_unit": _ref(c.owner_unit),
        "description": c.description,
        "due_date": c.due_date,
        "status": c.status,
        "status_note": c.status_note,
        "overdue": c.is_overdue,
        "project": c.project_id,
        "programme": c.programme.slug if c.programme is not None else None,
        "session": c.session_id,
        "origin": c.origin,
        "origin_ref": c.origin_ref,
        "origin_label": c.origin_label,
        "origin_url": c.origin_url,
        "completed_at": c.completed_at,
        "created_at": c.created_at,
    }


def _session_out(s: FacilitationSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "project": s.project_id,
        "programme": s.programme.slug if s.programme is not None else None,
        "date": s.date,
        "mode": s.mode,
        "participants": s.participants,
        "notes": s.notes,
        "problems": s.problems,
        "commitments": [_commitment_out(c) for c in s.commitments.all()],
        "created_at": s.created_at,
    }


# --- programmes ------------------------------------------------------------------------------


@router.get(
    "/programmes",
    response={200: page_of(ProgrammeListOut), **error_responses(401, 422)},
    **_read(),
)
def programme_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Replication programmes (public): sources, owner, facilitator, period and target."""
    result = paginate(selectors.programme_list(), page)
    result["items"] = [_programme_list_out(p) for p in result["items"]]
    return result


@router.get(
    "/programmes/{slug:slug}",
    response={200: ProgrammeOut, **error_responses(401, 404)},
    **_read(),
)
def programme_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A programme with, per target unit, where it stands and the coverage over time."""
    return _programme_out(request, _programme(slug))


@router.post("/programmes", response={201: ProgrammeOut, **WRITE_ERRORS})
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status:
    data = payload.dict()
    agency = _agency(payload.agency, "agency")
    targets = [_unit(pk, "targets") for pk in dict.fromkeys(data["targets"])]
    programme = services.programme_create(
        actor=current_user(request),
        agency=agency,
        name=data["name"],
        description=data["description"],
        sources=_innovations(request, data["sources"], "sources"),
        start_date=data["start_date"],
        end_date=data["end_date"],
        coverage_target=data["coverage_target"],
        facilitator_agency=_agency(data["facilitator_agency"], "facilitator_agency"),
        facilitators=_people(data["facilitators"], "facilitators") or [],
        managers=_people(data["managers"], "managers") or [],
        targets=[t for t in targets if t is not None],
    )
    return Status(201, _programme_out(request, _programme(programme.slug)))


@router.patch("/programmes/{slug:slug}", response={200: ProgrammeOut, **WRITE_ERRORS})
def programme_update(request: HttpRequest, slug: str, payload: ProgrammeUpdateIn) -> dict[str, Any]:
    programme = _programme(slug)
    data = payload.dict(exclude_unset=True)
    if "sources" in data:
        data["sources"] = _innovations(request, data["sources"] or [], "sources")
    if "facilitator_agency" in data:
        data["facilitator_agency"] = _agency(data["facilitator_agency"], "facilitator_agency")
    for name in ("facilitators", "managers"):
        if name in data:
            data[name] = _people(data[name] or [], name)
    services.programme_update(actor=current_user(request), programme=programme, data=data)
    return _programme_out(request, _programme(slug))


@router.post("/programmes/{slug:slug}/targets", response={200: TargetsOut, **WRITE_ERRORS})
def programme_targets_add(request: HttpRequest, slug: str, payload: TargetsIn) -> dict[str, Any]:
    """Add target units at once: by id and/or every unit under a unit (optionally by type)."""
    programme = _programme(slug)
    require(current_user(request), "programme.change", programme)
    units = [_unit(pk, "units") for pk in dict.fromkeys(payload.units)]
    added = services.programme_targets_add(
        actor=current_user(request),
        programme=programme,
        units=[u for u in units if u is not None],
        under=_unit(payload.under, "under"),
        kinds=payload.kinds,
    )
    return {"added": added, "targets": programme.targets.count()}


@router.post(
    "/programmes/{slug:slug}/participants", response={201: ParticipantOut, **WRITE_ERRORS}
)
def programme_join(request: HttpRequest, slug: str, payload: ParticipantIn) -> Status:
    """The agency joins the programme (its innovation admin's consent): the programme may then
    target its units."""
    programme = _programme(slug)
    agency = _agency(payload.agency, "agency")
    participant = services.programme_join(
        actor=current_user(request), programme=programme, agency=agency
    )
    return Status(
        201,
        {"programme": programme.slug, "agency": _ref(agency), "joined_at": participant.joined_at},
    )


@router.delete(
    "/programmes/{slug:slug}/participants/{int:agency_id}",
    response={204: None, **WRITE_ERRORS},
)
def programme_leave(request: HttpRequest, slug: str, agency_id: int) -> Status:
    """The agency withdraws: its units stop being the programme's targets."""
    programme = _programme(slug)
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise Http404
    services.programme_leave(actor=current_user(request), programme=programme, agency=agency)
    return Status(204, None)


@router.delete("/programmes/{slug:slug}/targets/{unit_id}", response={204: None, **WRITE_ERRORS})
def programme_target_remove(request: HttpRequest, slug: str, unit_id: int) -> Status:
    programme = _programme(slug)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    services.programme_target_remove(actor=current_user(request), programme=programme, unit=unit)
    return Status(204, None)


@router.get(
    "/programmes/{slug:slug}/sessions",
    response={200: page_of(SessionOut), **error_responses(401, 404, 422)},
    **_read(),
)
def programme_sessions(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    programme = _programme(slug)
    if not can(current_user(request), "programme.view_internal", programme):
        raise Http404
    result = paginate(selectors.session_list(programme=programme), page)
    result["items"] = [_session_out(s) for s in result["items"]]
    return result


@router.post("/programmes/{slug:slug}/sessions", response={201: SessionOut, **WRITE_ERRORS})
def programme_session_create(request: HttpRequest, slug: str, payload: SessionIn) -> Status:
    programme = _programme(slug)
    session = _session_create(request, payload, programme=programme)
    return Status(201, _session_out(session))


# --- projects --------------------------------------------------------------------------------


@router.get(
    "/projects",
    response={200: page_of(ProjectListOut), **error_responses(401, 422)},
    **_read(),
)
def project_list(
    request: HttpRequest, filters: Query[ProjectFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The projects the caller may read (none for the public)."""
    user = current_user(request)
    programme = selectors.programme_detail(filters.programme) if filters.programme else None
    if filters.programme and programme is None:
        raise ValidationError({"programme": _("Unknown programme.")})
    result = paginate(
        selectors.visible_projects(user, stage=filters.stage, programme=programme), page
    )
    result["items"] = [_project_list_out(p, user) for p in result["items"]]
    return result


@router.post("/projects", response={201: ProjectOut, **WRITE_ERRORS})
def project_create(request: HttpRequest, payload: ProjectIn) -> Status:
    """Start a project (the adopting unit, or a programme's manager on its behalf)."""
    user = current_user(request)
    data = payload.dict()
    source = _innovations(request, [data["source"]], "source")[0]
    programme = None
    if data["programme"]:
        programme = selectors.programme_detail(data["programme"])
        if programme is None:
            raise ValidationError({"programme": _("Unknown programme.")})
    project = services.project_start(
        actor=user,
        source=source,
        adopting_unit=_unit(payload.adopting_unit, "adopting_unit"),
        declared_form=data["declared_form"],
        programme=programme,
        team=data["team"],
        notes=data["notes"],
        facilitator_agency=_agency(data["facilitator_agency"], "facilitator_agency"),
        facilitators=_people(data["facilitators"], "facilitators"),
    )
    return Status(201, _project_out(request, project.pk))


@router.get(
    "/projects/{int:pk}", response={200: ProjectOut, **error_responses(401, 404)}, **_read()
)
def project_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    """A project: stage, what the next gate needs, fidelity summary, transitions, documents."""
    return _project_out(request, pk)


@router.patch("/projects/{int:pk}", response={200: ProjectOut, **WRITE_ERRORS})
def project_update(request: HttpRequest, pk: int, payload: ProjectUpdateIn) -> dict[str, Any]:
    project = _project(request, pk)
    data = payload.dict(exclude_unset=True)
    if "facilitator_agency" in data:
        data["facilitator_agency"] = _agency(data["facilitator_agency"], "facilitator_agency")
    if "facilitators" in data:
        data["facilitators"] = _people(data["facilitators"] or [], "facilitators")
    services.project_update(actor=current_user(request), project=project, data=data)
    return _project_out(request, pk)


@router.get(
    "/projects/{int:pk}/transitions",
    response={200: list[TransitionOut], **error_responses(401, 404)},
    **_read(),
)
def project_transitions(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    return [_transition_out(t) for t in _project(request, pk).transitions.all()]


@router.post(
    "/projects/{int:pk}/transitions",
    response={200: ProjectOut, **error_responses(401, 403, 404, 409, 422)},
)
def project_transition(
    request: HttpRequest, pk: int, payload: TransitionIn
) -> Status | dict[str, Any]:
    """Move the project. Name the version (or stage) you saw: 409 if it moved meanwhile, 422
    with the missing documents when a gate is not met."""
    project = _project(request, pk)
    if payload.expected_version is None and payload.expected_stage is None:
        raise ValidationError(
            {"expected_version": _("Send the version (or the stage) of the project you saw.")}
        )
    try:
        services.project_transition(
            actor=current_user(request),
            project=project,
            to_stage=payload.to_stage,
            note=payload.note,
            expected_version=payload.expected_version
            if payload.expected_version is not None
            else project.version,
            expected_stage=payload.expected_stage,
        )
    except services.TransitionConflict as exc:
        return Status(
            409,
            {
                "detail": exc.message,
                "errors": [
                    {"field": "expected_version", "message": str(exc.current_version)},
                    {"field": "expected_stage", "message": exc.current_stage},
                ],
            },
        )
    return _project_out(request, pk)


@router.get(
    "/projects/{int:pk}/documents",
    response={200: list[DocumentOut], **error_responses(401, 404)},
    **_read(),
)
def project_documents(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    return [_document_out(d) for d in _project(request, pk).documents.all()]


@router.post(
    "/projects/{int:pk}/documents",
    response={201: DocumentOut, **error_responses(400, 401, 403, 404, 413, 422)},
)
def project_document_add(
    request: HttpRequest, pk: int, data: Form[DocumentIn], file: File[UploadedFile]
) -> Status:
    """Upload gate evidence (multipart): PDF, PNG, JPEG or WebP, the type read from the content."""
    document = services.project_document_add(
        actor=current_user(request),
        project=_project(request, pk),
        kind=data.kind,
        title=data.title,
        upload=file,
    )
    return Status(201, _document_out(document))


@router.delete("/projects/{int:pk}/documents/{int:doc_id}", response={204: None, **WRITE_ERRORS})
def project_document_remove(request: HttpRequest, pk: int, doc_id: int) -> Status:
    project = _project(request, pk)
    document = ProjectDocument.objects.filter(project=project, pk=doc_id).first()
    if document is None:
        raise Http404
    services.project_document_remove(actor=current_user(request), document=document)
    return Status(204, None)


@router.post(
    "/projects/{int:pk}/replica",
    response={200: ProjectOut, 202: LinkRequestOut, **WRITE_ERRORS},
)
def project_link_replica(
    request: HttpRequest, pk: int, payload: ReplicaLinkIn
) -> Status | dict[str, Any]:
    """Record an innovation the adopting unit already has as the project's replica.

    It rewrites that innovation's lineage, so its agency decides: when the caller is that
    agency's innovation admin the link is made at once (200, the project); otherwise a request
    waits for them (202, the request) and they are notified."""
    project = _project(request, pk)
    innovation = _innovations(request, [payload.innovation], "innovation")[0]
    link = services.replica_link_request(
        actor=current_user(request), project=project, innovation=innovation
    )
    if link.status == ReplicaLinkRequest.Status.ACCEPTED:
        return _project_out(request, pk)
    return Status(202, _link_request_out(link, current_user(request)))


def _link_request_out(link: ReplicaLinkRequest, user: ActorLike) -> dict[str, Any]:
    project = link.project
    return {
        "id": link.pk,
        "project": project.pk,
        "innovation": _ref(link.innovation),
        "adopting_unit": _ref(project.adopting_unit),
        "source": _ref(project.source),
        "status": link.status,
        "requested_at": link.requested_at,
        "answered_at": link.answered_at,
        "answer_note": link.answer_note,
        "can_answer": link.status == ReplicaLinkRequest.Status.PENDING
        and can(user, "replica_link.answer", link),
    }


@router.get(
    "/replica-link-requests",
    response={200: page_of(LinkRequestOut), **error_responses(401, 422)},
)
def link_request_list(
    request: HttpRequest, filters: Query[LinkRequestFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Requests the caller may see: those made to their agency, and those of their projects."""
    user = current_user(request)
    result = paginate(selectors.link_requests_for(user, status=filters.status), page)
    result["items"] = [_link_request_out(link, user) for link in result["items"]]
    return result


@router.post(
    "/replica-link-requests/{int:pk}/answer",
    response={200: LinkRequestOut, **WRITE_ERRORS},
)
def link_request_answer(request: HttpRequest, pk: int, payload: LinkAnswerIn) -> dict[str, Any]:
    """Accept (the innovation becomes the project's replica) or decline (with a reason)."""
    user = current_user(request)
    link = selectors.link_requests_for(user).filter(pk=pk).first()
    if link is None:
        raise Http404
    link = services.replica_link_answer(
        actor=user, link_request=link, accept=payload.accept, note=payload.note
    )
    return _link_request_out(link, user)


@router.get(
    "/projects/{int:pk}/adaptations",
    response={200: list[AdaptationOut], **error_responses(401, 404)},
    **_read(),
)
def adaptation_list(request: HttpRequest, pk: int) -> list[AdaptationRecord]:
    return list(_project(request, pk).adaptations.all())


@router.post("/projects/{int:pk}/adaptations", response={201: AdaptationOut, **WRITE_ERRORS})
def adaptation_add(request: HttpRequest, pk: int, payload: AdaptationIn) -> Status:
    """Record one change of the replica (FRAME fields)."""
    record = services.adaptation_add(
        actor=current_user(request), project=_project(request, pk), data=payload.dict()
    )
    return Status(201, record)


@router.delete("/projects/{int:pk}/adaptations/{int:rid}", response={204: None, **WRITE_ERRORS})
def adaptation_remove(request: HttpRequest, pk: int, rid: int) -> Status:
    record = AdaptationRecord.objects.filter(project=_project(request, pk), pk=rid).first()
    if record is None:
        raise Http404
    services.adaptation_remove(actor=current_user(request), record=record)
    return Status(204, None)


@router.put("/projects/{int:pk}/components", response={200: FidelityOut, **WRITE_ERRORS})
def components_set(request: HttpRequest, pk: int, payload: ComponentsIn) -> dict[str, Any]:
    """Per core component of the source: kept, adapted or dropped ("" removes the entry)."""
    project = _project(request, pk)
    services.component_statuses_set(
        actor=current_user(request),
        project=project,
        statuses={s.component: {"outcome": s.outcome, "note": s.note} for s in payload.statuses},
    )
    return _fidelity_out(_project(request, pk))


@router.post("/projects/{int:pk}/form-decision", response={200: ProjectOut, **WRITE_ERRORS})
def form_decision(request: HttpRequest, pk: int, payload: FormDecisionIn) -> dict[str, Any]:
    """Answer the form check: keep the declared form (with a reason) or change it."""
    services.form_decide(
        actor=current_user(request),
        project=_project(request, pk),
        decision=payload.decision,
        to_form=payload.to_form or "",
        note=payload.note,
    )
    return _project_out(request, pk)


@router.get(
    "/projects/{int:pk}/comments",
    response={200: list[CommentOut], **error_responses(401, 404)},
    **_read(),
)
def comment_list(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "author": str(c.author) if c.author_id else None,
            "text": c.text,
            "created_at": c.created_at,
        }
        for c in _project(request, pk).comments.all()
    ]


@router.post("/projects/{int:pk}/comments", response={201: CommentOut, **WRITE_ERRORS})
def comment_add(request: HttpRequest, pk: int, payload: CommentIn) -> Status:
    comment = services.comment_add(
        actor=current_user(request), project=_project(request, pk), text=payload.text
    )
    return Status(
        201,
        {
            "id": comment.pk,
            "author": str(comment.author),
            "text": comment.text,
            "created_at": comment.created_at,
        },
    )


@router.get(
    "/projects/{int:pk}/sessions",
    response={200: list[SessionOut], **error_responses(401, 404)},
    **_read(),
)
def project_sessions(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    project = _project(request, pk)
    return [_session_out(s) for s in selectors.session_list(project=project)]


def _session_create(
    request: HttpRequest,
    payload: SessionIn,
    *,
    project: ReplicationProject | None = None,
    programme: Programme | None = None,
) -> FacilitationSession:
    actions = []
    for i, action in enumerate(payload.actions):
        actions.append(
            {
                "owner_unit": _unit(action.owner_unit, f"actions.{i}.owner_unit"),
                "description": action.description,
                "due_date": action.due_date,
            }
        )
    return services.session_create(
        actor=current_user(request),
        project=project,
        programme=programme,
        date=payload.date,
        mode=payload.mode,
        participants=payload.participants,
        notes=payload.notes,
        problems=payload.problems,
        actions=actions,
    )


@router.post("/projects/{int:pk}/sessions", response={201: SessionOut, **WRITE_ERRORS})
def project_session_create(request: HttpRequest, pk: int, payload: SessionIn) -> Status:
    """Log a facilitation session; agreed actions become commitments."""
    session = _session_create(request, payload, project=_project(request, pk))
    session = selectors.session_list().get(pk=session.pk)
    return Status(201, _session_out(session))


# --- commitments -----------------------------------------------------------------------------


@router.get(
    "/commitments",
    response={200: page_of(CommitmentOut), **error_responses(401, 422)},
    **_read(),
)
def commitment_list(
    request: HttpRequest, filters: Query[CommitmentFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The commitments the caller may read (none for the public)."""
    user = current_user(request)
    programme = None
    if filters.programme:
        programme = selectors.programme_detail(filters.programme)
        if programme is None:
            raise ValidationError({"programme": _("Unknown programme.")})
    project = None
    if filters.project:
        project = ReplicationProject.objects.filter(pk=filters.project).first()
        if project is None or not can(user, "project.view", project):
            raise ValidationError({"project": _("Unknown project.")})
    qs = selectors.commitments_for(
        user,
        status=filters.status,
        overdue=filters.overdue,
        programme=programme,
        project=project,
        origin=filters.origin,
    )
    result = paginate(qs, page)
    result["items"] = [_commitment_out(c) for c in result["items"]]
    return result


@router.get(
    "/commitments/{int:pk}",
    response={200: CommitmentOut, **error_responses(401, 404)},
    **_read(),
)
def commitment_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _commitment_out(_commitment(request, pk))


@router.post("/commitments", response={201: CommitmentOut, **WRITE_ERRORS})
def commitment_create(request: HttpRequest, payload: CommitmentIn) -> Status:
    user = current_user(request)
    project = None
    if payload.project:
        project = ReplicationProject.objects.filter(pk=payload.project).first()
        if project is None or not can(user, "project.view", project):
            raise ValidationError({"project": _("Unknown project.")})
    programme = None
    if payload.programme:
        programme = selectors.programme_detail(payload.programme)
        if programme is None:
            raise ValidationError({"programme": _("Unknown programme.")})
    commitment = services.commitment_create(
        actor=user,
        owner_unit=_unit(payload.owner_unit, "owner_unit"),
        description=payload.description,
        due_date=payload.due_date,
        project=project,
        programme=programme,
    )
    return Status(201, _commitment_out(_written_commitment(commitment.pk)))


@router.patch("/commitments/{int:pk}", response={200: CommitmentOut, **WRITE_ERRORS})
def commitment_update(request: HttpRequest, pk: int, payload: CommitmentUpdateIn) -> dict[str, Any]:
    commitment = _commitment(request, pk)
    services.commitment_update(
        actor=current_user(request),
        commitment=commitment,
        status=payload.status,
        due_date=payload.due_date,
        description=payload.description,
        note=payload.note,
    )
    return _commitment_out(_written_commitment(pk))
