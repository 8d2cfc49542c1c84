"""Writes to replication programmes: create and change them, their target units, and the
agencies that join them.

A programme's targets are units of its owning agency, or of agencies that joined it by their own
innovation admin's consent (:func:`programme_join`): nobody makes another agency's units the
targets of a programme alone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lumbung.catalog.models import Innovation
from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import require
from lumbung.organisations.models import Agency, Unit, User
from lumbung.organisations.selectors import units_under
from lumbung.organisations.services import unique_slug

from ..models import Programme, ProgrammeParticipant, ProgrammeTarget
from ._common import as_date, clean_text, names_of, users_from

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
    actor: ActorLike,
    agency: Agency,
    name: str,
    sources: Sequence[Innovation],
    start_date: Any,
    coverage_target: int,
    end_date: Any = None,
    description: str = "",
    facilitator_agency: Agency | None = None,
    facilitators: Iterable[User | int] = (),
    managers: Iterable[User | int] = (),
    targets: Iterable[Unit] = (),
    is_example: bool = False,
) -> Programme:
    require(actor, "agency.create_programme", agency)
    sources = _check_sources(sources)
    for source in sources:
        require(actor, "innovation.view", source)
    programme = Programme(
        agency=agency,
        name=clean_text(name, max_length=200),
        description=clean_text(description),
        start_date=as_date(start_date, "start_date"),
        end_date=as_date(end_date, "end_date") if end_date else None,
        coverage_target=coverage_target,
        facilitator_agency=facilitator_agency,
        is_example=is_example,
        created_by=user_of(actor),
    )
    _validate_programme(programme)
    programme.slug = unique_slug(Programme, programme.name, max_length=220)
    programme.save()
    programme.sources.set(sources)
    programme.facilitators.set(users_from(facilitators))
    manager_list = users_from(managers)
    person = user_of(actor)
    if person is not None and person not in manager_list:
        manager_list.append(person)
    programme.managers.set(manager_list)
    chosen = {u.pk: u for u in targets}
    _check_scope(programme, chosen.values())
    added = [ProgrammeTarget(programme=programme, unit=u) for u in chosen.values()]
    ProgrammeTarget.objects.bulk_create(added)
    audit.record(
        actor=actor,
        obj=programme,
        action="programme.create",
        changes={
            **audit.diff({}, audit.snapshot(programme, PROGRAMME_AUDITED)),
            "sources": [None, names_of(sources)],
            "targets": [None, len(added)],
        },
    )
    return programme


#: what programme_update may change
PROGRAMME_EDITABLE = frozenset(
    {
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
)


def _set_fields(programme: Programme, data: Mapping[str, Any]) -> None:
    """The programme's own fields given in ``data`` (not saved)."""
    for name in ("name", "description"):
        if name in data:
            setattr(programme, name, clean_text(data[name]))
    for name in ("start_date", "end_date"):
        if name in data:
            setattr(programme, name, as_date(data[name], name) if data[name] else None)
    for name in ("coverage_target", "facilitator_agency"):
        if name in data:
            setattr(programme, name, data[name])


def _set_sources(
    programme: Programme, sources: Sequence[Innovation], before: list[str]
) -> dict[str, Any]:
    """Replace the source innovations; the audit change, if they changed."""
    sources = _check_sources(sources)
    programme.sources.set(sources)
    after = names_of(sources)
    return {"sources": [before, after]} if after != before else {}


def _set_people(programme: Programme, data: Mapping[str, Any]) -> dict[str, Any]:
    """Replace the facilitators and/or managers given in ``data``; the audit changes."""
    changes: dict[str, Any] = {}
    for name in ("facilitators", "managers"):
        if name in data:
            people = getattr(programme, name)
            old = names_of(people.all())
            people.set(users_from(data[name]))
            new = names_of(people.all())
            if old != new:
                changes[name] = [old, new]
    return changes


