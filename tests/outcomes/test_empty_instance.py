"""Outcomes and insights from an empty Lumbung, built through the API alone — agencies, units,
people, an innovation and its replica in another agency (a replication project, the replica
linked by its agency), indicators and figures — and access failing closed there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lumbung.organisations.models import User
from lumbung.outcomes.models import Measurement

from ..events.conftest import JsonClient
from .conftest import months

pytestmark = pytest.mark.django_db


def _person(root: JsonClient, email: str, agency: int, role: str, unit: int | None = None) -> User:
    made = root.post(
        "/people/invitations", {"email": email, "agency": agency, "role": role, "unit": unit}
    )
    assert made.status_code == 201, made.content
    return User.objects.get(pk=made.json()["person"]["id"])


def _publish(author: JsonClient, admin: JsonClient, body: dict) -> str:
    profile = {
        "summary": "Bengkel kerja terlindung bagi penyandang disabilitas.",
        "problem": "Penyandang disabilitas sulit mendapat pekerjaan.",
        "implementation": "Pelatihan dan usaha bersama setiap pekan.",
        "sector": "social",
    }
    made = author.post("/innovations", {**profile, **body})
    assert made.status_code == 201, made.content
    slug = made.json()["slug"]
    assert author.post(f"/innovations/{slug}/submit").status_code == 200
    assert admin.post(f"/innovations/{slug}/publish").status_code == 200
    return slug


def _figure(indicator: int, day: dt.date, value: float, served: float) -> dict:
    return {
        "indicator": indicator,
        "period_end": day.isoformat(),
        "kind": "follow_up",
        "value": value,
        "denominator": served,
        "evidence": "Laporan bulanan",
    }


def test_outcomes_and_insights_on_a_world_built_through_the_api():
    assert not User.objects.exists()
    root = JsonClient(User.objects.create_superuser("root", "root@example.id", "Sandi-Root-2026!"))
    ids = {}
    for name, short, kind in (
        ("Kementerian Sosial", "Kemensos", "ministry"),
        ("Pemerintah Kota Contoh", "Kota Contoh", "city"),
    ):
        made = root.post("/agencies", {"name": name, "short_name": short, "kind": kind})
        assert made.status_code == 201, made.content
        ids[short] = made.json()["id"]
    sentra = root.post("/units", {"agency": ids["Kemensos"], "name": "Sentra Kartini"}).json()["id"]
    dinas = root.post("/units", {"agency": ids["Kota Contoh"], "name": "Dinas Sosial"}).json()["id"]
    admin = JsonClient(_person(root, "admin@kemensos.go.id", ids["Kemensos"], "agency_admin"))
    officer = JsonClient(
        _person(root, "kartini@kemensos.go.id", ids["Kemensos"], "unit_officer", sentra)
    )
    city_admin = JsonClient(_person(root, "admin@kota.go.id", ids["Kota Contoh"], "agency_admin"))
    city = JsonClient(_person(root, "dinsos@kota.go.id", ids["Kota Contoh"], "unit_officer", dinas))
    public = JsonClient()

    started = dt.date(2022, 1, 1)
    original = _publish(
        officer,
        admin,
        {"unit": sentra, "name": "Bengkel Kerja Terlindung", "start_date": started.isoformat()},
    )
    city_start = dt.date(2023, 1, 1)
    replica = _publish(
        city,
        city_admin,
        {"unit": dinas, "name": "Bengkel Kerja Kota", "start_date": city_start.isoformat()},
    )
    project = city.post(
        "/projects", {"source": original, "adopting_unit": dinas, "declared_form": "adaptation"}
    )
    assert project.status_code == 201, project.content
    linked = city_admin.post(f"/projects/{project.json()['id']}/replica", {"innovation": replica})
    assert linked.status_code == 200, linked.content

    indicator = officer.post(
        f"/innovations/{original}/indicators",
        {
            "name": "Penyandang disabilitas bekerja",
            "unit_of_measure": "orang",
            "better": "higher",
            "frequency": "quarterly",
            "per": 100,
            "per_what": "peserta",
        },
    )
    assert indicator.status_code == 201, indicator.content
    ind = indicator.json()["id"]
    for n, value in ((0, 10), (12, 20)):  # 10 → 20 per 100 participants
        r = officer.post(
            f"/innovations/{original}/measurements", _figure(ind, months(n), value, 100)
        )
        assert r.status_code == 201, r.content
    for n, value in ((0, 8), (12, 30)):  # 30 of 100 at 12 months: better
        day = months(n, city_start)
        r = city.post(f"/innovations/{replica}/measurements", _figure(ind, day, value, 100))
        assert r.status_code == 201, r.content

    # the replica inherits the indicator, and is compared at the same age — for everyone
    inherited = public.get(f"/innovations/{replica}/indicators").json()
    assert [(i["id"], i["inherited"]) for i in inherited] == [(ind, True)]
    compared = public.get(f"/innovations/{replica}/comparison").json()
    assert compared["mark"] == "better" and compared["original"] == original
    family = public.client.get(f"/hasil/{original}/keluarga/").content.decode()
    assert "Bengkel Kerja Kota" in family and "mark-better" in family

    # access fails closed: no recording across agencies, no reading of another agency's draft
    r = city.post(f"/innovations/{original}/measurements", _figure(ind, months(24), 1, 100))
    assert r.status_code == 403
    assert public.post(
        f"/innovations/{original}/measurements", _figure(ind, months(24), 1, 100)
    ).status_code in (401, 403)
    draft = officer.post("/innovations", {"unit": sentra, "name": "Rancangan Rahasia"}).json()[
        "slug"
    ]
    secret = officer.post(
        f"/innovations/{draft}/indicators",
        {"name": "Rahasia", "unit_of_measure": "orang", "better": "higher", "frequency": "yearly"},
    )
    assert secret.status_code == 201
    assert city.get(f"/innovations/{draft}/indicators").status_code == 404
    assert city.client.get(f"/hasil/{draft}/").status_code == 404
    assert city.client.get(f"/wawasan/difusi/{draft}/").status_code == 404
    assert (
        city.post(
            f"/innovations/{draft}/indicators",
            {"name": "X", "unit_of_measure": "orang", "better": "higher", "frequency": "yearly"},
        ).status_code
        == 404
    )
    assert Measurement.objects.count() == 4

    # the dashboards count what each may see; open data holds the published pair only
    assert public.get("/insights/portfolio").json()["total"] == 2
    assert officer.get("/insights/portfolio").json()["total"] == 3
    lineage = public.client.get("/wawasan/data-terbuka/lineage.json").json()
    assert [(r["form"], r["same_agency"]) for r in lineage] == [("adaptation", False)]
    names = {r["name"] for r in public.client.get("/wawasan/data-terbuka/innovations.json").json()}
    assert names == {"Bengkel Kerja Terlindung", "Bengkel Kerja Kota"}
    too_few = public.get(f"/insights/innovations/{original}/diffusion").json()
    assert too_few["fit"]["fitted"] is False and too_few["fit"]["reason"]
    assert timezone.localdate() > months(12, city_start)
