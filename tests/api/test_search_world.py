"""Search on an empty instance built through the API alone (agencies and people made, then every
innovation written, submitted and published through the API): the index follows those writes
(on PostgreSQL its narrow tables, through their triggers), and each reader's hits, totals and
facet counts hold exactly what it may see — another agency's drafts are never counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from lumbung.organisations.models import Role
from tests.factories import AgencyFactory, UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

QUERY = "layanan keliling disabilitas"
#: a text of its own for each innovation (near-copies would be folded into one family's result)
TEXTS = [
    ("Layanan Keliling Kursi Roda", "Bengkel kursi roda datang ke desa bagi warga disabilitas."),
    ("Layanan Keliling Isyarat", "Juru bahasa isyarat mendampingi tuli di kantor kecamatan."),
    ("Layanan Keliling Terapi", "Terapis okupasi mengunjungi anak disabilitas di rumahnya."),
    ("Layanan Keliling Braille", "Perpustakaan braille berpindah antar sekolah setiap bulan."),
    ("Layanan Keliling Akta", "Petugas dukcapil mencatat akta kelahiran di posyandu dusun."),
    ("Jemput Bola Kota Netra", "Pelatihan pijat bagi tunanetra dengan mobil keliling kota."),
    ("Jemput Bola Kota Rehabilitasi", "Rehabilitasi medik keliling untuk penyandang disabilitas."),
    ("Jemput Bola Kota Kerja", "Bursa kerja inklusif keliling kelurahan bagi difabel muda."),
]
PROBLEMS = [
    "Kursi roda rusak tak tertangani karena bengkel jauh.",
    "Tuli tidak dapat berkomunikasi dengan petugas.",
    "Anak dengan hambatan gerak jarang mendapat terapi.",
    "Siswa netra kekurangan buku.",
    "Banyak bayi belum tercatat.",
    "Tunanetra dewasa menganggur.",
    "Alat bantu medis mahal dan langka.",
    "Lowongan jarang menerima pelamar difabel.",
]
PLACES = ["masjid", "radio", "posyandu", "sekolah", "balai desa", "pasar", "puskesmas", "kelurahan"]


def _facets(body: dict) -> dict[str, dict[str, int]]:
    return {
        name: {value["value"]: value["count"] for value in values}
        for name, values in body["facets"].items()
    }


def test_hits_totals_and_facets_of_an_instance_built_through_the_api(make_api):
    social = AgencyFactory(name="Kementerian Sosial", slug="kemensos")
    city = AgencyFactory(name="Pemerintah Kota Contoh", slug="kota-contoh", kind="city")
    unit = UnitFactory(agency=social, name="Sentra Terpadu Kartini")
    city_unit = UnitFactory(agency=city, name="Dinas Sosial Kota")
    people = {name: UserFactory(username=name) for name in ("officer", "admin", "other")}
    grant(people["officer"], Role.UNIT_OFFICER, unit=unit)
    grant(people["admin"], Role.AGENCY_ADMIN, agency=social)
    grant(people["other"], Role.UNIT_OFFICER, unit=city_unit)
    officer, admin, other = (make_api(people[n]) for n in ("officer", "admin", "other"))

    def write(api, unit_pk: int, n: int, sector: str) -> str:
        name, summary = TEXTS[n]
        body = {
            "unit": unit_pk,
            "name": name,
            "summary": summary,
            "problem": PROBLEMS[n],
            "implementation": f"{summary} Jadwalnya diumumkan lewat {PLACES[n]}.",
            "start_date": "2019-01-01",
            "sector": sector,
        }
        response = api.post("/innovations", body)
        assert response.status_code == 201, response.content
        return str(response.json()["slug"])

    own = [write(officer, unit.pk, n, "social") for n in range(5)]
    theirs = [write(other, city_unit.pk, n, "health") for n in range(5, 8)]
    for slug in own[:2]:
        assert officer.post(f"/innovations/{slug}/submit").status_code == 200
        assert admin.post(f"/innovations/{slug}/publish").status_code == 200

    if connection.vendor == "postgresql":  # every API write reached both tiers of the index
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM search_searchmatch), "
                "(SELECT count(*) FROM search_searchhead)"
            )
            assert cursor.fetchone() == (8, 8)

    def search(api) -> dict:
        response = api.get("/search/", {"q": QUERY, "facets": "true", "page_size": 50})
        assert response.status_code == 200, response.content
        return dict(response.json())

    public = search(make_api(None))
    assert {h["slug"] for h in public["hits"]} == set(own[:2])
    assert public["total"] == 2
    assert _facets(public)["agency"] == {"kemensos": 2}
    assert _facets(public)["sector"] == {"social": 2}

    mine = search(officer)
    assert {h["slug"] for h in mine["hits"]} == set(own)
    assert _facets(mine)["agency"] == {"kemensos": 5}

    # the other agency's officer: the published two and its own three drafts, never the
    # three drafts of the first agency — in the hits, the total and every facet's counts
    seen = search(other)
    assert {h["slug"] for h in seen["hits"]} == set(own[:2]) | set(theirs)
    assert seen["total"] == 5
    assert _facets(seen)["agency"] == {"kemensos": 2, "kota-contoh": 3}
    assert _facets(seen)["sector"] == {"social": 2, "health": 3}
    assert sum(_facets(seen)["stage"].values()) == 5

    # the page with its facets, read by the same officer, names none of those drafts
    page = Client()
    page.force_login(people["other"])
    html = page.get("/cari/", {"q": QUERY}).content.decode()
    assert f"/inovasi/{own[0]}/" in html and f"/inovasi/{theirs[0]}/" in html
    for slug in own[2:]:
        assert f"/inovasi/{slug}/" not in html
