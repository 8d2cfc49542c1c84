"""The demo catalog's stages and statuses follow the documented rule of scripts/demo_stages.py."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "demo_stages", ROOT / "scripts" / "demo_stages.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_data_file_is_what_the_rule_gives(script):
    header, rows = script.read()
    extras = json.loads(script.EXTRAS_FILE.read_text(encoding="utf-8"))
    assert script.CSV_FILE.read_bytes().decode("utf-8") == script.render(header, rows, extras)
    assert script.main(["--check"]) == 0
    # every row says why, and whether the reason is quoted or derived
    for row in rows:
        assert row["stage"] in {"creation", "development", "institutionalisation"}
        assert row["stage_source"].startswith(("source: ", "derived: ")), row["name"]
        assert row["status"] == "continuing" and row["status_source"].startswith("derived: ")
    stated = [r for r in rows if r["stage_source"].startswith("source: ")]
    # a quoted reason is the row's own words
    for row in stated:
        quote = row["stage_source"].split("“", 1)[1].rstrip("”")
        assert quote in " ".join(f"{row['problem']} {row['solution']}".split())


def _row(name: str, **cells: str) -> dict[str, str]:
    base = {"agency": "Pemerintah Kota Contoh", "name": name, "year": "2019", "award": ""}
    base.update({"problem": "Masalah.", "solution": "Solusi."})
    base.update(cells)
    return base


def test_the_rule(script, monkeypatch):
    extras = {
        "awards": [
            {
                "agency": "Pemerintah Kota Contoh",
                "innovation": "Dua Kali",
                "level": "top_15",
                "year": 2021,
                "label": "Top 15 Kelompok Khusus 2021",
            },
            {
                "agency": "Pemerintah Kota Contoh",
                "innovation": "Tanpa Replika",
                "level": "top_15",
                "year": 2021,
                "label": "",
            },
        ],
        "lineage": [
            {"agency": "Pemerintah Kota Contoh", "innovation": "Tiruan", "source": "Dua Kali"},
        ],
    }
    monkeypatch.setattr(
        script,
        "STATED",
        {("Pemerintah Kota Contoh", "Perwal"): ("institutionalisation", "diatur Perwal 5/2020")},
    )
    rows = [
        _row("Dua Kali", award="Top 99"),
        _row("Tanpa Replika", award="Top 99"),
        _row("Sekali", award="Top 45 KIPP 2020", year="2017"),
        _row("Perwal", solution="Layanan keliling, diatur Perwal 5/2020."),
        _row("Baru"),
    ]
    header = [*rows[0]]
    out = {r["name"]: r for r in rows_of(script.render(header, rows, extras))}
    assert out["Dua Kali"]["stage"] == "institutionalisation"
    assert "2019" in out["Dua Kali"]["stage_source"] and "Tiruan" in out["Dua Kali"]["stage_source"]
    # awards in two years but no replica: developing
    assert out["Tanpa Replika"]["stage"] == "development"
    assert out["Sekali"]["stage"] == "development"
    assert "Top 45 KIPP 2020" in out["Sekali"]["stage_source"]
    assert out["Perwal"]["stage"] == "institutionalisation"
    assert out["Perwal"]["stage_source"] == "source: the row's text says “diatur Perwal 5/2020”"
    assert out["Baru"]["stage"] == "creation"
    assert out["Baru"]["stage_source"].startswith("derived: ")
    assert {r["status"] for r in out.values()} == {"continuing"}
    # a quote no longer in its row stops the script rather than keeping a stale reason
    rows[3]["solution"] = "Layanan keliling."
    with pytest.raises(SystemExit):
        script.render(header, rows, extras)
