"""Reading the spreadsheets people import (innovations, units, people): CSV or XLSX, a header row
then one record per row, every problem reported with its line.

* :func:`read_rows` — (line number, cells) of every row of a CSV (UTF-8, with or without a BOM;
  comma, semicolon or tab) or of the first sheet of an XLSX workbook. Old ``.xls`` workbooks and
  unreadable files raise :class:`ImportFileError`, with a reason a person can act on.
* :func:`read_table` — the same, as records keyed by column name: the header row is found and
  checked (required columns, repeated ones, columns that are not imported), Indonesian names of
  columns are accepted when the importer gives them, and blank rows are skipped.
* :func:`neutralise_formulas` — a CSV's cells as the text to import: the quote an export put before
  a formula (:func:`lumbung.core.csvsafe.safe_cell`) is removed again, and a free-text cell that
  still starts like a formula is kept as text with a quote before it (see the function).
* :class:`Problem` — why a row (its line) or the whole file was rejected.

Each importer (``catalog.importing``, ``organisations.importing``) checks the rows' meaning itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .csvsafe import QUOTE, unquote_cell

#: How a text cell that a spreadsheet would run as a formula starts (``-`` is left out: lists in
#: texts start with it, and a spreadsheet reads ``-2`` as a number).
RAW_FORMULA_START: tuple[str, ...] = ("=", "+", "@")

Source = str | os.PathLike[str] | IO[bytes] | bytes


@dataclass(frozen=True)
class Problem:
    """Why a row (``line``) — or the whole file (``line is None``) — was rejected."""

    line: int | None
    message: str
    column: str = ""
    #: False when the problem rejects the whole file (unreadable, wrong columns …)
    row: bool = True

    def __str__(self) -> str:
        where = _("file") if self.line is None else _("line %(line)d") % {"line": self.line}
        if self.column:
            return f"{where} [{self.column}]: {self.message}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message, "column": self.column, "row": self.row}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        line = data.get("line")
        return cls(
            line=int(line) if line is not None else None,
            message=str(data.get("message", "")),
            column=str(data.get("column", "")),
            row=bool(data.get("row", True)),
        )


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, not UTF-8, no header …)."""


# --- reading the file ---------------------------------------------------------------------------
def read_bytes(source: Source) -> bytes:
    """The content of a path, an open binary file or bytes."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            return fh.read()
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def cell_text(value: Any) -> str:
    """An XLSX cell's value as the text a person typed (``2019.0`` is ``2019``, a date its ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_csv(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is not UTF-8 text (save it as “CSV UTF-8” or as XLSX).")
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            yield start, cells
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV cannot be read after line %(line)d: %(error)s")
            % {"line": last, "error": exc}
        ) from exc


def _read_xlsx(content: bytes) -> Iterator[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in values]
    finally:
        workbook.close()


