"""Dashboards and reports at national scale: the time of each page on a generated data set, as a
ratio to the same page on an empty database measured in the same run.

Not a timed test. The data set is deterministic (``random.Random(12)``) and written with bulk
inserts; ``--scale 1`` is the issue's size (600 agencies, 30,000 units, 500,000 innovations,
200,000 replication projects, 1,000,000 measurements); smaller scales keep the proportions.

    PYTHONPATH=src .venv/bin/python benchmarks/insights/run.py --scale 0.05
    PYTHONPATH=src .venv/bin/python benchmarks/insights/run.py --scale 0.05 --postgres postgres://postgres@127.0.0.1:5432/

Targets (issue "Outcomes and insights"): ≤ 300 ms per dashboard, ≤ 5 s per programme report (PDF).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import harness

FULL = {
    "agencies": 600,
    "units": 30_000,
    "innovations": 500_000,
    "projects": 200_000,
    "measurements": 1_000_000,
}


def build(scale: float) -> dict[str, object]:
    """Agencies, units, innovations (a third of them replicas of earlier ones), projects of one
    programme and others, indicators and measurements — bulk inserts, no services (their rules are
    tested elsewhere; here only reading is measured)."""
    from django.db import transaction
    from django.utils import timezone

    from lumbung.catalog.models import Innovation, Sector
    from lumbung.organisations.models import Agency, Region, Unit
    from lumbung.outcomes.models import Indicator, Measurement
    from lumbung.replication.models import Programme, ReplicationProject

    rng = random.Random(12)
    n = {k: max(int(v * scale), 5) for k, v in FULL.items()}
    regencies = list(Region.objects.filter(level="regency").values_list("code", flat=True)) or [
        None
    ]
    sectors = list(Sector.objects.values_list("code", flat=True))
    now = timezone.now()
    with transaction.atomic():
        agencies = Agency.objects.bulk_create(
            [
                Agency(name=f"Instansi {i}", slug=f"instansi-{i}", kind="regency")
                for i in range(n["agencies"])
            ],
            batch_size=2000,
        )
        units = Unit.objects.bulk_create(
            [
                Unit(
                    agency=agencies[i % len(agencies)],
                    name=f"Unit {i}",
                    slug=f"unit-{i}",
                    kind="dinas",
                    region_id=rng.choice(regencies),
                )
                for i in range(n["units"])
            ],
            batch_size=2000,
        )
        rows = []
        for i in range(n["innovations"]):
            unit = units[rng.randrange(len(units))]
            rows.append(
                Innovation(
                    agency_id=unit.agency_id,
                    unit=unit,
                    slug=f"inovasi-{i}",
                    name=f"Inovasi {i}",
                    sector_id=rng.choice(sectors),
                    stage=rng.choice(["creation", "development", "institutionalisation"]),
                    status="stopped" if rng.random() < 0.18 else "continuing",
                    start_year=rng.randint(2014, 2025),
                    publication_state="published" if rng.random() < 0.9 else "draft",
                    published_at=now,
                )
            )
        innovations = Innovation.objects.bulk_create(rows, batch_size=2000)
        originals = innovations[: len(innovations) // 50]
        replicas = []
        for inn in innovations[len(innovations) // 3 :: 3]:
            inn.source = rng.choice(originals)
            inn.generation = 1
            inn.replication_form = "adaptation"
            replicas.append(inn)
        Innovation.objects.bulk_update(
            replicas, ["source", "generation", "replication_form"], batch_size=2000
        )
        programme = Programme.objects.create(
            name="Program Nasional",
            slug="program-nasional",
            agency=agencies[0],
            start_date=dt.date(2020, 1, 1),
            coverage_target=n["projects"] // 10,
        )
        programme.sources.add(originals[0])
        projects = []
        for i in range(n["projects"]):
            unit = units[rng.randrange(len(units))]
            projects.append(
                ReplicationProject(
                    source=originals[0] if i % 10 == 0 else rng.choice(originals),
                    adopting_unit=unit,
                    adopting_agency_id=unit.agency_id,
                    programme=programme if i % 10 == 0 else None,
                    declared_form="adoption",
                    stage=rng.choice(
                        [
                            "preparation",
                            "planning",
                            "implementation",
                            "evaluation",
                            "institutionalised",
                        ]
                    ),
                )
            )
        ReplicationProject.objects.bulk_create(projects, batch_size=2000)
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(
                    innovation=o,
                    name="Warga terlayani",
                    unit_of_measure="orang",
                    better="higher",
                    frequency="quarterly",
                )
                for o in originals
            ],
            batch_size=2000,
        )
        measured = [(o, ind) for o, ind in zip(originals, indicators, strict=True)]
        ms = []
        for i in range(n["measurements"]):
            o, ind = measured[i % len(measured)]
            ms.append(
                Measurement(
                    indicator=ind,
                    innovation=o,
                    period_end=dt.date(2015, 1, 1) + dt.timedelta(days=91 * (i // len(measured))),
                    kind="follow_up",
                    value=rng.random() * 100,
                    evidence="bench",
                )
            )
        Measurement.objects.bulk_create(ms, batch_size=5000)
    return {"programme": programme.slug, "family": originals[0].slug, "unit": units[0].pk, "n": n}


def _time(client, url: str, rounds: int) -> tuple[float, float]:
    """The first request (cold: e.g. the Bass fit computed) and the median of the next ones
    (warm: templates compiled, a fitted curve cached)."""

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return harness.median(get, 1), harness.median(get, rounds)


def pages(ids: dict[str, object]) -> dict[str, str]:
    """The pages measured, as a platform admin (who sees every record) unless named public."""
    return {
        "portfolio dashboard": "/wawasan/",
        "portfolio (public)": "/wawasan/",
        "programme dashboard": f"/wawasan/program/{ids['programme']}/",
        "family diffusion": f"/wawasan/difusi/{ids['family']}/",
        "innovation index": "/wawasan/indeks/",
        "facilitator follow-up": "/wawasan/fasilitasi/",
        "programme report (PDF)": f"/wawasan/program/{ids['programme']}/laporan.pdf",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", default="", help="e.g. postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = (
            harness.pg_database(args.postgres, "lumbung_bench_insights")
            if args.postgres
            else f"sqlite:///{tmp}/bench.sqlite3"
        )
        harness.setup_django(url, Path(tmp))
        from django.test import Client

        from lumbung.organisations.models import Agency, User
        from lumbung.replication.models import Programme

        admin = User.objects.create_superuser("bench", "bench@example.org", "x")
        client = Client()
        client.force_login(admin)
        Agency.objects.create(name="Kosong", slug="kosong", kind="regency")
        empty_programme = Programme.objects.create(
            name="Kosong",
            slug="kosong",
            agency=Agency.objects.get(slug="kosong"),
            start_date=dt.date(2020, 1, 1),
            coverage_target=10,
        )
        from lumbung.catalog.models import Innovation
        from lumbung.organisations.models import Unit

        unit = Unit.objects.create(agency=empty_programme.agency, name="U", slug="u", kind="dinas")
        Innovation.objects.create(
            agency=unit.agency,
            unit=unit,
            slug="kosong",
            name="Kosong",
            publication_state="published",
        )
        public = Client()

        def who(name: str) -> Client:
            return public if "public" in name else client

        empty = {
            k: _time(who(k), u, args.rounds)[1]
            for k, u in pages({"programme": "kosong", "family": "kosong"}).items()
        }
        start = time.perf_counter()
        ids = build(args.scale)
        print(f"built {ids['n']} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        from lumbung.insights import summary

        start = time.perf_counter()
        rows = summary.rebuild()
        rebuilt = time.perf_counter() - start
        engine = "PostgreSQL" if args.postgres else "SQLite"
        print(f"\n{engine}, scale {args.scale}: {ids['n']}")
        print(f"portfolio summary rebuilt: {rows} rows in {rebuilt:.1f} s")
        head = f"{'page':26} {'empty':>7} {'first':>7} {'median':>7} {'ratio':>6}"
        print(head + "  (ms; ratio = median / empty)")
        for name, url in pages(ids).items():
            first, loaded = _time(who(name), url, args.rounds)
            before = empty[name]
            print(
                f"{name:26} {before * 1000:7.0f} {first * 1000:7.0f} {loaded * 1000:7.0f}"
                f" {loaded / before:6.1f}"
            )


if __name__ == "__main__":
    main()
