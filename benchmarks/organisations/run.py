"""Agency and unit pages benchmark: what a page costs for an agency of 30,000 units.

    .venv/bin/python benchmarks/organisations/run.py [--top 30] [--children 1000]
                                                     [--postgres URL] [--rounds 20]

Builds, in a fresh database (SQLite in a temporary folder, or the PostgreSQL database named by
``--postgres``, which is emptied first), a large agency of ``--top`` top units with
``--children`` units under each (30 × 1,000: 30,030 units) and a small agency of 30 units
(3 top units with 9 under each), each with the same 40 published innovations spread over its
units. Then renders each page through Django's test client (middleware, view, templates) for
the large agency and, in the same run on the same database, for the small one — the baseline —
and prints the median time of ``--rounds`` runs, the number of queries, and the ratios
large ÷ small:

* the agency page (its top units, with their numbers, a page at a time);
* the agency page searching its units by name: a word every unit below the top ones has (the
  worst case: 30,000 matches to count and sort), and the name of one unit;
* the page of a top unit (its direct children: 1,000 in the large agency, a page of 50);
* the page of a unit at the bottom of the tree (its lineage).

For reference it also times what the agency page did before it was paged: loading the agency's
whole tree, depth first, each unit with its number of published innovations (the query only,
without rendering the 30,000 list items).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import harness  # noqa: E402

INNOVATIONS_PER_AGENCY = 40


def setup_django(postgres: str | None) -> None:
    os.environ["LUMBUNG_DATA_DIR"] = tempfile.mkdtemp(prefix="lumbung-org-pages-bench-")
    if postgres:
        os.environ["DATABASE_URL"] = postgres
    harness.client_environment()
    os.environ["LUMBUNG_SEMANTIC"] = "off"
    import django

    django.setup()
    from django.core.management import call_command

    if postgres:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def build_agency(slug: str, top: int, children: int) -> dict:
    """An agency of ``top`` top units with ``children`` under each, and its innovations."""
    from lumbung.catalog.models import Innovation
    from lumbung.organisations.models import Agency, Unit

    agency = Agency.objects.create(name=f"Instansi {slug}", slug=slug, kind="ministry")
    tops = Unit.objects.bulk_create(
        Unit(
            agency=agency,
            name=f"Direktorat Jenderal {i:02d}",
            slug=f"ditjen-{i}",
            kind="directorate_general",
        )
        for i in range(top)
    )
    below = Unit.objects.bulk_create(
        (
            Unit(
                agency=agency,
                parent=t,
                name=f"Sentra {t.pk}-{k:04d}",
                slug=f"sentra-{t.pk}-{k}",
                kind="sentra",
            )
            for t in tops
            for k in range(children)
        ),
        batch_size=2000,
    )
    units = tops + below
    top, leaf = tops[0], below[-1]
    # one innovation each in the two units whose pages are timed (so both agencies' pages show
    # the same), the others spread over the other units
    rest = units[1:-1]
    holders = [leaf, top] + [rest[(i * 7919) % len(rest)] for i in range(2, INNOVATIONS_PER_AGENCY)]
    Innovation.objects.bulk_create(
        Innovation(
            name=f"Inovasi {slug} {i}",
            slug=f"inovasi-{slug}-{i}",
            unit=unit,
            agency_id=agency.pk,
            publication_state="published",
        )
        for i, unit in enumerate(holders)
    )
    return {"agency": agency, "top": top, "leaf": leaf, "units": len(units)}


def median_ms(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm caches
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default=None, help="postgres://… (the database is emptied)")
    args = parser.parse_args()
    setup_django(args.postgres)

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    t0 = time.perf_counter()
    with transaction.atomic():
        large = build_agency("besar", args.top, args.children)
        small = build_agency("kecil", 3, 9)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(
        f"built an agency of {large['units']:,} units and one of {small['units']} units "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    client = Client()
    client.cookies["django_language"] = "en"

    def page(world: dict, which: str) -> tuple[str, dict]:
        slug = world["agency"].slug
        if which == "agency":
            return f"/instansi/{slug}/", {}
        if which == "search":  # every unit below the top ones
            return f"/instansi/{slug}/", {"unit_q": "sentra"}
        if which == "search one":
            return f"/instansi/{slug}/", {"unit_q": world["leaf"].name}
        unit = world["top"] if which == "top unit" else world["leaf"]
        return f"/instansi/{slug}/unit/{unit.slug}/", {}

    def get(url: str, params: dict) -> Callable[[], object]:
        def fn() -> object:
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return fn

    def query_count(url: str, params: dict) -> int:
        with CaptureQueriesContext(connection) as ctx:
            get(url, params)()
        return len(ctx.captured_queries)

    rows = [
        ("agency page (top units)", "agency"),
        ("agency page, a name most units have", "search"),
        ("agency page, the name of one unit", "search one"),
        ("page of a top unit (its children)", "top unit"),
        ("page of a unit at the bottom (lineage)", "leaf"),
    ]
    print(
        f"\ndatabase: {connection.vendor}; median of {args.rounds} runs; "
        f"large = {large['units']:,} units, small = {small['units']} units\n"
    )
    print(
        f"{'page':40} {'large ms':>9} {'small ms':>9} {'ratio':>6}   "
        f"{'queries':>7} {'baseline':>8} {'ratio':>6}"
    )
    for name, which in rows:
        big_url, small_url = page(large, which), page(small, which)
        a, b = median_ms(get(*big_url), args.rounds), median_ms(get(*small_url), args.rounds)
        qa, qb = query_count(*big_url), query_count(*small_url)
        print(f"{name:40} {a:9.2f} {b:9.2f} {a / b:6.2f}   {qa:7d} {qb:8d} {qa / qb:6.2f}")

    from lumbung.organisations.holdings import holdings
    from lumbung.organisations.models import Unit
    from lumbung.organisations.selectors import in_tree_order

    def whole_tree(world: dict) -> Callable[[], object]:
        agency = world["agency"]
        units = Unit.objects.filter(agency=agency).select_related("region")
        return lambda: list(in_tree_order(holdings().count_for_units(units), agency=agency))

    a = median_ms(whole_tree(large), max(3, args.rounds // 4))
    b = median_ms(whole_tree(small), args.rounds)
    print(
        f"\nbefore (reference): the whole tree loaded for the agency page, query only: "
        f"{a:.1f} ms for {large['units']:,} units, {b:.2f} ms for {small['units']} "
        f"(ratio {a / b:.0f})"
    )


if __name__ == "__main__":
    main()
