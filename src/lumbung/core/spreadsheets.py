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
* :class:`Limits` and :func:`measure` — the most bytes and data rows an import takes (a web upload:
  ``LUMBUNG_IMPORT_MAX_BYTES`` / ``LUMBUNG_IMPORT_MAX_ROWS``; ``lumbung import`` its own options);
  a file over a limit is refused as a whole (:class:`ImportLimitError`) before any row is checked.
* :func:`control_character_problem` — a cell with a NUL or another control character (which
  PostgreSQL cannot store, and which no one types) rejects its row, with the column named.

Files are read as streams: a CSV through a text stream, an XLSX with openpyxl's read-only mode,
so that only the rows (never the file's bytes and text besides) are held in memory.

Each importer (``catalog.importing``, ``organisations.importing``) checks the rows' meaning itself.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .csvsafe import QUOTE, unquote_cell
from .files.sizes import file_size

#: How a text cell that a spreadsheet would run as a formula starts (``-`` is left out: lists in
#: texts start with it, and a spreadsheet reads ``-2`` as a number).
RAW_FORMULA_START: tuple[str, ...] = ("=", "+", "@")

Source = str | os.PathLike[str] | IO[bytes] | bytes

#: the limits of a web upload (``LUMBUNG_IMPORT_MAX_BYTES`` / ``LUMBUNG_IMPORT_MAX_ROWS``)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5_000

#: control characters a cell may not hold: C0 but tab, line feed and carriage return (a line
#: break inside a cell), and NUL above all, which PostgreSQL refuses in text
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

#: how much of a CSV's first line is read to guess its delimiter
_FIRST_LINE_CHARS = 64 * 1024


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


class ImportLimitError(ImportFileError):
    """The file is larger, or has more rows, than an import takes at once."""


@dataclass(frozen=True)
class Limits:
    """The most bytes and data rows (after the header, blank rows not counted) of one import."""

    rows: int
    bytes: int


def default_limits() -> Limits:
    """The limits of a web upload, and of every import that names none."""
    return Limits(
        rows=int(getattr(settings, "LUMBUNG_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
        bytes=int(getattr(settings, "LUMBUNG_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)),
    )


def too_large_message(size: int, limit: int) -> str:
    return _("The file is too large (%(size)s); the limit is %(limit)s.") % {
        "size": file_size(size),
        "limit": file_size(limit),
    }


def too_many_rows_message(limit: int) -> str:
    return _(
        "The file has more than %(limit)s rows; at most %(limit)s rows can be imported at "
        "once. Split it into smaller files."
    ) % {"limit": number_format(limit, force_grouping=True)}


# --- reading the file ---------------------------------------------------------------------------
@contextlib.contextmanager
def open_source(source: Source) -> Iterator[IO[bytes]]:
    """``source`` as a binary stream at its start: a path is opened (and closed again), bytes are
    wrapped, an open file is used as it is (it must be seekable; it is not closed).
    Raises :class:`ImportFileError` when a path cannot be opened."""
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(source)
        return
    if isinstance(source, str | os.PathLike):
        try:
            handle = open(source, "rb")  # noqa: SIM115  (closed below, after the caller's use)
        except OSError as exc:
            raise ImportFileError(_("The file cannot be read: %(error)s") % {"error": exc}) from exc
        with handle:
            yield handle
        return
    try:
        source.seek(0)
    except (OSError, ValueError) as exc:  # not seekable, or closed
        raise _unreadable(exc) from exc
    yield source


def source_size(source: Source) -> int:
    """The size of ``source`` in bytes, without reading it."""
    if isinstance(source, bytes | bytearray | memoryview):
        return len(source)
    if isinstance(source, str | os.PathLike):
        try:
            return os.stat(source).st_size
        except OSError as exc:
            raise ImportFileError(_("The file cannot be read: %(error)s") % {"error": exc}) from exc
    try:
        position = source.tell()
        try:
            return source.seek(0, os.SEEK_END)
        finally:
            source.seek(position)
    except (OSError, ValueError) as exc:  # not seekable, or closed
        raise _unreadable(exc) from exc


def _unreadable(exc: Exception) -> ImportFileError:
    return ImportFileError(_("The file cannot be read: %(error)s") % {"error": exc})


def source_head(source: Source, size: int = 8) -> bytes:
    """The first ``size`` bytes of ``source``."""
    with open_source(source) as stream:
        return stream.read(size)


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


def _not_utf8() -> ImportFileError:
    return ImportFileError(_("The file is not UTF-8 text (save it as “CSV UTF-8” or as XLSX)."))


def _read_csv(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV, read through a text stream (never the whole text at once)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        try:
            first_line = text.readline(_FIRST_LINE_CHARS)
            text.seek(0)
        except UnicodeDecodeError as exc:
            raise _not_utf8() from exc
        delimiter = max((",", ";", "\t"), key=first_line.count)
        reader = csv.reader(text, delimiter=delimiter)
        last = 0
        try:
            for cells in reader:
                start, last = last + 1, reader.line_num
                yield start, cells
        except UnicodeDecodeError as exc:
            raise _not_utf8() from exc
        except csv.Error as exc:
            raise ImportFileError(
                _("The CSV cannot be read after line %(line)d: %(error)s")
                % {"line": last, "error": exc}
            ) from exc
    finally:
        text.detach()  # the stream belongs to the caller: not closed with the text around it


def _read_xlsx(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """The rows of an XLSX's first sheet, read one by one (openpyxl's read-only mode)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in values]
    finally:
        workbook.close()


def is_xlsx(content: bytes) -> bool:
    """Whether ``content`` (a file's first bytes at least) is a zip archive, so an XLSX."""
    return content[:4] == b"PK\x03\x04"


def read_rows(source: Source, filename: str = "") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every row of a CSV or XLSX file, header included, read as the
    rows are asked for. Raises :class:`ImportFileError` (when the rows are read) when the file
    cannot be read."""
    with open_source(source) as stream:
        head = stream.read(64 * 1024)
        if not head.strip() and len(head) < 64 * 1024:
            raise ImportFileError(_("The file is empty."))
        stream.seek(0)
        if is_xlsx(head):
            yield from _read_xlsx(stream)
            return
        if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or filename.lower().endswith(".xls"):
            raise ImportFileError(_("Old .xls workbooks are not supported; save as XLSX or CSV."))
        yield from _read_csv(stream)


def count_data_rows(source: Source, *, stop_after: int | None = None) -> int:
    """How many non-blank rows follow the header (the first non-blank row); counting stops after
    ``stop_after`` (a limit is then known to be passed without reading a huge file to its end).
    Raises :class:`ImportFileError` when the file cannot be read."""
    count = -1  # the header is not a data row
    for _line, cells in read_rows(source):
        if any(c.strip() for c in cells):
            count += 1
            if stop_after is not None and count > stop_after:
                break
    return max(count, 0)


def measure(source: Source, limits: Limits | None = None, filename: str = "") -> int:
    """The number of data rows of ``source``, once it is known to be within ``limits`` (default
    :func:`default_limits`): raises :class:`ImportLimitError` as soon as a limit is passed (the
    size before anything is read, the rows while they are counted), and
    :class:`ImportFileError` when the file cannot be read."""
    limits = limits or default_limits()
    size = source_size(source)
    if size > limits.bytes:
        raise ImportLimitError(too_large_message(size, limits.bytes))
    count = -1  # the header is not a data row
    for _line, cells in read_rows(source, filename):
        if any(c.strip() for c in cells):
            count += 1
            if count > limits.rows:
                raise ImportLimitError(too_many_rows_message(limits.rows))
    return max(count, 0)


def control_character_problem(
    line: int, cells: Iterable[str], columns: list[str] | None = None
) -> Problem | None:
    """The problem of a row one of whose cells holds a control character (NUL, …), naming the
    first such cell's column (or its position), or None."""
    for index, cell in enumerate(cells):
        found = CONTROL_CHARACTERS.search(cell or "")
        if found is None:
            continue
        if columns is not None and index < len(columns) and columns[index]:
            column = columns[index]
        else:
            column = _("column %(number)d") % {"number": index + 1}
        return Problem(
            line,
            _(
                "The cell holds a control character (%(character)s, such as a NUL byte) that "
                "cannot be stored. Remove it from the file and import again."
            )
            % {"character": f"U+{ord(found.group()):04X}"},
            column=column,
        )
    return None


def header_problem(line: int, cells: list[str]) -> Problem | None:
    """The problem of a header row with a control character in it (a file problem)."""
    problem = control_character_problem(line, cells)
    if problem is None:
        return None
    return Problem(line, problem.message, column=problem.column, row=False)


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


def header_of(
    rows: Iterator[tuple[int, list[str]]], problems: list[Problem]
) -> tuple[int, list[str]] | None:
    """The header row (its line and cells): the first non-blank row that ``rows`` gives (the
    rows after it are left to be read). None, with a file problem, when there is none or it holds
    a control character."""
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        problem = header_problem(line, cells)
        if problem is not None:
            problems.append(problem)
            return None
        return line, cells
    problems.append(Problem(None, _("The file has no header row."), row=False))
    return None


def read_table(
    content: Source,
    *,
    required: Collection[str],
    optional: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    text_columns: Collection[str] = (),
    filename: str = "",
    problems: list[Problem],
    notices: list[str],
    limits: Limits | None = None,
) -> Table | None:
    """The file's records, or None when the file as a whole is rejected (the reason is then
    added to ``problems``, as a file problem).

    The file must be within ``limits`` (default :func:`default_limits`), which is checked first
    (:func:`measure`). The header is the first non-blank row; its cells name the columns
    (``column_name``; a name in ``aliases`` — e.g. Indonesian ``instansi`` for ``agency`` — is
    read as the column it stands for). Every ``required`` column must be there, none twice;
    columns that are neither required nor ``optional`` are ignored, with a notice. A row with
    more cells than the header has columns, or with a control character in a cell
    (:func:`control_character_problem`), is a row problem. In a CSV the cells pass through
    :func:`neutralise_formulas`.
    """
    try:
        measure(content, limits, filename)
        return _table(
            read_rows(content, filename),
            csv_file=not is_xlsx(source_head(content)),
            required=required,
            optional=optional,
            aliases=aliases,
            text_columns=text_columns,
            problems=problems,
            notices=notices,
        )
    except ImportFileError as exc:
        problems.append(Problem(None, str(exc), row=False))
        return None


def _table(
    rows: Iterator[tuple[int, list[str]]],
    *,
    csv_file: bool,
    required: Collection[str],
    optional: Collection[str],
    aliases: Mapping[str, str] | None,
    text_columns: Collection[str],
    problems: list[Problem],
    notices: list[str],
) -> Table | None:
    header = header_of(rows, problems)
    if header is None:
        return None
    header_line, header_cells = header
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
    for line, cells in rows:
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
        control = control_character_problem(line, cells, columns)
        if control is not None:
            problems.append(control)
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