def is_xlsx(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"  # a zip archive


def read_rows(content: bytes, filename: str = "") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every row of a CSV or XLSX file, header included."""
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if is_xlsx(content):
        return _read_xlsx(content)
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or filename.lower().endswith(".xls"):
        raise ImportFileError(_("Old .xls workbooks are not supported; save as XLSX or CSV."))
    return _read_csv(content)


def count_data_rows(content: bytes, *, stop_after: int | None = None) -> int:
    """How many non-blank rows follow the header (the first non-blank row); counting stops after
    ``stop_after`` (a limit is then known to be passed without reading a huge file to its end).
    Raises :class:`ImportFileError` when the file cannot be read."""
    count = -1  # the header is not a data row
    for _line, cells in read_rows(content):
        if any(c.strip() for c in cells):
            count += 1
            if stop_after is not None and count > stop_after:
                break
    return max(count, 0)


def column_name(header: str) -> str:
    """A header cell as a column name: ``Short name`` -> ``short_name``."""
    return re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").lower())


def column_mismatch(columns: list[str], required: Collection[str]) -> str:
    """Why the header's columns cannot be imported ("" when they can)."""
    missing = [c for c in required if c not in columns]
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if not (missing or duplicated):
        return ""
    message = _("The columns do not match: expected at least %(expected)s.") % {
        "expected": ", ".join(required)
    }
    if missing:
        message += " " + _("Missing: %(missing)s.") % {"missing": ", ".join(missing)}
    if duplicated:
        message += " " + _("Repeated: %(repeated)s.") % {"repeated": ", ".join(duplicated)}
    return message


# --- formulas in a CSV --------------------------------------------------------------------------
def neutralise_formulas(
    record: Mapping[str, str], text_columns: Collection[str]
) -> tuple[dict[str, str], bool]:
    """A CSV row's cells as the text to import, and whether a formula in it was neutralised.

    * A cell an export quoted — a single quote before ``=``, ``+``, ``-``, ``@``, a tab or a
      carriage return, as :func:`lumbung.core.csvsafe.safe_cell` writes it — loses that one
      quote: ``'=HYPERLINK(…)`` imports as ``=HYPERLINK(…)``, so an exported file imports back
      to the same text (every export quotes it again).
    * A free-text cell (``text_columns``) that still starts with ``=``, ``+`` or ``@`` is a raw
      spreadsheet formula. It is neutralised, not rejected: it is imported with a single quote
      before it (``=1+1`` is stored as ``'=1+1``), so that no row and no character is lost and
      the text stays text wherever it is copied. To import it without the quote, quote it in
      the file (``'=1+1``); to keep a leading quote, write two (``''=1+1``).

    Surrounding white space is removed first (texts are stored without it). XLSX rows do not
    pass through here: a cell typed as text is not a formula there.
    """
    out: dict[str, str] = {}
    neutralised = False
    for column, cell in record.items():
        text = (cell or "").strip()
        unquoted = unquote_cell(text)
        if unquoted != text:
            text = unquoted  # quoted in the file: meant as text
        elif column in text_columns and text.startswith(RAW_FORMULA_START):
            text = QUOTE + text
            neutralised = True
        out[column] = text
    return out, neutralised


def neutralised_notice(lines: list[int]) -> str:
    """The notice naming the lines whose formula-like text was kept as text."""
    shown = ", ".join(str(n) for n in lines[:20]) + (", …" if len(lines) > 20 else "")
    return ngettext(
        "Line %(lines)s: text starting with =, + or @ (a spreadsheet formula) is "
        "imported with a single quote (') before it, so that it stays text.",
        "Lines %(lines)s: text starting with =, + or @ (a spreadsheet formula) is "
        "imported with a single quote (') before it, so that it stays text.",
        len(lines),
    ) % {"lines": shown}


# --- a table: header and records ----------------------------------------------------------------
@dataclass
class Table:
    """The records of a file, each with its line, keyed by column name."""

    columns: list[str]
    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    #: how many non-blank rows follow the header (a row rejected while reading included)
    rows: int = 0
    #: lines whose cells were neutralised (see :func:`neutralise_formulas`)
    neutralised_lines: list[int] = field(default_factory=list)


def read_table(
    content: bytes,
    *,
    required: Collection[str],
    optional: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    text_columns: Collection[str] = (),
    filename: str = "",
    problems: list[Problem],
    notices: list[str],
) -> Table | None:
    """The file's records, or None when the file as a whole is rejected (the reason is then
    added to ``problems``, as a file problem).

    The header is the first non-blank row; its cells name the columns (``column_name``; a name in
    ``aliases`` — e.g. Indonesian ``instansi`` for ``agency`` — is read as the column it stands
    for). Every ``required`` column must be there, none twice; columns that are neither required
    nor ``optional`` are ignored, with a notice. A row with more cells than the header has
    columns is a row problem. In a CSV the cells pass through :func:`neutralise_formulas`.
    """
    try:
        rows = list(read_rows(content, filename))
    except ImportFileError as exc:
        problems.append(Problem(None, str(exc), row=False))
        return None
    header_index = next(
        (i for i, (_n, cells) in enumerate(rows) if any(c.strip() for c in cells)), None
    )
    if header_index is None:
        problems.append(Problem(None, _("The file has no header row."), row=False))
        return None
    header_line, header_cells = rows[header_index]
    columns = [column_name(c) for c in header_cells]
    columns = [(aliases or {}).get(c, c) for c in columns]
    while columns and not columns[-1]:
        columns.pop()
    mismatch = column_mismatch(columns, required)
    if mismatch:
        problems.append(Problem(header_line, mismatch, row=False))
        return None
    known = set(required) | set(optional)
    ignored = [c for c in columns if c and c not in known]
    if ignored:
        notices.append(
            _("These columns are not imported: %(columns)s.") % {"columns": ", ".join(ignored)}
        )
    table = Table(columns=columns)
    csv_file = not is_xlsx(content)
    for line, cells in rows[header_index + 1 :]:
        if not any(c.strip() for c in cells):
            continue
        table.rows += 1
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            problems.append(
                Problem(
                    line,
                    _("The row has %(cells)d cells but the header only %(columns)d columns.")
                    % {"cells": len(cells), "columns": len(columns)},
                )
            )
            continue
        record = {c: v for c, v in zip(columns, cells, strict=False) if c}
        if csv_file:
            record, neutralised = neutralise_formulas(record, text_columns)
            if neutralised:
                table.neutralised_lines.append(line)
        else:
            record = {c: (v or "").strip() for c, v in record.items()}
        table.records.append((line, record))
    if table.neutralised_lines:
        notices.append(neutralised_notice(table.neutralised_lines))
    return table
