"""Who may do what with a replication project, proven through the rules, the pages and the API.

Changers: the adopting unit's officers, its agency admins, the project's facilitator (named, or a
facilitator of the facilitating agency), the programme's manager (and platform admins).
Readers and commenters: the origin unit (and its agency's admins and viewers).
Everyone else: nothing — the project's existence is not disclosed (404).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from lumbung.core.policies import can
from lumbung.replication import selectors
from lumbung.replication.models import DocumentKind, Stage

from .conftest import add_doc, advance

pytestmark = pytest.mark.django_db

CHANGE, READ, NONE = "change", "read", "none"
MATRIX = {
    "other_officer": CHANGE,  # adopting unit's officer
    "other_admin": CHANGE,  # adopting agency's admin
    "named_facilitator": CHANGE,
    "agency_facilitator": CHANGE,  # facilitator of the facilitating agency
    "manager": CHANGE,  # the programme's manager
    "platform_admin": CHANGE,
    "officer": READ,  # origin unit's officer
    "admin": READ,  # origin agency's admin (owns the programme, does not run the project)
    "viewer": READ,  # origin agency's viewer
    "sibling_officer": NONE,  # same agency as the origin, another unit
    "judge": NONE,
    "nobody": NONE,
    "anonymous": NONE,
}
CASES = sorted(MATRIX.items())


def _user(rep, name):
    return None if name == "anonymous" else getattr(rep, name)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("who", "level"), CASES, ids=[c[0] for c in CASES])
def test_rules(rep, who, level):
    user = _user(rep, who)
    assert can(user, "project.change", rep.project) is (level == CHANGE)
    assert can(user, "project.view", rep.project) is (level != NONE)
    assert can(user, "project.comment", rep.project) is (level != NONE)
    visible = selectors.visible_projects(user)
    assert (rep.project in visible) is (level != NONE)


@pytest.mark.parametrize(("who", "level"), CASES, ids=[c[0] for c in CASES])
def test_pages(rep, who, level):
    user = _user(rep, who)
    client = _client(user)
    url = reverse("replication:project", args=[rep.project.pk])
    response = client.get(url)
    if user is None:
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == (200 if level != NONE else 404)
    if level == READ:
        body = response.content.decode()
        assert "Catatan internal" not in body  # private notes
        assert (
            'action="' + reverse("replication:project_transition", args=[rep.project.pk])
            not in body
        )
        assert reverse("replication:comment_add", args=[rep.project.pk]) in body

    add_doc(rep.project, DocumentKind.COMMITMENT)
    response = client.post(
        reverse("replication:project_transition", args=[rep.project.pk]),
        {"to_stage": Stage.PLANNING, "note": "", "version": rep.project.version},
    )
    rep.project.refresh_from_db()
    if level == CHANGE:
        assert response.status_code == 302
        assert rep.project.stage == Stage.PLANNING
    else:
        expected = {READ: 403, NONE: 404}[level] if user is not None else 302
        assert response.status_code == expected
        assert rep.project.stage == Stage.PREPARATION

    response = client.post(
        reverse("replication:comment_add", args=[rep.project.pk]), {"text": "Bagus sekali"}
    )
    if user is None:
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == (302 if level != NONE else 404)
    assert rep.project.comments.exists() is (level != NONE)


@pytest.mark.parametrize(("who", "level"), CASES, ids=[c[0] for c in CASES])
def test_api(rep, who, level):
    user = _user(rep, who)
    client = _client(user)
    base = f"/api/v1/projects/{rep.project.pk}"
    response = client.get(base)
    assert response.status_code == (200 if level != NONE else 404)
    if level != NONE:
        body = response.json()
        assert body["stage"] == Stage.PREPARATION
        assert (body["notes"] is not None) is (level == CHANGE)
    listing = client.get("/api/v1/projects").json()
    assert (rep.project.pk in [p["id"] for p in listing["items"]]) is (level != NONE)

    add_doc(rep.project, DocumentKind.COMMITMENT)
    response = client.post(
        f"{base}/transitions",
        json.dumps({"to_stage": "planning", "expected_version": 1}),
        content_type="application/json",
    )
    expected = {CHANGE: 200, READ: 403, NONE: 404}[level] if user is not None else 401
    assert response.status_code == expected, response.content
    keys = set(response.json())
    assert ("stage" in keys) if expected == 200 else (keys == {"detail", "errors"})
    response = client.post(
        f"{base}/comments", json.dumps({"text": "Catatan"}), content_type="application/json"
    )
    expected = (201 if level != NONE else 404) if user is not None else 401
    assert response.status_code == expected


def test_the_public_sees_programme_coverage_but_nothing_private(rep, client):
    advance(rep.project, Stage.IMPLEMENTATION)
    from lumbung.replication import services

    services.session_create(
        actor=rep.named_facilitator,
        project=rep.project,
        date="2024-03-07",
        mode="visit",
        participants="Budi Santoso (081234567890)",
        notes="Catatan rahasia pendamping",
        actions=[{"description": "Tugas rahasia", "due_date": "2024-04-01"}],
    )
    page = client.get(reverse("replication:programme", args=[rep.programme.slug]))
    assert page.status_code == 200
    body = page.content.decode()
    assert rep.programme.name in body and rep.other_unit.name in body
    assert "Implementing" in body or "implementing" in body
    for private in (
        "Budi Santoso",
        "Catatan rahasia",
        "Tugas rahasia",
        "Catatan internal",
        "programme_manager",
        str(rep.manager),
    ):
        assert private not in body, private
    # the replica is a draft: no link to it for the public
    assert reverse("catalog:innovation", args=[rep.project.replica.slug]) not in body

    api = client.get(f"/api/v1/programmes/{rep.programme.slug}").json()
    assert api["coverage"]["current"] == 1
    assert api["managers"] is None and api["facilitators"] is None
    unit_rows = {u["unit"]["name"]: u for u in api["units"]}
    assert unit_rows[rep.other_unit.name]["replica"] is None  # unpublished
    assert unit_rows[rep.other_unit.name]["open_commitments"] is None
    assert "Budi" not in json.dumps(api)

    for path in ("/api/v1/commitments", "/api/v1/projects"):
        assert client.get(path).json()["count"] == 0
    assert client.get(f"/api/v1/programmes/{rep.programme.slug}/sessions").status_code == 404

    # once published, the replica is linked publicly
    replica = rep.project.replica
    replica.publication_state = "published"
    replica.save()
    body = client.get(reverse("replication:programme", args=[rep.programme.slug])).content.decode()
    assert reverse("catalog:innovation", args=[replica.slug]) in body


def test_the_programme_page_shows_internals_to_its_people(rep):
    body = (
        _client(rep.manager)
        .get(reverse("replication:programme", args=[rep.programme.slug]))
        .content.decode()
    )
    assert str(rep.manager) in body
    assert reverse("replication:project", args=[rep.project.pk]) in body
    body = (
        _client(rep.agency_facilitator)
        .get(reverse("replication:programme", args=[rep.programme.slug]))
        .content.decode()
    )
    assert reverse("replication:programme_session", args=[rep.programme.slug]) in body


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_officer", 200), ("named_facilitator", 200), ("officer", 200), ("nobody", 404)],
)
def test_documents_are_downloaded_only_by_readers(rep, who, status):
    document = add_doc(rep.project, DocumentKind.COMMITMENT)
    response = _client(getattr(rep, who)).get(
        reverse("replication:document", args=[rep.project.pk, document.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("who", "status"),
    # the origin unit reads the project, so it reads its commitments (but changes nothing)
    [("other_officer", 200), ("manager", 200), ("officer", 200), ("sibling_officer", 404)],
)
def test_commitment_pages_follow_the_rules(rep, who, status):
    from lumbung.replication import services

    c = services.commitment_create(
        actor=rep.other_officer,
        owner_unit=rep.other_unit,
        description="Menyusun SOP",
        due_date="2024-09-01",
        project=rep.project,
    )
    client = _client(getattr(rep, who))
    response = client.get(reverse("replication:commitment_detail", args=[c.pk]))
    assert response.status_code == status
    response = client.post(
        reverse("replication:commitment_detail", args=[c.pk]),
        {"status": "done", "due_date": "2024-09-01", "note": ""},
    )
    c.refresh_from_db()
    if who in {"other_officer", "manager"}:
        assert response.status_code == 302 and c.status == "done"
    else:
        assert response.status_code in {403, 404} and c.status == "open"


def test_facilitator_and_manager_roles_held_in_a_unit_act_for_their_agency(rep):
    from lumbung.organisations.models import Role

    from ..factories import UserFactory, grant

    deputy = UserFactory(username="deputy_facilitator")
    grant(deputy, Role.FACILITATOR, unit=rep.panrb_unit)  # KemenPANRB's deputy
    assert can(deputy, "project.change", rep.project)
    assert can(deputy, "programme.facilitate", rep.programme)
    assert not can(deputy, "programme.change", rep.programme)
    assert rep.project in selectors.visible_projects(deputy)

    dg_manager = UserFactory(username="dg_manager")
    grant(dg_manager, Role.PROGRAMME_MANAGER, unit=rep.unit)  # in a unit of Kemensos
    assert can(dg_manager, "agency.create_programme", rep.agency)
    assert not can(dg_manager, "agency.create_programme", rep.other_agency)
    assert can(dg_manager, "programme.change", rep.programme)
    assert can(dg_manager, "project.change", rep.project)
    assert rep.programme in selectors.programmes_for(dg_manager)
