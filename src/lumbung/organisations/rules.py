"""Permission rules for organisations (registered in lumbung.core.permissions)."""

from __future__ import annotations

from typing import Any

from lumbung.core.permissions import rule

from .access import access_for, is_agency_admin
from .models import Agency, Unit


@rule("organisations.manage")
def manage_organisations(user: Any, obj: Any) -> bool:
    """Create agencies and partners, grant memberships anywhere: platform admins only."""
    return access_for(user).is_platform_admin


@rule("agency.manage_units")
def manage_units(user: Any, obj: Agency | Unit | None) -> bool:
    access = access_for(user)
    if access.is_platform_admin:
        return True
    if obj is None:
        return False
    agency_id = obj.agency_id if isinstance(obj, Unit) else obj.pk
    return is_agency_admin(access, agency_id=agency_id)


@rule("agency.manage_members")
def manage_members(user: Any, obj: Agency | None) -> bool:
    access = access_for(user)
    return access.is_platform_admin or (
        obj is not None and is_agency_admin(access, agency_id=obj.pk)
    )
