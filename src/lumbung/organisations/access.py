"""What a signed-in person's memberships give them: the agencies and units they act for.

Computed once per user object (one or two queries) and kept on it, so permission checks in a
list do not add queries per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from .models import Membership, Role, Unit


@dataclass(frozen=True)
class Access:
    is_authenticated: bool = False
    is_platform_admin: bool = False
    #: role -> agency ids where the person holds that role for the whole agency
    agencies: dict[str, frozenset[int]] = field(default_factory=dict)
    #: role -> unit ids (memberships' units and every unit below them)
    units: dict[str, frozenset[int]] = field(default_factory=dict)

    def agency_ids(self, *roles: str) -> frozenset[int]:
        out: set[int] = set()
        for role in roles:
            out |= self.agencies.get(role, frozenset())
        return frozenset(out)

    def unit_ids(self, *roles: str) -> frozenset[int]:
        out: set[int] = set()
        for role in roles:
            out |= self.units.get(role, frozenset())
        return frozenset(out)

    def has_role(self, *roles: str) -> bool:
        return any(self.agencies.get(r) or self.units.get(r) for r in roles)


ANONYMOUS = Access()
_CACHE_ATTR = "_lumbung_access"


def access_for(user: Any) -> Access:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    agencies: dict[str, set[int]] = {}
    unit_roots: dict[str, list[Unit]] = {}
    for m in Membership.objects.filter(user=user).select_related("unit"):
        if m.unit_id is None:
            agencies.setdefault(m.role, set()).add(m.agency_id)
        else:
            unit_roots.setdefault(m.role, []).append(m.unit)
    units: dict[str, set[int]] = {}
    all_roots = [u for roots in unit_roots.values() for u in roots]
    if all_roots:
        query = Q()
        for root in all_roots:
            query |= Q(path__startswith=root.path)
        subtree = list(Unit.objects.filter(query).values_list("id", "path"))
        for role, roots in unit_roots.items():
            ids = units.setdefault(role, set())
            for unit_id, path in subtree:
                if any(path.startswith(r.path) for r in roots):
                    ids.add(unit_id)
    result = Access(
        is_authenticated=True,
        is_platform_admin=bool(user.is_superuser),
        agencies={k: frozenset(v) for k, v in agencies.items()},
        units={k: frozenset(v) for k, v in units.items()},
    )
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_access(user: Any) -> None:
    """Drop the cached access (after memberships change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


#: Roles whose holders may read an agency's unpublished records.
INTERNAL_READ_ROLES = (Role.AGENCY_ADMIN, Role.VIEWER, Role.PROGRAMME_MANAGER)


def can_read_internal(access: Access, *, agency_id: int, unit_id: int | None) -> bool:
    """May this person see unpublished records of the given unit (or agency)?"""
    if access.is_platform_admin:
        return True
    if agency_id in access.agency_ids(*INTERNAL_READ_ROLES):
        return True
    return unit_id is not None and unit_id in access.unit_ids(
        Role.UNIT_OFFICER, Role.VIEWER, Role.AGENCY_ADMIN
    )


def can_manage_unit_records(access: Access, *, agency_id: int, unit_id: int) -> bool:
    """May this person create and change the records of this unit (innovations, evidence)?"""
    if access.is_platform_admin:
        return True
    if agency_id in access.agency_ids(Role.AGENCY_ADMIN):
        return True
    return unit_id in access.unit_ids(Role.UNIT_OFFICER)


def is_agency_admin(access: Access, *, agency_id: int) -> bool:
    return access.is_platform_admin or agency_id in access.agency_ids(Role.AGENCY_ADMIN)
