"""Reads: organisations, vocabularies, the innovation list with the catalog's filters, detail."""

from __future__ import annotations

import pytest

from lumbung.catalog import services
from lumbung.catalog.models import Award, Innovation
from lumbung.organisations.models import Agency, Region
from tests.factories import InnovationFactory, PartnerFactory, UnitFactory

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


# --- organisations ---------------------------------------------------------------------------


def test_agency_list_is_public_and_paginated(world, api):
    response = api.get("/agencies", {"page_size": 1})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2 and body["pages"] == 2 and len(body["items"]) == 1
    assert body["items"][0]["slug"] == "kemensos"  # ordered by name
    assert {"id", "slug", "name", "kind", "kind_label", "region", "website"} <= set(
        body["items"][0]
    )


def test_agency_list_filters_by_kind_and_region(world, api):
    assert names(api.get("/agencies", {"kind": "city"})) == {"Pemerintah Kota Contoh"}
    assert names(api.get("/agencies", {"kind": "ministry"})) == {"Kementerian Sosial"}
    province = Region.objects.filter(level="province").first()
    regency = Region.objects.filter(parent=province).first()
    Agency.objects.filter(pk=world.other_agency.pk).update(region=regency)
    assert names(api.get("/agencies", {"region": province.code})) == {"Pemerintah Kota Contoh"}
    assert names(api.get("/agencies", {"region": "99"})) == set()


def test_agency_detail_includes_units_as_a_tree(world, api):
    child = UnitFactory(agency=world.agency, parent=world.unit, name="Seksi Anak")
    body = api.get("/agencies/kemensos").json()
    assert body["name"] == "Kementerian Sosial"
    units = {u["name"]: u for u in body["units"]}
    assert set(units) == {world.unit.name, world.sibling_unit.name, "Seksi Anak"}
    assert units["Seksi Anak"]["parent_id"] == world.unit.pk
    assert units["Seksi Anak"]["depth"] == 1
    assert units["Seksi Anak"]["id"] == child.pk


def test_agency_detail_unknown_slug_is_404(world, api):
    assert_error(api.get("/agencies/no-such-agency"), 404)


def test_units_list_by_agency_and_detail(world, api):
    assert names(api.get("/units", {"agency": "kota-contoh"})) == {"Dinas Sosial Kota Contoh"}
    assert names(api.get("/units", {"kind": "dinas"})) == {"Dinas Sosial Kota Contoh"}
    assert api.get("/units").json()["count"] == 3
    body = api.get(f"/units/{world.unit.pk}").json()
    assert body["name"] == world.unit.name
    assert body["agency"]["slug"] == "kemensos"
    assert_error(api.get("/units/999999"), 404)


def test_partners_list_and_detail(db, api):
    PartnerFactory(name="Rumah Kinasih", slug="rumah-kinasih", kind="community")
    PartnerFactory(name="Yayasan Contoh", slug="yayasan-contoh", kind="ngo")
    assert names(api.get("/partners")) == {"Rumah Kinasih", "Yayasan Contoh"}
    assert names(api.get("/partners", {"kind": "community"})) == {"Rumah Kinasih"}
    body = api.get("/partners/rumah-kinasih").json()
    assert body["kind"] == "community" and body["kind_label"]
    assert_error(api.get("/partners/nobody-here"), 404)


def test_regions_list_with_level_and_parent(db, api):
    province = Region.objects.filter(level="province").order_by("code").first()
    body = api.get("/regions", {"level": "province", "page_size": 100}).json()
    assert body["count"] == Region.objects.filter(level="province").count()
    assert all(r["level"] == "province" for r in body["items"])
    children = api.get("/regions", {"parent": province.code, "page_size": 100}).json()
    assert children["count"] == Region.objects.filter(parent=province).count()
    assert all(r["parent_code"] == province.code for r in children["items"])


def test_sectors_and_sdgs(db, api):
    sectors = api.get("/sectors", {"page_size": 100}).json()
    assert "social" in {s["code"] for s in sectors["items"]}
    sdgs = api.get("/sdgs", {"page_size": 100}).json()
    assert sdgs["count"] == 17 and sdgs["items"][0] == {
        "number": 1,
        "name": "Tanpa Kemiskinan",
        "name_en": "No Poverty",
    }


# --- innovations: list -----------------------------------------------------------------------


def test_list_shows_published_only_by_default_even_to_the_owner(world, api):
    assert names(api.get("/innovations")) == {"Baris Ditebas", "Layanan Kota Contoh"}
    api.as_user(world.officer)
    assert names(api.get("/innovations")) == {"Baris Ditebas", "Layanan Kota Contoh"}


def test_state_shows_own_drafts_and_nobody_elses(world, make_api):
    assert names(make_api(world.officer).get("/innovations", {"state": "draft"})) == {
        "Sheltered Workshop Peduli"
    }
    assert names(make_api(world.other_admin).get("/innovations", {"state": "draft"})) == {
        "Draf Kota Contoh"
    }
    assert names(make_api(world.sibling_officer).get("/innovations", {"state": "draft"})) == set()
    assert names(make_api(None).get("/innovations", {"state": "draft"})) == set()
    assert names(make_api(world.platform_admin).get("/innovations", {"state": "draft"})) == {
        "Sheltered Workshop Peduli",
        "Draf Kota Contoh",
    }
    assert names(make_api(world.officer).get("/innovations", {"state": "all"})) == {
        "Sheltered Workshop Peduli",
        "Baris Ditebas",
        "Layanan Kota Contoh",
    }


