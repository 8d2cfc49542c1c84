"""Ranking and assigning a national round: 3,500 entries × 3 judges × 5 criteria.

Not a timed test: it prints what it measured, and ratios to a baseline measured in the same run
on the same data — a plain ``SUM(value) … GROUP BY entry`` of the same scores, the least any
ranking must do (read every score once).

    PYTHONPATH=src .venv/bin/python benchmarks/competitions/run.py                # SQLite
    PYTHONPATH=src .venv/bin/python benchmarks/competitions/run.py --postgres postgres://postgres@127.0.0.1:5432/

Measured, each the median of ``--rounds`` runs (default 5):

* ``rank``: what closing a stage computes — the submitted scores read once (``stage_marks``),
  weighted totals, per-judge z-scores, per-group ranking with the tie-break, quota cut and
  Krippendorff's alpha per criterion — without writing the results (the stage stays open);
* ``close``: ``results.stage_close`` itself, results written, inside a transaction rolled back;
* ``assign``: the automatic assignment of the 3,500 entries to 60 judges (3 each, judges of 60
  agencies, a few declared conflicts) — the planner alone and ``judging.stage_assign``
  (reads, plans and writes 10,500 assignments; rolled back);
* ``baseline``: ``SELECT entry, SUM(value) … GROUP BY entry`` over the same scores.

Targets (issue "Competitions"): ranking ≤ 2 s, assignment ≤ 5 s, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import harness

ENTRIES, JUDGES, CRITERIA, PER_ENTRY, AGENCIES = 3500, 60, 5, 3, 700


def build() -> dict:
    """A round with one judged stage, 3,500 eligible entries of 700 agencies, 60 judges and
    every score submitted — written with bulk inserts (the services' rules are tested
    elsewhere; here only the reading and ranking are measured)."""
    from django.db import connection
    from django.utils import timezone

    from lumbung.catalog.models import Innovation
    from lumbung.competitions.models import (
        Assignment,
        Criterion,
        Entry,
        Group,
        Judge,
        Quota,
        Round,
        Score,
        Stage,
    )
    from lumbung.organisations.models import Agency, Unit, User

    rng = random.Random(20261201)
    now = timezone.now()
    agencies = Agency.objects.bulk_create(
        Agency(
            name=f"Instansi {i}",
            slug=f"instansi-{i}",
            kind=rng.choice(["regency", "city", "ministry"]),
        )
        for i in range(AGENCIES)
    )
    units = [
        Unit.objects.create(agency=a, name=f"Unit {a.pk}", slug=f"unit-{a.pk}") for a in agencies
    ]
    organiser = agencies[0]
    round_ = Round.objects.create(
        title="KIPP Benchmark",
        slug="kipp-benchmark",
        year=now.year,
        level="national",
        organiser=organiser,
        state="open",
    )
    group = Group.objects.create(round=round_, code="umum", name="Umum")
    stage = Stage.objects.create(
        round=round_,
        kind="desk",
        name="Evaluasi",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1),
        judges_per_entry=PER_ENTRY,
    )
    Quota.objects.create(stage=stage, group=group, top=99, award_level="top_99")
    criteria = [
        Criterion.objects.create(
            stage=stage, name=f"K{i}", weight=rng.choice([20, 25, 30]), scale_min=1, scale_max=10
        )
        for i in range(CRITERIA)
    ]
    innovations = Innovation.objects.bulk_create(
        Innovation(
            agency=units[i % AGENCIES].agency,
            unit=units[i % AGENCIES],
            name=f"Inovasi {i}",
            slug=f"inovasi-{i}",
        )
        for i in range(ENTRIES)
    )
    entries = Entry.objects.bulk_create(
        Entry(
            round=round_,
            group=group,
            innovation=inn,
            unit=inn.unit,
            agency=inn.agency,
            title=inn.name,
            state="eligible",
        )
        for inn in innovations
    )
    users = User.objects.bulk_create(User(username=f"juri-{j}") for j in range(JUDGES))
    judges = Judge.objects.bulk_create(Judge(round=round_, user=u) for u in users)
    from lumbung.organisations.models import Membership

    Membership.objects.bulk_create(
        Membership(user=u, role="judge", agency=agencies[(j * 11) % AGENCIES])
        for j, u in enumerate(users)
    )
    assignments = []
    for i, entry in enumerate(entries):
        for k in range(PER_ENTRY):
            judge = judges[(i * PER_ENTRY + k) % JUDGES]
            assignments.append(Assignment(stage=stage, entry=entry, judge=judge, submitted_at=now))
    assignments = Assignment.objects.bulk_create(assignments, batch_size=2000)
    leniency = {j.pk: rng.uniform(-1.5, 1.5) for j in judges}
    quality = {e.pk: rng.uniform(2, 8) for e in entries}
    Score.objects.bulk_create(
        (
            Score(
                assignment=a,
                criterion=c,
                value=max(
                    1, min(10, round(quality[a.entry_id] + leniency[a.judge_id] + rng.gauss(0, 1)))
                ),
            )
            for a in assignments
            for c in criteria
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"stage": stage, "scores": Score.objects.count()}


class _Rollback(Exception):
    pass


def _rolled_back(fn: Callable[[], object]) -> Callable[[], None]:
    from django.db import transaction

    def run() -> None:
        try:
            with transaction.atomic():
                fn()
                raise _Rollback
        except _Rollback:
            pass

    return run


def measure(rounds: int) -> dict:
    from django.db import connection

    from lumbung.competitions import assignment, scoring
    from lumbung.competitions.models import Assignment, Conflict, Entry, Judge
    from lumbung.competitions.services import judging, results
    from lumbung.core.actors import SYSTEM

    built = build()
    stage = built["stage"]

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.entry_id, SUM(s.value) FROM competitions_score s "
                "JOIN competitions_assignment a ON a.id = s.assignment_id "
                "WHERE a.stage_id = %s AND a.submitted_at IS NOT NULL GROUP BY a.entry_id",
                [stage.pk],
            )
            cursor.fetchall()

    def rank() -> None:
        criteria = results.stage_criteria(stage)
        marks = results.stage_marks(stage)
        ranked = scoring.rank(scoring.entry_results(marks, criteria), criteria)
        scoring.agreement(marks, criteria)
        assert len(ranked) == ENTRIES

    def close() -> None:
        summary = results.stage_close(actor=SYSTEM, stage=stage)
        assert summary.ranked == ENTRIES

    pool = list(Judge.objects.filter(round=stage.round))
    agencies = judging.judge_agencies([j.user_id for j in pool])
    entries = [
        assignment.EntryToAssign(id=e.pk, agency_id=e.agency_id)
        for e in Entry.objects.filter(round=stage.round)
    ]
    rng = random.Random(7)
    conflicts = {j.pk: frozenset(rng.sample([e.id for e in entries], 5)) for j in pool}

    def plan() -> None:
        made = assignment.assign(
            entries,
            [
                assignment.Judge(id=j.pk, agency_ids=agencies[j.user_id], conflicts=conflicts[j.pk])
                for j in pool
            ],
            per_entry=PER_ENTRY,
        )
        assert not made.short

    def assign_service() -> None:
        Assignment.objects.filter(stage=stage).delete()
        Conflict.objects.bulk_create(
            Conflict(judge_id=j, entry_id=e) for j, es in conflicts.items() for e in es
        )
        outcome = judging.stage_assign(actor=SYSTEM, stage=stage)
        assert outcome.created == ENTRIES * PER_ENTRY and not outcome.short

    out = {"vendor": connection.vendor, "scores": built["scores"]}
    out["baseline"] = harness.median(baseline, rounds)
    out["rank"] = harness.median(rank, rounds)
    out["close"] = harness.median(_rolled_back(close), rounds)
    out["plan"] = harness.median(plan, rounds)
    out["assign"] = harness.median(_rolled_back(assign_service), rounds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="", help="e.g. postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            url = harness.pg_database(args.postgres, "bench_competitions")
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        harness.setup_django(url, Path(tmp))
        out = measure(args.rounds)
    base = out["baseline"]
    print(
        f"{out['vendor']}: {ENTRIES} entries × {PER_ENTRY} judges × {CRITERIA} criteria = "
        f"{out['scores']} scores; {JUDGES} judges"
    )
    for key, label, target in (
        ("baseline", "SUM … GROUP BY (baseline)", None),
        ("rank", "rank: read, totals, z-scores, tie-break, cut, alpha", 2.0),
        ("close", "close the stage (results written, rolled back)", 2.0),
        ("plan", "assignment planner (3,500 × 60, conflicts)", 5.0),
        ("assign", "assign judges (read, plan, 10,500 rows written, rolled back)", 5.0),
    ):
        ratio = out[key] / base if base else float("nan")
        verdict = ""
        if target is not None:
            verdict = f"  ✓ ≤ {target:.0f} s" if out[key] <= target else f"  ✗ > {target:.0f} s"
        print(f"  {label:<64} {out[key] * 1000:9.1f} ms  ×{ratio:7.1f}{verdict}")


if __name__ == "__main__":
    main()
