"""The replication pages: forms work, errors are shown at their fields, one <h1> per page."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lumbung.notifications.models import Notification
from lumbung.replication.models import Commitment, FacilitationSession, Programme, Stage

from .conftest import PDF, add_doc, advance

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def one_h1(response) -> str:
    html = response.content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1, "exactly one h1"
    assert '<main id="main"' in html
    return html


def test_every_page_renders(rep):
    add_doc(rep.project, "commitment")
    commitment = Commitment.objects.create(
        owner_unit=rep.other_unit, description="x", due_date="2024-01-01", project=rep.project
    )
    pages = {
        rep.manager: [
            reverse("replication:workspace"),
            reverse("replication:programmes"),
            reverse("replication:programme", args=[rep.programme.slug]),
            reverse("replication:programme_edit", args=[rep.programme.slug]),
            reverse("replication:programme_targets", args=[rep.programme.slug]),
            reverse("replication:programme_session", args=[rep.programme.slug]),
            reverse("replication:project", args=[rep.project.pk]),
            reverse("replication:project_edit", args=[rep.project.pk]),
            reverse("replication:adaptation_add", args=[rep.project.pk]),
            reverse("replication:project_session", args=[rep.project.pk]),
            reverse("replication:commitments"),
            reverse("replication:commitment_detail", args=[commitment.pk]),
            reverse("replication:project_new") + f"?programme={rep.programme.slug}",
            reverse("notifications:list"),
        ],
        rep.admin: [reverse("replication:programme_new") + f"?source={rep.source.slug}"],
        rep.other_officer: [
            reverse("replication:project_new") + f"?source={rep.source.slug}",
            reverse("replication:workspace") + "?stage=planning&page=99",
            reverse("replication:commitments") + "?status=weird&overdue=1",
        ],
    }
    for user, urls in pages.items():
        client = login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            one_h1(response)


def test_programme_new_and_targets_by_subtree(rep, client):
    from ..factories import UnitFactory

    dg = UnitFactory(agency=rep.agency, name="Ditjen Rehsos", kind="directorate_general")
    for i in range(2):
        UnitFactory(agency=rep.agency, name=f"Sentra {i}", kind="sentra", parent=dg)
    admin = login(rep.admin)
    response = admin.post(reverse("replication:programme_new"), {"name": ""})
    html = one_h1(response)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_error"' in html
    response = admin.post(
        reverse("replication:programme_new"),
        {
            "name": "Program SWP",
            "agency": rep.agency.pk,
            "sources": [rep.source.pk],
            "start_date": "2024-01-01",
            "coverage_target": "30",
            "managers": "programme_manager",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    programme = Programme.objects.get(name="Program SWP")
    assert set(programme.managers.all()) == {rep.manager, rep.admin}
    response = admin.post(
        reverse("replication:programme_targets", args=[programme.slug]),
        {"under": dg.pk, "kinds": ["sentra"]},
    )
    assert response.status_code == 302
    assert programme.targets.count() == 2
    response = admin.post(reverse("replication:programme_targets", args=[programme.slug]), {})
    assert response.status_code == 400
    assert "Choose a unit" in response.content.decode()
    # unknown people are a field error
    response = admin.post(
        reverse("replication:programme_edit", args=[programme.slug]),
        {
            "name": "Program SWP",
            "sources": [rep.source.pk],
            "start_date": "2024-01-01",
            "coverage_target": "30",
            "managers": "siapa-ini",
        },
    )
    assert response.status_code == 400 and "siapa-ini" in response.content.decode()


def test_start_a_project_upload_and_move_through_a_gate(rep):
    client = login(rep.other_admin)
    response = client.post(
        reverse("replication:project_new"),
        {
            "source": f"http://testserver/inovasi/{rep.source.slug}/",
            "adopting_unit": rep.third_unit.pk,
            "declared_form": "adaptation",
            "team": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    project = rep.third_unit.replication_projects.get()
    url = reverse("replication:project", args=[project.pk])
    assert response["Location"] == url

    # moving without the commitment: a clear message at the field, nothing moves
    response = client.post(
        reverse("replication:project_transition", args=[project.pk]),
        {"to_stage": "planning", "version": 1},
    )
    html = one_h1(response)
    assert response.status_code == 400
    assert "signed replication commitment" in html
    project.refresh_from_db()
    assert project.stage == Stage.PREPARATION

    response = client.post(
        reverse("replication:document_add", args=[project.pk]),
        {"kind": "commitment", "title": "", "file": SimpleUploadedFile("x.pdf", b"GIF89a")},
    )
    assert response.status_code == 400 and 'id="id_file_error"' in response.content.decode()
    response = client.post(
        reverse("replication:document_add", args=[project.pk]),
        {"kind": "commitment", "title": "Komitmen", "file": SimpleUploadedFile("k.pdf", PDF)},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("replication:project_transition", args=[project.pk]),
        {"to_stage": "planning", "version": 1, "note": "Siap"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.PLANNING

    # a second tab still showing version 1 cannot move it again
    response = client.post(
        reverse("replication:project_transition", args=[project.pk]),
        {"to_stage": "stopped", "version": 1, "note": "Batal"},
    )
    assert response.status_code == 409
    assert "Someone else changed this project" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.PLANNING


def test_fidelity_forms(rep):
    client = login(rep.other_officer)
    pk = rep.project.pk
    response = client.post(
        reverse("replication:components_set", args=[pk]),
        {"c0": "kept", "c1": "dropped", "c2": "", "n1": "Tanpa mitra"},
    )
    assert response.status_code == 302
    html = client.get(reverse("replication:project", args=[pk])).content.decode()
    assert "The declared form and the record disagree" in html
    response = client.post(reverse("replication:form_decision", args=[pk]), {"decision": "confirm"})
    html = response.content.decode()
    assert response.status_code == 400 and "Say why" in html
    assert 'id="id_reason_error"' in html  # the message sits at its field
    response = client.post(
        reverse("replication:form_decision", args=[pk]),
        {"decision": "change", "to_form": "modification", "reason": ""},
    )
    assert response.status_code == 302
    rep.project.refresh_from_db()
    assert rep.project.declared_form == "modification"
    response = client.post(reverse("replication:adaptation_add", args=[pk]), {"when": "x"})
    assert response.status_code == 400
    response = client.post(
        reverse("replication:adaptation_add", args=[pk]),
        {
            "when": "implementation",
            "planned": "reactive",
            "decided_by": "staff",
            "what": "format",
            "nature": "shortening",
            "fidelity": "consistent",
            "reasons": ["provider", "recipient"],
            "description": "Sesi dipersingkat",
            "component": "",
        },
    )
    assert response.status_code == 302
    record = rep.project.adaptations.get()
    assert record.reasons == ["provider", "recipient"]
    assert (
        client.post(reverse("replication:adaptation_remove", args=[pk, record.pk])).status_code
        == 302
    )


def test_session_page_turns_actions_into_commitments(rep):
    client = login(rep.named_facilitator)
    data = {
        "date": "2024-03-07",
        "mode": "visit",
        "participants": "Tim",
        "notes": "",
        "problems": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "50",
        "actions-0-description": "Kirim SK tim",
        "actions-0-owner_unit": rep.other_unit.pk,
        "actions-0-due_date": "2024-04-01",
        "actions-1-description": "Tanpa tanggal",
        "actions-1-owner_unit": "",
        "actions-1-due_date": "",
    }
    response = client.post(reverse("replication:project_session", args=[rep.project.pk]), data)
    assert response.status_code == 400 and "The due date is required" in response.content.decode()
    assert not FacilitationSession.objects.exists()
    data["actions-1-description"] = ""
    response = client.post(reverse("replication:project_session", args=[rep.project.pk]), data)
    assert response.status_code == 302
    assert Commitment.objects.get().description == "Kirim SK tim"


def test_notifications_page_marks_read_and_follows_only_local_links(rep):
    mine = Notification.objects.create(user=rep.other_officer, text="Halo", url="/replikasi/")
    evil = Notification.objects.create(
        user=rep.other_officer, text="X", url="https://evil.example/"
    )
    other = Notification.objects.create(user=rep.officer, text="Bukan milikmu")
    client = login(rep.other_officer)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Halo" in html and "Bukan milikmu" not in html
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response["Location"] == "/replikasi/"
    response = client.post(reverse("notifications:open", args=[evil.pk]))
    assert response["Location"] == reverse("notifications:list")
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_stopped_project_page(rep):
    advance(rep.project, Stage.PLANNING)
    client = login(rep.other_officer)
    client.post(
        reverse("replication:project_transition", args=[rep.project.pk]),
        {"to_stage": "stopped", "version": 2, "note": ""},
    )
    rep.project.refresh_from_db()
    assert rep.project.stage == Stage.PLANNING  # no reason: refused
    response = client.post(
        reverse("replication:project_transition", args=[rep.project.pk]),
        {"to_stage": "stopped", "version": 2, "note": "Kepala unit berganti"},
    )
    assert response.status_code == 302
    html = client.get(reverse("replication:project", args=[rep.project.pk])).content.decode()
    assert "Kepala unit berganti" in html


def test_admin_pages_render(rep):
    client = login(rep.platform_admin)
    add_doc(rep.project, "commitment")
    for name in (
        "programme",
        "replicationproject",
        "adaptationrecord",
        "facilitationsession",
        "commitment",
        "commitmentreminder",
    ):
        assert client.get(reverse(f"admin:replication_{name}_changelist")).status_code == 200
    assert (
        client.get(
            reverse("admin:replication_replicationproject_change", args=[rep.project.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200


def test_programme_targets_in_a_large_agency_by_name(rep, monkeypatch):
    from lumbung.organisations import unit_picker

    from ..factories import UnitFactory

    monkeypatch.setattr(unit_picker, "SELECT_LIMIT", 2)
    dg = UnitFactory(agency=rep.agency, name="Ditjen Rehsos", kind="directorate_general")
    for i in range(3):
        UnitFactory(agency=rep.agency, name=f"Sentra {i}", kind="sentra", parent=dg)
    programme = Programme.objects.get(pk=rep.programme.pk)
    admin = login(rep.admin)
    path = reverse("replication:programme_targets", args=[programme.slug])
    page = admin.get(path)
    assert page.status_code == 200 and "Sentra 2" not in page.text
    response = admin.post(path, {"under": "ditjen rehsos", "kinds": ["sentra"]})
    assert response.status_code == 302
    assert {t.unit.name for t in programme.targets.all()} >= {"Sentra 0", "Sentra 1", "Sentra 2"}
