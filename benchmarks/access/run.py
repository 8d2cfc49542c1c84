"""Access benchmark: what the policies and the unit tree cost at national scale.

    .venv/bin/python benchmarks/access/run.py [--agencies 600] [--innovations 50000]
                                              [--postgres URL] [--rounds 20]

Builds a synthetic platform in a fresh database (SQLite in a temporary folder, or the PostgreSQL
database named by ``--postgres``, which is emptied first): ``--agencies`` agencies, each a tree
of directorates-general, directorates and sentra (about 50 units each: 30,000 units for 600),
``--innovations`` innovations spread over them, and one person per role. Then times, as the
median of ``--rounds`` runs, each operation next to a baseline measured in the same run on the
same data — the cheapest query that returns the same kind of answer without the tree or the
policy — and prints the ratio:

* a person's grants (memberships + the units below theirs, a recursive query confined to their
  agency) vs. reading the agency's units with one indexed query;
* every sentra under a directorate-general (``units_under``) vs. the agency's sentra, flat;
* one page (50) of the catalog a unit officer may see (the innovation policy's ``view``) vs. one
  page of published innovations, and the same for the page's count;
* one page of the replication projects an officer may see vs. an unfiltered page.
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


def setup_django(postgres: str | None) -> None:
    os.environ["LUMBUNG_DATA_DIR"] = tempfile.mkdtemp(prefix="lumbung-access-bench-")
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


def build(agencies: int, innovations: int) -> dict:
    from django.db import transaction

    from lumbung.catalog.models import Innovation
    from lumbung.organisations.models import Agency, Membership, Role, Unit, User
    from lumbung.replication.models import ReplicationProject

    t0 = time.perf_counter()
    with transaction.atomic():
        ags = Agency.objects.bulk_create(
            Agency(name=f"Instansi {i}", slug=f"instansi-{i}", kind="ministry")
            for i in range(agencies)
        )
        dgs = Unit.objects.bulk_create(
            Unit(agency=a, name=f"Ditjen {j}", slug=f"ditjen-{j}", kind="directorate_general")
            for a in ags
            for j in range(3)
        )
        dirs = Unit.objects.bulk_create(
            Unit(
                agency_id=d.agency_id,
                parent=d,
                name=f"Direktorat {d.pk}-{k}",
                slug=f"dir-{d.pk}-{k}",
                kind="directorate",
            )
            for d in dgs
            for k in range(4)
        )
        sentra = Unit.objects.bulk_create(
            Unit(
                agency_id=d.agency_id,
                parent=d,
                name=f"Sentra {d.pk}-{k}",
                slug=f"sentra-{d.pk}-{k}",
                kind="sentra",
            )
            for d in dirs
            for k in range(3)
        )
        units = dgs + dirs + sentra
        Innovation.objects.bulk_create(
            Innovation(
                name=f"Inovasi {i}",
                slug=f"inovasi-{i}",
                unit=(u := units[(i * 7919) % len(units)]),
                agency_id=u.agency_id,
                publication_state="published" if i % 3 else "draft",
            )
            for i in range(innovations)
        )
        published = list(Innovation.objects.filter(publication_state="published")[:2000])
        ReplicationProject.objects.bulk_create(
            ReplicationProject(
                source=published[i % len(published)],
                adopting_unit=(u := sentra[(i * 31) % len(sentra)]),
                adopting_agency_id=u.agency_id,
                declared_form="adoption",
            )
            for i in range(min(20000, innovations // 2))
        )
        officer = User.objects.create(username="officer")
        dg = dgs[len(dgs) // 2]
        Membership.objects.create(
            user=officer, role=Role.UNIT_OFFICER, agency_id=dg.agency_id, unit=dg
        )
        Membership.objects.create(user=officer, role=Role.VIEWER, agency_id=ags[1].pk)
    print(
        f"built {agencies} agencies, {len(units)} units, {innovations} innovations, "
        f"{ReplicationProject.objects.count()} projects in {time.perf_counter() - t0:.1f} s"
    )
    return {"officer": officer, "dg": dg}


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
    parser.add_argument("--agencies", type=int, default=600)
    parser.add_argument("--innovations", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default=None, help="postgres://… (the database is emptied)")
    args = parser.parse_args()
    setup_django(args.postgres)
    world = build(args.agencies, args.innovations)

    from lumbung.catalog.models import Innovation
    from lumbung.core.actors import as_actor, forget_actor
    from lumbung.core.policies import permitted
    from lumbung.organisations.grants import grants_for
    from lumbung.organisations.models import Unit
    from lumbung.organisations.selectors import units_under
    from lumbung.replication.models import ReplicationProject

    officer, dg = world["officer"], world["dg"]

    def fresh_actor():
        forget_actor(officer)
        return as_actor(officer)

    actor = fresh_actor()
    rows = [
        (
            "grants of a person (memberships + units below)",
            lambda: grants_for(officer),
            "the agency's unit ids, one indexed query",
            lambda: list(Unit.objects.filter(agency_id=dg.agency_id).values_list("pk", flat=True)),
        ),
        (
            "sentra under a directorate-general",
            lambda: list(units_under(dg, kinds=["sentra"]).values_list("pk", flat=True)),
            "the agency's sentra, flat",
            lambda: list(
                Unit.objects.filter(agency_id=dg.agency_id, kind="sentra").values_list(
                    "pk", flat=True
                )
            ),
        ),
        (
            "catalog page (50) an officer may see",
            lambda: list(
                permitted(actor, "innovation.view", Innovation.objects.order_by("name"))[:50]
            ),
            "a page of published innovations",
            lambda: list(
                Innovation.objects.filter(publication_state="published").order_by("name")[:50]
            ),
        ),
        (
            "count of the catalog an officer may see",
            lambda: permitted(actor, "innovation.view", Innovation.objects.all()).count(),
            "count of published innovations",
            lambda: Innovation.objects.filter(publication_state="published").count(),
        ),
        (
            "projects page (50) an officer may see",
            lambda: list(
                permitted(actor, "project.view", ReplicationProject.objects.order_by("-id"))[:50]
            ),
            "a page of all projects",
            lambda: list(ReplicationProject.objects.order_by("-id")[:50]),
        ),
    ]
    from django.db import connection

    print(f"\ndatabase: {connection.vendor}; median of {args.rounds} runs\n")
    print(f"{'operation':48} {'ms':>8}   {'baseline':40} {'ms':>8}  {'ratio':>6}")
    for name, fn, base_name, base in rows:
        a, b = median_ms(fn, args.rounds), median_ms(base, args.rounds)
        print(f"{name:48} {a:8.2f}   {base_name:40} {b:8.2f}  {a / b:6.2f}")
    grants = median_ms(fresh_actor, args.rounds)
    print(f"\nan actor from scratch (memberships, grants): {grants:.2f} ms")


if __name__ == "__main__":
    main()
