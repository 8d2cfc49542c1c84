"""One declaration, two answers: for every policy and action, "may this person do it on this
record?" (``can``) and "which records may they do it on?" (``filter``) agree — for every person
of the fixture world and for people with random memberships (hypothesis), on every record."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumbung.core.actors import as_actor
from lumbung.core.policies import Policy, registered
from lumbung.organisations.models import Membership, Role
from lumbung.replication.models import Programme, ProgrammeTarget
from tests.factories import UserFactory
from tests.policy_world import PEOPLE, build_policy_world, person

EXPECTED_POLICIES = {
    "agency",
    "apitoken",
    "commitment",
    "competition_assignment",
    "competition_conflict",
    "competition_consensus",
    "competition_document",
    "competition_entry",
    "competition_judge",
    "competition_objection",
    "competition_result",
    "competition_round",
    "competition_score",
    "event",
    "event_intent",
    "evidence",
    "importjob",
    "innovation",
    "intent",
    "invitation",
    "measurement",
    "membership",
    "notification",
    "outcome_indicator",
    "partner",
    "person",
    "programme",
    "project",
    "project_start",
    "registration",
    "replica_link",
    "session",
    "unit",
}


@pytest.fixture
def pworld(world):
    return build_policy_world(world)


def contexts(policy: Policy[Any], w: Any) -> list[dict[str, Any]]:
    """The second records an action is asked about (none for most)."""
    if policy.name == "project_start":
        return [{"programme": None}, {"programme": w.programme}, {"programme": w.other_programme}]
    if policy.name == "event_intent":
        return [{"event": w.event}, {"event": w.other_event}]
    return [{}]


def disagreements(who: Any, policy: Policy[Any], action: str, ctx: dict[str, Any]) -> list[str]:
    model = policy.model
    allowed = set(
        policy.filter(who, action, model._default_manager.all(), **ctx).values_list("pk", flat=True)
    )
    wrong = []
    for obj in model._default_manager.all():
        if policy.can(who, action, obj, **ctx) != (obj.pk in allowed):
            wrong.append(f"{policy.name}.{action} {ctx} on {obj!r} (pk {obj.pk})")
    return wrong


def test_every_record_type_has_its_policy():
    assert {p.name for p in registered()} == EXPECTED_POLICIES


def test_can_and_filter_agree_for_everyone_of_the_world(pworld):
    checked = 0
    wrong: list[str] = []
    for name in PEOPLE:
        who = person(pworld, name)
        for policy in registered():
            for action in policy.actions:
                for ctx in contexts(policy, pworld):
                    wrong += [f"{name}: {d}" for d in disagreements(who, policy, action, ctx)]
                    checked += policy.model._default_manager.count()
    assert not wrong, "\n".join(wrong[:20])
    print(f"\ncan/filter agreement: {checked} checks")  # shown with pytest -s
    assert checked > 2500  # the size of the check: people × actions × contexts × records


SCOPES = ["agency", "other_agency", "panrb", "unit", "child_unit", "sibling_unit", "other_unit"]


@st.composite
def memberships(draw: st.DrawFn) -> list[tuple[str, str]]:
    return draw(
        st.lists(
            st.tuples(st.sampled_from(list(Role.values)), st.sampled_from(SCOPES)),
            max_size=4,
            unique=True,
        )
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    grants=memberships(),
    superuser=st.booleans(),
    named=st.sets(st.sampled_from(["managers", "facilitators", "project_facilitators"])),
    policy_index=st.integers(min_value=0, max_value=len(EXPECTED_POLICIES) - 1),
)
def test_can_and_filter_agree_for_random_memberships(
    pworld, grants, superuser, named, policy_index
):
    user = UserFactory(is_superuser=superuser and not grants)
    for role, scope in grants:
        target = getattr(pworld, scope)
        if scope in {"agency", "other_agency", "panrb"}:
            Membership.objects.create(user=user, role=role, agency=target)
        else:
            Membership.objects.create(user=user, role=role, agency=target.agency, unit=target)
    if "managers" in named:
        pworld.programme.managers.add(user)
    if "facilitators" in named:
        pworld.other_programme.facilitators.add(user)
    if "project_facilitators" in named:
        pworld.loose_project.facilitators.add(user)
    actor = as_actor(user)
    policy = registered()[policy_index]
    wrong = [
        d
        for action in policy.actions
        for ctx in contexts(policy, pworld)
        for d in disagreements(actor, policy, action, ctx)
    ]
    assert not wrong, f"{grants} {named}:\n" + "\n".join(wrong[:10])


def test_filters_use_no_query_per_record(pworld):
    """A list's filter is one query whatever the number of records: building the condition may
    look up the context (a programme's targets), the list itself is one statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = as_actor(pworld.other_officer)
    for policy in registered():
        for action in policy.actions:
            for ctx in contexts(policy, pworld):
                with CaptureQueriesContext(connection) as building:
                    policy.condition(actor, action, **ctx)
                with CaptureQueriesContext(connection) as listing:
                    list(policy.filter(actor, action, policy.model._default_manager.all(), **ctx))
                assert len(listing) <= len(building) + 1, (policy.name, action, ctx)


def test_a_programme_target_of_another_agency_needs_its_consent(pworld):
    """The world's programme targets the other agency's unit only because that agency joined."""
    assert ProgrammeTarget.objects.filter(
        programme=pworld.programme, unit=pworld.other_unit
    ).exists()
    assert (
        Programme.objects.get(pk=pworld.programme.pk)
        .participants.filter(agency=pworld.other_agency)
        .exists()
    )


def test_a_new_record_is_judged_without_touching_the_database_it_is_not_in(pworld):
    """Creation is checked on the unsaved record: relations it cannot have yet never match."""
    from lumbung.core.policies import can
    from lumbung.events.models import Event

    new = Event(host_unit=pworld.other_unit, host_agency_id=pworld.other_agency.pk)
    assert can(pworld.other_officer, "event.create", new)
    assert not can(pworld.officer, "event.create", new)
    assert not can(pworld.named_facilitator, "event.view", new)  # named on no saved event
