"""The final ranking, the same on every back end: BM25F over the four field groups, one score per
concept (the best of its alternatives), and a mild reward for covering more of the query."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .analysis import Alternative, QueryPlan
from .models import FIELD_GROUPS
from .stats import IndexStats

FIELD_BOOST = {"name": 4.0, "summary": 2.0, "body": 1.0, "meta": 0.5}
#: Per-field statistics for the name field: a word in at most this share of the names counts in
#: full when it matches a name; a word common in names ("layanan", "program", "rumah") says
#: little about an innovation when it is in its name, so the part of its score that comes from
#: the name is scaled by min(1, idf in names / idf at this share), never below NAME_FLOOR.
NAME_SHARE_FULL = 0.05
NAME_FLOOR = 0.4
FIELD_B = {"name": 0.4, "summary": 0.6, "body": 0.75, "meta": 0.5}
K1 = 1.2
#: how strongly covering more of the query's concepts counts (0 = plain BM25 sum)
COORDINATION = 0.6


class DocTerms:
    """A document's terms per field group (term frequencies counted on demand: a query asks
    for a handful of terms, so counting every term of every candidate would be wasted)."""

    __slots__ = ("lists",)

    def __init__(self, lists: dict[str, list[str]]) -> None:
        self.lists = lists

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> DocTerms:
        return cls({g: (row.get(g) or "").split() for g in FIELD_GROUPS})

    def tf(self, alt: Alternative, group: str) -> int:
        terms = self.lists[group]
        first = alt.terms[0]
        if not alt.is_phrase:
            return terms.count(first)
        if first not in terms:
            return 0
        k = len(alt.terms)
        return sum(
            1
            for i in range(len(terms) - k + 1)
            if terms[i] == first and tuple(terms[i : i + k]) == alt.terms
        )


@dataclass
class Scored:
    score: float
    coverage: float
    matched: dict[int, set[str]]  # concept index → field groups where it matched


def idf(df: int, n: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def alternative_df(alt: Alternative, dfs: Mapping[str, int]) -> int:
    return min(dfs.get(t, 0) for t in alt.terms)


def name_specificity(alt: Alternative, name_dfs: Mapping[str, int] | None, n: int) -> float:
    """How much a match of ``alt`` in the name counts (1: in full), from how many names hold it."""
    if not name_dfs:
        return 1.0
    name_df = min(name_dfs.get(t, 0) for t in alt.terms)
    reference = idf(max(1, int(n * NAME_SHARE_FULL)), n)
    return max(NAME_FLOOR, min(1.0, idf(name_df, n) / reference))


def score_document(
    plan: QueryPlan,
    doc: DocTerms,
    stats: IndexStats,
    dfs: Mapping[str, int],
    name_dfs: Mapping[str, int] | None = None,
) -> Scored:
    n = max(stats.documents, 1)
    total_weight = sum(c.weight for c in plan.concepts) or 1.0
    score = 0.0
    covered = 0.0
    matched: dict[int, set[str]] = {}
    norms = {
        g: (1 - FIELD_B[g]) + FIELD_B[g] * (len(doc.lists[g]) / stats.avg_len[g])
        for g in FIELD_GROUPS
    }
    for ci, concept in enumerate(plan.concepts):
        best = 0.0
        best_groups: set[str] = set()
        for alt in concept.alternatives:
            weighted_tf = 0.0
            in_name = 0.0
            groups = set()
            for g in FIELD_GROUPS:
                tf = doc.tf(alt, g)
                if tf:
                    part = FIELD_BOOST[g] * tf / norms[g]
                    weighted_tf += part
                    if g == "name":
                        in_name = part
                    groups.add(g)
            if not weighted_tf:
                continue
            value = alt.weight * idf(alternative_df(alt, dfs), n) * weighted_tf / (K1 + weighted_tf)
            if in_name:  # the name's share of the score, weighed by the word's rarity in names
                specific = name_specificity(alt, name_dfs, n)
                value *= (weighted_tf - in_name * (1.0 - specific)) / weighted_tf
            if value > best:
                best, best_groups = value, groups
        if best > 0:
            score += concept.weight * best
            covered += concept.weight
            matched[ci] = best_groups
    coverage = covered / total_weight
    score *= coverage**COORDINATION
    return Scored(score=score, coverage=coverage, matched=matched)


def rank(
    plan: QueryPlan,
    candidates: Sequence[tuple[int, float]],
    docs: Mapping[int, DocTerms],
    stats: IndexStats,
    dfs: Mapping[str, int],
    boosts: Mapping[int, float] | None = None,
    name_dfs: Mapping[str, int] | None = None,
) -> list[tuple[int, Scored]]:
    """Candidates re-ranked, best first (ties: the back end's own order)."""
    order = {pk: i for i, (pk, _) in enumerate(candidates)}
    scored = []
    for pk, _native in candidates:
        doc = docs.get(pk)
        if doc is None:
            continue
        s = score_document(plan, doc, stats, dfs, name_dfs)
        if boosts:
            s.score *= boosts.get(pk, 1.0)
        scored.append((pk, s))
    scored.sort(key=lambda item: (-round(item[1].score, 9), order[item[0]]))
    return scored


def plan_terms(plan: QueryPlan) -> Iterable[str]:
    return plan.terms
