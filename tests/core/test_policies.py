"""The conditions policies are written in: simplification, re-rooting, failing closed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from lumbung.catalog.models import Innovation
from lumbung.core.actors import ANONYMOUS, SYSTEM, as_actor
from lumbung.core.policies import ALWAYS, NEVER, Attr, In, Some, SomeRow, can, permitted
from lumbung.organisations.models import Role


def test_empty_sets_and_constants_simplify():
    assert Attr("unit_id").is_in([]) is NEVER
    assert Attr("unit_id").is_in([None]) is NEVER  # a missing id never widens access
    cond = Attr("unit_id").is_in([1])
    assert (cond | NEVER) is cond and (cond & ALWAYS) is cond
    assert (cond | ALWAYS) is ALWAYS and (cond & NEVER) is NEVER


def test_via_reroots_paths_and_uses_the_foreign_key_column_for_ids():
    cond = Attr("id").is_in([3]).via("unit")
    assert isinstance(cond, In) and cond.path == "unit_id"
    deeper = Attr("agency_id").is_in([4]).via("unit").via("project")
    assert isinstance(deeper, In) and deeper.path == "project__unit__agency_id"
    some = Some("managers", Attr("id").eq(1)).via("programme")
    assert isinstance(some, SomeRow) and some.relation == "programme__managers"


def test_some_inside_some_is_refused():
    with pytest.raises(ValueError):
        Some("a", Some("b", Attr("id").eq(1)))


def test_missing_related_records_are_false(world):
    orphan = Innovation(name="x")  # no unit, no agency
    assert Attr("unit__agency_id").is_in([world.agency.pk]).evaluate(orphan) is False
    assert can(world.admin, "innovation.change", orphan) is False


def test_actors_fail_closed(world):
    assert as_actor(None) is ANONYMOUS and as_actor(AnonymousUser()) is ANONYMOUS
    world.officer.is_active = False
    assert as_actor(world.officer) is ANONYMOUS
    assert can(world.officer, "innovation.view", world.draft) is False
    assert SYSTEM.is_platform_admin and SYSTEM.user is None


def test_unknown_actions_and_policies_fail_loudly(world):
    with pytest.raises(LookupError):
        can(world.officer, "innovation.chnage", world.draft)
    with pytest.raises(LookupError):
        permitted(world.officer, "inovation.view")


def test_grants_follow_the_tree_within_the_agency(world):
    from tests.factories import UnitFactory, UserFactory, grant

    child = UnitFactory(agency=world.agency, parent=world.unit, name="Seksi")
    grandchild = UnitFactory(agency=world.agency, parent=child, name="Subseksi")
    head = UserFactory(username="kepala")
    grant(head, Role.UNIT_OFFICER, unit=world.unit)
    assert as_actor(head).units(Role.UNIT_OFFICER) == {world.unit.pk, child.pk, grandchild.pk}
    assert world.sibling_unit.pk not in as_actor(head).units(Role.UNIT_OFFICER)
