"""Write the management stage and status of every demo innovation into ``innovations.csv``.

The demo catalog (``src/lumbung/catalog/data/demo/innovations.csv``) holds public data: each row
has its sources (``source_url``), a year and, for most, an award. This script derives, once, each
row's management stage (``creation`` → ``development`` → ``institutionalisation``, see
docs/domain.md "Stages") and status (``continuing`` / ``stopped``) from facts in that data, and
writes them into four columns so that a reviewer can check every decision row by row:

``stage``
    the stage, as the importer reads it;
``stage_source``
    why: ``source: …`` quotes the row's own text when it states the stage, ``derived: …`` names
    the facts the rule below used;
``status``
    ``continuing`` or ``stopped``;
``status_source``
    why, in the same way.

The rule, in order (the first that applies decides):

1. **Stated in the row's text.** When the row's ``problem`` or ``solution`` says that the
   innovation was made permanent by a rule, a decree or a standing budget (an SK, a Perbup,
   funding from the APBD or village funds: what docs/domain.md calls institutionalisation), the
   stage is ``institutionalisation``; when it says that the innovation has run since a given year
   or has grown (from N to M sites or households), the stage is ``development``. These
   statements are listed in :data:`STATED` with the exact words quoted; the script stops when a
   quote is not in the row any more.
2. **Recognised in several years and replicated** (derived): awards in two or more different
   years (the row's award and those of ``extras.json``) and at least one replica recorded in the
   demo lineage (``extras.json``) → ``institutionalisation``: an innovation that kept winning
   after its first award and was copied by another unit has outlived its creation and its
   development. (Sheltered Workshop Peduli: Top 40 in 2018, Top 15 of the special group for
   past winners in 2020, replicated by Sentra Dharma Guna.)
3. **Awarded or replicated** (derived): any award, or a replica in the lineage →
   ``development``: the competitions admit only innovations already running with results (KIPP
   asks for at least a year), so an awarded innovation is past its creation.
4. **Otherwise** (derived) → ``creation``, the model's default: the data records no award, no
   replica and no rule. The start year alone is not used: it says nothing about whether the
   innovation ran on afterwards.

Status: no row's sources say that its innovation stopped, so every row is ``continuing``
(derived), with no date (the sources give none). A row whose source does say it stopped would be
added to :data:`STOPPED` with the quote, the date and the reason.

Run from the repository's root, with any Python 3.11 (no dependency):

    python scripts/demo_stages.py          # (re)write the four columns
    python scripts/demo_stages.py --check  # exit 1 when the file differs from what the rule gives

The file keeps its other cells, its order and its line endings (CRLF).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "lumbung" / "catalog" / "data" / "demo"
CSV_FILE = DEMO / "innovations.csv"
EXTRAS_FILE = DEMO / "extras.json"

CREATION = "creation"
DEVELOPMENT = "development"
INSTITUTIONALISATION = "institutionalisation"
CONTINUING = "continuing"
STOPPED_STATUS = "stopped"

#: The columns this script writes, after the file's other columns.
COLUMNS = ("stage", "stage_source", "status", "status_source")

#: (agency, innovation) -> (stage, the words of the row's problem or solution that state it).
STATED: dict[tuple[str, str], tuple[str, str]] = {
    ("Pemerintah Kabupaten Aceh Singkil", "Kemitraan Bidan dan Dukun"): (
        INSTITUTIONALISATION,
        "dukun ditetapkan dengan SK kepala desa, diberi insentif dari dana desa",
    ),
    ("Pemerintah Kabupaten Banyuwangi", "Rantang Kasih"): (
        INSTITUTIONALISATION,
        "didanai APBD, dana desa, Baznas dan CSR",
    ),
    ("Pemerintah Kabupaten Lombok Utara", "APDOL"): (
        INSTITUTIONALISATION,
        "diperkuat Perbup 48/2022",
    ),
    ("Pemerintah Kota Palembang", "BERKAS"): (
        DEVELOPMENT,
        "Sekolah dasar inklusif sejak 2013",
    ),
    ("Pemerintah Kota Kediri", "SURGA"): (
        DEVELOPMENT,
        "Layanan pengaduan Suara Warga sejak 2014",
    ),
    ("Pemerintah Kabupaten Luwu Utara", "Getar Dilan"): (
        DEVELOPMENT,
        "dari 275 rumah tangga miskin pada 2019 menjadi sekitar 10.000 KK",
    ),
    ("Pemerintah Kabupaten Penajam Paser Utara", "Serbu Gass"): (
        DEVELOPMENT,
        "lebih dari 100 bank sampah unit di desa/kelurahan",
    ),
}

#: (agency, innovation) -> (quote, date YYYY-MM-DD, reason) for rows whose sources say they
#: stopped. None does today.
STOPPED: dict[tuple[str, str], tuple[str, str, str]] = {}


@dataclass(frozen=True)
class Decision:
    stage: str
    stage_source: str
    status: str
    status_source: str

    def cells(self) -> list[str]:
        return [self.stage, self.stage_source, self.status, self.status_source]


def _label_year(label: str) -> int | None:
    match = re.search(r"\b(19|20)\d{2}\b", label)
    return int(match.group(0)) if match else None


def _key(agency: str, name: str) -> tuple[str, str]:
    return (" ".join(agency.split()), " ".join(name.split()))


@dataclass
class Facts:
    """What the demo data records about one innovation besides its row."""

    award_years: dict[tuple[str, str], list[tuple[int, str]]]
    replicas: dict[tuple[str, str], list[str]]

    @classmethod
    def gather(cls, rows: Iterable[dict[str, str]], extras: dict) -> Facts:
        award_years: dict[tuple[str, str], list[tuple[int, str]]] = {}
        for row in rows:
            label = row["award"].strip()
            year = _label_year(label) or (int(row["year"]) if row["year"].strip() else None)
            if label and year:
                award_years.setdefault(_key(row["agency"], row["name"]), []).append((year, label))
        for award in extras.get("awards", []):
            key = _key(award["agency"], award["innovation"])
            label = award.get("label") or award["level"]
            award_years.setdefault(key, []).append((int(award["year"]), label))
        replicas: dict[tuple[str, str], list[str]] = {}
        for link in extras.get("lineage", []):
            replicas.setdefault(_key(link["agency"], link["source"]), []).append(link["innovation"])
        return cls(award_years, replicas)


def _stated(row: dict[str, str], key: tuple[str, str]) -> str:
    """Why the stated stage: the quote; stops when the quote is not in the row any more."""
    quote = STATED[key][1]
    text = " ".join(f"{row['problem']} {row['solution']}".split())
    if quote not in text:
        sys.exit(f"{key}: the quote {quote!r} is no longer in the row's text; update STATED")
    return f"source: the row's text says “{quote}”"


def decide(row: dict[str, str], facts: Facts) -> Decision:
    """The stage and status of one row, by the rule of the module's docstring."""
    key = _key(row["agency"], row["name"])
    awards = sorted(facts.award_years.get(key, []))
    years = sorted({year for year, _label in awards})
    replicas = facts.replicas.get(key, [])
    award_text = "; ".join(
        label if str(year) in label else f"{label} ({year})" for year, label in awards
    )
    replica_text = ", ".join(replicas)
    if key in STATED:
        stage, source = STATED[key][0], _stated(row, key)
    elif len(years) >= 2 and replicas:
        stage = INSTITUTIONALISATION
        source = (
            f"derived: awards in {len(years)} different years ({award_text}) and replicated "
            f"({replica_text})"
        )
    elif awards or replicas:
        stage = DEVELOPMENT
        parts = [f"award {award_text}"] if awards else []
        parts += [f"replicated ({replica_text})"] if replicas else []
        source = f"derived: {'; '.join(parts)} (awarded or copied: it already runs with results)"
    else:
        stage = CREATION
        source = "derived: the data records no award, no replica and no rule"
    if key in STOPPED:
        quote, date, reason = STOPPED[key]
        status = STOPPED_STATUS
        status_source = f"source: “{quote}” (stopped {date}: {reason})"
    else:
        status = CONTINUING
        status_source = "derived: no source says that it stopped"
    return Decision(stage, source, status, status_source)


