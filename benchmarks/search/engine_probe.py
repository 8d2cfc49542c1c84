"""Engine probe: what a dedicated search engine answers beside the database's own full-text
search, on the same data set and the same queries, in the same run.

    PYTHONPATH=benchmarks/search:src LUMBUNG_SEMANTIC=off .venv/bin/python \
        benchmarks/search/engine_probe.py --database-url URL --workdir DIR [--copies 5]

Issue 13's last two targets — the search page with its facet counts p95 ≤ 100 ms at 100,000
innovations, search and matching p95 ≤ 50 ms at 500,000 — are below what the database's engines
(FTS5, ``ts_rank`` over GIN) do on this machine even bare. This probe measures the alternative a
planner would weigh, so the decision rests on numbers: an inverted index with block-max
pruning and column-stored facet values (tantivy, a Rust library with Python bindings, run in
process — the ``bench`` extra: ``pip install -e '.[bench]'``).

It needs a data set built by ``run.py``'s scale phase (``--phase generate``, then ``--phase
query``, which indexes it) and reads it as it is. For each query of ``relevance.json`` — every
analysed term ORed, as ``run.py``'s bare baseline — in one process:

- **database**: the engine's own best 20 (``run.py``'s bare statement) and the public's facet
  counts (the product's ``compute_facets`` over the same expression): the two statements the
  search page cannot do without, nothing of its own work (stages, families, re-ranking, loading
  the rows, the template);
- **tantivy**: an index of the same analysed documents (the four groups, the product's column
  weights as boosts; sector, stage, status, award levels and agency as fast fields), the best 20
  published innovations by BM25, and exact counts per sector, stage, status, award level and the
  ten agencies with the most matches.

It prints the p50 / p95 of each and their ratio, and how many queries' published matches the two
count alike (both answer the same question). ``--copies K`` indexes every document K times in
tantivy (ids shifted): K times the postings, for a size the database does not hold (the database's
figures stay at its own size).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402

#: the terms aggregations of the search page's facets (the ten agencies with the most matches)
AGGREGATIONS = {
    "sector": {"terms": {"field": "sector", "size": 1000}},
    "stage": {"terms": {"field": "stage", "size": 100}},
    "status": {"terms": {"field": "status", "size": 100}},
    "award": {"terms": {"field": "award", "size": 100}},
    "agency": {"terms": {"field": "agency", "size": 10}},
}
#: the tantivy documents read per statement while indexing
CHUNK = 5000


def weights() -> dict[str, float]:
    """The product's column weights (FTS5 ``bm25()``), as tantivy's boosts per field group."""
    from lumbung.search.backends.sqlite import WEIGHTS
    from lumbung.search.models import FIELD_GROUPS

    return dict(zip(FIELD_GROUPS, WEIGHTS, strict=True))


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


# --- the data set ------------------------------------------------------------------------------
class Row(NamedTuple):
    pk: int
    texts: tuple[str, str, str, str]  # the analysed groups, in ``FIELD_GROUPS``' order
    published: bool
    sector: str
    stage: str
    status: str
    agency: int
    levels: list[str]


def documents() -> Iterator[Row]:
    """Every indexed innovation's analysed terms and facet values, in id order."""
    from lumbung.catalog.models import Award, Innovation
    from lumbung.search.models import SearchDocument

    last = 0
    while True:
        rows = list(
            SearchDocument.objects.filter(innovation_id__gt=last)
            .order_by("innovation_id")
            .values_list(
                "innovation_id",
                "name",
                "summary",
                "body",
                "meta",
                "innovation__publication_state",
                "innovation__sector_id",
                "innovation__stage",
                "innovation__status",
                "innovation__agency_id",
            )[:CHUNK]
        )
        if not rows:
            return
        levels: dict[int, set[str]] = {}
        awards = Award.objects.filter(innovation_id__in=[r[0] for r in rows])
        for pk, level in awards.values_list("innovation_id", "level"):
            levels.setdefault(pk, set()).add(level)
        for pk, name, summary, body, meta, state, sector, stage, status, agency in rows:
            yield Row(
                pk,
                (name, summary, body, meta),
                state == Innovation.State.PUBLISHED,
                sector or "",
                stage,
                status,
                agency or 0,
                sorted(levels.get(pk, ())),
            )
        last = rows[-1][0]


