"""A competition from an empty Lumbung, built through the API alone — agencies, units, people
and their roles, innovations, then the round, entries, judging and results — and access failing
closed there: another agency's people and the public never read an entry or act on a round."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lumbung.catalog.models import Award
from lumbung.competitions.models import Assignment
from lumbung.organisations.models import User

from ..events.conftest import JsonClient, error_body

pytestmark = pytest.mark.django_db


def _person(root: JsonClient, email: str, agency: int, role: str, unit: int | None = None) -> User:
    made = root.post(
        "/people/invitations", {"email": email, "agency": agency, "role": role, "unit": unit}
    )
    assert made.status_code == 201, made.content
    return User.objects.get(pk=made.json()["person"]["id"])


def test_a_round_run_end_to_end_on_a_world_built_through_the_api():
    assert not User.objects.exists()
    root = JsonClient(User.objects.create_superuser("root", "root@example.id", "Sandi-Root-2026!"))
    ids = {}
    for name, short, kind in (
        (
            "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
            "KemenPANRB",
            "ministry",
        ),
        ("Kementerian Sosial", "Kemensos", "ministry"),
        ("Pemerintah Kota Contoh", "Kota Contoh", "city"),
    ):
        made = root.post("/agencies", {"name": name, "short_name": short, "kind": kind})
        assert made.status_code == 201, made.content
        ids[short] = made.json()["id"]
    sentra = root.post("/units", {"agency": ids["Kemensos"], "name": "Sentra Kartini"}).json()["id"]
    dinas = root.post("/units", {"agency": ids["Kota Contoh"], "name": "Dinas Sosial"}).json()["id"]
    panrb_admin = _person(root, "admin@menpan.go.id", ids["KemenPANRB"], "agency_admin")
    kemensos_admin = _person(root, "admin@kemensos.go.id", ids["Kemensos"], "agency_admin")
    officer = _person(root, "kartini@kemensos.go.id", ids["Kemensos"], "unit_officer", sentra)
    city_officer = _person(root, "dinsos@kota.go.id", ids["Kota Contoh"], "unit_officer", dinas)
    judge_panrb = _person(root, "juri1@menpan.go.id", ids["KemenPANRB"], "judge")
    judge_city = _person(root, "juri2@kota.go.id", ids["Kota Contoh"], "judge")

    started = (timezone.localdate() - dt.timedelta(days=500)).isoformat()
    innovation = JsonClient(officer).post(
        "/innovations",
        {
            "unit": sentra,
            "name": "Bengkel Kerja Terlindung",
            "start_date": started,
            "summary": "Pelatihan kerja bagi penyandang disabilitas.",
        },
    )
    assert innovation.status_code == 201, innovation.content
    slug = innovation.json()["slug"]

    now = timezone.now()
    organiser = JsonClient(panrb_admin)
    round_ = organiser.post(
        "/competitions/rounds",
        {
            "organiser": ids["KemenPANRB"],
            "title": "KIPP Uji",
            "year": now.year,
            "level": "national",
            "groups": [
                {
                    "code": "umum",
                    "name": "Umum",
                    "sections": [{"title": "Ringkasan", "word_limit": 30}],
                }
            ],
            "stages": [
                {
                    "kind": "registration",
                    "name": "Pendaftaran",
                    "starts_at": (now - dt.timedelta(hours=1)).isoformat(),
                    "ends_at": (now + dt.timedelta(days=5)).isoformat(),
                },
                {
                    "kind": "desk",
                    "name": "Evaluasi",
                    "judges_per_entry": 1,
                    "starts_at": (now - dt.timedelta(hours=1)).isoformat(),
                    "ends_at": (now + dt.timedelta(days=9)).isoformat(),
                    "criteria": [{"name": "Manfaat"}],
                    "quotas": [{"group": "umum", "top": 1, "award_level": "top_99"}],
                },
            ],
        },
    )
    assert round_.status_code == 201, round_.content
    rslug = round_.json()["slug"]
    organiser.post(f"/competitions/rounds/{rslug}/open")
    for judge in (judge_panrb, judge_city):
        assert (
            organiser.post(f"/competitions/rounds/{rslug}/judges", {"user": judge.pk}).status_code
            == 201
        )

    # another agency's officer can neither enter this innovation nor see it entered
    error_body(
        JsonClient(city_officer).post(
            f"/competitions/rounds/{rslug}/entries", {"group": "umum", "innovation": slug}
        ),
        422,
    )
    unit = JsonClient(officer)
    entry = unit.post(
        f"/competitions/rounds/{rslug}/entries", {"group": "umum", "innovation": slug}
    )
    assert entry.status_code == 201, entry.content
    eid, section = entry.json()["id"], entry.json()["answers"][0]["section"]
    unit.patch(
        f"/competitions/entries/{eid}", {"answers": [{"section": section, "text": "Ringkas."}]}
    )
    for person in (city_officer, judge_city, judge_panrb, None):
        outsider = JsonClient(person)
        error_body(outsider.get(f"/competitions/entries/{eid}"), 404)
        error_body(outsider.post(f"/competitions/entries/{eid}/send"), 404 if person else 401)
    assert unit.post(f"/competitions/entries/{eid}/send").json()["state"] == "at_agency"
    error_body(JsonClient(city_officer).post(f"/competitions/entries/{eid}/submit"), 404)
    assert (
        JsonClient(kemensos_admin).post(f"/competitions/entries/{eid}/submit").json()["state"]
        == "submitted"
    )
    error_body(
        JsonClient(kemensos_admin).post(f"/competitions/entries/{eid}/check", {"passed": True}), 403
    )
    assert (
        organiser.post(f"/competitions/entries/{eid}/check", {"passed": True}).json()["state"]
        == "eligible"
    )

    stage = round_.json()["stages"][1]
    assert organiser.post(f"/competitions/stages/{stage['id']}/assign").json()["created"] == 1
    assignment = Assignment.objects.get()
    assigned = assignment.judge.user
    other = judge_city if assigned == judge_panrb else judge_panrb
    judge = JsonClient(assigned)
    scores = {"scores": [{"criterion": stage["criteria"][0]["id"], "value": 8}], "submit": True}
    error_body(
        JsonClient(other).send("put", f"/competitions/assignments/{assignment.pk}/scores", scores),
        404,
    )
    assert (
        judge.send("put", f"/competitions/assignments/{assignment.pk}/scores", scores).status_code
        == 200
    )
    error_body(JsonClient(kemensos_admin).post(f"/competitions/stages/{stage['id']}/close"), 403)
    assert organiser.post(f"/competitions/stages/{stage['id']}/close").json()["kept"] == 1
    assert JsonClient().get(f"/competitions/rounds/{rslug}/results").json() == []
    assert organiser.post(f"/competitions/rounds/{rslug}/publish").json() == {"awards_written": 1}
    assert [
        r["title"] for r in JsonClient().get(f"/competitions/rounds/{rslug}/results").json()
    ] == ["Bengkel Kerja Terlindung"]
    awards = JsonClient(kemensos_admin).get(f"/innovations/{slug}").json()["awards"]
    assert [(a["level"], a["year"]) for a in awards] == [("top_99", now.year)]
    assert Award.objects.count() == 1
