from lumbung.catalog import selectors, services
from lumbung.catalog.selectors import CatalogFilters
from lumbung.core.actors import SYSTEM
from lumbung.organisations.models import Region
from tests.factories import InnovationFactory, UnitFactory


def names(qs):
    return sorted(i.name for i in qs)


def test_public_catalog_has_only_published(world):
    assert names(selectors.published_innovations()) == ["Baris Ditebas", "Layanan Kota Contoh"]


def test_visible_innovations_add_own_drafts_only(world):
    assert "Sheltered Workshop Peduli" in names(selectors.visible_innovations(world.officer))
    assert "Draf Kota Contoh" not in names(selectors.visible_innovations(world.officer))
    assert "Sheltered Workshop Peduli" not in names(
        selectors.visible_innovations(world.sibling_officer)
    )
    assert "Sheltered Workshop Peduli" in names(selectors.visible_innovations(world.admin))
    assert len(names(selectors.visible_innovations(world.platform_admin))) == 4


def test_filters_combine(world):
    services.award_add(
        actor=SYSTEM, innovation=world.published, level="top_99", year=2023
    )
    f = CatalogFilters.from_mapping({"award": "top_99", "award_year": "2023", "sector": "social"})
    assert names(selectors.published_innovations(f)) == ["Baris Ditebas"]
    f = CatalogFilters.from_mapping({"award": "top_99", "award_year": "2022"})
    assert names(selectors.published_innovations(f)) == []
    f = CatalogFilters.from_mapping({"agency": "kota-contoh"})
    assert names(selectors.published_innovations(f)) == ["Layanan Kota Contoh"]


def test_region_filter_includes_regencies_of_a_province(world):
    temanggung = Region.objects.get(code="33.23")
    unit = UnitFactory(agency=world.agency, name="Sentra di Temanggung", region=temanggung)
    InnovationFactory(unit=unit, name="Batik Ciprat", publication_state="published")
    assert names(selectors.published_innovations(CatalogFilters(region="33"))) == ["Batik Ciprat"]
    assert names(selectors.published_innovations(CatalogFilters(region="33.23"))) == [
        "Batik Ciprat"
    ]
    assert names(selectors.published_innovations(CatalogFilters(region="3"))) == []


def test_bad_filter_values_are_dropped():
    f = CatalogFilters.from_mapping({"sdg": "abc", "award_year": "20x", "sort": "evil", "q": " x "})
    assert f.sdg is None and f.award_year is None and f.sort == "name" and f.q == "x"


def test_family_spans_generations_and_agencies(world):
    gen1 = InnovationFactory(
        unit=world.other_unit,
        name="Replika 1",
        source=world.published,
        replication_form="adaptation",
        generation=1,
        publication_state="published",
    )
    gen2 = InnovationFactory(
        unit=world.sibling_unit,
        name="Replika 2",
        source=gen1,
        replication_form="modification",
        generation=2,
    )
    family = selectors.innovation_family(gen1)
    assert [i.name for i in family["ancestors"]] == ["Baris Ditebas"]
    assert [i.name for i in family["descendants"]] == ["Replika 2"]
    family = selectors.innovation_family(world.published)
    assert [i.pk for i in family["descendants"]] == [gen1.pk, gen2.pk]
