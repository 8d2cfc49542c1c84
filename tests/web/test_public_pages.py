"""Public pages: home, catalog list, innovation page, evidence download, agencies and units."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumbung.catalog import services
from lumbung.catalog.models import Innovation
from lumbung.core.actors import SYSTEM
from tests.factories import InnovationFactory, UnitFactory

from .conftest import assert_accessible_markup, text_of

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF


def test_home_shows_counts_and_latest_published(client, world, indonesian):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert '<html lang="id">' in html
    assert "Baris Ditebas" in html and "Layanan Kota Contoh" in html
    assert "Sheltered Workshop Peduli" not in html  # a draft
    assert 'href="#main"' in html and 'id="main"' in html


def test_catalog_lists_only_published(client, world):
    response = client.get("/inovasi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert "Baris Ditebas" in html and "Layanan Kota Contoh" in html
    assert "Sheltered Workshop Peduli" not in html and "Draf Kota Contoh" not in html
    assert "2 innovations" in text_of(html)


def test_catalog_filters_keep_their_values(client, world):
    response = client.get("/inovasi/", {"agency": "kemensos", "status": "continuing", "q": "baris"})
    html = response.content.decode()
    assert "Baris Ditebas" in html and "Layanan Kota Contoh" not in html
    assert '<option value="kemensos" selected>' in html
    assert 'value="baris"' in html
    # the unit select lists the chosen agency's units
    assert world.unit.name in html and world.other_unit.name not in text_of(
        html.split('id="filter_unit"')[1].split("</select>")[0]
    )
    assert "Clear filters" in html


def test_catalog_bad_parameters_are_ignored_not_fatal(client, world):
    response = client.get("/inovasi/", {"unit": "abc", "sdg": "x", "page": "999", "sort": "evil"})
    assert response.status_code == 200


def test_catalog_filters_by_award_and_year(client, world):
    services.award_add(
        actor=SYSTEM, innovation=world.published, level="top_99", year=2023
    )
    html = client.get("/inovasi/", {"award": "top_99", "award_year": "2023"}).content.decode()
    assert "Baris Ditebas" in html and "Layanan Kota Contoh" not in html
    assert "Top 99" in html
    assert '<details class="more-filters" open>' in html  # award filters are "more filters"
    plain = client.get("/inovasi/", {"agency": "kemensos"}).content.decode()
    assert '<details class="more-filters">' in plain


def test_catalog_pagination(client, world, settings):
    settings.CATALOG_PAGE_SIZE = 1
    html = client.get("/inovasi/", {"sort": "name"}).content.decode()
    assert 'aria-label="Pages"' in html or "Halaman" in html
    assert "?sort=name&amp;page=2" in html
    second = client.get("/inovasi/", {"sort": "name", "page": 2}).content.decode()
    assert "Layanan Kota Contoh" in second and "Baris Ditebas" not in second


def test_catalog_htmx_request_gets_the_fragment(client, world):
    response = client.get("/inovasi/", {"q": "baris"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="catalog"' in html and "Baris Ditebas" in html
    assert "HX-Request" in response["Vary"]


def _many_published(n: int, unit) -> None:
    for i in range(n):
        innovation = InnovationFactory(
            unit=unit, name=f"Inovasi Massal {i:03d}", publication_state="published"
        )
        services.award_add(
            actor=SYSTEM, innovation=innovation, level="top_99", year=2020
        )
        innovation.sdgs.set([1, 3])


def test_catalog_query_count_does_not_grow_with_page_size(client, settings, db):
    unit = UnitFactory()
    other = UnitFactory()
    _many_published(30, unit)
    _many_published(25, other)
    counts = {}
    for size in (5, 50):
        settings.CATALOG_PAGE_SIZE = size
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/inovasi/", {"status": "continuing"})
        assert response.status_code == 200
        assert response.content.decode().count('class="innovation-item"') == size
        counts[size] = len(ctx.captured_queries)
    assert counts[5] == counts[50], counts
    assert counts[50] <= 12


def test_innovation_page_for_anonymous(client, world):
    innovation = world.published
    services.award_add(
        actor=SYSTEM, innovation=innovation, level="top_99", year=2023
    )
    Innovation.objects.filter(pk=innovation.pk).update(
        core_components="Instruktur barista\nKafe latihan",
        adaptable_parts="Menu kopi",
        impact_before="0 lulusan bekerja",
        impact_after="3 lulusan bekerja",
        source_urls="https://kemensos.go.id/baris-ditebas",
    )
    response = client.get(f"/inovasi/{innovation.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    text = text_of(html)
    for expected in (
        "Baris Ditebas",
        "Layanan jemput bola untuk warga.",
        "Instruktur barista",
        "Kafe latihan",
        "0 lulusan bekerja",
        "3 lulusan bekerja",
        "Top 99",
        world.unit.name,
        world.agency.name,
    ):
        assert expected in text, expected
    assert '<a href="https://kemensos.go.id/baris-ditebas"' in html
    assert "<li>Instruktur barista</li>" in html
    assert 'id="history"' not in html  # the audit history is internal


def test_draft_page_is_404_for_outsiders_and_shown_to_its_unit(client, world, login):
    url = f"/inovasi/{world.draft.slug}/"
    assert client.get(url).status_code == 404
    login(world.other_officer)
    assert client.get(url).status_code == 404
    login(world.sibling_officer)
    assert client.get(url).status_code == 404
    login(world.officer)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not public." in html
    assert 'id="history"' in html and "created" in html
    assert_accessible_markup(html)


def test_innovation_page_history_lists_who_and_which_fields(client, world, login):
    services.innovation_update(
        actor=world.officer, innovation=world.draft, data={"novelty": "Baru sekali"}
    )
    login(world.admin)
    text = text_of(client.get(f"/inovasi/{world.draft.slug}/").content.decode())
    assert "profile changed" in text
    assert "novelty and added value" in text
    assert str(world.officer) in text


def test_innovation_page_shows_lineage(client, world):
    replica = InnovationFactory(
        unit=world.other_unit,
        name="Replika Baris",
        publication_state="published",
        source=world.published,
        replication_form="adaptation",
        generation=1,
    )
    InnovationFactory(unit=world.other_unit, name="Replika Draf", source=world.published)
    html = client.get(f"/inovasi/{world.published.slug}/").content.decode()
    assert "Replika Baris" in html
    assert "Replika Draf" not in html  # drafts stay hidden in the family too
    replica_html = client.get(f"/inovasi/{replica.slug}/").content.decode()
    assert "Baris Ditebas" in replica_html and "adaptation (adaptasi)" in replica_html


def test_the_innovation_page_reads_its_replicas_once_whatever_their_number(client, world):
    original = world.published

    def replica(name: str, source: Innovation, generation: int) -> Innovation:
        return InnovationFactory(
            unit=world.other_unit,
            name=name,
            publication_state="published",
            source=source,
            replication_form="adoption",
            generation=generation,
        )

    first = replica("Replika Satu", original, 1)
    replica("Replika Cucu", first, 2)

    def statements() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/inovasi/{original.slug}/")
        assert response.status_code == 200
        sql = [q["sql"] for q in ctx.captured_queries]
        by_source = [q for q in sql if '"catalog_innovation"."source_id" IN' in q]
        return len(sql), len(by_source)

    few, reads = statements()
    # one read per generation (two, then an empty third), not a second list of the first
    assert reads == 3
    for i in range(6):
        replica(f"Replika Tambahan {i}", original, 1)
    assert statements() == (few, reads)
    html = client.get(f"/inovasi/{original.slug}/").content.decode()
    assert "Replika Cucu" in html and "Replika Tambahan 5" in html


def test_english_reader_gets_english_text_or_marked_indonesian(client, world):
    Innovation.objects.filter(pk=world.published.pk).update(
        summary_en="A service that comes to the people."
    )
    client.cookies["django_language"] = "en"
    html = client.get(f"/inovasi/{world.published.slug}/").content.decode()
    assert '<html lang="en">' in html
    assert "A service that comes to the people." in html
    # the problem has no English version: it is shown in Indonesian, marked as such
    assert '<div class="prose" lang="id"><p>Warga sulit menjangkau layanan.</p></div>' in html
    assert "(in Indonesian)" in html


def _evidence(innovation, actor=None):
    return services.evidence_add(
        actor=actor,
        innovation=innovation,
        kind="implementation",
        title="Surat pernyataan",
        upload=SimpleUploadedFile("x.pdf", PDF, content_type="application/pdf"),
    )


def test_evidence_of_a_draft_is_not_public(client, world, login):
    evidence = _evidence(world.draft, world.officer)
    url = f"/inovasi/{world.draft.slug}/bukti/{evidence.pk}/"
    assert client.get(url).status_code == 404
    login(world.other_officer)
    assert client.get(url).status_code == 404
    login(world.officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_evidence_of_a_published_innovation_is_public(client, world):
    evidence = _evidence(world.published, world.officer)
    html = client.get(f"/inovasi/{world.published.slug}/").content.decode()
    url = f"/inovasi/{world.published.slug}/bukti/{evidence.pk}/"
    assert url in html
    assert "/media/" not in html
    assert client.get(url).status_code == 200
    # an evidence id under another innovation's address is not found
    assert (
        client.get(f"/inovasi/{world.other_published.slug}/bukti/{evidence.pk}/").status_code == 404
    )


def test_agency_list_and_search(client, world):
    response = client.get("/instansi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert world.agency.name in html and world.other_agency.name in html
    html = client.get("/instansi/", {"q": "sosial"}).content.decode()
    assert world.agency.name in html and world.other_agency.name not in html
    html = client.get("/instansi/", {"kind": "city"}).content.decode()
    assert world.other_agency.name in html and "Kementerian Sosial</a>" not in html


def test_agency_page_shows_top_units_and_published_innovations(client, world):
    child = UnitFactory(agency=world.agency, parent=world.unit, name="Rumah Kinasih Blitar")
    response = client.get(f"/instansi/{world.agency.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert "Baris Ditebas" in html and "Sheltered Workshop Peduli" not in html
    # the top units, each with the number of units below it; not the units below them
    assert "3 units" in html
    assert world.unit.name in html and child.name not in html
    unit_item = html.split(world.unit.name, 1)[1]
    assert unit_item.index("1 unit below") < unit_item.index("</li>")
    # a unit below is found by name, with its parent
    found = client.get(f"/instansi/{world.agency.slug}/", {"unit_q": "kinasih"}).content.decode()
    assert child.name in found and f"under {world.unit.name}" in found


def test_unit_page(client, world):
    child = UnitFactory(agency=world.agency, parent=world.unit, name="Rumah Kinasih Blitar")
    response = client.get(f"/instansi/{world.agency.slug}/unit/{world.unit.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert "Baris Ditebas" in html and child.name in html
    child_html = client.get(f"/instansi/{world.agency.slug}/unit/{child.slug}/").content.decode()
    assert world.unit.name in child_html  # breadcrumb to the parent


@pytest.mark.parametrize(
    "url",
    [
        "/inovasi/no-such-thing/",
        "/instansi/no-such-agency/",
        "/instansi/kemensos/unit/no-such-unit/",
        "/inovasi/no-such-thing/bukti/1/",
    ],
)
def test_unknown_addresses_are_404_pages(client, world, url):
    response = client.get(url)
    assert response.status_code == 404


def test_unit_of_another_agency_is_not_found_under_this_one(client, world):
    url = f"/instansi/{world.agency.slug}/unit/{world.other_unit.slug}/"
    assert client.get(url).status_code == 404


def test_server_error_page_renders_without_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>" in html and 'id="main"' in html
