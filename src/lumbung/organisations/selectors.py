"""Reads of organisations shared by pages, API and reports."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Agency, Membership, Partner, Region, Unit, User


def agency_list(*, kind: str | None = None, region: str | None = None) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.order_by("name")


def unit_list(*, agency: Agency | int | None = None, kind: str | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("agency", "region", "parent")
    if agency is not None:
        qs = qs.filter(agency=agency)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("agency__name", "path")


def unit_subtree(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=unit.path).order_by("path")


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
