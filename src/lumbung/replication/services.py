"""Every write to replication a user (or the scheduler) can trigger.

Plain functions with keyword-only arguments, one transaction each, permission checked first,
audit entry written. Services that a higher layer (the events app) or the demo calls on someone's
behalf accept ``check_permission=False``: the caller has checked already.

Stage transitions (:func:`project_transition`) are atomic and guarded against lost updates: the
caller names the version (or stage) it saw, the row is locked (``select_for_update``) and then
updated only ``WHERE version = <seen>``; a second person moving the same project from the same
version gets :class:`TransitionConflict` instead of silently overwriting the first.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lumbung.catalog import hooks as catalog_hooks
from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Innovation
from lumbung.catalog.validators import ALLOWED_TYPES, validate_evidence_file
from lumbung.core import audit
from lumbung.core.permissions import require
from lumbung.notifications.services import notify
from lumbung.organisations.models import Agency, Role, Unit, User
from lumbung.organisations.services import unique_slug

from . import gates
from .models import (
    AdaptationRecord,
    Commitment,
    CommitmentReminder,
    CoreComponentStatus,
    DocumentKind,
    FacilitationSession,
    Form,
    FormDecision,
    Programme,
    ProgrammeTarget,
    ProjectComment,
    ProjectDocument,
    ReplicationProject,
    Stage,
    Transition,
)


class TransitionConflict(Exception):
    """Someone else changed the project's stage since the caller looked at it."""

    def __init__(self, message: str, *, current_stage: str, current_version: int) -> None:
        super().__init__(message)
        self.message = message
        self.current_stage = current_stage
        self.current_version = current_version


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean_text(value: Any, *, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    return text[:max_length] if max_length else text


def _as_date(value: Any, field_name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Enter a valid date.")}) from None


def _users(values: Iterable[Any] | None) -> list[User]:
    if values is None:
        return []
    ids = sorted({int(getattr(v, "pk", v)) for v in values})
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(ids):
        raise ValidationError(_("Unknown person."))
    return users


def _names(users: Iterable[Any]) -> list[str]:
    return sorted(str(u) for u in users)


# --- programmes -----------------------------------------------------------------------------

PROGRAMME_AUDITED = (
    "name",
    "description",
    "agency",
    "facilitator_agency",
    "start_date",
    "end_date",
    "coverage_target",
)


def _validate_programme(programme: Programme) -> None:
    if not programme.name.strip():
        raise ValidationError({"name": _("The name is required.")})
    if programme.coverage_target is None or int(programme.coverage_target) < 1:
        raise ValidationError({"coverage_target": _("The coverage target must be at least 1.")})
    if programme.end_date and programme.end_date < programme.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    programme.full_clean(exclude=["slug", "sources", "facilitators", "managers", "created_by"])


def _check_sources(sources: Sequence[Innovation]) -> list[Innovation]:
    sources = list(sources)
    if not sources:
        raise ValidationError({"sources": _("Choose at least one source innovation.")})
    return sources


@transaction.atomic
def programme_create(
    *,
    actor: Any,
    agency: Agency,
    name: str,
    sources: Sequence[Innovation],
    start_date: Any,
    coverage_target: int,
    end_date: Any = None,
    description: str = "",
    facilitator_agency: Agency | None = None,
    facilitators: Iterable[Any] = (),
    managers: Iterable[Any] = (),
    targets: Iterable[Unit] = (),
    is_example: bool = False,
    check_permission: bool = True,
) -> Programme:
    if check_permission:
        require(actor, "programme.create", agency)
    sources = _check_sources(sources)
    if check_permission:
        for source in sources:
            require(actor, "innovation.view", source)
    programme = Programme(
        agency=agency,
        name=_clean_text(name, max_length=200),
        description=_clean_text(description),
        start_date=_as_date(start_date, "start_date"),
        end_date=_as_date(end_date, "end_date") if end_date else None,
        coverage_target=coverage_target,
        facilitator_agency=facilitator_agency,
        is_example=is_example,
        created_by=_user_or_none(actor),
    )
    _validate_programme(programme)
    programme.slug = unique_slug(Programme, programme.name, max_length=220)
    programme.save()
    programme.sources.set(sources)
    programme.facilitators.set(_users(facilitators))
    manager_list = _users(managers)
    if _user_or_none(actor) is not None and actor not in manager_list:
        manager_list.append(actor)
    programme.managers.set(manager_list)
    added = [
        ProgrammeTarget(programme=programme, unit=u) for u in {u.pk: u for u in targets}.values()
    ]
    ProgrammeTarget.objects.bulk_create(added)
    audit.record(
        actor=actor,
        obj=programme,
        action="programme.create",
        changes={
            **audit.diff({}, audit.snapshot(programme, PROGRAMME_AUDITED)),
            "sources": [None, _names(sources)],
            "targets": [None, len(added)],
        },
    )
    return programme


@transaction.atomic
def programme_update(*, actor: Any, programme: Programme, data: Mapping[str, Any]) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require(actor, "programme.change", programme)
    allowed = {
        "name",
        "description",
        "start_date",
        "end_date",
        "coverage_target",
        "facilitator_agency",
        "sources",
        "facilitators",
        "managers",
    }
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    before = audit.snapshot(programme, PROGRAMME_AUDITED)
    before_sources = _names(programme.sources.all())
    for name in ("name", "description"):
        if name in data:
            setattr(programme, name, _clean_text(data[name]))
    for name in ("start_date", "end_date"):
        if name in data:
            setattr(programme, name, _as_date(data[name], name) if data[name] else None)
    if "coverage_target" in data:
        programme.coverage_target = data["coverage_target"]
    if "facilitator_agency" in data:
        programme.facilitator_agency = data["facilitator_agency"]
    if programme.start_date is None:
        raise ValidationError({"start_date": _("The start date is required.")})
    _validate_programme(programme)
    programme.save()
    changes = audit.diff(before, audit.snapshot(programme, PROGRAMME_AUDITED))
    if "sources" in data:
        sources = _check_sources(data["sources"])
        programme.sources.set(sources)
        if _names(sources) != before_sources:
            changes["sources"] = [before_sources, _names(sources)]
    for name in ("facilitators", "managers"):
        if name in data:
            manager = getattr(programme, name)
            old = _names(manager.all())
            manager.set(_users(data[name]))
            new = _names(manager.all())
            if old != new:
                changes[name] = [old, new]
    if changes:
        audit.record(actor=actor, obj=programme, action="programme.update", changes=changes)
    return programme


@transaction.atomic
def programme_targets_add(
    *,
    actor: Any,
    programme: Programme,
    units: Iterable[Unit] = (),
    under: Unit | None = None,
    kinds: Iterable[str] | None = None,
    check_permission: bool = True,
) -> int:
    """Add target units: the given ones, and/or every unit under ``under`` (its subtree, the unit
    itself included), optionally only of the given kinds (e.g. ``["sentra"]``). Returns how many
    were new."""
    if check_permission:
        require(actor, "programme.change", programme)
    kinds = [k for k in (kinds or []) if k]
    unknown = set(kinds) - set(Unit.Kind.values)
    if unknown:
        raise ValidationError({"kinds": _("Unknown unit type.")})
    chosen: dict[int, Unit] = {u.pk: u for u in units}
    if under is not None:
        subtree = Unit.objects.filter(path__startswith=under.path)
        if kinds:
            subtree = subtree.filter(kind__in=kinds)
        chosen.update({u.pk: u for u in subtree})
    if not chosen:
        raise ValidationError({"units": _("No unit matches; nothing was added.")})
    existing = set(
        ProgrammeTarget.objects.filter(programme=programme, unit_id__in=chosen).values_list(
            "unit_id", flat=True
        )
    )
    new = [
        ProgrammeTarget(programme=programme, unit=u)
        for pk, u in chosen.items()
        if pk not in existing
    ]
    ProgrammeTarget.objects.bulk_create(new)
    if new:
        audit.record(
            actor=actor,
            obj=programme,
            action="programme.targets_add",
            changes={"targets": [None, sorted(str(t.unit) for t in new)]},
        )
    return len(new)


@transaction.atomic
def programme_target_remove(*, actor: Any, programme: Programme, unit: Unit) -> None:
    require(actor, "programme.change", programme)
    deleted, _ignored = ProgrammeTarget.objects.filter(programme=programme, unit=unit).delete()
    if not deleted:
        raise ValidationError({"unit": _("This unit is not a target of the programme.")})
    audit.record(
        actor=actor,
        obj=programme,
        action="programme.target_remove",
        changes={"targets": [str(unit), None]},
    )


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


def _check_form(form: str) -> str:
    if form not in Form.values:
        raise ValidationError({"declared_form": _("Choose adoption, adaptation or modification.")})
    return form


@transaction.atomic
def project_start(
    *,
    actor: Any,
    source: Innovation,
    adopting_unit: Unit,
    declared_form: str,
    programme: Programme | None = None,
    team: str = "",
    notes: str = "",
    facilitator_agency: Agency | None = None,
    facilitators: Iterable[Any] | None = None,
    is_example: bool = False,
    check_permission: bool = True,
) -> ReplicationProject:
    """Start a replication project for ``adopting_unit`` (by the unit, or by a programme's
    manager on its behalf). Without a facilitator of its own, the project takes the
    programme's."""
    if check_permission:
        require(actor, "project.start", (adopting_unit, programme))
        require(actor, "innovation.view", source)
    _check_form(declared_form)
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
        team=_clean_text(team),
        notes=_clean_text(notes),
        facilitator_agency=facilitator_agency
        or (programme.facilitator_agency if programme else None),
        is_example=is_example,
        created_by=_user_or_none(actor),
    )
    project.save()
    if facilitators is None and programme is not None:
        project.facilitators.set(programme.facilitators.all())
    else:
        project.facilitators.set(_users(facilitators))
    if programme is not None:
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
        actor=_user_or_none(actor),
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
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: ReplicationProject, data: Mapping[str, Any]
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
            setattr(project, name, _clean_text(data[name]))
    if "facilitator_agency" in data:
        project.facilitator_agency = data["facilitator_agency"]
    if "declared_form" in data:
        project.declared_form = _check_form(data["declared_form"])
    project.save()
    changes = audit.diff(before, audit.snapshot(project, (*PROJECT_AUDITED, "notes")))
    if "notes" in changes:  # private: record that they changed, not what they say
        changes["notes"] = ["…", "…"]
    if "facilitators" in data:
        old = _names(project.facilitators.all())
        project.facilitators.set(_users(data["facilitators"]))
        new = _names(project.facilitators.all())
        if old != new:
            changes["facilitators"] = [old, new]
    if "declared_form" in changes:
        _sync_replica_form(project, actor)
    if changes:
        audit.record(actor=actor, obj=project, action="project.update", changes=changes)
    return project


def _sync_replica_form(project: ReplicationProject, actor: Any) -> None:
    replica = project.replica
    if replica is None or replica.replication_form == project.declared_form:
        return
    old = replica.replication_form
    replica.replication_form = project.declared_form
    replica.save(update_fields=["replication_form", "updated_at"])
    audit.record(
        actor=actor,
        obj=replica,
        action="innovation.lineage",
        changes={"replication_form": [old, replica.replication_form]},
    )
    catalog_hooks.innovation_changed(replica)


@transaction.atomic
def project_document_add(
    *,
    actor: Any,
    project: ReplicationProject,
    kind: str,
    title: str,
    upload: UploadedFile,
    check_permission: bool = True,
) -> ProjectDocument:
    """Attach an evidence document; its type is sniffed from its content, as for the catalog."""
    if check_permission:
        require(actor, "project.change", project)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    if upload is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    title = _clean_text(title) or os.path.splitext(os.path.basename(upload.name or ""))[0]
    if not title:
        raise ValidationError({"title": _("The title is required.")})
    try:
        content_type = validate_evidence_file(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    upload.name = f"{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
    document = ProjectDocument(
        project=project,
        kind=kind,
        title=title[:200],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=_user_or_none(actor),
    )
    document.file.save(upload.name, upload, save=False)
    stored, storage = document.file.name, document.file.storage
    try:
        document.save()
        audit.record(
            actor=actor,
            obj=project,
            action="project.document_add",
            changes={"documents": [None, f"{document.get_kind_display()}: {document.title}"]},
        )
    except Exception:
        storage.delete(stored)
        raise
    return document


@transaction.atomic
def project_document_remove(*, actor: Any, document: ProjectDocument) -> None:
    require(actor, "project.change", document.project)
    audit.record(
        actor=actor,
        obj=document.project,
        action="project.document_remove",
        changes={"documents": [f"{document.get_kind_display()}: {document.title}", None]},
    )
    stored, storage = document.file.name, document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))


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


