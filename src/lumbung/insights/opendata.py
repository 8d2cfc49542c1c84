"""Open data as a Frictionless Data Package (https://specs.frictionlessdata.io/, version 1): a
``datapackage.json`` describing each table — its fields with a title and a description (the
field dictionary), its primary and foreign keys — and one UTF-8 CSV per table.

The module is generic: the caller describes its tables (:class:`Table`, :class:`Field`,
:class:`ForeignKey`) and supplies their rows as sequences of Python values in field order.

* :func:`descriptor` — the content of ``datapackage.json`` (profile ``tabular-data-package``).
* :func:`csv_lines` / :func:`csv_bytes` — a table as CSV, line by line (for a
  ``StreamingHttpResponse``) or whole.
* :func:`json_records` — a table's rows as JSON-ready records with typed values.
* :func:`zip_bytes` — a ``.zip`` holding ``datapackage.json`` and every table's CSV.

How values are written (CSV): ``None`` is the empty cell (the only missing value declared);
dates are ISO 8601 (``2024-05-01``); booleans ``true``/``false``; integers and numbers in plain
decimal notation (never thousands separators); a year as its four digits. A value that does not
have its field's Python type (a ``str`` in an integer field, say) is written as its text,
unchanged: the package then fails validation instead of the writer guessing.

Formula injection: a published CSV is opened in spreadsheets, where a cell starting with ``=``,
``+``, ``-`` or ``@`` (or a tab, a carriage return) runs as a formula. Text of *string* fields is
therefore written as :func:`lumbung.core.csvsafe.safe_cell` writes every export of the platform:
such text gets a single quote before it (``=1+1`` becomes ``'=1+1``; ``unquote_cell`` undoes
it). Only string fields are touched — numbers, dates and booleans cannot carry a formula, and a
negative number must stay a number — and values of a field's ``enum`` are left as they are (a
fixed vocabulary chosen by the publisher, which the quote would make invalid). The JSON records
are never quoted: JSON is not opened by spreadsheets. :data:`FORMULA_NOTE` says so in words a
publisher can add to the package's description.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from lumbung.core.csvsafe import safe_cell

FieldType = Literal["string", "integer", "number", "date", "boolean", "year"]

#: Names of packages and tables: lowercase letters, digits, ``-`` and ``_``.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: What the CSVs do to text that a spreadsheet would run as a formula (see the module docstring).
FORMULA_NOTE = (
    "In the CSV files, text that starts with =, +, - or @ (which a spreadsheet would run as a "
    "formula) is written with a single quote (') before it."
)

PROFILE = "tabular-data-package"
RESOURCE_PROFILE = "tabular-data-resource"


@dataclass(frozen=True)
class Field:
    """A column of a table, as the field dictionary describes it."""

    name: str
    type: FieldType
    title: str
    description: str
    required: bool = False
    #: the only values allowed (string fields), or None
    enum: tuple[str, ...] | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description,
        }
        if self.type == "date":
            out["format"] = "default"  # ISO 8601, YYYY-MM-DD
        if self.type == "boolean":
            out["trueValues"] = ["true"]
            out["falseValues"] = ["false"]
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of this table refer to ``reference_fields`` of the table named ``resource``."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of the package: one resource, one CSV file named ``<name>.csv``."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()

    def __post_init__(self) -> None:
        if not NAME_RE.match(self.name):
            raise ValueError(f"Table name {self.name!r}: use lowercase letters, digits, - and _")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"Table {self.name!r} has fields with the same name")
        known = set(names)
        for key in (self.primary_key, *(fk.fields for fk in self.foreign_keys)):
            unknown = [k for k in key if k not in known]
            if unknown:
                raise ValueError(f"Table {self.name!r} has no field {', '.join(unknown)}")
        for fk in self.foreign_keys:
            if not fk.fields or len(fk.fields) != len(fk.reference_fields):
                raise ValueError(f"Table {self.name!r}: a foreign key's fields do not pair up")

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "fields": [f.schema() for f in self.fields],
            "missingValues": [""],
        }
        if self.primary_key:
            out["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            out["foreignKeys"] = [
                {
                    "fields": list(fk.fields),
                    # Data Package v1: a table referring to itself names the resource ""
                    "reference": {
                        "resource": "" if fk.resource == self.name else fk.resource,
                        "fields": list(fk.reference_fields),
                    },
                }
                for fk in self.foreign_keys
            ]
        return out

    def resource(self) -> dict[str, Any]:
        return {
            "profile": RESOURCE_PROFILE,
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": self.schema(),
        }


@dataclass(frozen=True)
class Licence:
    """The package's licence, e.g. ``Licence("CC-BY-4.0",
    "https://creativecommons.org/licenses/by/4.0/", "Creative Commons Attribution 4.0")``."""

    name: str
    path: str
    title: str


def _timestamp(moment: dt.datetime) -> str:
    """RFC 3339, in UTC when the moment is aware (``2025-01-31T08:00:00Z``)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
        return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"
    return moment.replace(microsecond=0).isoformat()


