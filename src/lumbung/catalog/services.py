"""Every write to the catalog a user can trigger: one transaction each, permission checked first,
audit entry written.

Every write to an innovation raises its ``version`` by one and records the new number in its
audit entry (:func:`record_write`); :func:`innovation_update` takes the version the edit was
based on and merges or refuses a stale edit (see :mod:`.editing`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit, pagecache
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.files.storage import delete_stored, store_upload, uploaded_stem
from lumbung.core.policies import can, require
from lumbung.organisations.models import Unit
from lumbung.organisations.services import unique_slug

from . import hooks, notices
from .editing import EDITABLE, PROFILE_FIELDS, EditConflict, Seen, check_seen, plain
from .models import (
    SDG,
    Award,
    Evidence,
    Innovation,
    Sector,
    StatusChange,
    TeamMember,
)

__all__ = ["PROFILE_FIELDS", "EditConflict", "Seen"]

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


def _next_version(innovation: Innovation, *, seen: int | None = None) -> list[int]:
    """Raise the stored version by one: from ``seen`` (compare and set: a writer that slipped
    past the row lock fails instead of overwriting), or from whatever it is now. Returns
    ``[old, new]`` for the audit entry."""
    rows = Innovation.objects.filter(pk=innovation.pk)
    if seen is not None:
        if rows.filter(version=seen).update(version=seen + 1) != 1:
            current = rows.values_list("version", flat=True).first() or 0
            raise EditConflict(
                _("Someone else saved this innovation meanwhile. Open it again."),
                current_version=current,
            )
        innovation.version = seen + 1
    else:
        rows.update(version=F("version") + 1)
        innovation.version = rows.values_list("version", flat=True).get()
    return [innovation.version - 1, innovation.version]


def record_write(
    *,
    actor: ActorLike,
    innovation: Innovation,
    action: str,
    changes: dict[str, Any],
    note: str = "",
) -> None:
    """Raise the innovation's version and write the audit entry of a write to it, with the new
    version. For writes outside the catalog's services too (replication sets the lineage)."""
    changes = {**changes, "version": _next_version(innovation)}
    audit.record(actor=actor, obj=innovation, action=action, changes=changes, note=note)
    # the version is raised by an UPDATE and some writes add rows in bulk (a team): no signal
    # tells the public pages' cache, so it is told here
    pagecache.changed(innovation, using=innovation._state.db or "default")


def _validate(innovation: Innovation) -> None:
    innovation.full_clean(exclude=["slug", "agency", "unit", "created_by", "sdgs"])
    if innovation.start_year and innovation.start_year > timezone.localdate().year:
        raise ValidationError({"start_year": _("The start year cannot be in the future.")})
    if innovation.start_date and innovation.start_date > timezone.localdate():
        raise ValidationError({"start_date": _("The start date cannot be in the future.")})


def check_profile(innovation: Innovation, data: Mapping[str, Any]) -> Innovation:
    """A copy of ``innovation`` with ``data`` applied and validated as :func:`innovation_update`
    would (raises ``ValidationError``), nothing written: a change proposed for review is checked
    when it is proposed (``catalog.revisions``)."""
    candidate = Innovation.objects.get(pk=innovation.pk)
    _apply_profile(candidate, data)
    _validate(candidate)
    if data.get("sdgs") is not None:
        numbers = {int(getattr(s, "pk", s)) for s in data["sdgs"]}
        if SDG.objects.filter(number__in=numbers).count() != len(numbers):
            raise ValidationError({"sdgs": _("SDGs are numbered 1 to 17.")})
    return candidate