def _set_lineage(replica: Innovation, project: ReplicationProject, actor: Any) -> None:
    before = audit.snapshot(replica, ("source", "replication_form", "generation"))
    replica.source = project.source
    replica.replication_form = project.declared_form
    replica.generation = (project.source.generation or 0) + 1
    after = audit.snapshot(replica, ("source", "replication_form", "generation"))
    if before == after:
        return
    replica.save(update_fields=["source", "replication_form", "generation", "updated_at"])
    audit.record(
        actor=actor,
        obj=replica,
        action="innovation.lineage",
        changes=audit.diff(before, after),
        note=_("Set by replication project #%(id)s.") % {"id": project.pk},
    )
    catalog_hooks.innovation_changed(replica)


def _ensure_replica(project: ReplicationProject, actor: Any) -> Innovation:
    """Create the replica in the catalog (as an innovation of the adopting unit) and set its
    lineage. The caller has checked ``project.change``."""
    if project.replica_id is None:
        replica = catalog_services.innovation_create(
            actor=actor,
            unit=project.adopting_unit,
            data=_replica_data(project),
            check_permission=False,
        )
        project.replica = replica
    else:
        replica = project.replica
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


@transaction.atomic
def project_link_replica(
    *,
    actor: Any,
    project: ReplicationProject,
    innovation: Innovation,
    check_permission: bool = True,
) -> ReplicationProject:
    """Link an innovation the adopting unit already has as this project's replica (instead of
    creating a new one when the project reaches implementation)."""
    project = ReplicationProject.objects.select_for_update().get(pk=project.pk)
    if check_permission:
        require(actor, "project.change", project)
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
    return project


