"""Every write to the catalog a user can trigger: one transaction each, permission checked first,
audit entry written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.files.storage import delete_stored, store_upload, uploaded_stem
from lumbung.core.policies import require
from lumbung.organisations.models import Unit
from lumbung.organisations.services import unique_slug

from . import hooks, profile
from .models import (
    SDG,
    Award,
    Evidence,
    Innovation,
    Sector,
    StatusChange,
    TeamMember,
)

#: Fields of the profile that the create and update services accept, in the model's order (as the
#: API's schemas and the audit history list them); the SDGs, a many-to-many relation, go apart.
PROFILE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Innovation._meta.concrete_fields if f.name in profile.FIELD_NAMES
)
_TEXT_FIELDS = (models.CharField, models.TextField)
AUDITED_FIELDS: tuple[str, ...] = (
    *PROFILE_FIELDS,
    "unit",
    "publication_state",
    "status",
    "status_since",
    "stop_reason",
    "source",
    "replication_form",
    "generation",
)


def _apply_profile(innovation: Innovation, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(PROFILE_FIELDS) - {"sdgs"}
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be set here.") for name in sorted(unknown)}
        )
    for name, value in data.items():
        if name == "sdgs":
            continue
        if name == "sector" and isinstance(value, str):
            value = Sector.objects.filter(pk=value).first() if value else None
            if data["sector"] and value is None:
                raise ValidationError({"sector": _("Unknown sector.")})
        if isinstance(value, str) and name not in {"sector"}:
            value = value.strip()
        if value is None and isinstance(Innovation._meta.get_field(name), _TEXT_FIELDS):
            value = ""
        setattr(innovation, name, value)
    if innovation.start_date and not innovation.start_year:
        innovation.start_year = innovation.start_date.year


def _set_sdgs(innovation: Innovation, sdgs: Iterable[Any] | None) -> None:
    if sdgs is None:
        return
    numbers = sorted({int(getattr(s, "pk", s)) for s in sdgs})
    found = list(SDG.objects.filter(number__in=numbers))
    if len(found) != len(numbers):
        raise ValidationError({"sdgs": _("SDGs are numbered 1 to 17.")})
    innovation.sdgs.set(found)


def _validate(innovation: Innovation) -> None:
    innovation.full_clean(exclude=["slug", "agency", "unit", "created_by", "sdgs"])
    if innovation.start_year and innovation.start_year > timezone.localdate().year:
        raise ValidationError({"start_year": _("The start year cannot be in the future.")})
    if innovation.start_date and innovation.start_date > timezone.localdate():
        raise ValidationError({"start_date": _("The start date cannot be in the future.")})


@transaction.atomic
def innovation_create(*, actor: ActorLike, unit: Unit, data: Mapping[str, Any]) -> Innovation:
    require(actor, "innovation.create", Innovation(unit=unit, agency_id=unit.agency_id))
    return innovation_create_unchecked(actor=actor, unit=unit, data=data)


def innovation_create_unchecked(
    *, actor: ActorLike, unit: Unit, data: Mapping[str, Any]
) -> Innovation:
    """The work of :func:`innovation_create` without its check: a step of a service that has
    checked for itself (replication creates a project's replica for the adopting unit)."""
    if not str(data.get("name") or "").strip():
        raise ValidationError({"name": _("The name is required.")})
    innovation = Innovation(unit=unit, agency_id=unit.agency_id)
    _apply_profile(innovation, data)
    innovation.slug = unique_slug(Innovation, innovation.acronym or innovation.name, max_length=220)
    innovation.created_by = user_of(actor)
    _validate(innovation)
    innovation.save()
    _set_sdgs(innovation, data.get("sdgs"))
    after = audit.snapshot(innovation, AUDITED_FIELDS)
    audit.record(
        actor=actor,
        obj=innovation,
        action="innovation.create",
        changes=audit.diff({}, {k: v for k, v in after.items() if v not in ("", None)}),
    )
    hooks.innovation_changed(innovation)
    return innovation


@transaction.atomic
def innovation_update(
    *, actor: ActorLike, innovation: Innovation, data: Mapping[str, Any]
) -> Innovation:
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.change", innovation)
    before = audit.snapshot(innovation, AUDITED_FIELDS)
    before_sdgs = sorted(innovation.sdgs.values_list("number", flat=True))
    _apply_profile(innovation, data)
    _validate(innovation)
    innovation.save()
    _set_sdgs(innovation, data.get("sdgs"))
    changes = audit.diff(before, audit.snapshot(innovation, AUDITED_FIELDS))
    after_sdgs = sorted(innovation.sdgs.values_list("number", flat=True))
    if after_sdgs != before_sdgs:
        changes["sdgs"] = [before_sdgs, after_sdgs]
    if changes:
        audit.record(actor=actor, obj=innovation, action="innovation.update", changes=changes)
    hooks.innovation_changed(innovation)
    return innovation


def _transition(
    innovation: Innovation, *, actor: ActorLike, to: str, action: str, note: str = ""
) -> Innovation:
    before = innovation.publication_state
    innovation.publication_state = to
    fields = ["publication_state", "updated_at"]
    if to == Innovation.State.PUBLISHED:
        innovation.published_at = innovation.published_at or timezone.now()
        innovation.review_note = ""
        fields += ["published_at", "review_note"]
    if to == Innovation.State.RETURNED:
        innovation.review_note = note
        fields.append("review_note")
    innovation.save(update_fields=fields)
    audit.record(
        actor=actor,
        obj=innovation,
        action=action,
        changes={"publication_state": [before, to]},
        note=note,
    )
    hooks.innovation_changed(innovation)
    return innovation


@transaction.atomic
def innovation_submit(*, actor: ActorLike, innovation: Innovation) -> Innovation:
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    if innovation.publication_state not in {Innovation.State.DRAFT, Innovation.State.RETURNED}:
        require(actor, "innovation.change", innovation)
        raise ValidationError(_("Only drafts and returned innovations can be submitted."))
    require(actor, "innovation.submit", innovation)
    missing = [label for _name, label in innovation.missing_for_submission]
    if missing:
        raise ValidationError(
            _("Fill in these sections before submitting: %(fields)s.")
            % {"fields": ", ".join(missing)}
        )
    return _transition(
        innovation, actor=actor, to=Innovation.State.SUBMITTED, action="innovation.submit"
    )


@transaction.atomic
def innovation_publish(*, actor: ActorLike, innovation: Innovation) -> Innovation:
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.review", innovation)
    if innovation.publication_state == Innovation.State.PUBLISHED:
        raise ValidationError(_("This innovation is already published."))
    return _transition(
        innovation, actor=actor, to=Innovation.State.PUBLISHED, action="innovation.publish"
    )


@transaction.atomic
def innovation_return(*, actor: ActorLike, innovation: Innovation, reason: str) -> Innovation:
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.review", innovation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the innovation is returned.")})
    if innovation.publication_state not in {Innovation.State.SUBMITTED, Innovation.State.PUBLISHED}:
        raise ValidationError(_("Only submitted or published innovations can be returned."))
    return _transition(
        innovation,
        actor=actor,
        to=Innovation.State.RETURNED,
        action="innovation.return",
        note=reason,
    )


