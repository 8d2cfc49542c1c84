"""The new-innovation form warns about close duplicates; the person decides."""

from lumbung.catalog.models import Innovation
from tests.factories import InnovationFactory


def test_duplicate_warning_then_confirmed_creation(client, world):
    InnovationFactory(
        unit=world.other_unit,
        name="Sheltered Workshop Peduli Kota",
        summary="Bengkel kerja terlindung bagi penyandang disabilitas intelektual.",
        publication_state="published",
    )
    client.force_login(world.officer)
    data = {
        "unit": world.unit.pk,
        "name": "Sheltered Workshop Peduli Kota",
        "summary": "Bengkel kerja terlindung bagi penyandang disabilitas intelektual.",
    }
    before = Innovation.objects.count()
    response = client.post("/ruang-kerja/inovasi/baru/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Is this innovation already in the catalog?" in html
    assert "Sheltered Workshop Peduli Kota" in html
    assert Innovation.objects.count() == before
    response = client.post("/ruang-kerja/inovasi/baru/", {**data, "not_a_duplicate": "1"})
    assert response.status_code == 302
    assert Innovation.objects.count() == before + 1


def test_no_warning_for_a_new_idea(client, world):
    client.force_login(world.officer)
    response = client.post(
        "/ruang-kerja/inovasi/baru/",
        {"unit": world.unit.pk, "name": "Perpustakaan keliling braille", "summary": ""},
    )
    assert response.status_code == 302


def test_innovation_page_lists_similar_innovations(client, world):
    InnovationFactory(
        unit=world.other_unit,
        name="Baris Ditebas Kota",
        summary="Pelatihan barista tunanetra.",
        # its own words (the factory's default texts would make it a near-duplicate of the
        # world's other innovations, shown under them)
        problem="Lulusan tunanetra sulit mendapat kerja selain pijat.",
        implementation="Kafe kota mempekerjakan barista tunanetra lulusan pelatihan.",
        publication_state="published",
    )
    html = client.get(f"/inovasi/{world.published.slug}/").content.decode()
    assert "Similar innovations" in html
    assert "Baris Ditebas Kota" in html


def test_header_search_goes_to_search_page(client, world):
    html = client.get("/").content.decode()
    assert 'action="/cari/"' in html
