"""Writes to replication projects: start, change, documents, stage transitions, the replica
and its lineage, comments.

Stage transitions (:func:`project_transition`) are atomic and guarded against lost updates: the
caller names the version (or stage) it saw, the row is locked (``select_for_update``) and then
updated only ``WHERE version = <seen>``; a second person moving the same project from the same
version gets :class:`TransitionConflict` instead of silently overwriting the first.

Linking an innovation that already exists as a project's replica rewrites that innovation's
public lineage, so it needs its agency: :func:`replica_link_request` links at once when the
person may review the innovation (its agency's innovation admin), and otherwise leaves a request
that the agency's admins accept or decline (:func:`replica_link_answer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.catalog import hooks as catalog_hooks
from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Innovation
from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.files.storage import delete_stored, store_upload, uploaded_stem
from lumbung.core.policies import can, require
from lumbung.notifications.services import notify_many
from lumbung.organisations.models import Agency, Unit, User
from lumbung.organisations.selectors import agency_admins

from .. import gates, notices
from ..models import (
    DocumentKind,
    Programme,
    ProgrammeTarget,
    ProjectComment,
    ProjectDocument,
    ReplicaLinkRequest,
    ReplicationProject,
    Stage,
    Transition,
)
from ._common import TransitionConflict, check_form, clean_text, names_of, users_from
from .commitments import commitments_fulfil_unchecked
from .programmes import scope_agency_ids

# --- projects -------------------------------------------------------------------------------

PROJECT_AUDITED = (
    "source",
    "adopting_unit",
    "programme",
    "declared_form",
    "team",
    "facilitator_agency",
    "stage",
    "stop_reason",
    "replica",
)


@transaction.atomic
def project_start(
    *,
    actor: ActorLike,
    source: Innovation,
    adopting_unit: Unit,
    declared_form: str,
    programme: Programme | None = None,
    team: str = "",
    notes: str = "",
    facilitator_agency: Agency | None = None,
    facilitators: Iterable[User | int] | None = None,
    is_example: bool = False,
) -> ReplicationProject:
    """Start a replication project for ``adopting_unit`` — by the unit's own people, or by a
    programme's managers and facilitators for the programme's target units. Without a
    facilitator of its own, the project takes the programme's."""
    require(actor, "project_start.for_unit", adopting_unit, programme=programme)
    require(actor, "innovation.view", source)
    return project_start_unchecked(
        actor=actor,
        source=source,
        adopting_unit=adopting_unit,
        declared_form=declared_form,
        programme=programme,
        team=team,
        notes=notes,
        facilitator_agency=facilitator_agency,
        facilitators=facilitators,
        is_example=is_example,
    )


