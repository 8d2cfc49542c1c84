"""Reports as PDF (fpdf2, core fonts) and XLSX (openpyxl) from one description."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lumbung.insights.documents import (
    Figure,
    Report,
    Section,
    TableBlock,
    latin1,
    report_pdf,
    report_xlsx,
    sheet_name,
)

HEADERS = ("Unit", "Agency", "Replicas", "Score", "Since", "Digital")
NUMERIC = (False, False, True, True, False, False)


def _rows(count: int) -> tuple[tuple[object, ...], ...]:
    return tuple(
        (
            f"Puskesmas {i} Sleman",
            "Dinas Kesehatan “Kartini”",
            i * 7,
            i * 1.25,
            dt.date(2024, 1, 1) + dt.timedelta(days=i % 365),
            i % 2 == 0,
        )
        for i in range(count)
    )


def _report(rows: tuple[tuple[object, ...], ...], *, title: str = "Replication report") -> Report:
    return Report(
        title=title,
        subtitle="Kabupaten Sleman — 2025",
        generated="Generated on 1 February 2025",
        sections=(
            Section(
                heading="Key figures",
                text="Replication of innovations across units… with café names.",
                figures=(
                    Figure("Units replicating", "18 of 30"),
                    Figure("Innovations", "42"),
                    Figure("Median time to replicate", "7 months"),
                    Figure("Agencies", "5"),
                ),
            ),
            Section(
                heading="Units",
                tables=(TableBlock("Units by replicas", HEADERS, rows, NUMERIC),),
            ),
        ),
        lang="en",
    )


def _pages(pdf: bytes) -> int:
    """The page count of the page tree (fpdf2 writes it first, uncompressed)."""
    match = re.search(rb"/Count (\d+)", pdf)
    assert match
    return int(match.group(1))


def test_latin1_transliterates() -> None:
    assert latin1("Sentra Terpadu “Kartini” – café… Şahin ‘ok’ Kılıç") == (
        "Sentra Terpadu \"Kartini\" - café... Sahin 'ok' Kiliç"
    )
    assert latin1("日本") == "??"
    assert latin1("a\tb\x00c") == "a bc"


def test_pdf_holds_the_title_figures_and_numbers() -> None:
    pdf = report_pdf(_report(_rows(5)), compress=False)
    assert pdf.startswith(b"%PDF")
    assert _pages(pdf) == 1
    text = pdf.decode("latin-1")
    assert "(Replication report) Tj" in text
    assert "(Kabupaten Sleman - 2025) Tj" in text  # the dash made plain
    assert "(Generated on 1 February 2025) Tj" in text
    assert "(18 of 30) Tj" in text and "(Units replicating) Tj" in text
    assert "(Units by replicas) Tj" in text
    assert '(Dinas Kesehatan "Kartini") Tj' in text
    assert "(28) Tj" in text  # 4 * 7
    assert "(5) Tj" in text and "(3.75) Tj" in text  # 3 * 1.25
    assert "(2024-01-04) Tj" in text
    assert "(yes) Tj" in text and "(no) Tj" in text
    assert "(1 / ) Tj (1) Tj" in text  # page numbers: "x / y"
    # metadata: title and language
    assert "/Title (Replication report)" in text
    assert "/Lang (en)" in text


def test_non_latin1_text_does_not_crash() -> None:
    report = _report(_rows(2), title="Inovasi “Kartini” — Şanlıurfa… ✓ 日本")
    pdf = report_pdf(report, compress=False)
    assert pdf.startswith(b"%PDF")
    assert b'(Inovasi "Kartini" - Sanliurfa... ? ??) Tj' in pdf
    assert report_pdf(report).startswith(b"%PDF")  # compressed too


def test_long_table_runs_over_pages_with_its_header_repeated() -> None:
    short = report_pdf(_report(_rows(10)), compress=False)
    long = report_pdf(_report(_rows(500)), compress=False)
    pages = _pages(long)
    assert _pages(short) == 1
    assert pages >= 9  # about 55 rows a page
    # the header row starts every page the table runs onto
    assert long.count(b"(Replicas) Tj") == pages
    assert long.count(b"(Puskesmas 499 Sleman) Tj") == 1
    assert f"(1 / ) Tj ({pages}) Tj".encode() in long


def test_pdf_of_5000_rows_is_fast() -> None:
    report = _report(_rows(5000))
    start = time.perf_counter()
    pdf = report_pdf(report)
    seconds = time.perf_counter() - start
    print(f"\nPDF, 5,000 rows x 6 columns: {seconds:.2f} s, {_pages(pdf)} pages, {len(pdf)} bytes")
    assert pdf.startswith(b"%PDF")
    assert _pages(pdf) > 80
    assert seconds < 20


def test_tall_cells_and_empty_tables() -> None:
    long_text = "kata " * 3000  # taller than a page: cut
    table = TableBlock("Notes", ("Note", "N"), ((long_text, 1), ("", None)), (False, True))
    empty = TableBlock("Nothing", ("A", "B"), ())
    report = Report("T", "", "", (Section("S", tables=(table, empty)),))
    pdf = report_pdf(report, compress=False)
    assert b"... ) Tj" in pdf or b"...) Tj" in pdf
    assert b"(No rows.) Tj" in pdf


def test_xlsx_sheets_headers_numbers_and_formulas() -> None:
    rows = (
        ('=HYPERLINK("http://x","klik")', "+62 811", 3, 2.5, dt.date(2024, 5, 1), True),
        ("@SUM(A1)", "Dinas", -4, Decimal("1.50"), None, False),
        ("-2+3", "ok", 0, 0.0, dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC), None),
    )
    report = Report(
        title="Laporan",
        subtitle="Sub",
        generated="1 Feb 2025",
        sections=(
            Section(
                "Angka",
                text="Teks pertama.\n\nTeks kedua.",
                figures=(Figure("Units replicating", "18 of 30"), Figure("=cmd", "=1+1")),
                tables=(
                    TableBlock("Units: by [replicas]?", HEADERS, rows, NUMERIC),
                    TableBlock("Units: by [replicas]?", HEADERS, _rows(3), NUMERIC),
                ),
            ),
            Section("Summary", tables=(TableBlock("Summary", ("A",), (("x",),)),)),
        ),
    )
    wb = load_workbook(io.BytesIO(report_xlsx(report)))
    assert wb.sheetnames == ["Summary", "Units by replicas", "Units by replicas (2)", "Summary (2)"]
    assert wb.properties.title == "Laporan"
    assert wb.properties.language == "id"

    summary = wb["Summary"]
    values = [[c for c in row if c is not None] for row in summary.iter_rows(values_only=True)]
    assert values[0] == ["Laporan"]
    assert ["Teks pertama."] in values and ["Teks kedua."] in values
    assert ["Units replicating", "18 of 30"] in values
    assert ["'=cmd", "'=1+1"] in values  # formula-like text quoted
    assert ["Units: by [replicas]?", "Sheet: Units by replicas (2)"] in values
    assert summary["A1"].font.bold

    ws = wb["Units by replicas"]
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 10
    first, second, third = (list(r) for r in ws.iter_rows(min_row=2, values_only=True))
    assert first[0] == '\'=HYPERLINK("http://x","klik")'
    assert first[1] == "'+62 811"
    assert second[0] == "'@SUM(A1)"
    assert third[0] == "'-2+3"
    assert first[2] == 3 and isinstance(first[2], int)
    assert second[2] == -4  # a negative number stays a number
    assert first[3] == 2.5 and second[3] == 1.5
    assert first[4] == dt.datetime(2024, 5, 1)  # dates are dates
    assert ws["E2"].number_format == "yyyy-mm-dd"
    # an aware moment in the site's time zone (spreadsheets have no time zones)
    assert third[4] == timezone.make_naive(dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC))
    assert ws["E4"].number_format == "yyyy-mm-dd hh:mm"
    assert first[5] is True and second[5] is False
    for row in ws.iter_rows(min_row=2):
        assert row[0].data_type == "s"  # text, never a formula


def test_xlsx_of_5000_rows() -> None:
    report = _report(_rows(5000))
    start = time.perf_counter()
    content = report_xlsx(report)
    seconds = time.perf_counter() - start
    print(f"\nXLSX, 5,000 rows x 6 columns: {seconds:.2f} s, {len(content)} bytes")
    wb = load_workbook(io.BytesIO(content), read_only=True)
    ws = wb["Units by replicas"]
    assert sum(1 for _row in ws.iter_rows(values_only=True)) == 5001
    assert seconds < 20


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Units / agencies: 2025 [draft]?", "Units agencies 2025 draft"),
        ("'quoted'", "quoted"),
        ("", "Table"),
        ("A" * 40, "A" * 31),
    ],
)
def test_sheet_names(title: str, expected: str) -> None:
    assert sheet_name(title, set()) == expected


def test_sheet_names_unique_ignoring_case() -> None:
    taken: set[str] = set()
    names = [sheet_name(t, taken) for t in ("Units", "units", "UNITS", "B" * 40, "B" * 40)]
    assert names == ["Units", "units (2)", "UNITS (3)", "B" * 31, "B" * 27 + " (2)"]
    assert all(len(n) <= 31 for n in names)