def read(path: Path = CSV_FILE) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def render(header: list[str], rows: list[dict[str, str]], extras: dict) -> str:
    """The file's text with the four columns (re)computed."""
    base = [c for c in header if c not in COLUMNS]
    facts = Facts.gather(rows, extras)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*base, *COLUMNS])
    for row in rows:
        writer.writerow([row[c] for c in base] + decide(row, facts).cells())
    missing = (set(STATED) | set(STOPPED)) - {_key(r["agency"], r["name"]) for r in rows}
    if missing:
        sys.exit(f"no row for {sorted(missing)}; update STATED or STOPPED")
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the file is not what the rule gives"
    )
    args = parser.parse_args(argv)
    header, rows = read()
    extras = json.loads(EXTRAS_FILE.read_text(encoding="utf-8"))
    text = render(header, rows, extras)
    current = CSV_FILE.read_bytes().decode("utf-8")  # bytes: read_text would turn CRLF into LF
    if args.check:
        if current != text:
            print(f"{CSV_FILE} differs from the rule: run python {Path(__file__).name}")
            return 1
        print(f"{CSV_FILE} matches the rule.")
        return 0
    CSV_FILE.write_bytes(text.encode("utf-8"))
    counts: dict[str, int] = {}
    for line in csv.DictReader(io.StringIO(text)):
        counts[line["stage"]] = counts.get(line["stage"], 0) + 1
    print(f"Wrote {CSV_FILE}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