def descriptor(
    tables: Iterable[Table],
    *,
    name: str,
    title: str,
    description: str,
    licence: Licence | tuple[str, str, str],
    created: dt.datetime,
    version: str,
    homepage: str | None = None,
) -> dict[str, Any]:
    """The content of ``datapackage.json`` for ``tables`` (Data Package v1, tabular).

    ``licence`` is (name, path, title) — an SPDX-style identifier, the licence's URL, its title.
    Every foreign key must refer to a table of the package (or to its own table)."""
    tables = list(tables)
    if not NAME_RE.match(name):
        raise ValueError(f"Package name {name!r}: use lowercase letters, digits, - and _")
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise ValueError("Two tables have the same name")
    for table in tables:
        for fk in table.foreign_keys:
            if fk.resource not in names:
                raise ValueError(f"Table {table.name!r} refers to unknown table {fk.resource!r}")
    lic = licence if isinstance(licence, Licence) else Licence(*licence)
    out: dict[str, Any] = {
        "profile": PROFILE,
        "name": name,
        "title": title,
        "description": description,
        "version": version,
        "created": _timestamp(created),
    }
    if homepage:
        out["homepage"] = homepage
    out["licenses"] = [{"name": lic.name, "path": lic.path, "title": lic.title}]
    out["resources"] = [t.resource() for t in tables]
    return out


# --- values -------------------------------------------------------------------------------------
def _number_text(value: float | Decimal) -> str:
    if isinstance(value, Decimal):
        if value.is_nan():
            return "NaN"
        if value.is_infinite():
            return "INF" if value > 0 else "-INF"
        return format(value, "f")
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:  # plain decimal notation, no exponent
        text = format(Decimal(text), "f")
    return text


def _csv_value(field: Field, value: Any) -> str:
    """One value as its CSV text (see the module docstring)."""
    if value is None:
        return ""
    kind = field.type
    if kind == "string":
        text = str(value)
        if field.enum is not None and text in field.enum:
            return text
        return str(safe_cell(text))
    if kind == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if kind in ("integer", "number") and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind == "number" and isinstance(value, float | Decimal):
        return _number_text(value)
    if kind == "date" and isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if kind == "year":
        if isinstance(value, dt.date):
            return f"{value.year:04d}"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:04d}"
    return str(value)  # not the field's type: written as is (the package is then invalid)


def _json_value(field: Field, value: Any) -> Any:
    """One value as a JSON value: integers, numbers and booleans typed, dates as ISO text."""
    if value is None:
        return None
    kind = field.type
    if kind == "string":
        return str(value)
    if kind == "number" and isinstance(value, Decimal | float):
        number = float(value)
        return number if math.isfinite(number) else None  # JSON has no NaN nor infinity
    if kind == "date" and isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if kind == "year" and isinstance(value, dt.date):
        return value.year
    return value


def _checked(table: Table, row: Sequence[Any], index: int) -> Sequence[Any]:
    if len(row) != len(table.fields):
        raise ValueError(
            f"Table {table.name!r}, row {index}: {len(row)} values for {len(table.fields)} fields"
        )
    return row


class _Line:
    """A file-like sink for :mod:`csv` that keeps the last line written."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text = text
        return len(text)


def csv_lines(table: Table, rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The table as CSV text, one record (header first) at a time, each ending with ``\\r\\n``
    (RFC 4180). Rows are read lazily: suited to a ``StreamingHttpResponse``."""
    sink = _Line()
    writer = csv.writer(sink, lineterminator="\r\n")
    writer.writerow([f.name for f in table.fields])
    yield sink.text
    fields = table.fields
    for index, row in enumerate(rows, start=1):
        writer.writerow(
            [_csv_value(f, v) for f, v in zip(fields, _checked(table, row, index), strict=True)]
        )
        yield sink.text


def csv_bytes(table: Table, rows: Iterable[Sequence[Any]]) -> bytes:
    """The table as a UTF-8 CSV file (no byte order mark)."""
    return "".join(csv_lines(table, rows)).encode("utf-8")


def json_records(table: Table, rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """The rows as records keyed by field name, with typed values (``null`` for None)."""
    fields = table.fields
    return [
        {
            f.name: _json_value(f, v)
            for f, v in zip(fields, _checked(table, row, index), strict=True)
        }
        for index, row in enumerate(rows, start=1)
    ]


def zip_bytes(
    tables_with_rows: Iterable[tuple[Table, Iterable[Sequence[Any]]]],
    *,
    name: str,
    title: str,
    description: str,
    licence: Licence | tuple[str, str, str],
    created: dt.datetime,
    version: str,
    homepage: str | None = None,
) -> bytes:
    """A ``.zip`` with ``datapackage.json`` and one ``<table>.csv`` per table, each resource of
    the descriptor also giving its file's size (``bytes``) and SHA-256 (``hash``)."""
    files: list[tuple[Table, bytes]] = [
        (table, csv_bytes(table, rows)) for table, rows in tables_with_rows
    ]
    package = descriptor(
        [t for t, _ in files],
        name=name,
        title=title,
        description=description,
        licence=licence,
        created=created,
        version=version,
        homepage=homepage,
    )
    for resource, (_table, content) in zip(package["resources"], files, strict=True):
        resource["bytes"] = len(content)
        resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2) + "\n"
        )
        for table, content in files:
            archive.writestr(table.path, content)
    return out.getvalue()