@transaction.atomic
def innovation_set_status(
    *, actor: ActorLike, innovation: Innovation, status: str, date: dt.date, reason: str = ""
) -> StatusChange:
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.change", innovation)
    if status not in Innovation.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    reason = (reason or "").strip()
    if status == Innovation.Status.STOPPED and not reason:
        raise ValidationError({"reason": _("Say why the innovation stopped.")})
    if status == innovation.status:
        raise ValidationError({"status": _("The innovation already has this status.")})
    before = audit.snapshot(innovation, ("status", "status_since", "stop_reason"))
    innovation.status = status
    innovation.status_since = date
    innovation.stop_reason = reason if status == Innovation.Status.STOPPED else ""
    innovation.save(update_fields=["status", "status_since", "stop_reason", "updated_at"])
    change = StatusChange.objects.create(
        innovation=innovation,
        status=status,
        date=date,
        reason=reason,
        changed_by=user_of(actor),
    )
    audit.record(
        actor=actor,
        obj=innovation,
        action="innovation.status",
        changes=audit.diff(
            before, audit.snapshot(innovation, ("status", "status_since", "stop_reason"))
        ),
        note=reason,
    )
    hooks.innovation_changed(innovation)
    return change


@transaction.atomic
def evidence_add(
    *,
    actor: ActorLike,
    innovation: Innovation,
    kind: str,
    title: str,
    upload: UploadedFile,
) -> Evidence:
    """Attach a file; its type is sniffed from its content (the file goes if this rolls back)."""
    require(actor, "innovation.change", innovation)
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of evidence.")})
    title = (title or "").strip() or uploaded_stem(upload)
    if not title:
        raise ValidationError({"title": _("The title is required.")})
    evidence = Evidence(
        innovation=innovation, kind=kind, title=title[:200], uploaded_by=user_of(actor)
    )
    store_upload(evidence, upload)
    evidence.save()
    audit.record(
        actor=actor,
        obj=innovation,
        action="evidence.add",
        changes={"evidence": [None, evidence.title]},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor: ActorLike, evidence: Evidence) -> None:
    require(actor, "innovation.change", evidence.innovation)
    audit.record(
        actor=actor,
        obj=evidence.innovation,
        action="evidence.remove",
        changes={"evidence": [evidence.title, None]},
    )
    delete_stored(evidence)
    evidence.delete()


