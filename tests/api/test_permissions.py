"""The permission matrix through the API: role × action × own / other unit.

Who may do what is decided by the rules in core.permissions; here we check that the API
applies them: reads of unpublished records are 404 for those who may not see them (existence
does not leak), writes are 401 without credentials and 403 when seen but not allowed.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lumbung.catalog.models import Innovation

from .conftest import PDF, assert_error

pytestmark = pytest.mark.django_db

ROLES = [
    "officer",  # unit officer of world.unit (agency kemensos)
    "sibling_officer",  # unit officer of another unit of the same agency
    "other_officer",  # unit officer of a unit of the other agency
    "admin",  # agency innovation admin of kemensos
    "other_admin",  # agency innovation admin of the other agency
    "viewer",  # viewer of kemensos
    "judge",  # judge in the other agency
    "nobody",  # signed in, no membership
    "anonymous",
    "platform_admin",
]

#: target -> (who may see it while unpublished, who may change it, who may review it)
TARGETS = {
    "own_draft": (
        {"officer", "admin", "viewer", "platform_admin"},
        {"officer", "admin", "platform_admin"},
        {"admin", "platform_admin"},
    ),
    "other_agency_draft": (
        {"other_officer", "other_admin", "platform_admin"},
        {"other_officer", "other_admin", "platform_admin"},
        {"other_admin", "platform_admin"},
    ),
    "own_published": (
        set(ROLES),
        {"officer", "admin", "platform_admin"},
        {"admin", "platform_admin"},
    ),
}
SUCCESS = {"read": 200, "update": 200, "submit": 200, "publish": 200, "award": 201, "evidence": 201}


def expected_status(role: str, action: str, target: str) -> int:
    may_see, may_change, may_review = TARGETS[target]
    if action != "read" and role == "anonymous":
        return 401
    if role not in may_see:
        return 404
    if action == "read":
        return 200
    if action == "publish":
        if role not in may_review:
            return 403
        return 422 if target == "own_published" else 200  # already published
    if role not in may_change:
        return 403
    if action == "submit" and target == "own_published":
        return 422  # only drafts and returned innovations can be submitted
    if action == "update" and target == "own_published" and role not in may_review:
        return 202  # a published profile's change waits for the agency's review
    return SUCCESS[action]


def innovation_for(world, target: str) -> Innovation:
    return {
        "own_draft": world.draft,
        "other_agency_draft": world.other_draft,
        "own_published": world.published,
    }[target]


def perform(client, action: str, slug: str):
    path = f"/innovations/{slug}"
    if action == "read":
        return client.get(path)
    if action == "update":
        return client.patch(path, {"summary": "Diubah lewat API"})
    if action in {"submit", "publish"}:
        return client.post(f"{path}/{action}")
    if action == "award":
        return client.post(f"{path}/awards", {"level": "top_45", "year": 2020})
    if action == "evidence":
        return client.upload(
            f"{path}/evidence",
            {"kind": "implementation", "file": SimpleUploadedFile("bukti.pdf", PDF)},
        )
    raise AssertionError(action)


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("action", list(SUCCESS))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, make_api, role, action, target):
    user = None if role == "anonymous" else getattr(world, role)
    innovation = innovation_for(world, target)
    before = Innovation.objects.values().get(pk=innovation.pk)
    response = perform(make_api(user), action, innovation.slug)
    expected = expected_status(role, action, target)
    if expected >= 400:
        assert_error(response, expected)
        # a refused write changes nothing
        assert Innovation.objects.values().get(pk=innovation.pk) == before
        assert innovation.awards.count() == 0 and innovation.evidence.count() == 0
    else:
        assert response.status_code == expected, response.content


def test_the_matrix_covers_both_outcomes_for_every_action():
    """Guard against a matrix that only ever expects one answer."""
    for action in SUCCESS:
        outcomes = {expected_status(r, action, t) for r in ROLES for t in TARGETS}
        assert any(code < 400 for code in outcomes), action
        assert 404 in outcomes, action
        if action != "read":
            assert {401, 403} <= outcomes, action


def test_officer_cannot_create_in_another_unit(world, make_api):
    response = make_api(world.officer).post(
        "/innovations", {"unit": world.sibling_unit.pk, "name": "Bukan unit saya"}
    )
    assert_error(response, 403)
    assert not Innovation.objects.filter(name="Bukan unit saya").exists()


def test_agency_admin_can_create_in_any_unit_of_the_agency_only(world, make_api):
    admin = make_api(world.admin)
    assert (
        admin.post(
            "/innovations", {"unit": world.sibling_unit.pk, "name": "Milik agensi"}
        ).status_code
        == 201
    )
    assert_error(admin.post("/innovations", {"unit": world.other_unit.pk, "name": "Lain"}), 403)


def test_anonymous_cannot_create(world, make_api):
    response = make_api(None).post("/innovations", {"unit": world.unit.pk, "name": "Anonim"})
    assert_error(response, 401)
    assert not Innovation.objects.filter(name="Anonim").exists()


def test_return_and_status_follow_the_rules(world, make_api):
    path = f"/innovations/{world.published.slug}"
    assert_error(make_api(world.officer).post(f"{path}/return", {"reason": "x"}), 403)
    assert_error(make_api(world.other_admin).post(f"{path}/return", {"reason": "x"}), 403)
    assert_error(
        make_api(world.sibling_officer).post(
            f"{path}/status", {"status": "stopped", "reason": "x"}
        ),
        403,
    )
    assert_error(
        make_api(world.other_officer).post(
            f"/innovations/{world.draft.slug}/status", {"status": "stopped", "reason": "x"}
        ),
        404,
    )
    assert make_api(world.admin).post(f"{path}/return", {"reason": "x"}).status_code == 200
