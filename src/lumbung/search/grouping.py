"""One result per family, under the member most worth copying, with the quality prior mixed in.

After the text ranking (``ranking.rank``) the results are grouped by family (``families``): each
family is shown once, by its *head* — the member the reader may see with the highest prior, the
family's earliest record getting a bonus (an awarded, institutionalised, still-running original
before its copies; see ``families.heads``) — with
"and N replicas / N similar innovations". The family's score is then

    score = text score of the member shown × exp(SEARCH_PRIOR_WEIGHT × prior of that member)

— the head's own text score (at most its best member's), not the best member's: among two
hundred near-copies the best-scoring one is only the luckiest (a query word doubled, a sentence
dropped), and ranking families by it puts big families of loose matches above small exact ones.
When the head does not hold the query's words, the family is shown by its best match and its
score is multiplied by √(share of its members that match). The mix is log-linear:
``log score = log text + w · prior``. With ``w = 0.3`` (the default) the prior
moves a result by at most a factor of e^0.3 ≈ 1.35: it decides between results of similar text
relevance, never over a much better match (measured in ``benchmarks/search``). Matching mixes no
prior (its context boosts weigh awards, replicas and status already); its heads are the same.
``SEARCH_FAMILIES = False`` turns grouping off (each innovation on its own, its own prior).

When the re-ranked window does not hold every match (the look-alikes of a few families can fill
it), one grouped query over every match (``family_matches``) brings the best match of more
families, so other answers are not pushed off the page, and tells how many members of each
family match and how many families match. For the public without filters the candidates are
the families' ranked members only (``selectors.ranked_first``: heads and members with a text of
their own, not look-alikes): the window then holds families, and that query is not needed.

Last, the results that repeat one above them — copies the families missed — move below the
distinct answers, shown once by their group's member most worth copying (``repeats``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import BigIntegerField, QuerySet
from django.db.models.functions import Coalesce

from lumbung.catalog.models import Innovation

from . import families, repeats
from .backends.base import SearchBackend

#: (innovation id, score, the ranking's details or None)
Row = tuple[int, float, Any]
#: an innovation's family (an innovation not yet placed is its own)
_FAMILY = Coalesce("family_member__family_id", "pk", output_field=BigIntegerField())


@dataclass
class FamilyHit:
    id: int
    #: members the reader may see (within the filters), the shown one included
    members: int
    #: of them, replicas of the shown innovation (by lineage)
    replicas: int = 0
    #: where the reader sees every member (set by the page)
    url: str = ""

    @property
    def others(self) -> int:
        return max(0, self.members - 1)

    @property
    def similar(self) -> int:
        return max(0, self.others - self.replicas)


def enabled() -> bool:
    return bool(getattr(settings, "SEARCH_FAMILIES", True))


def prior_weight() -> float:
    return float(getattr(settings, "SEARCH_PRIOR_WEIGHT", 0.3))


@dataclass
class Matches:
    """Every match of a query, family by family (one grouped query, ``family_matches``)."""

    #: the best match of each of the best-matching families, best first (native scores)
    best: list[tuple[int, float]]
    #: family → how many of its members match (for the families in ``best``)
    counts: dict[int, int]
    #: how many families match
    families: int
    #: how many innovations match
    matching: int


def family_matches(
    backend: SearchBackend, qs: QuerySet[Innovation], expression: str, limit: int
) -> Matches:
    """The best match of each of the ``limit`` best-matching families, how many members of each
    match, how many families and innovations match — one pass over the matches (the index's scan
    of a common word is the cost; separate queries made it once each)."""
    inner = (
        backend.matching(qs, expression)
        .annotate(_family=_FAMILY)
        .order_by()
        .values_list("pk", "_score", "_family")
    )
    sql, params = inner.query.get_compiler(using=qs.db).as_sql()
    grouped = (
        f"WITH m(i, s, f) AS ({sql}) "
        "SELECT g.i, g.s, g.f, g.n, COUNT(*) OVER (), SUM(g.n) OVER () FROM (SELECT m.i AS i, "
        "m.s AS s, m.f AS f, "
        "ROW_NUMBER() OVER (PARTITION BY m.f ORDER BY m.s DESC, m.i) AS rn, "
        "COUNT(*) OVER (PARTITION BY m.f) AS n FROM m) AS g "
        "WHERE g.rn = 1 ORDER BY g.s DESC, g.i LIMIT %s"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(grouped, [*params, limit])
        rows = cursor.fetchall()
    return Matches(
        best=[(int(pk), float(score or 0.0)) for pk, score, *_ in rows],
        counts={int(f): int(n) for _pk, _s, f, n, *_ in rows},
        families=int(rows[0][4]) if rows else 0,
        matching=int(rows[0][5]) if rows else 0,
    )


def _adjusted(score: float, prior: float, weight: float) -> float:
    return score * math.exp(weight * prior)


#: how many times the families a page needs are fetched and scored by their heads
CANDIDATE_FAMILIES = 2


def group(
    ordered: Sequence[Row],
    qs: QuerySet[Innovation],
    *,
    score: Callable[[Sequence[int]], Mapping[int, Any]],
    matches: Callable[[int], Matches] | None = None,
    exhaustive: bool = False,
    needed: int = 20,
    mix_prior: bool = True,
    unfiltered: bool = False,
    excluded: Collection[int] = (),
    published_only: bool = False,
) -> tuple[list[Row], dict[int, FamilyHit], int | None]:
    """``ordered`` with one row per family (its head) and the prior mixed in, best first; the
    shown rows' families; and how many families match (None when not known).

    ``score(ids)`` ranks innovations that were not in ``ordered`` ({id: details with
    ``.score``}). What the query matches beyond ``ordered``: ``exhaustive`` — ``ordered`` holds
    every match; else ``matches(n)`` (``family_matches``) — the best match of up to n families,
    how many members of each match, how many families match. ``mix_prior=False``: the prior
    chooses heads only (for rankings that weigh the same facts themselves, as matching does).
    ``unfiltered``: ``qs`` is all the reader may see (heads and counts are then read from the
    families' own index, see ``families.heads``); ``excluded``: innovations ``qs`` leaves out of
    that (an innovation's own page); ``published_only``: the reader reads published innovations
    only."""
    weight = prior_weight() if mix_prior else 0.0
    rows = list(ordered)
    info = families.of(pk for pk, _, _ in rows)
    if not enabled():
        adjusted = [(pk, _adjusted(s, info[pk][1], weight), d) for pk, s, d in rows]
        adjusted.sort(key=lambda r: -r[1])
        return adjusted, {}, None
    best = _best_per_family(rows, info)
    # more families than the page needs: a family's best match (by the index's own score) is
    # only its luckiest member, and many fall back once their head's own match counts
    summary = matches(needed * CANDIDATE_FAMILIES) if matches is not None else None
    if summary is not None and len(best) < needed:
        extra = [pk for pk, _ in summary.best if pk not in info]
        if extra:
            details = score(extra)
            rows += [(pk, d.score, d) for pk, d in details.items()]
            info.update(families.of(details))
            rows.sort(key=lambda r: -r[1])
            best = _best_per_family(rows, info)
    in_rows = Counter(family for family, _ in info.values())
    if summary is not None:
        counts: Mapping[int, int] = {**in_rows, **summary.counts}
        total: int | None = max(summary.families, len(best))
    else:
        counts = in_rows
        total = len(best) if exhaustive else None
    # the families that can reach the page: their heads are scored (one query for the heads,
    # one for the heads' terms)
    reach = needed * CANDIDATE_FAMILIES
    best = dict(list(best.items())[:reach])
    heads = families.heads(
        best, qs, unfiltered=unfiltered, excluded=excluded, published_only=published_only
    )
    missing = [h.head for f, h in heads.items() if h.head != best[f][0] and h.head not in info]
    head_details = score(missing) if missing else {}
    by_pk = {pk: (s, d) for pk, s, d in rows}

    def detail_of(pk: int) -> Any:
        own = by_pk.get(pk)
        return own[1] if own else head_details.get(pk)

    known = summary is not None or exhaustive
    grouped: list[Row] = []
    shown: dict[int, FamilyHit] = {}
    priors: dict[int, float] = {}
    for family, (pk, text_score, detail) in best.items():
        head = heads.get(family)
        if head is None:  # a family the reader may not see any more of: the match itself
            grouped.append((pk, _adjusted(text_score, info[pk][1], weight), detail))
            priors[pk] = info[pk][1]
            continue
        head_detail = detail_of(head.head)
        head_score = _lexical(head_detail)
        if not head_score:
            # the head does not hold the query's words (its text has moved on): the family is
            # shown by its best match, which does, and weighs as much as the share of its
            # members that match (one look-alike of twenty-four that mentions a word in passing
            # does not make the family an answer)
            shown_pk, prior, head_detail = pk, info[pk][1], detail
            share = min(1.0, counts.get(family, 1) / head.members) if known else 1.0
            family_score = text_score * math.sqrt(share)
        else:
            # the family weighs as much as the member it shows: the best of many near-copies
            # is only the luckiest of them (a word doubled, a sentence dropped)
            shown_pk, prior = head.head, head.prior
            best_score = _lexical(detail)
            ratio = min(1.0, head_score / best_score) if best_score else 1.0
            family_score = text_score * ratio
        grouped.append((shown_pk, _adjusted(family_score, prior, weight), head_detail))
        priors[shown_pk] = prior
        if head.members > 1:
            shown[shown_pk] = FamilyHit(id=family, members=head.members)
    grouped.sort(key=lambda r: -r[1])
    # copies that escaped their family show once among the distinct answers (``repeats``)
    return repeats.repeats_later(grouped, priors), shown, total


def _lexical(detail: Any) -> float:
    return float(getattr(detail, "score", 0.0) or 0.0)


def _best_per_family(rows: Sequence[Row], info: Mapping[int, tuple[int, float]]) -> dict[int, Row]:
    best: dict[int, Row] = {}
    for row in rows:
        best.setdefault(info[row[0]][0], row)
    return best


@dataclass
class Kin:
    order: list[int]  # families, in the order of their first member
    first: dict[int, int]  # family → its first member in the given order
    family_of: dict[int, int]
    sizes: dict[int, int]  # family → members the reader may see


def members_in_view(ids: Sequence[int], qs: QuerySet[Innovation]) -> Kin:
    """The families of ``ids`` (in order) and how many members of each ``qs`` holds."""
    info = families.of(ids)
    first: dict[int, int] = {}
    for pk in ids:
        first.setdefault(info[pk][0], pk)
    heads = families.heads(first, qs)
    return Kin(
        order=list(first),
        first=first,
        family_of={pk: f for pk, (f, _p) in info.items()},
        sizes={f: h.members for f, h in heads.items()},
    )
