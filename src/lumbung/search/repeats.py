"""Results that repeat a result above them move below the distinct answers.

Families (``families``) fold near-copies at index time, by their word pairs (MinHash bands),
and, when those cannot decide, by their words. Some copies still escape: a copy whose word
pairs share no band with its original's family is never compared with it, and it forms a
family of its own — a query then shows an original and several of its copies as separate
answers, pushing other answers off the page (measured at 100,000 look-alikes in
``benchmarks/search``).

At query time the page is small, so the question can be asked of the results themselves, by the
families' own rule for texts whose word pairs broke (``families.joins_family``): of the first
:data:`WINDOW` results, one that shares at least ``families.ORDER_WORDS`` of its weighted words
with an earlier record among them and keeps at least ``families.SAME_ORDER`` of its word
sequence (``difflib``'s ratio) repeats it. Taken oldest first, as families form (what was written
first is what the others repeat), each result joins the group of the earlier record it shares
most words with, of those whose word order it keeps; a result is compared with each group's first
record only, so repeats do not chain.
A group is shown once, at the place of its best-ranked member, by its member most worth copying
(as a family's head: the highest prior, the group's first record with
``families.FIRST_RECORD_BONUS``); its other members follow every distinct answer of the window,
in their order. Nothing is hidden and no count changes: a repeat is only shown later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from functools import partial
from typing import Any

from django.conf import settings

from .families import (
    FIRST_RECORD_BONUS,
    SAME_ORDER,
    document_terms,
    keeps_words_in_order,
    weighted_share,
)
from .models import SearchDocument
from .ranking import idf
from .stats import document_frequencies, index_stats

#: (innovation id, score, the ranking's details or None), as in ``grouping``
Row = tuple[int, float, Any]

#: results compared with those above them: a page (20 or 30 gave the same look-alike figures in
#: ``benchmarks/search``; the comparisons grow with its square)
WINDOW = 20
#: earlier records whose word sequence a result is compared with, those it shares most words with
ORDER_TRIES = 2


def enabled() -> bool:
    return bool(getattr(settings, "SEARCH_REPEATS_LATER", True))


def _terms(ids: Sequence[int]) -> dict[int, list[str]]:
    rows = SearchDocument.objects.filter(pk__in=list(ids)).values_list("pk", "summary", "body")
    return {pk: document_terms(summary, body) for pk, summary, body in rows}


class _Texts:
    """The window's texts: their words weighed by rarity, and their word sequences."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.terms = _terms(ids)
        self.words = {pk: set(terms) for pk, terms in self.terms.items()}
        dfs = document_frequencies(w for found in self.words.values() for w in found)
        documents = max(index_stats().documents, 1)
        self.weight = {w: idf(df, documents) for w, df in dfs.items()}
        # each text's weight, summed once: a window of 20 asks for up to 190 shares
        self.total = {pk: sum(self.weight[w] for w in found) for pk, found in self.words.items()}
        self._matchers: dict[int, SequenceMatcher[str]] = {}

    def shared(self, first: int, pk: int) -> float:
        return weighted_share(
            self.words.get(first, set()),
            self.words.get(pk, set()),
            self.weight.__getitem__,
            (self.total.get(first, 0.0), self.total.get(pk, 0.0)),
        )

    def order(self, first: int, pk: int) -> float:
        """The ratio of the two word sequences (0 when its cheap upper bounds are already under
        ``families.SAME_ORDER``)."""
        matcher = self._matchers.get(first)
        if matcher is None:
            matcher = self._matchers[first] = SequenceMatcher(
                None, b=self.terms.get(first, []), autojunk=False
            )
        matcher.set_seq1(self.terms.get(pk, []))
        if matcher.real_quick_ratio() < SAME_ORDER or matcher.quick_ratio() < SAME_ORDER:
            return 0.0
        return matcher.ratio()

    def repeated(self, pk: int, firsts: Sequence[int]) -> int | None:
        """Of ``firsts``, the one ``pk`` repeats (``families.keeps_words_in_order``; the one it
        shares most words with first), or None. The sequences of the :data:`ORDER_TRIES` sharing
        most are compared at most (the comparison of sequences is the costly part)."""
        shares = sorted(((self.shared(first, pk), first) for first in firsts), reverse=True)
        for share, first in shares[:ORDER_TRIES]:
            if keeps_words_in_order(share, partial(self.order, first, pk)):
                return first
        return None


def repeats_later(rows: Sequence[Row], prior: Mapping[int, float]) -> list[Row]:
    """``rows`` (best first) with the repeats of the first :data:`WINDOW` moved below their
    distinct answers (see the module); ``prior``: each row's prior (0 when missing). Reads the
    window's texts, then their words' document frequencies (a statement per 500 words),
    whatever the number of rows."""
    head = list(rows[:WINDOW])
    if len(head) < 2 or not enabled():
        return list(rows)
    texts = _Texts([pk for pk, _, _ in head])
    # oldest first, as families form (what was written first is what the others repeat): each
    # result joins the group of the earlier record it repeats (``_Texts.repeated``)
    groups: dict[int, list[int]] = {}  # the group's earliest record's position -> positions
    firsts: dict[int, int] = {}  # a group's first record -> its position
    for i in sorted(range(len(head)), key=lambda i: head[i][0]):
        pk = head[i][0]
        first = texts.repeated(pk, list(firsts))
        if first is not None:
            groups[firsts[first]].append(i)
        else:
            groups[i] = [i]
            firsts[pk] = i
    if len(groups) == len(head):
        return list(rows)
    shown: list[Row] = []
    later: list[int] = []
    for first, members in sorted(groups.items(), key=lambda item: min(item[1])):

        def worth(i: int, first: int = first) -> tuple[float, int]:
            bonus = FIRST_RECORD_BONUS if i == first else 0.0
            return (prior.get(head[i][0], 0.0) + bonus, -i)

        best_member = max(members, key=worth)
        shown.append(head[best_member])
        later += [i for i in members if i != best_member]
    return shown + [head[i] for i in sorted(later)] + list(rows[WINDOW:])