def _require_direct(actor: ActorLike, innovation: Innovation) -> None:
    """The public profile of a published innovation is written at once only by who may publish
    it; the unit's officers propose a change for review (``catalog.revisions.innovation_edit``)."""
    if not can(actor, "innovation.change_directly", innovation):
        raise PermissionDenied(
            _(
                "Changes to a published innovation are reviewed by its agency's innovation "
                "admin before they are public."
            )
        )


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
    *,
    actor: ActorLike,
    innovation: Innovation,
    data: Mapping[str, Any],
    team: Iterable[Mapping[str, str]] | None = None,
    seen: Seen | None = None,
) -> Innovation:
    """Change profile fields (those in ``data``) and, when given, the team.

    ``seen``: the version the edit was based on (and, to merge, the values it was loaded with).
    When someone saved meanwhile, only the fields the edit changed are written, unless one of
    them was also changed by someone else: then nothing is written and :class:`EditConflict`
    names the conflicts. Without ``seen`` the edit is written as it is."""
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.change", innovation)
    _require_direct(actor, innovation)
    if seen is not None:
        given = {**data, **({"team": team} if team is not None else {})}
        unknown = set(given) - set(EDITABLE)
        if unknown:  # the same refusal as _apply_profile, before merging
            raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
        mine = check_seen(innovation, seen, {k: plain(k, v) for k, v in given.items()})
        if mine is not None:
            data = {k: v for k, v in data.items() if k in mine}
            team = team if "team" in mine else None
    before = audit.snapshot(innovation, AUDITED_FIELDS)
    before_sdgs = sorted(innovation.sdgs.values_list("number", flat=True))
    _apply_profile(innovation, data)
    _validate(innovation)
    changes = audit.diff(before, audit.snapshot(innovation, AUDITED_FIELDS))
    _set_sdgs(innovation, data.get("sdgs"))
    after_sdgs = sorted(innovation.sdgs.values_list("number", flat=True))
    if after_sdgs != before_sdgs:
        changes["sdgs"] = [before_sdgs, after_sdgs]
    if team is not None:
        changes.update(_replace_team(innovation, team))
    if changes:
        changes["version"] = _next_version(innovation, seen=innovation.version)
        innovation.save()
        audit.record(actor=actor, obj=innovation, action="innovation.update", changes=changes)
        hooks.innovation_changed(innovation)
    return innovation


def _transition(
    innovation: Innovation, *, actor: ActorLike, to: str, action: str, note: str = ""
) -> Innovation:
    before = innovation.publication_state
    innovation.publication_state = to
    version = _next_version(innovation, seen=innovation.version)
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
        changes={"publication_state": [before, to], "version": version},
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
    innovation = _transition(
        innovation, actor=actor, to=Innovation.State.SUBMITTED, action="innovation.submit"
    )
    notices.submitted(innovation, actor=actor)
    return innovation


@transaction.atomic
def innovation_publish(
    *, actor: ActorLike, innovation: Innovation, notify: bool = True
) -> Innovation:
    """Publish; the unit's officers are told (``notify=False``: an import publishing in bulk)."""
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.review", innovation)
    if innovation.publication_state == Innovation.State.PUBLISHED:
        raise ValidationError(_("This innovation is already published."))
    innovation = _transition(
        innovation, actor=actor, to=Innovation.State.PUBLISHED, action="innovation.publish"
    )
    if notify:
        notices.published(innovation, actor=actor)
    return innovation


@transaction.atomic
def innovation_return(*, actor: ActorLike, innovation: Innovation, reason: str) -> Innovation:
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.review", innovation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the innovation is returned.")})
    if innovation.publication_state not in {Innovation.State.SUBMITTED, Innovation.State.PUBLISHED}:
        raise ValidationError(_("Only submitted or published innovations can be returned."))
    innovation = _transition(
        innovation,
        actor=actor,
        to=Innovation.State.RETURNED,
        action="innovation.return",
        note=reason,
    )
    notices.returned(innovation, actor=actor, reason=reason)
    return innovation


@transaction.atomic
def innovation_set_status(
    *, actor: ActorLike, innovation: Innovation, status: str, date: dt.date, reason: str = ""
) -> StatusChange:
    """Change the innovation's status (continuing or stopped) from a date, with the reason when
    it stopped; refused when it has that status already."""
    require(actor, "innovation.change", innovation)
    return _record_status(actor, innovation, status, date, reason, same_allowed=False)


@transaction.atomic
def innovation_record_status(
    *,
    actor: ActorLike,
    innovation: Innovation,
    status: str,
    date: dt.date | None,
    reason: str = "",
) -> StatusChange | None:
    """Record the status a source gives (an import): like :func:`innovation_set_status`, but
    the status may be the one the innovation has (``continuing`` since a date). Without a date,
    only ``continuing`` is accepted and nothing goes into the status history."""
    if date is None and status != Innovation.Status.CONTINUING:
        raise ValidationError({"date": _("Say since when the innovation has this status.")})
    require(actor, "innovation.change", innovation)
    if date is None:
        if innovation.status != status:
            raise ValidationError({"date": _("Say since when the innovation has this status.")})
        return None
    return _record_status(actor, innovation, status, date, reason, same_allowed=True)