@pytest.fixture
def catalog(world):
    """More published innovations with sectors, stages, awards, SDGs, status and regions."""
    province = Region.objects.filter(level="province").order_by("code").first()
    regency = Region.objects.filter(parent=province).order_by("code").first()
    unit_in_region = UnitFactory(agency=world.other_agency, name="Puskesmas", region=regency)
    health = InnovationFactory(
        unit=unit_in_region,
        name="Jemput Bola Kesehatan",
        sector="health",
        stage="institutionalisation",
        sdgs=[3],
        publication_state="published",
    )
    Award.objects.create(innovation=health, level="top_99", year=2019)
    Innovation.objects.filter(pk=world.published.pk).update(status="stopped")
    Award.objects.create(innovation=world.published, level="top_45", year=2021)
    return {"health": health, "province": province, "regency": regency}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "kesehatan"}, {"Jemput Bola Kesehatan"}),
        ({"q": "DITEBAS"}, {"Baris Ditebas"}),
        ({"agency": "kemensos"}, {"Baris Ditebas"}),
        ({"sector": "health"}, {"Jemput Bola Kesehatan"}),
        ({"stage": "institutionalisation"}, {"Jemput Bola Kesehatan"}),
        ({"award": "top_99"}, {"Jemput Bola Kesehatan"}),
        ({"award_year": "2021"}, {"Baris Ditebas"}),
        ({"award": "top_99", "award_year": "2021"}, set()),
        ({"sdg": "3"}, {"Jemput Bola Kesehatan"}),
        ({"status": "stopped"}, {"Baris Ditebas"}),
        (
            {"status": "continuing", "agency": "kota-contoh"},
            {"Layanan Kota Contoh", "Jemput Bola Kesehatan"},
        ),
        (
            {"q": "", "sector": "", "unit": "", "sdg": ""},
            {"Baris Ditebas", "Layanan Kota Contoh", "Jemput Bola Kesehatan"},
        ),
    ],
    ids=lambda v: "-".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_list_filters_match_the_catalog(catalog, api, params, expected):
    assert names(api.get("/innovations", params)) == expected


def test_region_filter_includes_a_provinces_regencies(catalog, api):
    assert names(api.get("/innovations", {"region": catalog["province"].code})) == {
        "Jemput Bola Kesehatan"
    }
    assert names(api.get("/innovations", {"region": catalog["regency"].code})) == {
        "Jemput Bola Kesehatan"
    }


def test_unit_filter_and_sorting(catalog, world, api):
    assert names(api.get("/innovations", {"unit": world.unit.pk})) == {"Baris Ditebas"}
    items = api.get("/innovations", {"sort": "name"}).json()["items"]
    assert [i["name"] for i in items] == sorted(i["name"] for i in items)


def test_list_item_fields(catalog, api):
    items = {i["name"]: i for i in api.get("/innovations").json()["items"]}
    health = items["Jemput Bola Kesehatan"]
    assert health["sdgs"] == [3]
    assert health["awards"][0]["level"] == "top_99" and health["awards"][0]["year"] == 2019
    assert health["sector"]["code"] == "health"
    assert health["region"]["code"] == catalog["regency"].code
    assert health["agency"]["slug"] == "kota-contoh"
    assert health["publication_state"] == "published"


# --- innovations: detail ---------------------------------------------------------------------


def test_detail_of_published_is_public(world, api):
    body = api.get(f"/innovations/{world.published.slug}").json()
    assert body["name"] == "Baris Ditebas"
    assert body["summary"] == "Layanan jemput bola untuk warga."
    assert body["review_note"] is None  # internal, not for the public
    assert {"team", "evidence", "status_changes", "replicas", "core_components_en"} <= set(body)


def test_detail_of_draft_is_404_for_outsiders_and_shown_to_the_unit(world, make_api):
    path = f"/innovations/{world.draft.slug}"
    for outsider in (None, world.nobody, world.sibling_officer, world.other_admin, world.judge):
        assert_error(make_api(outsider).get(path), 404)
    for insider in (world.officer, world.admin, world.viewer, world.platform_admin):
        response = make_api(insider).get(path)
        assert response.status_code == 200, insider
        assert response.json()["publication_state"] == "draft"


def test_detail_hides_unpublished_replicas_and_sources(world, make_api):
    replica = InnovationFactory(
        unit=world.other_unit,
        name="Replika Draf",
        source=world.published,
        generation=1,
        replication_form="adaptation",
    )
    public = make_api(None).get(f"/innovations/{world.published.slug}").json()
    assert public["replicas"] == []
    owner = make_api(world.other_officer).get(f"/innovations/{world.published.slug}").json()
    assert [r["slug"] for r in owner["replicas"]] == [replica.slug]
    replica_body = make_api(world.other_officer).get(f"/innovations/{replica.slug}").json()
    assert replica_body["source"]["slug"] == world.published.slug
    assert replica_body["replication_form"] == "adaptation"


def test_review_note_is_shown_to_the_unit_only(world, make_api):
    Innovation.objects.filter(pk=world.published.pk).update(review_note="Lengkapi data")
    path = f"/innovations/{world.published.slug}"
    assert make_api(world.officer).get(path).json()["review_note"] == "Lengkapi data"
    assert make_api(world.other_officer).get(path).json()["review_note"] is None


def test_evidence_list_follows_visibility(world, make_api, token_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import PDF

    services.evidence_add(
        actor=world.officer,
        innovation=world.draft,
        kind="implementation",
        title="Surat pernyataan",
        upload=SimpleUploadedFile("a.pdf", PDF),
    )
    path = f"/innovations/{world.draft.slug}/evidence"
    body = make_api(world.officer).get(path).json()
    assert body["count"] == 1 and body["items"][0]["content_type"] == "application/pdf"
    assert body["items"][0]["url"].endswith("/file")
    assert_error(make_api(None).get(path), 404)
    assert_error(make_api(world.other_officer).get(path), 404)
