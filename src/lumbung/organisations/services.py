"""Writes to organisations: agencies, units, partners, people and memberships."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, forget_actor
from lumbung.core.policies import require

from .models import Agency, Membership, Partner, Region, Role, Unit, User


def unique_slug(
    model: type[models.Model], base: str, *, max_length: int = 200, **scope: Any
) -> str:
    root = (slugify(base) or "item")[: max_length - 6].strip("-") or "item"
    slug, n = root, 2
    while model._default_manager.filter(slug=slug, **scope).exists():
        slug = f"{root}-{n}"
        n += 1
    return slug


def _check_region(region: Region | None) -> None:
    if region is not None and not isinstance(region, Region):
        raise ValidationError({"region": _("Unknown region.")})


def _one_line(text: str) -> str:
    """A name as stored: on one line, single spaces."""
    return " ".join((text or "").split())


def _check_agency_name_free(name: str, *, exclude: int | None = None) -> None:
    others = Agency.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError(
            {"name": _("An agency named “%(name)s” already exists.") % {"name": name}}
        )


def _check_unit_name_free(agency: Agency, name: str, *, exclude: int | None = None) -> None:
    """Unit names are unique in their agency (whatever the case): people pick units by name."""
    others = Unit.objects.filter(agency=agency, name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError(
            {
                "name": _("A unit named “%(name)s” is already in %(agency)s.")
                % {"name": name, "agency": agency.name}
            }
        )


def _check_partner_name_free(name: str, *, exclude: int | None = None) -> None:
    others = Partner.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError(
            {"name": _("A partner named “%(name)s” already exists.") % {"name": name}}
        )


#: The fields of each record that its update service may change, as the audit history shows them.
AGENCY_FIELDS = ("name", "short_name", "kind", "region", "website")
UNIT_FIELDS = ("name", "short_name", "kind", "parent", "region")
PARTNER_FIELDS = ("name", "kind", "region", "description", "website")


def _check_record(obj: Agency | Unit | Partner) -> None:
    """The rules every write of an agency, unit or partner keeps, created or changed: a name, a
    known type and region, a name nobody else has in its scope (all agencies, all partners, the
    units of one agency); a unit's parent in its own agency, never itself or below it."""
    if not obj.name:
        raise ValidationError({"name": _("The name is required.")})
    if obj.kind not in type(obj).Kind.values:
        unknown = {
            Agency: _("Unknown agency type."),
            Unit: _("Unknown unit type."),
            Partner: _("Unknown partner type."),
        }
        raise ValidationError({"kind": unknown[type(obj)]})
    _check_region(obj.region)
    if isinstance(obj, Agency):
        _check_agency_name_free(obj.name, exclude=obj.pk)
    elif isinstance(obj, Partner):
        _check_partner_name_free(obj.name, exclude=obj.pk)
    else:
        _check_unit_place(obj)
        _check_unit_name_free(obj.agency, obj.name, exclude=obj.pk)


def _check_unit_place(unit: Unit) -> None:
    parent = unit.parent
    if parent is None:
        return
    if parent.agency_id != unit.agency_id:
        raise ValidationError({"parent": _("The parent unit must belong to the same agency.")})
    if unit.pk is not None and (
        parent.pk == unit.pk
        or Unit.objects.ancestors(parent, include_self=True).filter(pk=unit.pk).exists()
    ):
        raise ValidationError(
            {"parent": _("A unit cannot be moved under itself or a unit below it.")}
        )


def _save_new(actor: ActorLike, obj: Agency | Unit | Partner, action: str) -> None:
    _check_record(obj)
    obj.full_clean()
    obj.save()
    audit.record(actor=actor, obj=obj, action=action, changes={"name": [None, obj.name]})


@transaction.atomic
def agency_create(
    *,
    actor: ActorLike,
    name: str,
    kind: str,
    region: Region | None = None,
    short_name: str = "",
    website: str = "",
) -> Agency:
    require(actor, "agency.create", Agency())
    name, short_name = _one_line(name), _one_line(short_name)
    agency = Agency(
        name=name,
        kind=kind,
        region=region,
        short_name=short_name,
        website=website,
        slug=unique_slug(Agency, short_name or name),
    )
    _save_new(actor, agency, "agency.create")
    return agency