@transaction.atomic
def innovation_report_status_unchecked(
    *, actor: ActorLike, innovation: Innovation, status: str, date: dt.date, reason: str = ""
) -> StatusChange | None:
    """A status a competition's monitoring round learned from the innovation's unit: recorded
    when it differs from the catalog's (nothing when it is the same). For the competitions'
    services only, after their own check (the round's organiser publishing,
    ``competition_round.organise``)."""
    if innovation.status == status:
        return None
    return _record_status(actor, innovation, status, date, reason, same_allowed=False)


def _record_status(
    actor: ActorLike,
    innovation: Innovation,
    status: str,
    date: dt.date,
    reason: str,
    *,
    same_allowed: bool,
) -> StatusChange:
    """The status written (the caller checked who may write it)."""
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    if status not in Innovation.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    reason = (reason or "").strip()
    if status == Innovation.Status.STOPPED and not reason:
        raise ValidationError({"reason": _("Say why the innovation stopped.")})
    if status == innovation.status and not same_allowed:
        raise ValidationError({"status": _("The innovation already has this status.")})
    fields = ("status", "status_since", "stop_reason")
    before = audit.snapshot(innovation, fields)
    innovation.status = status
    innovation.status_since = date
    innovation.stop_reason = reason if status == Innovation.Status.STOPPED else ""
    version = _next_version(innovation, seen=innovation.version)
    innovation.save(update_fields=[*fields, "updated_at"])
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
        changes={**audit.diff(before, audit.snapshot(innovation, fields)), "version": version},
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
    record_write(
        actor=actor,
        innovation=innovation,
        action="evidence.add",
        changes={"evidence": [None, evidence.title]},
    )
    hooks.innovation_changed(innovation)  # evidence counts in search's quality prior
    return evidence


@transaction.atomic
def evidence_remove(*, actor: ActorLike, evidence: Evidence) -> None:
    require(actor, "innovation.change", evidence.innovation)
    record_write(
        actor=actor,
        innovation=evidence.innovation,
        action="evidence.remove",
        changes={"evidence": [evidence.title, None]},
    )
    delete_stored(evidence)
    evidence.delete()
    hooks.innovation_changed(evidence.innovation)


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
    record_write(
        actor=actor,
        innovation=innovation,
        action="award.add",
        changes={"award": [None, str(award)]},
    )
    hooks.innovation_changed(innovation)
    return award


@transaction.atomic
def award_grant_unchecked(
    *,
    actor: ActorLike,
    innovation: Innovation,
    level: str,
    year: int,
    competition: str,
    label: str = "",
) -> tuple[Award, bool]:
    """Write an award a competition gave (once: an award of the same competition, year and
    level is found, not doubled). For the competitions' services only, after their own check
    (the round's organiser publishing its results, ``competition_round.organise``): the
    organiser writes to innovations of other agencies."""
    award, created = Award.objects.get_or_create(
        innovation=innovation,
        competition=competition,
        year=year,
        level=level,
        defaults={"label": label},
    )
    if created:
        record_write(
            actor=actor,
            innovation=innovation,
            action="award.add",
            changes={"award": [None, str(award)]},
        )
        hooks.innovation_changed(innovation)
    return award, created


@transaction.atomic
def award_remove(*, actor: ActorLike, award: Award) -> None:
    require(actor, "innovation.change", award.innovation)
    record_write(
        actor=actor,
        innovation=award.innovation,
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
    _require_direct(actor, innovation)
    changes = _replace_team(innovation, members)
    if changes:
        record_write(actor=actor, innovation=innovation, action="team.set", changes=changes)
    return list(innovation.team.all())


def _replace_team(
    innovation: Innovation, members: Iterable[Mapping[str, str]]
) -> dict[str, list[Any]]:
    """Replace the team; ``{"team": [names before, names after]}`` if it changed."""
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
    before = [[m.name, m.role_title] for m in innovation.team.all()]
    after = [[m.name, m.role_title] for m in cleaned]
    if before == after:
        return {}
    innovation.team.all().delete()
    TeamMember.objects.bulk_create(cleaned)
    return {"team": [[n for n, _r in before], [n for n, _r in after]]}


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
