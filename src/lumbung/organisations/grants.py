"""What a person's memberships give them (registered as the actors' grants loader).

Two queries per person: their memberships, then the units below the units they hold a role in —
found by a recursive query over the ``parent`` column, confined to each unit's own agency. A unit
whose tree is broken (a loop, a parent in another agency) gives no more than the unit itself:
access never widens because the data is odd.
"""

from __future__ import annotations

from django.db.models import Q

from lumbung.core.actors import Grants, forget_actor

from .models import Membership, Unit, User


def grants_for(user: User) -> Grants:
    agencies: dict[str, set[int]] = {}
    anywhere: dict[str, set[int]] = {}
    roots: dict[str, set[int]] = {}
    root_agency: dict[int, int] = {}
    for role, agency_id, unit_id, unit_agency_id in Membership.objects.filter(
        user=user
    ).values_list("role", "agency_id", "unit_id", "unit__agency_id"):
        if unit_id is None:
            agencies.setdefault(role, set()).add(agency_id)
            anywhere.setdefault(role, set()).add(agency_id)
        elif unit_agency_id == agency_id:  # a membership naming a unit of another agency: nothing
            roots.setdefault(role, set()).add(unit_id)
            root_agency[unit_id] = agency_id
            anywhere.setdefault(role, set()).add(agency_id)
    below = descendants_by_root(root_agency)
    units = {role: set().union(*(below.get(r, {r}) for r in ids)) for role, ids in roots.items()}
    return Grants(
        agencies={k: frozenset(v) for k, v in agencies.items()},
        units={k: frozenset(v) for k, v in units.items()},
        anywhere={k: frozenset(v) for k, v in anywhere.items()},
    )


def descendants_by_root(root_agency: dict[int, int]) -> dict[int, set[int]]:
    """For each root unit id (mapped to its agency), the ids of it and every unit below it in
    the same agency. One recursive query over the agencies concerned."""
    if not root_agency:
        return {}
    out: dict[int, set[int]] = {root: {root} for root in root_agency}
    contains = Q()
    for root in root_agency:
        contains |= Q(tree_path__contains=root)
    rows = (
        Unit.objects.with_tree_fields()
        .tree_filter(agency_id__in=set(root_agency.values()))
        .filter(contains)
        .values_list("pk", "agency_id", "tree_path")
    )
    for pk, agency_id, path in rows:
        for root in path:
            if root in out and root_agency[root] == agency_id:
                out[root].add(pk)
    return out


def forget_grants(user: User) -> None:
    """Drop what was computed for this user object (after their memberships changed)."""
    forget_actor(user)
