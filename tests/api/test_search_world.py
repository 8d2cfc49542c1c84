"""Search on an empty instance built through the API alone (agencies and people made, then every
innovation written, submitted and published through the API): the index follows those writes
(on PostgreSQL its narrow tables, through their triggers), and each reader's hits, totals and
facet counts hold exactly what it may see — another agency's drafts are never counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

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


def test_hits_totals_and_facets_of_an_instance_built_through_the_api(make_api, two_agencies):
    world = two_agencies
    officer, other = world.officer, world.other

    def write(api, unit, n: int, sector: str) -> str:
        name, summary = TEXTS[n]
        implementation = f"{summary} Jadwalnya diumumkan lewat {PLACES[n]}."
        return world.write(
            api,
            unit,
            name,
            summary=summary,
            problem=PROBLEMS[n],
            implementation=implementation,
            sector=sector,
        )

    own = [write(officer, world.unit, n, "social") for n in range(5)]
    theirs = [write(other, world.other_unit, n, "health") for n in range(5, 8)]
    for slug in own[:2]:
        world.publish(slug)

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
    page.force_login(world.people["other"])
    html = page.get("/cari/", {"q": QUERY}).content.decode()
    assert f"/inovasi/{own[0]}/" in html and f"/inovasi/{theirs[0]}/" in html
    for slug in own[2:]:
        assert f"/inovasi/{slug}/" not in html


def test_similar_innovations_of_an_instance_built_through_the_api(make_api, two_agencies):
    """The similar innovations of the same kind of world: each reader's list (the API, the
    innovation page, its fragment) holds only what that reader may see — never another agency's
    draft — and the innovation itself is never its own neighbour."""
    world = two_agencies
    officer, other = world.officer, world.other
    # other innovations of the unit, on other topics: a word held by most of a small catalog
    # tells nothing about likeness
    for n, (name, text) in enumerate(TEXTS[1:] * 2):
        world.write(officer, world.unit, f"{name} {n}", summary=text)
    # alike in their words, each a text of its own (near-copies would be folded into one family)
    texts = {
        "Desa": "Bengkel kursi roda keliling datang ke desa bagi warga disabilitas.",
        "Balai": "Montir kursi roda memperbaiki alat bantu penyandang disabilitas di balai warga.",
        "Posyandu": "Relawan merawat kursi roda anak disabilitas sambil menimbang balita.",
    }
    own = [
        world.write(officer, world.unit, f"Kursi Roda {place}", summary=text)
        for place, text in texts.items()
    ]
    theirs = world.write(
        other,
        world.other_unit,
        "Kursi Roda Kota",
        summary="Bengkel kota memperbaiki kursi roda rusak milik difabel lansia.",
    )
    world.publish(own[0])
    world.publish(own[1])

    def similar(api, slug: str) -> set[str]:
        response = api.get(f"/search/similar/{slug}", {"limit": 20})
        assert response.status_code == 200, response.content
        return {hit["slug"] for hit in response.json()}

    assert similar(make_api(None), own[0]) == {own[1]}
    assert similar(officer, own[0]) == set(own[1:])
    assert similar(other, own[0]) == {own[1], theirs}
    assert other.get(f"/search/similar/{own[2]}").status_code == 404  # a draft not theirs

    page = Client()
    page.force_login(world.people["other"])
    for path in (
        reverse("catalog:innovation", args=[own[0]]),
        reverse("search:similar", args=[own[0]]),
    ):
        response = page.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f"/inovasi/{own[1]}/" in html and f"/inovasi/{theirs}/" in html, path
        for slug in own[2:]:
            assert f"/inovasi/{slug}/" not in html, path
