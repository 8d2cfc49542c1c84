"""The open-data package writer: a Frictionless Data Package that the reference library
(frictionless, a test dependency only) validates, and its CSV and JSON variants."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from frictionless import validate

from lumbung.insights import opendata
from lumbung.insights.opendata import Field, ForeignKey, Table

INNOVATIONS = Table(
    name="innovations",
    title="Innovations",
    description="Public-service innovations in the catalog.",
    fields=(
        Field("id", "integer", "ID", "Identifier of the innovation.", required=True),
        Field("title", "string", "Title", "Name of the innovation.", required=True),
        Field("status", "string", "Status", "Publication status.", enum=("published", "draft")),
        Field("launched", "date", "Launched", "Date the innovation started."),
        Field("year", "year", "Year", "Year of the competition entry."),
        Field("score", "number", "Score", "Weighted score (0-100)."),
        Field("digital", "boolean", "Digital", "Whether the service is digital."),
    ),
    primary_key=("id",),
)

LINEAGE = Table(
    name="lineage",
    title="Lineage",
    description="Which innovation replicates which.",
    fields=(
        Field("replica_id", "integer", "Replica", "The replicating innovation.", required=True),
        Field("source_id", "integer", "Source", "The innovation replicated.", required=True),
        Field("since", "date", "Since", "Date the replication was recorded."),
    ),
    primary_key=("replica_id", "source_id"),
    foreign_keys=(
        ForeignKey(("replica_id",), "innovations", ("id",)),
        ForeignKey(("source_id",), "innovations", ("id",)),
    ),
)

INNOVATION_ROWS: list[tuple[Any, ...]] = [
    (1, "Sentra Terpadu “Kartini”", "published", dt.date(2021, 3, 4), 2021, 87.5, True),
    (2, '=HYPERLINK("http://x","klik")', "draft", None, None, None, None),
    (
        3,
        "Layanan Café Desa — Sleman",
        "published",
        dt.date(2023, 1, 9),
        dt.date(2023, 5, 1),
        Decimal("12.25"),
        False,
    ),
    (4, "-2+3", None, dt.datetime(2024, 2, 29, 10, 0), 2024, 3, False),
]
LINEAGE_ROWS: list[tuple[Any, ...]] = [
    (3, 1, dt.date(2023, 2, 1)),
    (4, 1, None),
    (4, 3, dt.date(2024, 3, 1)),
]

KWARGS: dict[str, Any] = {
    "name": "lumbung-open-data",
    "title": "Lumbung open data",
    "description": "Innovations and their replication. " + opendata.FORMULA_NOTE,
    "licence": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0"),
    "created": dt.datetime(2025, 1, 31, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    "version": "2025.1",
    "homepage": "https://lumbung.example.id/",
}


def _extract(content: bytes, where: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["datapackage.json", "innovations.csv", "lineage.csv"]
        archive.extractall(where)
    return where / "datapackage.json"


def _errors(report: Any) -> list[str]:
    return [err.message for task in report.tasks for err in task.errors] + [
        err.message for err in report.errors
    ]


def test_zip_is_a_valid_data_package(tmp_path: Path) -> None:
    content = opendata.zip_bytes(
        [(INNOVATIONS, INNOVATION_ROWS), (LINEAGE, iter(LINEAGE_ROWS))], **KWARGS
    )
    path = _extract(content, tmp_path)
    report = validate(str(path))
    assert report.valid, _errors(report)
    assert report.stats["tasks"] == 2

    package = json.loads(path.read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert package["created"] == "2025-01-31T08:00:00Z"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["homepage"] == "https://lumbung.example.id/"
    innovations, lineage = package["resources"]
    assert innovations["path"] == "innovations.csv"
    assert innovations["mediatype"] == "text/csv"
    assert innovations["encoding"] == "utf-8"
    assert innovations["hash"].startswith("sha256:")
    schema = lineage["schema"]
    assert schema["missingValues"] == [""]
    assert schema["primaryKey"] == ["replica_id", "source_id"]
    assert schema["foreignKeys"][0] == {
        "fields": ["replica_id"],
        "reference": {"resource": "innovations", "fields": ["id"]},
    }
    title = innovations["schema"]["fields"][1]
    assert title["title"] == "Title"
    assert title["description"] == "Name of the innovation."
    assert title["constraints"] == {"required": True}


def test_csv_values_and_formula_quoting() -> None:
    text = opendata.csv_bytes(INNOVATIONS, INNOVATION_ROWS).decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["id", "title", "status", "launched", "year", "score", "digital"]
    assert rows[1] == [
        "1",
        "Sentra Terpadu “Kartini”",
        "published",
        "2021-03-04",
        "2021",
        "87.5",
        "true",
    ]
    # a string field starting like a formula is quoted; empty cells for None
    assert rows[2] == ["2", '\'=HYPERLINK("http://x","klik")', "draft", "", "", "", ""]
    assert rows[3][1:] == [
        "Layanan Café Desa — Sleman",
        "published",
        "2023-01-09",
        "2023",
        "12.25",
        "false",
    ]
    # "-2+3" is text in a string field: quoted; a datetime in a date field is its date
    assert rows[4] == ["4", "'-2+3", "", "2024-02-29", "2024", "3", "false"]


def test_csv_lines_stream_one_record_each() -> None:
    lines = list(opendata.csv_lines(LINEAGE, iter(LINEAGE_ROWS)))
    assert lines == [
        "replica_id,source_id,since\r\n",
        "3,1,2023-02-01\r\n",
        "4,1,\r\n",
        "4,3,2024-03-01\r\n",
    ]
    multi = Table("notes", "Notes", "Notes.", (Field("text", "string", "Text", "Free text."),))
    assert list(opendata.csv_lines(multi, [("a\nb",)]))[1] == '"a\nb"\r\n'


def test_numbers_without_exponent() -> None:
    table = Table("n", "N", "N.", (Field("x", "number", "X", "A number."),))
    lines = list(opendata.csv_lines(table, [(1e-7,), (-1.5,), (2.0,), (float("nan"),)]))
    assert lines[1:] == ["0.0000001\r\n", "-1.5\r\n", "2\r\n", "NaN\r\n"]


def test_wrong_type_makes_the_package_invalid(tmp_path: Path) -> None:
    rows = [*INNOVATION_ROWS, ("abc", "Bad id", "draft", None, None, None, None)]
    content = opendata.zip_bytes([(INNOVATIONS, rows), (LINEAGE, LINEAGE_ROWS)], **KWARGS)
    report = validate(str(_extract(content, tmp_path)))
    assert not report.valid
    assert "type-error" in {err.type for task in report.tasks for err in task.errors}


def test_dangling_foreign_key_makes_the_package_invalid(tmp_path: Path) -> None:
    rows = [*LINEAGE_ROWS, (99, 1, None)]
    content = opendata.zip_bytes([(INNOVATIONS, INNOVATION_ROWS), (LINEAGE, rows)], **KWARGS)
    report = validate(str(_extract(content, tmp_path)))
    assert not report.valid
    assert "foreign-key" in {err.type for task in report.tasks for err in task.errors}


def test_json_records_are_typed() -> None:
    records = opendata.json_records(INNOVATIONS, INNOVATION_ROWS)
    assert records[0] == {
        "id": 1,
        "title": "Sentra Terpadu “Kartini”",
        "status": "published",
        "launched": "2021-03-04",
        "year": 2021,
        "score": 87.5,
        "digital": True,
    }
    # JSON is not opened by spreadsheets: no quote before a formula
    assert records[1]["title"].startswith("=HYPERLINK")
    assert records[1]["launched"] is None
    assert records[2]["year"] == 2023
    assert records[2]["score"] == 12.25 and isinstance(records[2]["score"], float)
    assert records[3]["launched"] == "2024-02-29"
    json.dumps(records)  # serialisable as is


def test_descriptor_checks() -> None:
    with pytest.raises(ValueError, match="lowercase"):
        Table("Bad Name", "T", "D", (Field("a", "string", "A", "A."),))
    with pytest.raises(ValueError, match="no field"):
        Table("t", "T", "D", (Field("a", "string", "A", "A."),), primary_key=("b",))
    with pytest.raises(ValueError, match="unknown table"):
        opendata.descriptor([LINEAGE], **KWARGS)
    with pytest.raises(ValueError, match="2 values for 3 fields"):
        opendata.csv_bytes(LINEAGE, [(1, 2)])
    self_ref = Table(
        "units",
        "Units",
        "Units.",
        (Field("id", "integer", "ID", "Id."), Field("parent_id", "integer", "Parent", "Parent.")),
        primary_key=("id",),
        foreign_keys=(ForeignKey(("parent_id",), "units", ("id",)),),
    )
    package = opendata.descriptor([self_ref], **KWARGS)
    assert package["resources"][0]["schema"]["foreignKeys"][0]["reference"]["resource"] == ""
