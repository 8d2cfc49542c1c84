"""Imports refuse what cannot be stored and what is too large (issue 13): a cell with a NUL (or
another control character) rejects its row, named with its line and column, before anything is
written; every path — the web upload, the library functions, ``lumbung import`` — has a row and
a byte limit, and a file over it is refused at once, as a whole, writing nothing."""

from __future__ import annotations

import csv
import importlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from lumbung.catalog import importing
from lumbung.catalog.importing import check_rows, import_innovations
from lumbung.catalog.models import Innovation
from lumbung.core.imports import services as import_services
from lumbung.core.imports.models import ImportJob
from lumbung.core.spreadsheets import ImportLimitError, Limits, measure
from lumbung.organisations.models import Agency, Unit

pytestmark = pytest.mark.django_db

#: ``import`` is a keyword: the command's module is imported by name
MAX_ROWS = importlib.import_module("lumbung.catalog.management.commands.import").MAX_ROWS


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids), whatever the Indonesian catalog says."""
    with translation.override("en"):
        yield


def innovations_csv(*problems: str) -> bytes:
    """An innovations file with one row per ``problems`` cell (the rest valid)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(importing.REQUIRED_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for number, problem in enumerate(problems, start=1):
        writer.writerow(
            {
                "name": f"Layanan Contoh {number}",
                "acronym_expansion": "Layanan Jemput Bola",
                "agency": "Pemerintah Kabupaten Banyuwangi",
                "unit": "Dinas Sosial",
                "year": "2019",
                "award": "",
                "sector": "social",
                "problem": problem,
                "solution": "Petugas datang ke rumah warga.",
                "source_url": "",
            }
        )
    return out.getvalue().encode("utf-8")


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_refused(*args: str, match: str) -> str:
    """Run a command that must fail; answers what it wrote to stderr."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=match):
        call_command(*args, stdout=out, stderr=err)
    return err.getvalue()


def nothing_written() -> bool:
    return not (Innovation.objects.exists() or Agency.objects.exists() or Unit.objects.exists())


# --- control characters ----------------------------------------------------------------------


def test_a_nul_byte_refuses_the_import_with_its_row_named_and_writes_nothing(tmp_path):
    path = tmp_path / "inovasi.csv"
    path.write_bytes(innovations_csv("Antrean panjang.", "Antrean\x00 panjang.", "Jauh."))
    err = run_refused("import", "innovations", str(path), match="1 row was rejected")
    assert "line 3 [problem]: The cell holds a control character (U+0000" in err
    assert nothing_written()
    # with --valid-only the other rows are written and the row with the NUL is not (PostgreSQL,
    # which stores no NUL, never sees it)
    err = run_refused(
        "import", "innovations", str(path), "--valid-only", match="1 row was rejected"
    )
    assert "line 3 [problem]" in err
    assert sorted(Innovation.objects.values_list("name", flat=True)) == [
        "Layanan Contoh 1",
        "Layanan Contoh 3",
    ]


@pytest.mark.parametrize(
    ("character", "code"),
    [("\x00", "U+0000"), ("\x01", "U+0001"), ("\x0b", "U+000B"), ("\x1b", "U+001B")],
)
def test_control_characters_are_refused(character, code):
    report, rows = check_rows(innovations_csv("Baik.", f"Ada{character}di sini."))
    assert rows and [r.line for r in rows] == [2]
    [problem] = report.problems
    assert (problem.line, problem.column, problem.row) == (3, "problem", True)
    assert code in problem.message


def test_tabs_and_line_breaks_in_a_cell_are_kept():
    report, rows = check_rows(innovations_csv("Satu\tdua.", "Baris satu\nbaris dua.", "A\r\nB."))
    assert report.problems == []
    assert [r.data["problem"] for r in rows] == ["Satu\tdua.", "Baris satu\nbaris dua.", "A\r\nB."]


def test_a_nul_in_the_header_rejects_the_file():
    content = innovations_csv("Baik.").replace(b"problem", b"prob\x00lem", 1)
    report, rows = check_rows(content)
    assert rows == [] and report.file_rejected
    assert "U+0000" in report.problems[0].message


def test_a_nul_in_a_units_file_is_refused_on_the_command_line_and_the_web(tmp_path, world):
    units = Unit.objects.count()
    content = (
        b"agency,name,kind\n"
        b"Kementerian Sosial,Direktorat Satu,directorate\n"
        b"Kementerian Sosial,Direktorat\x00Dua,directorate\n"
    )
    path = tmp_path / "unit.csv"
    path.write_bytes(content)
    err = run_refused("import", "units", str(path), match="1 row was rejected")
    assert "line 3 [name]: The cell holds a control character (U+0000" in err
    assert Unit.objects.count() == units
    # the web upload: refused with the row named, and nothing with a NUL kept (PostgreSQL)
    job = import_services.job_upload(
        actor=world.platform_admin, kind="units", content=content, filename="unit\x00.csv"
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REJECTED and job.filename == "unit.csv"
    [problem] = job.report["problems"]
    assert (problem["line"], problem["column"]) == (3, "name")
    assert "U+0000" in problem["message"]
    assert Unit.objects.count() == units


# --- limits ----------------------------------------------------------------------------------


def test_the_command_refuses_a_file_over_its_limits_and_writes_nothing(tmp_path):
    path = tmp_path / "inovasi.csv"
    path.write_bytes(innovations_csv("Satu.", "Dua.", "Tiga."))
    err = run_refused(
        "import", "innovations", str(path), "--max-rows", "2", match="file was rejected"
    )
    assert "more than 2 rows; at most 2 rows can be imported at once" in err
    err = run_refused(
        "import", "innovations", str(path), "--max-bytes", "100", match="file was rejected"
    )
    assert "The file is too large" in err and "the limit is 100 bytes" in err
    run_refused(
        "import", "innovations", str(path), "--dry-run", "--max-rows", "2", match="rejected"
    )
    units = tmp_path / "unit.csv"
    units.write_text("agency,name,kind\nA,B,bidang\nA,C,bidang\nA,D,bidang\n")
    err = run_refused("import", "units", str(units), "--max-rows", "1", match="rejected")
    assert "more than 1 rows" in err
    assert nothing_written()
    with pytest.raises(CommandError, match="max-rows"):
        run("import", "innovations", str(path), "--max-rows", "0")  # never unbounded
    run("import", "innovations", str(path), "--max-rows", "3")
    assert Innovation.objects.count() == 3


def test_the_command_takes_at_most_100000_rows_by_default(tmp_path):
    assert MAX_ROWS == 100_000
    path = tmp_path / "besar.csv"
    header = ",".join(importing.REQUIRED_COLUMNS)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        fh.writelines("x,,,,,,,,,\n" for _ in range(MAX_ROWS + 1))
    err = run_refused("import", "innovations", str(path), "--dry-run", match="file was rejected")
    assert "more than 100,000 rows" in err
    assert nothing_written()


def test_counting_stops_as_soon_as_the_limit_is_passed(tmp_path):
    # what follows the limit is never read: the bytes after it are not even UTF-8
    path = tmp_path / "inovasi.csv"
    rows = ["Satu.", "Dua.", "Tiga.", *["Lagi."] * 2000]  # the bad bytes far after the limit
    path.write_bytes(innovations_csv(*rows) + b"\xff\xfe\xfd,rusak\n")
    with pytest.raises(ImportLimitError, match="more than 2 rows"):
        measure(path, Limits(rows=2, bytes=1_000_000))
    report, _rows = check_rows(path, limits=Limits(rows=2, bytes=1_000_000))
    assert "more than 2 rows" in report.problems[0].message
    report, _rows = check_rows(path, limits=Limits(rows=5_000, bytes=1_000_000))
    assert "not UTF-8" in report.problems[0].message


def test_the_web_limits_bind_uploads_and_the_library_alike(settings, world):
    innovations = Innovation.objects.count()
    settings.LUMBUNG_IMPORT_MAX_ROWS = 2
    content = innovations_csv("Satu.", "Dua.", "Tiga.")
    with pytest.raises(ValidationError) as caught:
        import_services.job_upload(
            actor=world.platform_admin, kind="innovations", content=content, filename="a.csv"
        )
    assert "more than 2 rows" in caught.value.message_dict["file"][0]
    report = import_innovations(content)  # no limits named: those of a web upload
    assert report.file_rejected and not report.written
    assert "more than 2 rows" in report.problems[0].message
    settings.LUMBUNG_IMPORT_MAX_BYTES = 100
    report = import_innovations(content, limits=None)
    assert "the limit is 100 bytes" in report.problems[0].message
    assert Innovation.objects.count() == innovations and not ImportJob.objects.exists()


def test_an_xlsx_over_the_limit_is_refused(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(importing.REQUIRED_COLUMNS))
    for number in range(4):
        sheet.append([f"Layanan {number}", "x", "Agency", "Unit", 2019, "", "social", "a", "b"])
    path = tmp_path / "inovasi.xlsx"
    workbook.save(path)
    with pytest.raises(ImportLimitError, match="more than 3 rows"):
        measure(Path(path), Limits(rows=3, bytes=1_000_000))
    assert measure(Path(path), Limits(rows=4, bytes=1_000_000)) == 4