@transaction.atomic
def project_transition(
    *,
    actor: Any,
    project: ReplicationProject,
    to_stage: str,
    note: str = "",
    expected_version: int | None = None,
    expected_stage: str | None = None,
    check_permission: bool = True,
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
    if check_permission:
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
    note = _clean_text(note)
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
        actor=_user_or_none(actor),
        created_at=now,
    )
    audit.record(
        actor=actor,
        obj=project,
        action="project.transition",
        changes=audit.diff(before, audit.snapshot(project, ("stage", "stop_reason", "replica"))),
        note=note,
    )
    return transition


# --- adaptation record and the form check ---------------------------------------------------


@transaction.atomic
def component_statuses_set(
    *,
    actor: Any,
    project: ReplicationProject,
    statuses: Mapping[str, Any],
    check_permission: bool = True,
) -> list[CoreComponentStatus]:
    """Record, per core component of the source, whether the replica kept, adapted or dropped
    it. ``statuses`` maps the component's text to an outcome or to ``{"outcome", "note"}``; an
    empty outcome removes the entry."""
    if check_permission:
        require(actor, "project.change", project)
    from .selectors import core_components

    known = set(core_components(project))
    errors = []
    result = []
    changes: dict[str, list[Any]] = {}
    for component, value in statuses.items():
        component = _clean_text(component)
        if isinstance(value, Mapping):
            outcome, note = value.get("outcome") or "", _clean_text(value.get("note"))
        else:
            outcome, note = value or "", ""
        if component not in known:
            errors.append(_("“%(c)s” is not a core component of the source.") % {"c": component})
            continue
        if outcome and outcome not in CoreComponentStatus.Outcome.values:
            errors.append(_("Choose kept, adapted or dropped for “%(c)s”.") % {"c": component})
            continue
        existing = CoreComponentStatus.objects.filter(project=project, component=component).first()
        old = existing.outcome if existing else None
        if not outcome:
            if existing:
                existing.delete()
                changes[component[:80]] = [old, None]
            continue
        status, _created = CoreComponentStatus.objects.update_or_create(
            project=project,
            component=component,
            defaults={"outcome": outcome, "note": note, "updated_by": _user_or_none(actor)},
        )
        if old != outcome:
            changes[component[:80]] = [old, outcome]
        result.append(status)
    if errors:
        raise ValidationError({"statuses": errors})
    if changes:
        audit.record(actor=actor, obj=project, action="project.components", changes=changes)
    return result