def project_start_unchecked(
    *,
    actor: ActorLike,
    source: Innovation,
    adopting_unit: Unit,
    declared_form: str,
    programme: Programme | None = None,
    team: str = "",
    notes: str = "",
    facilitator_agency: Agency | None = None,
    facilitators: Iterable[User | int] | None = None,
    is_example: bool = False,
) -> ReplicationProject:
    """The work of :func:`project_start` without its permission check: a step of a service that
    has checked for itself (the events app, recording a unit's intents at a learning event). The
    rules of the record still hold: within a programme, the unit must be in its scope."""
    check_form(declared_form)
    if source.unit_id == adopting_unit.pk:
        raise ValidationError({"adopting_unit": _("A unit cannot replicate its own innovation.")})
    if programme is not None and not programme.sources.filter(pk=source.pk).exists():
        raise ValidationError(
            {"source": _("This innovation is not a source of the chosen programme.")}
        )
    running = ReplicationProject.objects.filter(source=source, adopting_unit=adopting_unit).exclude(
        stage=Stage.STOPPED
    )
    if running.exists():
        raise ValidationError(
            {"source": _("This unit already has a running project for this innovation.")}
        )
    project = ReplicationProject(
        source=source,
        adopting_unit=adopting_unit,
        adopting_agency_id=adopting_unit.agency_id,
        programme=programme,
        declared_form=declared_form,
        team=clean_text(team),
        notes=clean_text(notes),
        facilitator_agency=facilitator_agency
        or (programme.facilitator_agency if programme else None),
        is_example=is_example,
        created_by=user_of(actor),
    )
    project.save()
    if facilitators is None and programme is not None:
        project.facilitators.set(programme.facilitators.all())
    else:
        project.facilitators.set(users_from(facilitators))
    if programme is not None:
        if adopting_unit.agency_id not in scope_agency_ids(programme):
            raise ValidationError(
                {
                    "adopting_unit": _(
                        "This unit's agency has not joined the programme; its innovation admin "
                        "must join it first."
                    )
                }
            )
        _target, created = ProgrammeTarget.objects.get_or_create(
            programme=programme, unit=adopting_unit
        )
        if created:
            audit.record(
                actor=actor,
                obj=programme,
                action="programme.targets_add",
                changes={"targets": [None, [str(adopting_unit)]]},
            )
    Transition.objects.create(
        project=project,
        from_stage="",
        to_stage=Stage.PREPARATION,
        actor=user_of(actor),
    )
    audit.record(
        actor=actor,
        obj=project,
        action="project.start",
        changes=audit.diff(
            {},
            {
                k: v
                for k, v in audit.snapshot(project, PROJECT_AUDITED).items()
                if v not in ("", None)
            },
        ),
    )
    notices.project_started(project, actor=actor)
    return project


