"""Writes through the API: create, update, submit, publish, return, status, awards, evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lumbung.catalog.models import Innovation
from lumbung.core import audit

from .conftest import PDF, assert_error

pytestmark = pytest.mark.django_db


def test_create_update_submit_publish(world, make_api):
    officer = make_api(world.officer)
    response = officer.post(
        "/innovations",
        {
            "unit": world.unit.pk,
            "name": "Batik Ciprat",
            "acronym": "BC",
            "summary": "Bengkel kerja terlindung.",
            "summary_en": "A sheltered workshop.",
            "problem": "Sedikit lapangan kerja.",
            "start_date": "2018-03-01",
            "sector": "social",
            "stage": "development",
            "budget_idr": 150_000_000,
            "sdgs": [8, 10, 1],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    slug = body["slug"]
    assert body["publication_state"] == "draft"
    assert body["unit"]["id"] == world.unit.pk and body["agency"]["slug"] == "kemensos"
    assert body["sdgs"] == [1, 8, 10]
    assert body["start_year"] == 2018 and body["budget_idr"] == 150_000_000
    assert body["summary_en"] == "A sheltered workshop."
    innovation = Innovation.objects.get(slug=slug)
    assert innovation.created_by == world.officer

    response = officer.patch(
        f"/innovations/{slug}", {"implementation": "Setiap pekan.", "sdgs": [8]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["implementation"] == "Setiap pekan."
    assert response.json()["sdgs"] == [8]
    assert response.json()["summary"] == "Bengkel kerja terlindung."  # untouched

    response = officer.post(f"/innovations/{slug}/submit")
    assert response.status_code == 200, response.content
    assert response.json()["publication_state"] == "submitted"

    response = make_api(world.admin).post(f"/innovations/{slug}/publish")
    assert response.status_code == 200, response.content
    assert response.json()["publication_state"] == "published"
    assert response.json()["published_at"]

    # it is in the public catalog now
    public = make_api(None).get("/innovations", {"q": "Batik Ciprat"}).json()
    assert [i["slug"] for i in public["items"]] == [slug]
    actions = list(
        audit.history(innovation).order_by("id").values_list("action", "actor__username")
    )
    assert actions == [
        ("innovation.create", "officer"),
        ("innovation.update", "officer"),
        ("innovation.submit", "officer"),
        ("innovation.publish", "agency_admin"),
    ]


def test_patch_with_null_clears_a_text_field(world, make_api):
    response = make_api(world.officer).patch(f"/innovations/{world.draft.slug}", {"summary": None})
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == ""


def test_submit_needs_the_main_sections(world, make_api):
    officer = make_api(world.officer)
    slug = officer.post("/innovations", {"unit": world.unit.pk, "name": "Kosong"}).json()["slug"]
    body = assert_error(officer.post(f"/innovations/{slug}/submit"), 422, None)
    assert Innovation.objects.get(slug=slug).publication_state == "draft"
    assert body["errors"][0]["field"] is None


def test_publish_twice_is_a_validation_error(world, make_api):
    assert_error(make_api(world.admin).post(f"/innovations/{world.published.slug}/publish"), 422)


def test_return_with_reason(world, make_api):
    admin = make_api(world.admin)
    response = admin.post(f"/innovations/{world.published.slug}/return", {"reason": "Data kurang"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["publication_state"] == "returned"
    assert body["review_note"] == "Data kurang"
    assert_error(
        admin.post(f"/innovations/{world.draft.slug}/return", {"reason": "   "}), 422, "reason"
    )
    assert_error(admin.post(f"/innovations/{world.draft.slug}/return", {}), 422, "reason")


def test_status_change(world, make_api):
    officer = make_api(world.officer)
    path = f"/innovations/{world.published.slug}/status"
    assert_error(officer.post(path, {"status": "stopped"}), 422, "reason")
    response = officer.post(
        path, {"status": "stopped", "date": "2023-06-30", "reason": "Tidak ada anggaran"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "stopped" and body["status_since"] == "2023-06-30"
    assert body["status_changes"][0]["reason"] == "Tidak ada anggaran"
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert_error(officer.post(path, {"status": "continuing", "date": tomorrow}), 422, "date")


def test_award_add(world, make_api):
    response = make_api(world.officer).post(
        f"/innovations/{world.published.slug}/awards",
        {"level": "top_99", "year": 2018, "label": "Top 99 KIPP 2018"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "top_99" and response.json()["competition"] == "KIPP"
    detail = make_api(None).get(f"/innovations/{world.published.slug}").json()
    assert [a["label"] for a in detail["awards"]] == ["Top 99 KIPP 2018"]
    assert_error(
        make_api(world.officer).post(
            f"/innovations/{world.published.slug}/awards", {"level": "top_99", "year": 1999}
        ),
        422,
        "year",
    )


def test_evidence_upload_and_list(world, make_api):
    officer = make_api(world.officer)
    path = f"/innovations/{world.draft.slug}/evidence"
    response = officer.upload(
        path,
        {
            "kind": "team_decree",
            "title": "SK Tim Inovasi",
            "file": SimpleUploadedFile("sk.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF)
    assert body["kind"] == "team_decree" and body["title"] == "SK Tim Inovasi"
    listed = officer.get(path).json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]


def test_evidence_type_is_checked_from_content(world, make_api):
    response = make_api(world.officer).upload(
        f"/innovations/{world.draft.slug}/evidence",
        {
            "kind": "photo",
            "file": SimpleUploadedFile("foto.png", b"MZ\x90\x00not an image", "image/png"),
        },
    )
    assert_error(response, 422, "file")
    assert world.draft.evidence.count() == 0


def test_evidence_needs_a_file_and_a_known_kind(world, make_api):
    officer = make_api(world.officer)
    path = f"/innovations/{world.draft.slug}/evidence"
    assert_error(officer.upload(path, {"kind": "implementation"}), 422, "file")
    assert_error(
        officer.upload(path, {"kind": "selfie", "file": SimpleUploadedFile("a.pdf", PDF)}),
        422,
        "kind",
    )


def test_evidence_file_is_served_only_to_those_who_may_see_the_draft(world, make_api, client):
    officer = make_api(world.officer)
    body = officer.upload(
        f"/innovations/{world.draft.slug}/evidence",
        {"kind": "other", "title": "Laporan", "file": SimpleUploadedFile("l.pdf", PDF)},
    ).json()
    assert body["url"] == f"/api/v1/innovations/{world.draft.slug}/evidence/{body['id']}/file"
    client.force_login(world.officer)
    response = client.get(body["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(world.sibling_officer)
    assert client.get(body["url"]).status_code == 404
    client.logout()
    assert client.get(body["url"]).status_code == 404