ADAPTATION_FIELDS = (
    "date",
    "when",
    "planned",
    "decided_by",
    "what",
    "nature",
    "fidelity",
    "reasons",
    "component",
    "description",
    "rationale",
)


@transaction.atomic
def adaptation_add(
    *,
    actor: Any,
    project: ReplicationProject,
    data: Mapping[str, Any],
    check_permission: bool = True,
) -> AdaptationRecord:
    if check_permission:
        require(actor, "project.change", project)
    unknown = set(data) - set(ADAPTATION_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    record = AdaptationRecord(project=project, created_by=_user_or_none(actor))
    for name in ADAPTATION_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "date":
            value = _as_date(value, "date") if value else None
        elif name == "reasons":
            value = sorted({str(v) for v in (value or [])})
            if set(value) - set(AdaptationRecord.Reason.values):
                raise ValidationError({"reasons": _("Unknown reason.")})
        elif isinstance(value, str) or value is None:
            value = _clean_text(value)
        setattr(record, name, value)
    if record.date and record.date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if record.component:
        from .selectors import core_components

        if record.component not in core_components(project):
            raise ValidationError(
                {"component": _("Choose one of the source's core components, or none.")}
            )
    record.full_clean(exclude=["project", "created_by"])
    record.save()
    audit.record(
        actor=actor,
        obj=project,
        action="project.adaptation_add",
        changes={"adaptations": [None, str(record)]},
    )
    return record


@transaction.atomic
def adaptation_remove(*, actor: Any, record: AdaptationRecord) -> None:
    require(actor, "project.change", record.project)
    audit.record(
        actor=actor,
        obj=record.project,
        action="project.adaptation_remove",
        changes={"adaptations": [str(record), None]},
    )
    record.delete()


@transaction.atomic
def form_decide(
    *,
    actor: Any,
    project: ReplicationProject,
    decision: str,
    to_form: str = "",
    note: str = "",
) -> FormDecision:
    """Answer the form check: keep the declared form (with a note why) or change it."""
    from .selectors import fidelity_summary

    project = ReplicationProject.objects.select_for_update().get(pk=project.pk)
    require(actor, "project.change", project)
    summary = fidelity_summary(project)
    note = _clean_text(note)
    if decision == FormDecision.Decision.CONFIRM:
        to_form = project.declared_form
        if not note:
            raise ValidationError({"note": _("Say why the declared form is kept.")})
    elif decision == FormDecision.Decision.CHANGE:
        to_form = _check_form(to_form or summary.suggested_form or "")
        if to_form == project.declared_form:
            raise ValidationError({"to_form": _("Choose a different form.")})
    else:
        raise ValidationError({"decision": _("Choose to keep or to change the form.")})
    from_form = project.declared_form
    result = FormDecision.objects.create(
        project=project,
        decision=decision,
        from_form=from_form,
        to_form=to_form,
        signature=summary.signature_for(to_form),
        note=note,
        decided_by=_user_or_none(actor),
    )
    if to_form != from_form:
        project.declared_form = to_form
        project.save(update_fields=["declared_form", "updated_at"])
        _sync_replica_form(project, actor)
    audit.record(
        actor=actor,
        obj=project,
        action="project.form_decision",
        changes={"declared_form": [from_form, to_form]},
        note=note,
    )
    return result


@transaction.atomic
def comment_add(*, actor: Any, project: ReplicationProject, text: str) -> ProjectComment:
    require(actor, "project.comment", project)
    text = _clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("The comment is too long (5,000 characters at most).")})
    comment = ProjectComment.objects.create(project=project, author=actor, text=text)
    audit.record(actor=actor, obj=project, action="project.comment", changes={})
    return comment


