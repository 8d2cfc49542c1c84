"""The permission rules as a matrix: role × action × own / other unit."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from lumbung.core.policies import can, registered, require
from lumbung.organisations.models import Unit

# person -> {(action, target): allowed}; targets name attributes of the `world` fixture
ROLES = [
    "officer",
    "sibling_officer",
    "other_officer",
    "admin",
    "other_admin",
    "viewer",
    "judge",
    "platform_admin",
    "nobody",
    "anonymous",
]

MATRIX: dict[tuple[str, str], set[str]] = {
    # who may see a draft of the officer's unit
    ("innovation.view", "draft"): {"officer", "admin", "viewer", "platform_admin"},
    # everyone may see a published innovation
    ("innovation.view", "published"): set(ROLES),
    ("innovation.view", "other_draft"): {"other_officer", "other_admin", "platform_admin"},
    ("innovation.view_internal", "published"): {"officer", "admin", "viewer", "platform_admin"},
    ("innovation.change", "draft"): {"officer", "admin", "platform_admin"},
    ("innovation.change", "published"): {"officer", "admin", "platform_admin"},
    ("innovation.change", "other_draft"): {"other_officer", "other_admin", "platform_admin"},
    # a published profile: written at once only by who may publish it; the unit proposes
    ("innovation.change_directly", "draft"): {"officer", "admin", "platform_admin"},
    ("innovation.change_directly", "published"): {"admin", "platform_admin"},
    ("innovation.change_directly", "other_draft"): {
        "other_officer",
        "other_admin",
        "platform_admin",
    },
    ("innovation.submit", "draft"): {"officer", "admin", "platform_admin"},
    ("innovation.submit", "published"): set(),
    ("innovation.review", "draft"): {"admin", "platform_admin"},
    ("innovation.review", "other_draft"): {"other_admin", "platform_admin"},
    ("unit.manage", "unit"): {"officer", "admin", "platform_admin"},
    ("unit.manage", "sibling_unit"): {"sibling_officer", "admin", "platform_admin"},
    ("unit.manage", "other_unit"): {"other_officer", "other_admin", "platform_admin"},
    ("agency.create", "agency"): {"platform_admin"},
    ("agency.manage_units", "agency"): {"admin", "platform_admin"},
    ("agency.manage_members", "other_agency"): {"other_admin", "platform_admin"},
}

CASES = [
    pytest.param(person, action, target, person in allowed, id=f"{action}-{target}-{person}")
    for (action, target), allowed in MATRIX.items()
    for person in ROLES
]


def _person(world, name):
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


@pytest.mark.parametrize(("person", "action", "target", "expected"), CASES)
def test_permission_matrix(world, person, action, target, expected):
    assert can(_person(world, person), action, getattr(world, target)) is expected


def test_every_registered_action_is_in_the_matrix():
    covered = {action for action, _ in MATRIX}
    catalog_and_org = {
        f"{policy.name}.{action}"
        for policy in registered()
        if policy.name in {"innovation", "agency"}
        for action in policy.actions
        if action not in {"view", "create", "read_internal", "administer", "create_programme"}
    }
    assert catalog_and_org <= covered


def test_unknown_action_fails_loudly(world):
    with pytest.raises(LookupError):
        can(world.officer, "innovation.chnage", world.draft)


def test_require_raises_permission_denied(world):
    with pytest.raises(PermissionDenied):
        require(world.other_officer, "innovation.change", world.draft)


def test_inactive_user_may_do_nothing(world):
    world.admin.is_active = False
    assert can(world.admin, "innovation.review", world.draft) is False


def test_officer_of_parent_unit_acts_on_child_units(world):
    from lumbung.organisations.models import Role
    from tests.factories import UnitFactory, UserFactory, grant

    child = UnitFactory(agency=world.agency, parent=world.unit, name="Seksi Layanan")
    assert list(Unit.objects.ancestors(child)) == [world.unit]
    head = UserFactory(username="head")
    grant(head, Role.UNIT_OFFICER, unit=world.unit)
    assert can(head, "unit.manage", child)
    assert not can(world.sibling_officer, "unit.manage", child)
