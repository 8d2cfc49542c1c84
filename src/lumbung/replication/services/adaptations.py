"""Writes to a project's adaptation record (FRAME): which core components are kept, each
change the replica makes, and the decision on the declared form when the record suggests
another."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import require

from ..models import (
    AdaptationRecord,
    CoreComponentStatus,
    FormDecision,
    ReplicationProject,
)
from ._common import as_date, check_form, clean_text
from .projects import sync_replica_form

# --- adaptation record and the form check ---------------------------------------------------


@transaction.atomic
def component_statuses_set(
    *,
    actor: ActorLike,
    project: ReplicationProject,
    statuses: Mapping[str, Any],
) -> list[CoreComponentStatus]:
    """Record, per core component of the source, whether the replica kept, adapted or dropped
    it. ``statuses`` maps the component's text to an outcome or to ``{"outcome", "note"}``; an
    empty outcome removes the entry."""
    require(actor, "project.change", project)
    from ..selectors import core_components

    known = set(core_components(project))
    errors = []
    result = []
    changes: dict[str, list[Any]] = {}
    for component, value in statuses.items():
        component = clean_text(component)
        if isinstance(value, Mapping):
            outcome, note = value.get("outcome") or "", clean_text(value.get("note"))
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
            defaults={"outcome": outcome, "note": note, "updated_by": user_of(actor)},
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
    actor: ActorLike,
    project: ReplicationProject,
    data: Mapping[str, Any],
) -> AdaptationRecord:
    require(actor, "project.change", project)
    unknown = set(data) - set(ADAPTATION_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    record = AdaptationRecord(project=project, created_by=user_of(actor))
    for name in ADAPTATION_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "date":
            value = as_date(value, "date") if value else None
        elif name == "reasons":
            value = sorted({str(v) for v in (value or [])})
            if set(value) - set(AdaptationRecord.Reason.values):
                raise ValidationError({"reasons": _("Unknown reason.")})
        elif isinstance(value, str) or value is None:
            value = clean_text(value)
        setattr(record, name, value)
    if record.date and record.date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if record.component:
        from ..selectors import core_components

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
def adaptation_remove(*, actor: ActorLike, record: AdaptationRecord) -> None:
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
    actor: ActorLike,
    project: ReplicationProject,
    decision: str,
    to_form: str = "",
    note: str = "",
) -> FormDecision:
    """Answer the form check: keep the declared form (with a note why) or change it."""
    from ..selectors import fidelity_summary

    project = ReplicationProject.objects.select_for_update().get(pk=project.pk)
    require(actor, "project.change", project)
    summary = fidelity_summary(project)
    note = clean_text(note)
    if decision == FormDecision.Decision.CONFIRM:
        to_form = project.declared_form
        if not note:
            raise ValidationError({"note": _("Say why the declared form is kept.")})
    elif decision == FormDecision.Decision.CHANGE:
        to_form = check_form(to_form or summary.suggested_form or "")
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
        decided_by=user_of(actor),
    )
    if to_form != from_form:
        project.declared_form = to_form
        project.save(update_fields=["declared_form", "updated_at"])
        sync_replica_form(project, actor)
    audit.record(
        actor=actor,
        obj=project,
        action="project.form_decision",
        changes={"declared_form": [from_form, to_form]},
        note=note,
    )
    return result