# --- facilitation sessions and commitments --------------------------------------------------


@transaction.atomic
def session_create(
    *,
    actor: Any,
    date: Any,
    mode: str,
    project: ReplicationProject | None = None,
    programme: Programme | None = None,
    participants: str = "",
    notes: str = "",
    problems: str = "",
    actions: Iterable[Mapping[str, Any]] = (),
    check_permission: bool = True,
) -> FacilitationSession:
    """Log a facilitation session; each agreed action ({owner_unit, description, due_date})
    becomes a commitment of the project / programme, linked to the session."""
    if project is None and programme is None:
        raise ValidationError(_("A session belongs to a project or a programme."))
    if project is not None and programme is None:
        programme = project.programme
    if check_permission:
        if project is not None:
            require(actor, "project.facilitate", project)
        else:
            require(actor, "programme.facilitate", programme)
    if mode not in FacilitationSession.Mode.values:
        raise ValidationError({"mode": _("Choose a visit, an online meeting or a workshop.")})
    date = _as_date(date, "date")
    if date > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"date": _("Log a session after it took place.")})
    session = FacilitationSession.objects.create(
        project=project,
        programme=programme,
        date=date,
        mode=mode,
        participants=_clean_text(participants),
        notes=_clean_text(notes),
        problems=_clean_text(problems),
        created_by=_user_or_none(actor),
    )
    for i, action in enumerate(actions):
        if not _clean_text(action.get("description")):
            continue
        owner = action.get("owner_unit") or (project.adopting_unit if project else None)
        if owner is None:
            raise ValidationError({f"actions.{i}.owner_unit": _("Choose the unit responsible.")})
        try:
            commitment_create(
                actor=actor,
                owner_unit=owner,
                description=action["description"],
                due_date=action.get("due_date"),
                project=project,
                programme=programme,
                session=session,
                origin="session",
                origin_ref=str(session.pk),
                check_permission=False,
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"actions.{i}.{k}": v for k, v in exc.message_dict.items()}
                if hasattr(exc, "error_dict")
                else {f"actions.{i}": exc.messages}
            ) from exc
    audit.record(
        actor=actor,
        obj=project or programme,
        action="session.create",
        changes={"session": [None, str(session)]},
    )
    return session


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    owner_unit: Unit,
    description: str,
    due_date: Any,
    project: ReplicationProject | None = None,
    programme: Programme | None = None,
    session: FacilitationSession | None = None,
    origin: str = "",
    origin_ref: str = "",
    origin_label: str = "",
    origin_url: str = "",
    is_example: bool = False,
    check_permission: bool = True,
) -> Commitment:
    """Record a commitment (rencana tindak lanjut). ``origin*`` describe where it was made when
    that is a record of a higher layer (e.g. ``origin="event"``, ``origin_ref=str(event.pk)``);
    see the package docstring."""
    if check_permission:
        require(actor, "commitment.create", project or programme or owner_unit)
    if project is not None and programme is None:
        programme = project.programme
    if not isinstance(owner_unit, Unit):
        raise ValidationError({"owner_unit": _("Choose the unit responsible.")})
    description = _clean_text(description)
    if not description:
        raise ValidationError({"description": _("Describe what the unit commits to.")})
    if due_date in (None, ""):
        raise ValidationError({"due_date": _("The due date is required.")})
    due = _as_date(due_date, "due_date")
    commitment = Commitment.objects.create(
        owner_unit=owner_unit,
        description=description,
        due_date=due,
        project=project,
        programme=programme,
        session=session,
        origin=_clean_text(origin, max_length=32) or ("project" if project else ""),
        origin_ref=_clean_text(origin_ref, max_length=64),
        origin_label=_clean_text(origin_label, max_length=200),
        origin_url=_clean_text(origin_url, max_length=300),
        is_example=is_example,
        created_by=_user_or_none(actor),
    )
    audit.record(
        actor=actor,
        obj=commitment,
        action="commitment.create",
        changes=audit.diff(
            {},
            audit.snapshot(commitment, ("owner_unit", "description", "due_date", "status")),
        ),
    )
    return commitment


