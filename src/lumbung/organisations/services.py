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
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    if kind not in Agency.Kind.values:
        raise ValidationError({"kind": _("Unknown agency type.")})
    _check_region(region)
    agency = Agency(
        name=name,
        kind=kind,
        region=region,
        short_name=short_name.strip(),
        website=website,
        slug=unique_slug(Agency, short_name or name),
    )
    agency.full_clean()
    agency.save()
    audit.record(actor=actor, obj=agency, action="agency.create", changes={"name": [None, name]})
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
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    if kind not in Unit.Kind.values:
        raise ValidationError({"kind": _("Unknown unit type.")})
    if parent is not None and parent.agency_id != agency.pk:
        raise ValidationError({"parent": _("The parent unit must belong to the same agency.")})
    unit = Unit(
        agency=agency,
        parent=parent,
        name=name,
        kind=kind,
        region=region or agency.region,
        short_name=short_name.strip(),
        slug=unique_slug(Unit, short_name or name, max_length=250, agency=agency),
    )
    unit.full_clean()
    unit.save()
    audit.record(actor=actor, obj=unit, action="unit.create", changes={"name": [None, name]})
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
) -> Partner:
    require(actor, "partner.change", Partner())
    if kind not in Partner.Kind.values:
        raise ValidationError({"kind": _("Unknown partner type.")})
    partner = Partner(
        name=name.strip(),
        kind=kind,
        region=region,
        description=description,
        website=website,
        is_example=is_example,
        slug=unique_slug(Partner, name),
    )
    partner.full_clean()
    partner.save()
    audit.record(actor=actor, obj=partner, action="partner.create")
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
            changes={"role": [None, role], "where": [None, str(unit or agency)]},
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
        },
    )
    membership.delete()
    forget_actor(membership.user)
