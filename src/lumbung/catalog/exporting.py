"""Export innovations as CSV, XLSX or JSON.

Rows are streamed from the database (a queryset iterator), so exports of hundreds of thousands of
innovations run in constant memory. The CSV/XLSX columns start with those of the import (the
demo's ``innovations.csv``) and add slug, region, stage, status (since when, why stopped), awards,
SDGs and lineage; the CSV reads back through :func:`lumbung.catalog.importing.import_innovations`
unchanged.

No cell runs as a spreadsheet formula: in the CSV, text that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a single quote before it (see
:mod:`lumbung.core.csvsafe`; the import removes it again), while numbers (years, the generation)
are written as they are; in the XLSX every cell is typed as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch, QuerySet

from lumbung.core.csvsafe import safe_cell

from .importing import GENERAL_UNIT_NAME
from .models import Award, Innovation

FORMATS = ("csv", "xlsx", "json")

COLUMNS: tuple[str, ...] = (
    # the import columns
    "name",
    "acronym_expansion",
    "agency",
    "unit",
    "year",
    "award",
    "sector",
    "problem",
    "solution",
    "source_url",
    # read back by the import when present
    "acronym",
    "start_year",
    "stage",
    "sdgs",
    "status",
    "status_since",
    "stop_reason",
    # for reading only
    "slug",
    "region",
    "publication",
    "awards",
    "replicated_from",
    "replication_form",
    "generation",
)

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``."""

CHUNK = 500


def export_queryset(*, include_all: bool = False) -> QuerySet[Innovation]:
    """Published innovations (every one with ``include_all``), ready to stream."""
    qs = Innovation.objects.select_related(
        "agency", "agency__region", "unit", "unit__region", "sector", "source"
    ).prefetch_related(
        Prefetch("awards", queryset=Award.objects.order_by("id")),
        "sdgs",
    )
    if not include_all:
        qs = qs.filter(publication_state=Innovation.State.PUBLISHED)
    return qs.order_by("agency__name", "unit__name", "name", "id")


def innovation_record(innovation: Innovation) -> dict[str, Any]:
    """One innovation as typed values (lists and numbers): the JSON form of a row."""
    awards = list(innovation.awards.all())
    primary = awards[0] if awards else None
    region = innovation.unit.region or innovation.agency.region
    return {
        "name": innovation.name,
        "acronym_expansion": innovation.acronym_expansion,
        "agency": innovation.agency.name,
        "unit": "" if innovation.unit.name == GENERAL_UNIT_NAME else innovation.unit.name,
        "year": (primary.year if primary else None) or innovation.start_year,
        "award": (primary.label or primary.get_level_display()) if primary else "",
        "sector": innovation.sector_id or "",
        "problem": innovation.problem,
        "solution": innovation.summary or innovation.implementation,
        "source_url": innovation.source_url_list,
        "acronym": innovation.acronym,
        "start_year": innovation.start_year,
        "stage": innovation.stage,
        "sdgs": sorted(s.number for s in innovation.sdgs.all()),
        "status": innovation.status,
        "status_since": innovation.status_since.isoformat() if innovation.status_since else "",
        "stop_reason": innovation.stop_reason,
        "slug": innovation.slug,
        "region": region.code if region else "",
        "publication": innovation.publication_state,
        "awards": [
            {
                "level": a.level,
                "label": a.label,
                "year": a.year,
                "competition": a.competition,
            }
            for a in awards
        ],
        "replicated_from": innovation.source.slug if innovation.source else "",
        "replication_form": innovation.replication_form,
        "generation": innovation.generation,
    }


def _award_text(award: dict[str, Any]) -> str:
    label = award["label"] or str(Award.Level(award["level"]).label)
    year = award["year"]
    return f"{label} ({year})" if year and str(year) not in label else label


def flat_row(record: dict[str, Any]) -> dict[str, str]:
    """A record as text cells for CSV and XLSX (lists joined with " ; ")."""
    out: dict[str, str] = {}
    for column in COLUMNS:
        value = record[column]
        if column == "awards":
            value = " ; ".join(_award_text(a) for a in value)
        elif isinstance(value, list):
            value = " ; ".join(str(v) for v in value)
        out[column] = "" if value is None else str(value)
    return out


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """A record as CSV cells: numbers as they are (``-5`` is a number, not a formula), text as
    in :func:`flat_row` with a quote before anything a spreadsheet would run as a formula."""
    row = flat_row(record)
    return {
        column: record[column] if _is_number(record[column]) else safe_cell(row[column])
        for column in COLUMNS
    }


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def iter_records(qs: QuerySet[Innovation]) -> Iterator[dict[str, Any]]:
    for innovation in qs.iterator(chunk_size=CHUNK):
        yield innovation_record(innovation)


def _counted(
    records: Iterator[dict[str, Any]], total: int, progress: ProgressCallback | None
) -> Iterator[dict[str, Any]]:
    for done, record in enumerate(records, start=1):
        yield record
        if progress:
            progress(done, total)


def write_csv(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count


def write_json(records: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """A JSON array written one record at a time."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_xlsx(records: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("innovations")

    def text_cell(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, even when the text starts with "="
        return cell

    sheet.append([text_cell(c) for c in COLUMNS])
    count = 0
    for record in records:
        row = flat_row(record)
        sheet.append([text_cell(row[c]) for c in COLUMNS])
        count += 1
    workbook.save(out)
    return count


def export_innovations(
    out: IO[bytes],
    *,
    fmt: str = "csv",
    include_all: bool = False,
    progress: ProgressCallback | None = None,
) -> int:
    """Write the innovations to the binary stream ``out``; returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    qs = export_queryset(include_all=include_all)
    total = qs.count()
    records = _counted(iter_records(qs), total, progress)
    if fmt == "xlsx":
        return write_xlsx(records, out)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        return write_csv(records, text) if fmt == "csv" else write_json(records, text)
    finally:
        text.flush()
        text.detach()