@transaction.atomic
def unit_create(
    *,
    actor: ActorLike,
    agency: Agency,
    name: str,
    kind: str = Unit.Kind.OTHER,
    parent: Unit | None = None,
    region: Region | None = None,
    short_name: str = "",
) -> Unit:
    require(actor, "agency.manage_units", agency)
    name, short_name = _one_line(name), _one_line(short_name)
    unit = Unit(
        agency=agency,
        parent=parent,
        name=name,
        kind=kind,
        region=region or agency.region,
        short_name=short_name,
        slug=unique_slug(Unit, short_name or name, max_length=250, agency=agency),
    )
    _save_new(actor, unit, "unit.create")
    return unit


@transaction.atomic
def partner_create(
    *,
    actor: ActorLike,
    name: str,
    kind: str,
    region: Region | None = None,
    description: str = "",
    website: str = "",
    is_example: bool = False,
    agency: Agency | None = None,
) -> Partner:
    """Record a partner: platform admins, or an agency's innovation admins for their agency
    (``agency``: the partner is then the agency's to keep up to date)."""
    require(actor, "partner.change", Partner(added_by_agency=agency))
    name = _one_line(name)
    partner = Partner(
        added_by_agency=agency,
        name=name,
        kind=kind,
        region=region,
        description=description,
        website=website,
        is_example=is_example,
        slug=unique_slug(Partner, name),
    )
    _save_new(actor, partner, "partner.create")
    return partner


def _apply(obj: models.Model, fields: tuple[str, ...], changes: dict[str, Any]) -> dict[str, Any]:
    """Set the given ``changes`` (only ``fields``) on ``obj``; the snapshot before."""
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    before = audit.snapshot(obj, fields)
    for name, value in changes.items():
        if isinstance(value, str):
            value = _one_line(value) if name != "description" else value.strip()
        setattr(obj, name, value)
    return before


def _save_changes(
    actor: ActorLike,
    obj: Agency | Unit | Partner,
    action: str,
    fields: tuple[str, ...],
    before: dict[str, Any],
) -> None:
    _check_record(obj)
    obj.full_clean()
    obj.save()
    changed = audit.diff(before, audit.snapshot(obj, fields))
    if changed:
        audit.record(actor=actor, obj=obj, action=action, changes=changed)


@transaction.atomic
def agency_update(*, actor: ActorLike, agency: Agency, **changes: Any) -> Agency:
    """Change an agency's details (``AGENCY_FIELDS``): its innovation admins, platform admins.
    Its address (slug) stays, so links keep working."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    require(actor, "agency.administer", agency)
    before = _apply(agency, AGENCY_FIELDS, changes)
    _save_changes(actor, agency, "agency.update", AGENCY_FIELDS, before)
    return agency


@transaction.atomic
def unit_update(*, actor: ActorLike, unit: Unit, **changes: Any) -> Unit:
    """Rename a unit, change its type or region, or move it under another unit of its agency
    (``UNIT_FIELDS``): the agency's innovation admins, platform admins. Its address stays."""
    unit = Unit.objects.select_for_update().select_related("agency").get(pk=unit.pk)
    require(actor, "unit.change", unit)
    before = _apply(unit, UNIT_FIELDS, changes)
    _save_changes(actor, unit, "unit.update", UNIT_FIELDS, before)
    return unit


@transaction.atomic
def partner_update(*, actor: ActorLike, partner: Partner, **changes: Any) -> Partner:
    """Change a partner's details (``PARTNER_FIELDS``): platform admins, or the innovation admins
    of the agency that recorded it."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    require(actor, "partner.change", partner)
    before = _apply(partner, PARTNER_FIELDS, changes)
    _save_changes(actor, partner, "partner.update", PARTNER_FIELDS, before)
    return partner


@transaction.atomic
def membership_grant(
    *,
    actor: ActorLike,
    user: User,
    role: str,
    agency: Agency,
    unit: Unit | None = None,
) -> Membership:
    require(actor, "agency.manage_members", agency)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, agency=agency, unit=unit
    )
    if created:
        membership.full_clean()
        audit.record(
            actor=actor,
            obj=user,
            action="membership.grant",
            changes={
                "role": [None, role],
                "where": [None, str(unit or agency)],
                "agency_id": agency.pk,  # whose admins see this entry in the person's history
            },
        )
    forget_actor(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor: ActorLike, membership: Membership) -> None:
    require(actor, "agency.manage_members", membership.agency)
    audit.record(
        actor=actor,
        obj=membership.user,
        action="membership.revoke",
        changes={
            "role": [membership.role, None],
            "where": [str(membership.unit or membership.agency), None],
            "agency_id": membership.agency_id,
        },
    )
    membership.delete()
    forget_actor(membership.user)
