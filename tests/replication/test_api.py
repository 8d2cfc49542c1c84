"""The replication API: a whole project through it, conflicts, gates and bad input (never 500)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumbung.replication.models import Commitment, ReplicationProject

from .conftest import PDF

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


class Api:
    def __init__(self, user=None) -> None:
        self.client = Client()
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str, **params: Any):
        return self.client.get(BASE + path, params)

    def send(self, method: str, path: str, body: Any):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(BASE + path, data, content_type="application/json")

    def post(self, path: str, body: Any = None):
        return self.send("post", path, {} if body is None else body)

    def upload(self, path: str, data: dict[str, Any]):
        return self.client.post(BASE + path, data)


def error(response, status: int, *fields: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    reported = {e["field"] for e in body["errors"]}
    for f in fields:
        assert f in reported, (f, body)
    return body


def test_a_project_through_the_api(rep):
    api = Api(rep.other_admin)  # the admin of the agency of the third unit
    created = api.post(
        "/projects",
        {
            "source": rep.source.slug,
            "adopting_unit": rep.third_unit.pk,
            "declared_form": "adoption",
            "programme": rep.programme.slug,
            "team": "Andi — koordinator",
        },
    )
    assert created.status_code == 201, created.content
    project = created.json()
    pid = project["id"]
    assert project["stage"] == "preparation" and project["version"] == 1
    assert project["gate"]["next_stage"] == "planning" and not project["gate"]["ready"]
    assert project["facilitator_agency"]["name"] == rep.panrb.name

    # the gate refuses with a clear message, and nothing moves
    body = error(
        api.post(f"/projects/{pid}/transitions", {"to_stage": "planning", "expected_version": 1}),
        422,
    )
    assert "signed replication commitment" in body["detail"]

    uploaded = api.upload(
        f"/projects/{pid}/documents",
        {"kind": "commitment", "title": "Komitmen", "file": SimpleUploadedFile("k.pdf", PDF)},
    )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["content_type"] == "application/pdf"
    bad = api.upload(
        f"/projects/{pid}/documents",
        {"kind": "commitment", "file": SimpleUploadedFile("k.pdf", b"<html>not pdf</html>")},
    )
    error(bad, 422, "file")

    moved = api.post(
        f"/projects/{pid}/transitions",
        {"to_stage": "planning", "expected_version": 1, "note": "Ditandatangani"},
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "planning"
    # the same request again is stale now: 409 with the current state
    stale = error(
        api.post(f"/projects/{pid}/transitions", {"to_stage": "stopped", "expected_version": 1}),
        409,
        "expected_version",
    )
    assert {"field": "expected_stage", "message": "planning"} in stale["errors"]
    error(
        api.post(f"/projects/{pid}/transitions", {"to_stage": "implementation"}),
        422,
        "expected_version",
    )

    components = api.send(
        "put",
        f"/projects/{pid}/components",
        {"statuses": [{"component": "Berbasis komunitas", "outcome": "dropped"}]},
    )
    assert components.status_code == 200, components.content
    fidelity = components.json()
    assert fidelity["dropped"] == 1 and fidelity["mismatch"] == "adoption_changed"
    assert fidelity["needs_decision"]
    record = api.post(
        f"/projects/{pid}/adaptations",
        {
            "when": "planning",
            "planned": "planned",
            "decided_by": "team",
            "what": "setting",
            "nature": "removing",
            "fidelity": "inconsistent",
            "reasons": ["organisational"],
            "component": "Berbasis komunitas",
            "description": "Dijalankan di sentra, bukan di komunitas.",
        },
    )
    assert record.status_code == 201, record.content
    assert len(api.get(f"/projects/{pid}/adaptations").json()) == 1
    decided = api.post(
        f"/projects/{pid}/form-decision", {"decision": "change", "to_form": "modification"}
    )
    assert decided.status_code == 200 and decided.json()["declared_form"] == "modification"
    assert not decided.json()["fidelity"]["needs_decision"]

    session = api.post(
        f"/projects/{pid}/sessions",
        {
            "date": "2024-03-07",
            "mode": "online",
            "actions": [{"description": "Susun rencana aksi", "due_date": "2024-04-01"}],
        },
    )
    assert session.status_code == 201, session.content
    commitment = session.json()["commitments"][0]
    assert commitment["owner_unit"]["id"] == rep.third_unit.pk
    updated = api.send("patch", f"/commitments/{commitment['id']}", {"status": "done"})
    assert updated.status_code == 200 and updated.json()["status"] == "done"

    api.upload(
        f"/projects/{pid}/documents",
        {"kind": "action_plan", "file": SimpleUploadedFile("p.pdf", PDF)},
    )
    implemented = api.post(
        f"/projects/{pid}/transitions", {"to_stage": "implementation", "expected_stage": "planning"}
    )
    assert implemented.status_code == 200
    replica = implemented.json()["replica"]
    assert replica is not None and replica["generation"] == 1
    history = api.get(f"/projects/{pid}/transitions").json()
    assert [t["to_stage"] for t in history] == ["preparation", "planning", "implementation"]

    programme = api.get(f"/programmes/{rep.programme.slug}").json()
    states = {u["unit"]["id"]: u["state"] for u in programme["units"]}
    assert states[rep.third_unit.pk] == "implementing"
    assert programme["coverage"]["current"] == 1


def test_programmes_through_the_api(rep):
    api = Api(rep.admin)
    created = api.post(
        "/programmes",
        {
            "agency": rep.agency.pk,
            "name": "Program Baru",
            "sources": [rep.source.slug],
            "start_date": "2024-01-01",
            "coverage_target": 10,
            "facilitator_agency": rep.panrb.pk,
            "managers": [rep.manager.pk],
        },
    )
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    added = api.post(f"/programmes/{slug}/targets", {"under": rep.unit.pk})
    assert added.status_code == 200 and added.json() == {"added": 1, "targets": 1}
    patched = api.send("patch", f"/programmes/{slug}", {"coverage_target": 12})
    assert patched.status_code == 200 and patched.json()["coverage_target"] == 12
    assert api.client.delete(f"{BASE}/programmes/{slug}/targets/{rep.unit.pk}").status_code == 204
    listing = Api().get("/programmes").json()
    assert {p["slug"] for p in listing["items"]} == {slug, rep.programme.slug}
    error(Api(rep.other_admin).send("patch", f"/programmes/{slug}", {"coverage_target": 1}), 403)
    error(Api().post("/programmes", {}), 401)


@pytest.mark.parametrize(
    ("path", "body", "fields"),
    [
        ("/projects", {}, ["source", "adopting_unit", "declared_form"]),
        (
            "/projects",
            {"source": "nope", "adopting_unit": 1, "declared_form": "adoption"},
            ["source"],
        ),
        (
            "/projects",
            {"source": "x", "adopting_unit": 2**70, "declared_form": "cloning"},
            ["adopting_unit", "declared_form"],
        ),
        ("/commitments", {"owner_unit": 1, "description": "", "due_date": "x"}, ["due_date"]),
        ("/programmes", {"agency": 0, "name": "", "sources": []}, ["agency", "sources"]),
    ],
)
def test_bad_input_is_a_field_error(rep, path, body, fields):
    error(Api(rep.other_officer).post(path, body), 422, *fields)


def test_unknown_and_hidden_records_are_404(rep):
    api = Api(rep.sibling_officer)
    for path in (
        f"/projects/{rep.project.pk}",
        f"/projects/{rep.project.pk}/documents",
        "/projects/999999",
        "/commitments/999999",
        "/programmes/no-such-programme",
    ):
        error(api.get(path), 404)


def test_malformed_json_is_400(rep):
    response = Api(rep.other_officer).send(
        "post", f"/projects/{rep.project.pk}/transitions", "{not json"
    )
    assert response.status_code in {400, 422}
    assert set(response.json()) == {"detail", "errors"}


def test_commitment_filters(rep):
    api = Api(rep.other_officer)
    created = api.post(
        "/commitments",
        {
            "owner_unit": rep.other_unit.pk,
            "description": "Menyiapkan ruang kerja",
            "due_date": "2000-01-01",
            "project": rep.project.pk,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["overdue"] is True
    overdue = api.get("/commitments", overdue="true").json()
    assert [c["id"] for c in overdue["items"]] == [created.json()["id"]]
    assert api.get("/commitments", status="done").json()["count"] == 0
    error(api.get("/commitments", status="sleeping"), 422, "status")
    error(api.get("/commitments", programme="nope"), 422, "programme")
    assert Commitment.objects.count() == 1


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.dictionaries(
        st.sampled_from(["to_stage", "note", "expected_version", "expected_stage", "extra"]),
        st.one_of(
            st.none(),
            st.integers(min_value=-(2**70), max_value=2**70),
            st.text(max_size=30),
            st.sampled_from(["planning", "stopped", "preparation", "implementation"]),
            st.lists(st.integers(), max_size=2),
        ),
    )
)
def test_any_transition_body_gets_a_clear_answer(rep, body):
    before = ReplicationProject.objects.get(pk=rep.project.pk)
    response = Api(rep.other_officer).post(f"/projects/{rep.project.pk}/transitions", body)
    assert response.status_code in {200, 409, 422}, response.content
    if response.status_code != 200:
        after = ReplicationProject.objects.get(pk=rep.project.pk)
        assert (after.stage, after.version) == (before.stage, before.version)