@transaction.atomic
def project_update(
    *, actor: ActorLike, project: ReplicationProject, data: Mapping[str, Any]
) -> ReplicationProject:
    project = ReplicationProject.objects.select_for_update().get(pk=project.pk)
    require(actor, "project.change", project)
    allowed = {"team", "notes", "facilitator_agency", "facilitators", "declared_form"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    before = audit.snapshot(project, (*PROJECT_AUDITED, "notes"))
    for name in ("team", "notes"):
        if name in data:
            setattr(project, name, clean_text(data[name]))
    if "facilitator_agency" in data:
        project.facilitator_agency = data["facilitator_agency"]
    if "declared_form" in data:
        project.declared_form = check_form(data["declared_form"])
    project.save()
    changes = audit.diff(before, audit.snapshot(project, (*PROJECT_AUDITED, "notes")))
    if "notes" in changes:  # private: record that they changed, not what they say
        changes["notes"] = ["…", "…"]
    if "facilitators" in data:
        old = names_of(project.facilitators.all())
        project.facilitators.set(users_from(data["facilitators"]))
        new = names_of(project.facilitators.all())
        if old != new:
            changes["facilitators"] = [old, new]
    if "declared_form" in changes:
        sync_replica_form(project, actor)
    if changes:
        audit.record(actor=actor, obj=project, action="project.update", changes=changes)
    return project


def sync_replica_form(project: ReplicationProject, actor: ActorLike) -> None:
    replica = project.replica
    if replica is None or replica.replication_form == project.declared_form:
        return
    old = replica.replication_form
    replica.replication_form = project.declared_form
    replica.save(update_fields=["replication_form", "updated_at"])
    catalog_services.record_write(
        actor=actor,
        innovation=replica,
        action="innovation.lineage",
        changes={"replication_form": [old, replica.replication_form]},
    )
    catalog_hooks.innovation_changed(replica)


@transaction.atomic
def project_document_add(
    *,
    actor: ActorLike,
    project: ReplicationProject,
    kind: str,
    title: str,
    upload: UploadedFile,
) -> ProjectDocument:
    """Attach an evidence document; its type is sniffed from its content, as for the catalog."""
    require(actor, "project.change", project)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    if upload is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    title = clean_text(title) or uploaded_stem(upload)
    if not title:
        raise ValidationError({"title": _("The title is required.")})
    document = ProjectDocument(
        project=project, kind=kind, title=title[:200], uploaded_by=user_of(actor)
    )
    store_upload(document, upload)
    document.save()
    audit.record(
        actor=actor,
        obj=project,
        action="project.document_add",
        changes={"documents": [None, f"{document.get_kind_display()}: {document.title}"]},
    )
    return document


@transaction.atomic
def project_document_remove(*, actor: ActorLike, document: ProjectDocument) -> None:
    require(actor, "project.change", document.project)
    audit.record(
        actor=actor,
        obj=document.project,
        action="project.document_remove",
        changes={"documents": [f"{document.get_kind_display()}: {document.title}", None]},
    )
    delete_stored(document)
    document.delete()


def _replica_data(project: ReplicationProject) -> dict[str, Any]:
    source = project.source
    unit = project.adopting_unit
    name = f"{source.name} — {unit.short_name or unit.name}"[:200]
    data: dict[str, Any] = {
        "name": name,
        "start_date": timezone.localdate(),
        "stage": Innovation.Stage.CREATION,
    }
    for field_name in (
        "acronym",
        "summary",
        "problem",
        "target_group",
        "core_components",
        "core_components_en",
        "adaptable_parts",
        "adaptable_parts_en",
        "government_affair",
    ):
        value = getattr(source, field_name)
        if value:
            data[field_name] = value
    if source.sector_id:
        data["sector"] = source.sector_id
    return data


def _set_lineage(replica: Innovation, project: ReplicationProject, actor: ActorLike) -> None:
    before = audit.snapshot(replica, ("source", "replication_form", "generation"))
    replica.source = project.source
    replica.replication_form = project.declared_form
    replica.generation = (project.source.generation or 0) + 1
    after = audit.snapshot(replica, ("source", "replication_form", "generation"))
    if before == after:
        return
    replica.save(update_fields=["source", "replication_form", "generation", "updated_at"])
    catalog_services.record_write(
        actor=actor,
        innovation=replica,
        action="innovation.lineage",
        changes=audit.diff(before, after),
        note=_("Set by replication project #%(id)s.") % {"id": project.pk},
    )
    catalog_hooks.innovation_changed(replica)


def _ensure_replica(project: ReplicationProject, actor: ActorLike) -> Innovation:
    """Create the replica in the catalog (as an innovation of the adopting unit) and set its
    lineage. The caller has checked ``project.change``, which covers the adopting unit's new
    draft: the unit started the project, or is a target of the programme it runs in."""
    replica = project.replica
    if replica is None:
        replica = catalog_services.innovation_create_unchecked(
            actor=actor, unit=project.adopting_unit, data=_replica_data(project)
        )
        project.replica = replica
    _set_lineage(replica, project, actor)
    return replica


def _ancestor_ids(innovation: Innovation) -> set[int]:
    seen: set[int] = set()
    current_id = innovation.source_id
    while current_id and current_id not in seen and len(seen) < 50:
        seen.add(current_id)
        current_id = (
            Innovation.objects.filter(pk=current_id).values_list("source_id", flat=True).first()
        )
    return seen


def _check_replica(project: ReplicationProject, innovation: Innovation) -> None:
    if innovation.unit_id != project.adopting_unit_id:
        raise ValidationError(
            {"replica": _("The replica must be an innovation of the adopting unit.")}
        )
    if innovation.pk == project.source_id or innovation.pk in _ancestor_ids(project.source):
        raise ValidationError({"replica": _("An innovation cannot be a replica of itself.")})
    if innovation.source_id and innovation.source_id != project.source_id:
        raise ValidationError(
            {"replica": _("This innovation is already recorded as a replica of another one.")}
        )
    other = ReplicationProject.objects.filter(replica=innovation).exclude(pk=project.pk)
    if other.exists():
        raise ValidationError({"replica": _("This innovation is the replica of another project.")})
    if project.replica_id and project.replica_id != innovation.pk:
        raise ValidationError({"replica": _("This project already has a replica.")})


def _link(project: ReplicationProject, innovation: Innovation, actor: ActorLike) -> None:
    _check_replica(project, innovation)
    old = str(project.replica) if project.replica_id else None
    project.replica = innovation
    project.save(update_fields=["replica", "updated_at"])
    _set_lineage(innovation, project, actor)
    audit.record(
        actor=actor,
        obj=project,
        action="project.link_replica",
        changes={"replica": [old, str(innovation)]},
    )


@transaction.atomic
def replica_link_request(
    *, actor: ActorLike, project: ReplicationProject, innovation: Innovation
) -> ReplicaLinkRequest:
    """Ask to record an innovation the adopting unit already has as this project's replica
    (instead of creating a new one when the project reaches implementation).

    Linked at once (the request is returned as accepted) when the person may also review the
    innovation — its agency's innovation admin; otherwise the request waits for them, and they
    are notified."""
    project = ReplicationProject.objects.select_for_update().get(pk=project.pk)
    require(actor, "project.change", project)
    _check_replica(project, innovation)  # an innovation of the adopting unit, and no loop
    require(actor, "innovation.view", innovation)
    if ReplicaLinkRequest.objects.filter(
        project=project, innovation=innovation, status=ReplicaLinkRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            {"replica": _("This request is already waiting for the agency's answer.")}
        )
    request = ReplicaLinkRequest(
        project=project, innovation=innovation, requested_by=user_of(actor)
    )
    if can(actor, "innovation.review", innovation):
        _link(project, innovation, actor)
        request.status = ReplicaLinkRequest.Status.ACCEPTED
        request.answered_by = user_of(actor)
        request.answered_at = timezone.now()
        request.save()
        return request
    request.save()
    audit.record(
        actor=actor,
        obj=project,
        action="project.link_request",
        changes={"replica_request": [None, str(innovation)]},
    )
    params = {
        "unit": str(project.adopting_unit),
        "innovation": str(innovation),
        "source": str(project.source),
    }
    notify_many(
        kind=notices.REPLICA_LINK,
        users=agency_admins(innovation.agency_id).order_by("pk"),
        text=lambda: _(
            "“%(unit)s” asks to record “%(innovation)s” as the replica of “%(source)s”."
        )
        % params,
        url=_url("replication:link_requests"),
        actor=actor,
        see=("replica_link.answer", request),
    )
    return request


@transaction.atomic
def replica_link_answer(
    *, actor: ActorLike, link_request: ReplicaLinkRequest, accept: bool, note: str = ""
) -> ReplicaLinkRequest:
    """The innovation's agency accepts (the innovation becomes the project's replica, with its
    lineage) or declines a request."""
    link_request = (
        ReplicaLinkRequest.objects.select_for_update(of=("self",))
        .select_related("innovation", "project", "requested_by")
        .get(pk=link_request.pk)
    )
    require(actor, "replica_link.answer", link_request)
    if link_request.status != ReplicaLinkRequest.Status.PENDING:
        raise ValidationError(_("This request has been answered already."))
    note = clean_text(note)
    if not accept and not note:
        raise ValidationError({"note": _("Say why the request is declined.")})
    if accept:
        project = ReplicationProject.objects.select_for_update().get(pk=link_request.project_id)
        _link(project, link_request.innovation, actor)
    link_request.status = (
        ReplicaLinkRequest.Status.ACCEPTED if accept else ReplicaLinkRequest.Status.DECLINED
    )
    link_request.answered_by = user_of(actor)
    link_request.answered_at = timezone.now()
    link_request.answer_note = note
    link_request.save()
    audit.record(
        actor=actor,
        obj=link_request.project,
        action="project.link_answer",
        changes={"replica_request": [str(link_request.innovation), link_request.status]},
        note=note,
    )
    if link_request.requested_by is not None:
        params = {"innovation": str(link_request.innovation)}
        notify_many(
            kind=notices.REPLICA_LINK,
            users=[link_request.requested_by],
            text=lambda: (
                _("Your request to record “%(innovation)s” as a replica was accepted.")
                if accept
                else _("Your request to record “%(innovation)s” as a replica was declined.")
            )
            % params,
            url=_url("replication:project", link_request.project_id),
            actor=actor,
            see=("project.view", link_request.project),
        )
    return link_request


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@transaction.atomic
def project_transition(
    *,
    actor: ActorLike,
    project: ReplicationProject,
    to_stage: str,
    note: str = "",
    expected_version: int | None = None,
    expected_stage: str | None = None,
) -> Transition:
    """Move a project to ``to_stage``.

    ``expected_version`` / ``expected_stage`` name what the caller saw; when they are not given
    the version of the ``project`` object passed in is used. Raises :class:`TransitionConflict`
    when the project moved meanwhile, ``ValidationError`` when the move is not allowed or its
    gate's documents are missing. Nothing changes unless everything succeeds.
    """
    seen_version = expected_version if expected_version is not None else project.version
    project = (
        ReplicationProject.objects.select_for_update(of=("self",))
        .select_related("source", "adopting_unit", "programme", "replica")
        .get(pk=project.pk)
    )
    require(actor, "project.change", project)
    stage_labels = dict(Stage.choices)
    if (expected_stage and expected_stage != project.stage) or seen_version != project.version:
        raise TransitionConflict(
            _(
                "Someone else changed this project meanwhile: it is now in “%(stage)s”. "
                "Look at it again before moving it."
            )
            % {"stage": stage_labels.get(project.stage, project.stage)},
            current_stage=project.stage,
            current_version=project.version,
        )
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": _("Unknown stage.")})
    note = clean_text(note)
    allowed = gates.allowed_targets(project.stage, stopped_from=project.stopped_from)
    if to_stage not in allowed:
        raise ValidationError(
            {
                "to_stage": _("A project in “%(current)s” cannot move to “%(target)s”.")
                % {
                    "current": stage_labels[project.stage],
                    "target": stage_labels[to_stage],
                }
            }
        )
    if to_stage == Stage.STOPPED and not note:
        raise ValidationError({"note": _("Say why the project stops.")})
    resuming = project.stage == Stage.STOPPED
    if not resuming and to_stage != Stage.STOPPED:
        kinds = set(project.documents.values_list("kind", flat=True))
        missing = gates.missing_for(to_stage, kinds)
        if missing:
            raise ValidationError(gates.missing_message(to_stage, missing), code="gate")

    from_stage = project.stage
    before = audit.snapshot(project, ("stage", "stop_reason", "replica"))
    if to_stage in gates.RUNNING_STAGES:
        _ensure_replica(project, actor)
    now = timezone.now()
    fields: dict[str, Any] = {
        "stage": to_stage,
        "stage_since": now,
        "version": project.version + 1,
        "updated_at": now,
        "replica": project.replica,
    }
    if to_stage == Stage.STOPPED:
        fields.update(stopped_from=from_stage, stop_reason=note)
    elif resuming:
        fields.update(stopped_from="", stop_reason="")
    updated = ReplicationProject.objects.filter(pk=project.pk, version=project.version).update(
        **fields
    )
    if updated != 1:  # the row lock should make this impossible; never overwrite silently
        raise TransitionConflict(
            _("Someone else changed this project meanwhile. Look at it again before moving it."),
            current_stage=project.stage,
            current_version=project.version,
        )
    for name, value in fields.items():
        setattr(project, name, value)
    transition = Transition.objects.create(
        project=project,
        from_stage=from_stage,
        to_stage=to_stage,
        note=note,
        actor=user_of(actor),
        created_at=now,
    )
    audit.record(
        actor=actor,
        obj=project,
        action="project.transition",
        changes=audit.diff(before, audit.snapshot(project, ("stage", "stop_reason", "replica"))),
        note=note,
    )
    # covered by this function's check (project.change): commitments made for this stage close
    commitments_fulfil_unchecked(actor=actor, project=project)
    notices.project_moved(project, transition, actor=actor)
    return transition


@transaction.atomic
def comment_add(*, actor: ActorLike, project: ReplicationProject, text: str) -> ProjectComment:
    require(actor, "project.comment", project)
    text = clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("The comment is too long (5,000 characters at most).")})
    comment = ProjectComment.objects.create(project=project, author=user_of(actor), text=text)
    audit.record(actor=actor, obj=project, action="project.comment", changes={})
    return comment
