"""A deterministic synthetic national-scale catalog for the search benchmark.

Innovations are written from the demo catalog's own sentences, with a third of the words swapped
for other words of the catalog and a region named, so the vocabulary, the sentence shapes and the
term frequencies look like the real thing (common words are very common: a conservative load for
the search back ends). Rows are bulk-inserted (no services, no index): the benchmark then times
the index build by itself.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable
from pathlib import Path

SECTOR_CODES = {
    "health": "health",
    "social": "social",
    "population administration": "population-administration",
    "education": "education",
    "economy": "economy",
    "environment": "environment",
    "public works": "public-works",
    "agriculture": "agriculture",
    "governance": "governance",
    "licensing": "licensing",
    "employment": "employment",
    "disaster management": "disaster-management",
    "land administration": "land-administration",
    "tax & revenue": "tax-revenue",
    "transport": "transport",
}
NAME_WORDS = [
    "Gerakan",
    "Layanan",
    "Sistem",
    "Aksi",
    "Gerai",
    "Rumah",
    "Kampung",
    "Desa",
    "Kartu",
    "Sahabat",
    "Peduli",
    "Cerdas",
    "Sehat",
    "Cepat",
    "Tanggap",
    "Mandiri",
    "Bersama",
    "Terpadu",
    "Keliling",
    "Pintar",
    "Ramah",
    "Jemput",
    "Bola",
    "Satu",
    "Pintu",
    "Bunda",
    "Anak",
    "Warga",
]
KINDS = ["ministry", "agency", "province", "regency", "city", "state_enterprise"]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def load_templates(csv_path: Path) -> list[dict[str, str]]:
    with open(csv_path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _mutate(rng: random.Random, text: str, pool: list[str], region: str) -> str:
    words = text.split()
    out = []
    for w in words:
        out.append(rng.choice(pool) if rng.random() < 0.3 else w)
    if out and rng.random() < 0.7:
        out.insert(rng.randrange(len(out)), f"di {region}")
    return " ".join(out)


def generate(
    n: int,
    csv_path: Path,
    *,
    seed: int = 20240306,
    batch: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    from django.db import transaction
    from django.utils import timezone

    from lumbung.catalog.models import Award, Innovation
    from lumbung.organisations.models import Agency, Region, Unit

    rng = random.Random(seed)
    templates = load_templates(csv_path)
    pool = sorted({w for t in templates for w in _words(t["problem"] + " " + t["solution"])})
    regions = list(Region.objects.exclude(level="province").values_list("code", "name"))
    if not regions:
        regions = [("", "Nusantara")]
    n_agencies = max(10, min(600, n // 150))
    with transaction.atomic():
        agencies = Agency.objects.bulk_create(
            [
                Agency(
                    name=f"Instansi Sintetis {i:04d}",
                    slug=f"instansi-sintetis-{i:04d}",
                    kind=KINDS[i % len(KINDS)],
                    region_id=regions[i % len(regions)][0] or None,
                )
                for i in range(n_agencies)
            ]
        )
        units = Unit.objects.bulk_create(
            [
                Unit(
                    agency=a,
                    name=f"{rng.choice(['Dinas', 'Puskesmas', 'Sentra', 'Balai', 'Bagian'])} "
                    f"{rng.choice(NAME_WORDS)} {j}",
                    slug=f"unit-{j}",
                    kind="other",
                    region_id=a.region_id,
                )
                for a in agencies
                for j in range(5)
            ]
        )
    now = timezone.now()
    region_names = dict(regions)
    done = 0
    while done < n:
        rows = []
        awards = []
        for k in range(done, min(n, done + batch)):
            t = templates[rng.randrange(len(templates))]
            unit = units[rng.randrange(len(units))]
            region = region_names.get(unit.region_id or "", "Nusantara")
            name_words = [rng.choice(NAME_WORDS), rng.choice(pool).capitalize()]
            if rng.random() < 0.5:
                name_words.append(rng.choice(pool).capitalize())
            name = " ".join(name_words)
            acronym = "".join(w[0] for w in name_words).upper() + str(k % 97)
            problem = _mutate(rng, t["problem"], pool, region)
            solution = _mutate(rng, t["solution"], pool, region)
            published = rng.random() < 0.95
            rows.append(
                Innovation(
                    agency_id=unit.agency_id,
                    unit_id=unit.pk,
                    slug=f"sintetis-{k}",
                    name=name,
                    acronym=acronym,
                    acronym_expansion=_mutate(
                        rng, t["acronym_expansion"] or t["name"], pool, region
                    ),
                    sector_id=SECTOR_CODES.get(t["sector"].strip().lower()) or None,
                    start_year=rng.randrange(2010, 2025),
                    problem=problem,
                    summary=solution,
                    implementation=solution,
                    publication_state="published" if published else "draft",
                    published_at=now if published else None,
                    status="continuing" if rng.random() < 0.85 else "stopped",
                    stage=rng.choice(["creation", "development", "institutionalisation"]),
                )
            )
        with transaction.atomic():
            created = Innovation.objects.bulk_create(rows, batch_size=1000)
            for innovation in created:
                if rng.random() < 0.08:
                    awards.append(
                        Award(
                            innovation_id=innovation.pk,
                            level=rng.choice(["top_99", "top_45", "top_40", "other"]),
                            year=rng.randrange(2014, 2025),
                            competition="KIPP",
                        )
                    )
            Award.objects.bulk_create(awards, batch_size=1000)
        done += len(rows)
        if progress:
            progress(done, n)