# --- tantivy -----------------------------------------------------------------------------------
class Tantivy:
    def __init__(self, path: Path, copies: int) -> None:
        import tantivy

        self.t = tantivy
        self.weights = weights()
        builder = tantivy.SchemaBuilder()
        for field in self.weights:  # the analysed terms are already space-separated index terms
            builder.add_text_field(field, tokenizer_name="terms", index_option="position")
        builder.add_unsigned_field("id", stored=True, fast=True)
        builder.add_unsigned_field("published", indexed=True, fast=True)
        builder.add_unsigned_field("agency", fast=True)
        for field in ("sector", "stage", "status", "award"):
            builder.add_text_field(field, fast=True, tokenizer_name="raw")
        self.schema = builder.build()
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        self.index = tantivy.Index(self.schema, path=str(path))
        self.index.register_tokenizer(
            "terms", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        self.copies = copies
        self.published = tantivy.Query.term_query(self.schema, "published", 1)

    def build(self) -> int:
        writer = self.index.writer(heap_size=512_000_000)
        count = 0
        rows = list(documents())
        for copy in range(self.copies):
            for row in rows:
                doc = self.t.Document()
                doc.add_unsigned("id", row.pk + copy * 100_000_000)
                for field, text in zip(self.weights, row.texts, strict=True):
                    doc.add_text(field, text)
                doc.add_unsigned("published", int(row.published))
                doc.add_unsigned("agency", row.agency)
                for field in ("sector", "stage", "status"):
                    doc.add_text(field, getattr(row, field))
                for level in row.levels:
                    doc.add_text("award", level)
                writer.add_document(doc)
                count += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return count

    def query(self, concepts: list[list[tuple[str, ...]]]) -> Any:
        q = self.t.Query
        should = []
        for alternatives in concepts:
            for terms in alternatives:
                for field, weight in self.weights.items():
                    one = (
                        q.term_query(self.schema, field, terms[0])
                        if len(terms) == 1
                        else q.phrase_query(self.schema, field, list(terms))
                    )
                    should.append((self.t.Occur.Should, q.boost_query(one, weight)))
        return q.boolean_query(
            [(self.t.Occur.Must, q.boolean_query(should)), (self.t.Occur.Must, self.published)]
        )

    def page(self, query: Any) -> tuple[list[int], int, dict[str, Any]]:
        """The best 20 published matches' ids, how many published match, and the facet counts."""
        searcher = self.index.searcher()
        found = searcher.search(query, 20, count=True)
        ids = [searcher.doc(address)["id"][0] for _, address in found.hits]
        return ids, found.count, searcher.aggregate(query, AGGREGATIONS)


# --- the database ------------------------------------------------------------------------------
class Database:
    def __init__(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        from lumbung.search.backends import get_backend

        self.backend = get_backend()
        self.public = AnonymousUser()
        self.ranked_sql = str(self.backend.ranked_matches_sql())

    def page(self, expression: str) -> tuple[int, float, float]:
        """How many published match, and the ms of the best 20 and of the facets' statement."""
        from django.db import connection

        from lumbung.catalog.selectors import CatalogFilters
        from lumbung.search import selectors

        def best() -> None:
            with connection.cursor() as cursor:
                cursor.execute(self.ranked_sql, [expression, 20])
                cursor.fetchall()

        ranked_ms, _ = timed(best)
        matched = self.backend.filter_matching(selectors.visible_base(self.public), expression)
        facets_ms, facets = timed(lambda: selectors.compute_facets(matched, CatalogFilters()))
        return sum(v.count for v in facets["stage"]), ranked_ms, facets_ms


def vendor_name() -> str:
    from django.db import connection

    return str(connection.vendor)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="a data set built by run.py")
    parser.add_argument("--workdir", required=True, help="run.py's folder of that data set")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1, help="tantivy: every document K times")
    args = parser.parse_args()
    try:
        import tantivy  # noqa: F401
    except ImportError:
        raise SystemExit("the bench extra is needed: pip install -e '.[bench]'") from None
    run.setup_django(args.database_url, Path(args.workdir))
    from lumbung.search.analysis import get_analyzer

    database = Database()
    engine = Tantivy(Path(args.workdir) / "tantivy", args.copies)
    build_s, indexed = timed(engine.build)
    queries = []
    for item in json.loads(run.RELEVANCE.read_text())["queries"]:
        plan = get_analyzer().parse_query(item["query"])
        if plan:
            concepts = [[alt.terms for alt in c.alternatives] for c in plan.concepts]
            expression = database.backend.expression([c.alternatives for c in plan.concepts])
            queries.append((item["query"], concepts, expression, engine.query(concepts)))
    for _, _, expression, query in queries:  # warm-up
        database.page(expression)
        engine.page(query)
    db_ms: list[float] = []
    facets_ms: list[float] = []
    engine_ms: list[float] = []
    differ: list[str] = []
    for round_ in range(args.rounds):
        for text, _, expression, query in queries:
            matching, ranked, facets = database.page(expression)
            db_ms.append(ranked + facets)
            facets_ms.append(facets)
            took, (_, count, _) = timed(lambda query=query: engine.page(query))
            engine_ms.append(took)
            if round_ == 0 and count != matching * args.copies:
                differ.append(f"{text!r} ({vendor_name()}: {matching}, tantivy: {count})")
    vendor = database.backend.vendor
    print(f"{len(queries)} queries x {args.rounds} rounds; {vendor} holds the data set")
    print(f"tantivy: {indexed:,} documents indexed in {build_s / 1000:.1f} s")
    print(f"{'':42s} {'p50 ms':>8s} {'p95 ms':>8s}")
    rows = [
        (f"{vendor}: best 20 + the public's facets", db_ms),
        (f"{vendor}: of which the facets' statement", facets_ms),
        ("tantivy: best 20 published + exact facets", engine_ms),
    ]
    p50, p95 = (lambda v: run._percentile(v, 0.5)), (lambda v: run._percentile(v, 0.95))
    for label, values in rows:
        print(f"{label:42s} {p50(values):8.1f} {p95(values):8.1f}")
    ratio = p95(engine_ms) / p95(db_ms)
    print(f"tantivy / {vendor} (p95): {ratio:.3f}x; mean {statistics.mean(engine_ms):.1f} ms")
    print(f"published matches counted alike: {len(queries) - len(differ)} of {len(queries)}")
    for line in differ:
        print(f"  differ: {line}")


if __name__ == "__main__":
    main()