@transaction.atomic
def award_add(
    *,
    actor: ActorLike,
    innovation: Innovation,
    level: str,
    year: int | None,
    competition: str = "KIPP",
    label: str = "",
) -> Award:
    require(actor, "innovation.change", innovation)
    if level not in Award.Level.values:
        raise ValidationError({"level": _("Unknown award level.")})
    if year is not None and not (2000 <= int(year) <= timezone.localdate().year):
        raise ValidationError({"year": _("The year is not plausible.")})
    award = Award(
        innovation=innovation,
        level=level,
        year=year,
        competition=(competition or "KIPP").strip(),
        label=(label or "").strip(),
    )
    award.full_clean()
    award.save()
    audit.record(
        actor=actor, obj=innovation, action="award.add", changes={"award": [None, str(award)]}
    )
    hooks.innovation_changed(innovation)
    return award


@transaction.atomic
def award_remove(*, actor: ActorLike, award: Award) -> None:
    require(actor, "innovation.change", award.innovation)
    audit.record(
        actor=actor,
        obj=award.innovation,
        action="award.remove",
        changes={"award": [str(award), None]},
    )
    award.delete()
    hooks.innovation_changed(award.innovation)


@transaction.atomic
def team_set(
    *, actor: ActorLike, innovation: Innovation, members: Iterable[Mapping[str, str]]
) -> list[TeamMember]:
    """Replace the team with the given members ({"name", "role_title"})."""
    require(actor, "innovation.change", innovation)
    cleaned = []
    for i, member in enumerate(members):
        name = (member.get("name") or "").strip()
        if not name:
            continue
        cleaned.append(
            TeamMember(
                innovation=innovation,
                name=name[:150],
                role_title=(member.get("role_title") or "").strip()[:150],
                order=i,
            )
        )
    before = list(innovation.team.values_list("name", flat=True))
    innovation.team.all().delete()
    TeamMember.objects.bulk_create(cleaned)
    after = [m.name for m in cleaned]
    if before != after:
        audit.record(
            actor=actor, obj=innovation, action="team.set", changes={"team": [before, after]}
        )
    return cleaned


@transaction.atomic
def innovation_delete(*, actor: ActorLike, innovation: Innovation) -> None:
    """Delete a draft that was never published (published records are stopped, not deleted)."""
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.change", innovation)
    if innovation.published_at is not None or innovation.replicas.exists():
        raise ValidationError(
            _("A published innovation or one with replicas cannot be deleted; mark it stopped.")
        )
    audit.record(
        actor=actor,
        obj=innovation,
        action="innovation.delete",
        changes={"name": [innovation.name, None]},
    )
    hooks.innovation_deleted(innovation)
    for evidence in innovation.evidence.all():
        delete_stored(evidence)
    innovation.delete()
