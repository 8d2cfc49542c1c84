"""Look-alikes: a deterministic national catalog's replicas and near-copies of the demo catalog.

A national catalog is full of look-alikes — replicas and similar innovations in other regions
whose texts repeat an original's. From the real demo rows (``innovations.csv``) this writes a CSV
in the demo's own format (the product imports it with ``import_innovations``) with ``n``
look-alikes. Each copies one original (originals are taken in turn, in a seeded order, so every
original gets ``n / 87`` look-alikes, ±1):

* its texts (problem, solution — the import stores it as summary and implementation — and the
  acronym expansion) with about 15 % of the words changed: swapped for a word of another row,
  dropped or written twice; and its region named in the texts ("di Kabupaten X");
* a NEW name: a generic prefix (Layanan, Program, Rumah, Gerakan …) and words, sometimes one
  word of the original's name, sometimes a word of its texts; unique in the file;
* another agency (``Pemerintah Kabupaten X`` / ``Pemerintah Kota X``, a region other than the
  original's, which the import finds by name) and a unit of the sector's local office;
* no award, a start year after the original's, stage mostly creation or development, status
  continuing, and fewer or no sources (no source address most of the time).

Which original each look-alike copies is written to a separate JSON file (``--truth``), for the
judgements only: nothing in the CSV names the original (no lineage the product could read).

    python benchmarks/search/lookalikes.py 2000 /tmp/lookalikes.csv --truth /tmp/truth.json
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEMO_CSV = ROOT / "src/lumbung/catalog/data/demo/innovations.csv"
REGIONS_CSV = ROOT / "src/lumbung/organisations/data/regions.csv"
SEED = 20261130
CHANGE_RATE = 0.15
#: The year the import accepts at most (it refuses a start year in the future).
LAST_YEAR = 2026

NAME_PREFIXES = [
    "Layanan",
    "Program",
    "Rumah",
    "Gerakan",
    "Gerai",
    "Kampung",
    "Sistem",
    "Aksi",
    "Sahabat",
    "Pojok",
    "Klinik",
    "Sekolah",
    "Pusat",
    "Jaringan",
]
NAME_WORDS = [
    "Sehat",
    "Cerdas",
    "Terpadu",
    "Mandiri",
    "Peduli",
    "Bersama",
    "Tanggap",
    "Cepat",
    "Ramah",
    "Keliling",
    "Pintar",
    "Jemput",
    "Bola",
    "Warga",
    "Bunda",
    "Anak",
    "Desa",
    "Digital",
    "Maju",
    "Berdaya",
    "Sigap",
    "Prima",
    "Emas",
    "Lestari",
    "Bahagia",
    "Sejahtera",
    "Hebat",
    "Inklusif",
    "Satu",
    "Pintu",
]
#: The sector's local office (the unit of a look-alike), by the demo's sector column.
SECTOR_UNITS = {
    "health": ["Dinas Kesehatan", "UPTD Puskesmas {place}", "RSUD {place}"],
    "social": ["Dinas Sosial", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"],
    "population administration": ["Dinas Kependudukan dan Pencatatan Sipil"],
    "education": ["Dinas Pendidikan", "Dinas Perpustakaan dan Kearsipan"],
    "economy": ["Dinas Koperasi dan Usaha Mikro", "Dinas Perdagangan"],
    "environment": ["Dinas Lingkungan Hidup"],
    "public works": ["Dinas Pekerjaan Umum dan Penataan Ruang"],
    "agriculture": ["Dinas Pertanian", "Dinas Ketahanan Pangan"],
    "governance": ["Sekretariat Daerah", "Badan Perencanaan Pembangunan Daerah"],
    "licensing": ["Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"],
    "employment": ["Dinas Tenaga Kerja"],
    "disaster management": ["Badan Penanggulangan Bencana Daerah"],
    "land administration": ["Dinas Pertanahan"],
    "tax & revenue": ["Badan Pendapatan Daerah"],
    "transport": ["Dinas Perhubungan"],
}
STAGES = [("creation", 0.55), ("development", 0.40), ("institutionalisation", 0.05)]
WORD = re.compile(r"[^\W_]+")


def load_rows(path: Path = DEMO_CSV) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def load_regions(path: Path = REGIONS_CSV) -> list[str]:
    """Regency and city names that name one region only (the import finds them by name)."""
    with open(path, encoding="utf-8", newline="") as f:
        names = [r["name"] for r in csv.DictReader(f) if r["level"] in {"regency", "city"}]
    return sorted(n for n in set(names) if names.count(n) == 1)


def mutate(rng: random.Random, text: str, donors: list[list[str]], region: str | None) -> str:
    """``text`` with about 15 % of its words changed (a donor row's word, dropped or doubled)
    and, when ``region`` is given, "di <region>" inserted at a word boundary."""
    out: list[str] = []
    for word in text.split():
        if rng.random() >= CHANGE_RATE:
            out.append(word)
            continue
        action = rng.random()
        if action < 0.5:
            out.append(rng.choice(rng.choice(donors)))
        elif action < 0.75:
            out += [word, word]
        # else: dropped
    if region is not None:
        out.insert(rng.randrange(len(out) + 1), f"di {region}")
    return " ".join(out)


def _name_words(row: dict[str, str]) -> list[str]:
    return [w for w in WORD.findall(row["name"]) if len(w) >= 3]


def _text_words(row: dict[str, str]) -> list[str]:
    return [w for w in WORD.findall(row["problem"] + " " + row["solution"]) if len(w) >= 5]


def new_name(rng: random.Random, row: dict[str, str], place: str, taken: set[str]) -> str:
    """A name unlike the original's: a generic prefix and words, sometimes a word of the
    original's name or texts; made unique by the place's name and further words."""
    words = [rng.choice(NAME_PREFIXES)]
    pick = rng.random()
    original = _name_words(row)
    topical = _text_words(row)
    if pick < 0.35 and original:
        words.append(rng.choice(original).capitalize())
    elif pick < 0.65 and topical:
        words.append(rng.choice(topical).capitalize())
    words.append(rng.choice(NAME_WORDS))
    name = " ".join(words)
    if name.casefold() in taken:
        name = f"{name} {place}"
    while name.casefold() in taken:
        name = f"{name} {rng.choice(NAME_WORDS)}"
    taken.add(name.casefold())
    return name


def _slug(text: str) -> str:
    return "-".join(w.lower() for w in WORD.findall(text))


def _stage(rng: random.Random) -> str:
    x = rng.random()
    for stage, share in STAGES:
        if x < share:
            return stage
        x -= share
    return STAGES[-1][0]


def _start_year(rng: random.Random, year: str) -> str:
    if year.strip().isdigit():
        return str(min(LAST_YEAR, int(year) + rng.randint(1, 4)))
    return str(rng.randint(LAST_YEAR - 2, LAST_YEAR))


def lookalike(
    rng: random.Random,
    row: dict[str, str],
    donors: list[list[str]],
    region: str,
    taken: set[str],
) -> dict[str, str]:
    """One look-alike of ``row`` in ``region`` (a regency or city name)."""
    place = region.split(" ", 1)[1]  # "Kabupaten Bantul" -> "Bantul"
    unit = rng.choice(SECTOR_UNITS.get(row["sector"].strip().lower(), ["Sekretariat Daerah"]))
    name = new_name(rng, row, place, taken)
    in_problem = rng.random() < 0.6
    url = ""
    if row["source_url"].strip() and rng.random() < 0.35:
        kind = "kab" if region.startswith("Kabupaten") else "kota"
        url = f"https://{_slug(place).replace('-', '')}{kind}.go.id/inovasi/{_slug(name)}"
    return {
        "name": name,
        "acronym_expansion": mutate(rng, row["acronym_expansion"], donors, None)
        if row["acronym_expansion"].strip()
        else "",
        "agency": f"Pemerintah {region}",
        "unit": unit.format(place=place),
        "year": _start_year(rng, row["year"]),
        "award": "",
        "sector": row["sector"],
        "problem": mutate(rng, row["problem"], donors, region if in_problem else None),
        "solution": mutate(
            rng, row["solution"], donors, region if not in_problem or rng.random() < 0.5 else None
        ),
        "source_url": url,
        "stage": _stage(rng),
        "stage_source": "synthetic look-alike (benchmarks/search/lookalikes.py)",
        "status": "continuing",
        "status_source": "synthetic look-alike (benchmarks/search/lookalikes.py)",
    }


def generate(n: int, out_csv: Path, *, demo: Path = DEMO_CSV, seed: int = SEED) -> dict[str, str]:
    """Write ``n`` look-alikes of the demo rows to ``out_csv`` (the demo's columns); return
    {look-alike name: original name}."""
    rng = random.Random(seed)
    columns, rows = load_rows(demo)
    regions = load_regions()
    texts = [WORD.findall(r["problem"] + " " + r["solution"]) for r in rows]
    taken = {r["name"].casefold() for r in rows}
    order = list(range(len(rows)))
    rng.shuffle(order)
    # another region than the original's agency names
    elsewhere = [
        [r for r in regions if r.split(" ", 1)[1].casefold() not in row["agency"].casefold()]
        for row in rows
    ]
    truth: dict[str, str] = {}
    with open(out_csv, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for k in range(n):
            i = order[k % len(order)]
            row = rows[i]
            donors = texts[:i] + texts[i + 1 :]
            region = rng.choice(elsewhere[i])
            copy = lookalike(rng, row, donors, region, taken)
            writer.writerow({c: copy.get(c, "") for c in columns})
            truth[copy["name"]] = row["name"]
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="look-alikes to write")
    parser.add_argument("out", type=Path, help="the CSV to write")
    parser.add_argument("--truth", type=Path, help="JSON {look-alike name: original name}")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    truth = generate(args.n, args.out, seed=args.seed)
    if args.truth:
        args.truth.write_text(json.dumps(truth, ensure_ascii=False, indent=1))
    print(f"{len(truth)} look-alikes written to {args.out}")


if __name__ == "__main__":
    main()