@transaction.atomic
def programme_update(
    *, actor: ActorLike, programme: Programme, data: Mapping[str, Any]
) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require(actor, "programme.change", programme)
    unknown = set(data) - PROGRAMME_EDITABLE
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    before = audit.snapshot(programme, PROGRAMME_AUDITED)
    before_sources = names_of(programme.sources.all())
    _set_fields(programme, data)
    if programme.start_date is None:
        raise ValidationError({"start_date": _("The start date is required.")})
    _validate_programme(programme)
    programme.save()
    changes = audit.diff(before, audit.snapshot(programme, PROGRAMME_AUDITED))
    if "sources" in data:
        changes.update(_set_sources(programme, data["sources"], before_sources))
    changes.update(_set_people(programme, data))
    if changes:
        audit.record(actor=actor, obj=programme, action="programme.update", changes=changes)
    return programme


@transaction.atomic
def programme_targets_add(
    *,
    actor: ActorLike,
    programme: Programme,
    units: Iterable[Unit] = (),
    under: Unit | None = None,
    kinds: Iterable[str] | None = None,
) -> int:
    """Add target units: the given ones, and/or every unit under ``under`` (its subtree, the unit
    itself included), optionally only of the given kinds (e.g. ``["sentra"]``). Returns how many
    were new. Every unit must be in the programme's scope (:func:`scope_agency_ids`)."""
    require(actor, "programme.change", programme)
    kinds = [k for k in (kinds or []) if k]
    unknown = set(kinds) - set(Unit.Kind.values)
    if unknown:
        raise ValidationError({"kinds": _("Unknown unit type.")})
    chosen: dict[int, Unit] = {u.pk: u for u in units}
    if under is not None:
        chosen.update({u.pk: u for u in units_under(under, kinds=kinds)})
    if not chosen:
        raise ValidationError({"units": _("No unit matches; nothing was added.")})
    _check_scope(programme, chosen.values())
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
def programme_target_remove(*, actor: ActorLike, programme: Programme, unit: Unit) -> None:
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


def scope_agency_ids(programme: Programme) -> set[int]:
    """The agencies whose units the programme may target: its own, and those that joined it."""
    joined = ProgrammeParticipant.objects.filter(programme=programme).values_list(
        "agency_id", flat=True
    )
    return {programme.agency_id, *joined}


def _check_scope(programme: Programme, units: Iterable[Unit]) -> None:
    allowed = scope_agency_ids(programme)
    outside = sorted(str(u) for u in units if u.agency_id not in allowed)
    if outside:
        raise ValidationError(
            {
                "units": _(
                    "These units belong to agencies that have not joined the programme: "
                    "%(units)s. Their agency's innovation admin must join it first."
                )
                % {"units": ", ".join(outside[:10])}
            }
        )


@transaction.atomic
def programme_join(
    *, actor: ActorLike, programme: Programme, agency: Agency
) -> ProgrammeParticipant:
    """The agency joins another agency's programme (its innovation admin's consent): the
    programme may then target the agency's units."""
    require(actor, "agency.administer", agency)
    if agency.pk == programme.agency_id:
        raise ValidationError({"agency": _("The programme already belongs to this agency.")})
    participant, created = ProgrammeParticipant.objects.get_or_create(
        programme=programme, agency=agency, defaults={"joined_by": user_of(actor)}
    )
    if created:
        audit.record(
            actor=actor,
            obj=programme,
            action="programme.join",
            changes={"participants": [None, str(agency)]},
        )
    return participant


@transaction.atomic
def programme_leave(*, actor: ActorLike, programme: Programme, agency: Agency) -> int:
    """The agency withdraws its consent: its units stop being the programme's targets (their
    projects stay, with their own history). Returns how many targets were removed."""
    require(actor, "agency.administer", agency)
    deleted, _ignored = ProgrammeParticipant.objects.filter(
        programme=programme, agency=agency
    ).delete()
    if not deleted:
        raise ValidationError({"agency": _("This agency has not joined the programme.")})
    removed, _ignored = ProgrammeTarget.objects.filter(
        programme=programme, unit__agency=agency
    ).delete()
    audit.record(
        actor=actor,
        obj=programme,
        action="programme.leave",
        changes={"participants": [str(agency), None], "targets_removed": [removed, None]},
    )
    return removed
