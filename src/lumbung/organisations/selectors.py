"""Reads of organisations shared by pages, API and reports."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import QuerySet

from lumbung.core.actors import ActorLike

from .models import Agency, Membership, Partner, Region, Role, Unit, User
from .policies import people as people_policy


def agency_list(*, kind: str | None = None, region: str | None = None) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.order_by("name")


def in_tree_order(qs: QuerySet[Unit], *, agency: Agency | int | None = None) -> QuerySet[Unit]:
    """Units depth first (each unit after its parent, siblings by name), with ``tree_depth``.
    Naming the agency confines the recursive query to its units (much less work)."""
    tree = qs.with_tree_fields().order_siblings_by("name")  # type: ignore[attr-defined]
    if agency is not None:
        tree = tree.tree_filter(agency=agency)
    return tree


def unit_list(*, agency: Agency | int | None = None, kind: str | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("agency", "region", "parent")
    if agency is not None:
        qs = in_tree_order(qs.filter(agency=agency), agency=agency)
    else:  # every agency's tree, agency by agency
        qs = in_tree_order(qs).order_by("agency__name", "tree_ordering")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def units_under(unit: Unit, *, kinds: Iterable[str] = ()) -> QuerySet[Unit]:
    """The unit and every unit below it (in its own agency), optionally only of ``kinds`` —
    e.g. every sentra under a directorate-general. Depth first."""
    qs = (
        Unit.objects.with_tree_fields()
        .tree_filter(agency_id=unit.agency_id)
        .filter(tree_path__contains=unit.pk)
        .order_siblings_by("name")
    )
    kinds = [k for k in kinds if k]
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs


def partner_list(*, kind: str | None = None) -> QuerySet[Partner]:
    qs = Partner.objects.select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def region_list(*, level: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("agency", "unit")
        .order_by("agency__name", "role")
    )


def agency_admins(agency_id: int) -> QuerySet[User]:
    """The active innovation admins of an agency (agency-wide memberships)."""
    return User.objects.filter(
        is_active=True,
        memberships__agency_id=agency_id,
        memberships__unit__isnull=True,
        memberships__role=Role.AGENCY_ADMIN,
    ).distinct()


def people_for(actor: ActorLike, *, agency_slug: str = "", q: str = "") -> QuerySet[User]:
    """The people this person may manage: those holding a role in their agencies (platform
    admins: everyone), optionally of one agency and matching a name, user name or e-mail."""
    qs = people_policy.filter(actor, "deactivate", User.objects.order_by("username"))
    if agency_slug:
        qs = qs.filter(pk__in=Membership.objects.filter(agency__slug=agency_slug).values("user_id"))
    if q.strip():
        words = q.strip()
        qs = qs.filter(
            models.Q(username__icontains=words)
            | models.Q(display_name__icontains=words)
            | models.Q(email__icontains=words)
        )
    return qs