@transaction.atomic
def commitment_update(
    *,
    actor: Any,
    commitment: Commitment,
    status: str | None = None,
    due_date: Any = None,
    description: str | None = None,
    note: str = "",
) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    require(actor, "commitment.change", commitment)
    fields = ("description", "due_date", "status", "status_note", "completed_at")
    before = audit.snapshot(commitment, fields)
    if status is not None:
        if status not in Commitment.Status.values:
            raise ValidationError({"status": _("Unknown status.")})
        commitment.status = status
        commitment.completed_at = (
            (commitment.completed_at or timezone.now())
            if status == Commitment.Status.DONE
            else None
        )
    if due_date not in (None, ""):
        commitment.due_date = _as_date(due_date, "due_date")
    if description is not None:
        description = _clean_text(description)
        if not description:
            raise ValidationError({"description": _("Describe what the unit commits to.")})
        commitment.description = description
    note = _clean_text(note)
    if note:
        commitment.status_note = note
    commitment.save()
    changes = audit.diff(before, audit.snapshot(commitment, fields))
    if changes:
        audit.record(
            actor=actor, obj=commitment, action="commitment.update", changes=changes, note=note
        )
    return commitment


# --- reminders ------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    due_soon: int = 0
    overdue: int = 0
    emails: int = 0
    skipped: int = 0
    without_recipient: list[int] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.due_soon + self.overdue


def commitment_recipients(unit: Unit) -> list[User]:
    """Who is reminded of a unit's commitments: its innovation officers (memberships on the
    unit or a unit above it); when it has none, its agency's innovation admins."""
    unit_ids = [*unit.ancestor_ids, unit.pk]
    users = list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.UNIT_OFFICER,
            memberships__unit_id__in=unit_ids,
        )
        .distinct()
        .order_by("pk")
    )
    if users:
        return users
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.AGENCY_ADMIN,
            memberships__agency_id=unit.agency_id,
            memberships__unit__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )


def _commitment_url(commitment: Commitment) -> str:
    try:
        return reverse("replication:commitment_detail", args=[commitment.pk])
    except NoReverseMatch:
        return ""


def _reminder_text(commitment: Commitment, kind: str) -> tuple[str, str]:
    params = {
        "unit": commitment.owner_unit,
        "date": commitment.due_date.isoformat(),
        "what": commitment.description[:200],
    }
    if kind == CommitmentReminder.Kind.OVERDUE:
        subject = _("Overdue commitment of %(unit)s (due %(date)s)") % params
        body = _("This commitment of %(unit)s was due on %(date)s and is not done: %(what)s")
    else:
        subject = _("Commitment of %(unit)s due on %(date)s") % params
        body = _("This commitment of %(unit)s is due on %(date)s: %(what)s")
    return subject, body % params


def commitment_reminders_send(
    *,
    today: dt.date | None = None,
    days_ahead: int | None = None,
    email: bool = True,
    base_url: str = "",
) -> ReminderReport:
    """Remind owners of open commitments that are due within ``days_ahead`` days or overdue.

    Safe to run from cron, also twice at once: each (commitment, person, kind, due date) is
    reminded once — the reminder row is written under a unique constraint in the same
    transaction as the notification and before the e-mail; if sending fails the transaction
    rolls back and the next run tries again.
    """
    today = today or timezone.localdate()
    if days_ahead is None:
        days_ahead = int(getattr(settings, "REPLICATION_REMINDER_DAYS", 7))
    report = ReminderReport()
    horizon = today + dt.timedelta(days=days_ahead)
    commitments = (
        Commitment.objects.filter(status__in=Commitment.OPEN_STATUSES, due_date__lte=horizon)
        .select_related("owner_unit")
        .order_by("due_date", "pk")
    )
    recipients_by_unit: dict[int, list[User]] = {}
    for commitment in commitments.iterator(chunk_size=500):
        kind = (
            CommitmentReminder.Kind.OVERDUE
            if commitment.due_date < today
            else CommitmentReminder.Kind.DUE_SOON
        )
        unit = commitment.owner_unit
        if unit.pk not in recipients_by_unit:
            recipients_by_unit[unit.pk] = commitment_recipients(unit)
        recipients = recipients_by_unit[unit.pk]
        if not recipients:
            report.without_recipient.append(commitment.pk)
            continue
        already = set(
            CommitmentReminder.objects.filter(
                commitment=commitment, kind=kind, due_date=commitment.due_date
            ).values_list("recipient_id", flat=True)
        )
        url = _commitment_url(commitment)
        for user in recipients:
            if user.pk in already:
                report.skipped += 1
                continue
            try:
                with transaction.atomic():
                    reminder = CommitmentReminder.objects.create(
                        commitment=commitment,
                        recipient=user,
                        kind=kind,
                        due_date=commitment.due_date,
                    )
                    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                        subject, body = _reminder_text(commitment, kind)
                    notify(user=user, text=body, url=url, kind=f"commitment.{kind}")
                    if email and user.email:
                        link = f"\n\n{base_url.rstrip('/')}{url}" if base_url and url else ""
                        send_mail(
                            subject,
                            body + link,
                            settings.DEFAULT_FROM_EMAIL,
                            [user.email],
                            fail_silently=False,
                        )
                        reminder.emailed = True
                        reminder.save(update_fields=["emailed"])
                        report.emails += 1
            except IntegrityError:  # another run sent this one meanwhile
                report.skipped += 1
                continue
            if kind == CommitmentReminder.Kind.OVERDUE:
                report.overdue += 1
            else:
                report.due_soon += 1
    return report


__all__ = [
    "TransitionConflict",
    "adaptation_add",
    "adaptation_remove",
    "comment_add",
    "commitment_create",
    "commitment_reminders_send",
    "commitment_update",
    "component_statuses_set",
    "form_decide",
    "programme_create",
    "programme_target_remove",
    "programme_targets_add",
    "programme_update",
    "project_document_add",
    "project_document_remove",
    "project_link_replica",
    "project_start",
    "project_transition",
    "project_update",
    "session_create",
]
