"""Families and quality priors, kept at index time.

A **family** is an original with everything that repeats it: its replicas by lineage (the
replication services set ``Innovation.source``) and its near-duplicates without lineage (profiles
in other regions whose problem and solution repeat it, often word for word). Near-duplicates are
found with MinHash signatures (``datasketch``) of the problem-and-solution word pairs and
locality-sensitive hashing: a signature is cut into :data:`BANDS` bands, innovations sharing a
band (or one of :data:`WORD_BANDS` bands over their distinct words) are candidates, and a
candidate family is joined when the signature agrees, on average, with its earliest members' on
at least :data:`THRESHOLD` of their values (an estimate of the Jaccard similarity of the word
pairs), or with its first record's on :data:`ROOT_THRESHOLD`; when the word pairs alone cannot
decide, a second look weighs the words the profile and the first record share
(:func:`shared_words`) and how much of their word sequence they keep (:data:`SAME_ORDER`).

The **prior** (0..1) says how much the catalog's own facts make an innovation worth copying:
awards (level, fading with age), evidence documents, management stage, continuing or stopped,
years running, published replicas, being an original, completeness of the profile
(:data:`PRIOR_WEIGHTS`). Search shows a family once, under its member most worth copying (its
*head*, see ``heads``), and mixes the head's prior into the family's text score (``grouping``).

Writes happen inside the catalog's transaction (``index_innovation``); ``rebuild`` recomputes
every family from scratch (``lumbung reindex``).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import sys
from bisect import bisect_left
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache, partial
from typing import Any

import numpy as np
from datasketch import MinHash
from django.db import connections, router
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from lumbung.catalog.models import Award, Innovation

from .models import SearchDocument, SearchTerm
from .models_family import FamilyBand, FamilyMember, FamilySize
from .ranking import idf
from .stats import document_frequencies

NUM_PERM = 96
#: 32 bands of 3 values: two profiles share a band with probability ≈ 0.58 at a similarity of
#: 0.3, ≈ 0.95 at 0.45 (a copy and its original), ≈ 0.03 at 0.1 and ≈ 0.0003 at 0.02 (unrelated
#: texts); candidates are then checked on the whole signature
BANDS = 32
ROWS = NUM_PERM // BANDS
#: mean estimated Jaccard similarity of the word pairs, with a family's earliest members, from
#: which a profile joins the family. A profile with 15 % of its words changed keeps about half
#: of its word pairs: 0.2–0.45 with its original or another copy of it, 0.38 on average (measured
#: on look-alikes of the real demo rows, see ``benchmarks/search``); unrelated profiles stay at
#: or below 0.125 (the highest of 20,000 random pairs of different originals, 99.9 % ≤ 0.094),
#: and the look-alikes of two originals on one subject (two KTP-el home services) at 0.09 on
#: average. At 20,000 look-alikes, 0.18 leaves 36 of 20,000 outside their original's family and
#: mixes none (0.22: 78 outside; 0.16: two families of two originals each)
THRESHOLD = 0.18
#: datasketch's hashing scheme (stated, so stored signatures stay comparable across versions)
SCHEME = "affine32"
#: profiles with fewer distinct word pairs are too short to call near-duplicates (a short text
#: shares its few pairs by chance: one-line profiles are never grouped on their text)
MIN_SHINGLES = 10
#: a profile with fewer word pairs than this (or a family whose earliest member has) needs
#: SHORT_THRESHOLD: one shared template sentence ("petugas datang ke desa tiap pekan") makes two
#: different short profiles look alike (13 and 14 pairs, 6 shared: estimated 0.39), while a copy
#: of a short profile keeps 0.3–0.45 of its pairs — short texts cannot tell them apart, and
#: a duplicate shown is better than a different innovation hidden
SHORT_PAIRS = 20
SHORT_THRESHOLD = 0.45
#: estimated similarity to a family's first record from which a profile joins the family,
#: whatever its later members say: a copy is written from what it copies, so it keeps more of
#: the first record's word pairs than of the other copies' (measured on 20,000 look-alikes of
#: the demo rows: 0.27 at the 1st percentile, 0.57 median; to any other original at most 0.25,
#: 99.9 % ≤ 0.18). Both texts short: SHORT_THRESHOLD. A short profile sharing one template
#: sentence of 6 word pairs with a first record of 20 pairs or more stays under 0.22
ROOT_THRESHOLD = 0.3
#: a profile whose similarity to a family's first record is at least this, but under the
#: thresholds above, gets a second look at its words (:func:`shared_words`): 15 % of words
#: changed break up to half of the word pairs, yet leave most of the words. Measured on 20,000
#: look-alikes: 51 copies still outside their original's family, 47 of them at ≥ 0.12 and
#: sharing ≥ 0.55 of their weighted words; no copy with another original, no two originals
#: (at most 0.44: two KTP-el home services). Not for two short texts (see SHORT_PAIRS)
SECOND_LOOK = 0.12
SHARED_WORDS = 0.55
#: ... or, short texts too, when the profile keeps the first record's words in its order
#: (``difflib``'s ratio of the two word sequences at least SAME_ORDER) and shares at least
#: ORDER_WORDS of its weighted words
SAME_ORDER = 0.5
ORDER_WORDS = 0.45
#: added to the prior of a family's earliest record when its head is chosen (see ``heads``)
FIRST_RECORD_BONUS = 0.2
#: members of a candidate family compared before giving up on it
CHECKS_PER_FAMILY = 8
#: families a profile is compared with: those holding the most of its band keys (the oldest
#: first among equals). Unbounded, the families sharing some key with a profile grew with the
#: catalog (4 per profile in the first tenth of 100,000 synthetic near-copies, 49 in the last,
#: up to 479): placing every profile was quadratic. A copy shares most of its keys with its
#: family (the judged look-alikes: 21 of 40 at the median, its family the first candidate in
#: 99,966 joins of 99,985); a family sharing one key is often a chance meeting of word pairs
CANDIDATE_FAMILIES = 12

#: how much each fact counts in the prior (the weights add up to 1)
PRIOR_WEIGHTS: dict[str, float] = {
    "award": 0.25,
    "replicas": 0.15,
    "continuing": 0.15,
    "stage": 0.10,
    "years": 0.10,
    "evidence": 0.10,
    "original": 0.05,
    "complete": 0.10,
}
AWARD_VALUE: dict[str, float] = {
    Award.Level.OUTSTANDING: 1.0,
    Award.Level.UNPSA: 1.0,
    Award.Level.TOP_5_REPLICATION: 0.9,
    Award.Level.TOP_15: 0.9,
    Award.Level.TOP_25: 0.85,
    Award.Level.TOP_40: 0.8,
    Award.Level.TOP_45: 0.8,
    Award.Level.TOP_99: 0.6,
    Award.Level.FINALIST: 0.5,
    Award.Level.PROVINCIAL: 0.4,
    Award.Level.OTHER: 0.3,
}
STAGE_VALUE: dict[str, float] = {
    Innovation.Stage.CREATION: 0.0,
    Innovation.Stage.DEVELOPMENT: 0.5,
    Innovation.Stage.INSTITUTIONALISATION: 1.0,
}
#: profile sections whose filling counts as completeness
PROFILE_SECTIONS = tuple(
    f for f in Innovation.TRANSLATED_FIELDS if f not in {"name", "acronym_expansion"}
)


# --- signatures ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _permutations() -> Any:
    return MinHash(num_perm=NUM_PERM, seed=7, scheme=SCHEME).permutations


def shingles(terms: Sequence[str]) -> set[bytes]:
    """The distinct pairs of neighbouring (analysed) words."""
    return {f"{a} {b}".encode() for a, b in itertools.pairwise(terms)}


def signature(terms: Sequence[str]) -> bytes:
    """The MinHash signature of the word pairs (empty when the text is too short)."""
    pairs = shingles(terms)
    if len(pairs) < MIN_SHINGLES:
        return b""
    minhash = MinHash(num_perm=NUM_PERM, seed=7, permutations=_permutations(), scheme=SCHEME)
    minhash.update_batch(list(pairs))
    # the values, then how many pairs they summarise (for the threshold of short texts)
    values = np.asarray(minhash.hashvalues, dtype="<u4").tobytes()
    return values + min(len(pairs), 65535).to_bytes(2, "little")


def band_keys(sig: bytes) -> list[int]:
    """One 64-bit key per band (the band's number is part of the key)."""
    if not sig:
        return []
    width = ROWS * 4
    return [
        int.from_bytes(
            hashlib.blake2b(bytes([b]) + sig[b * width : (b + 1) * width], digest_size=8).digest(),
            "little",
            signed=True,
        )
        for b in range(BANDS)
    ]


#: a second set of bands, over the profile's words rather than their pairs, to find candidates
#: only: a copy with a word changed every few words keeps few of its original's word pairs
#: (an estimated 0.1–0.25: no band in common nine times in ten) yet most of its words (a Jaccard
#: similarity of about 0.6–0.7), so 8 bands of 4 values make it a candidate with a probability of
#: 0.55–0.9, two unrelated texts (0.1–0.2) at most 0.013. Whether a candidate joins is decided as
#: for any other (``joins_family``).
WORD_BANDS = 8
WORD_ROWS = 4


@lru_cache(maxsize=1)
def _word_permutations() -> Any:
    return MinHash(num_perm=WORD_BANDS * WORD_ROWS, seed=11, scheme=SCHEME).permutations


def word_band_keys(terms: Sequence[str]) -> list[int]:
    """One 64-bit key per band of the MinHash of the distinct words (numbered after the word
    pairs' bands, so the two kinds never share a key)."""
    minhash = MinHash(
        num_perm=WORD_BANDS * WORD_ROWS, seed=11, permutations=_word_permutations(), scheme=SCHEME
    )
    minhash.update_batch([word.encode() for word in set(terms)])
    values = np.asarray(minhash.hashvalues, dtype="<u4").tobytes()
    width = WORD_ROWS * 4
    return [
        int.from_bytes(
            hashlib.blake2b(
                bytes([BANDS + b]) + values[b * width : (b + 1) * width], digest_size=8
            ).digest(),
            "little",
            signed=True,
        )
        for b in range(WORD_BANDS)
    ]


def profile_band_keys(sig: bytes, terms: Sequence[str]) -> list[int]:
    """A profile's band keys: its word pairs' and its words' (none for a text too short to
    have a signature: one-line profiles are never grouped on their text)."""
    if not sig:
        return []
    return band_keys(sig) + word_band_keys(terms)


_VALUES = NUM_PERM * 4
_SIGNATURE = _VALUES + 2


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures' word pairs."""
    if len(a) != _SIGNATURE or len(b) != _SIGNATURE:
        return 0.0
    # count_nonzero, not mean: the same figure in a sixth of the time (a rebuild compares
    # millions of pairs)
    same = np.count_nonzero(
        np.frombuffer(a, dtype="<u4", count=NUM_PERM)
        == np.frombuffer(b, dtype="<u4", count=NUM_PERM)
    )
    return int(same) / NUM_PERM


def _pairs(sig: bytes) -> int:
    return int.from_bytes(sig[_VALUES:], "little")


def shared_words(a: set[str], b: set[str], dfs: Mapping[str, int], documents: int) -> float:
    """How much of their words two profiles share, each word weighed by its rarity (the
    ranking's idf over ``documents`` with document frequencies ``dfs``): the smaller of the two
    shares, so that a short profile whose words a long one holds is not taken for a copy of it."""
    return weighted_share(a, b, lambda w: idf(dfs.get(w, 0), documents))


def weighted_share(
    a: set[str],
    b: set[str],
    weight: Callable[[str], float],
    totals: tuple[float, float] | None = None,
) -> float:
    """:func:`shared_words` with each word's ``weight`` given (a caller that compares many
    profiles weighs each word once) and, if it keeps them, the two profiles' ``totals`` (the
    sums of their words' weights: a page of results compares each with every one above it)."""
    both = sum(weight(w) for w in a & b)
    if totals is None:
        totals = (sum(weight(w) for w in a), sum(weight(w) for w in b))
    larger = max(totals)
    return both / larger if larger > 0 else 0.0


def keeps_words_in_order(shared: float, order: Callable[[], float]) -> bool:
    """The words-in-order rule (families' second look, and ``repeats`` on a page of results): a
    text sharing at least :data:`ORDER_WORDS` of the weighted words of another and keeping
    :data:`SAME_ORDER` of its word sequence repeats it; ``order()`` is asked only when the words
    pass (comparing sequences is the costly part)."""
    return shared >= ORDER_WORDS and order() >= SAME_ORDER


def joins_family(
    sig: bytes,
    earliest: Sequence[bytes],
    words: Callable[[], float] | None = None,
    order: Callable[[], float] | None = None,
) -> bool:
    """Whether a profile joins a family whose earliest members' signatures are ``earliest`` (up
    to :data:`CHECKS_PER_FAMILY`): its estimated similarity to them, on average, reaches the
    threshold (short texts need more alike, see SHORT_PAIRS) — or its similarity to the family's
    first record alone reaches :data:`ROOT_THRESHOLD`. An average, or the first record, not any
    one member: in a family of hundreds of look-alikes one of them resembles a look-alike of
    another original by chance, and single links chain families of different originals together
    (measured at 20,000 look-alikes: 2 families mixing originals with single links, none with
    the average). The first record is fixed, so a link to it chains nothing; the average alone
    left 334 of 20,000 copies outside their original's family (copies resemble each other less
    than each resembles the original), the first record as well: 51. ``words()``: the weighted
    share of words the profile and the first record have in common (:func:`shared_words`), asked
    only when their word pairs alone cannot decide (:data:`SECOND_LOOK`); ``order()``: how much
    of their word sequence the two keep (``difflib``'s ratio), asked when the words do not
    decide alone — a profile sharing :data:`ORDER_WORDS` of the weighted words and
    :data:`SAME_ORDER` of the sequence joins, short texts too."""
    sample = [other for other in earliest if len(other) == _SIGNATURE]
    if len(sig) != _SIGNATURE or not sample:
        return False
    first = sample[0]  # the family's first record
    both_short = max(_pairs(sig), _pairs(first)) < SHORT_PAIRS
    to_first = similarity(sig, first)
    if to_first >= (SHORT_THRESHOLD if both_short else ROOT_THRESHOLD):
        return True
    pairs = min(_pairs(sig), _pairs(first))
    threshold = SHORT_THRESHOLD if pairs < SHORT_PAIRS else THRESHOLD
    # the first record's similarity is known (summed in the same order: the same figure)
    if sum((to_first, *(similarity(sig, o) for o in sample[1:]))) / len(sample) >= threshold:
        return True
    if words is None or to_first < SECOND_LOOK:
        return False
    shared = words()
    if not both_short and shared >= SHARED_WORDS:
        return True
    return order is not None and keeps_words_in_order(shared, order)


#: the profiles' words a ``SecondLook`` keeps (the least recently asked leave first)
WORDS_KEPT = 20_000
#: profiles a ``SecondLook`` following an order reads in one statement (see ``follow``)
READ_AHEAD = 500


class SecondLook:
    """Profiles' words for the second look of ``joins_family``, read from the search documents
    when asked (a few profiles in a hundred need it) and kept (the last ``WORDS_KEPT`` profiles
    asked for: a family's first record, asked again and again, stays); document frequencies
    likewise, or all at once (``preload``, for ``rebuild``). A rebuild places every profile in
    turn: ``follow`` tells the order, and a profile not kept is read with the next
    ``READ_AHEAD`` of it in the same statement (a statement per profile was 40 % of a rebuild of
    500,000 innovations)."""

    def __init__(self) -> None:
        self._terms: OrderedDict[int, tuple[str, ...]] = OrderedDict()
        self._dfs: dict[str, int] = {}
        self._weights: dict[str, float] = {}
        self._documents: int | None = None
        self._order: Sequence[int] = ()
        self._ahead = 0  # the position in ``_order`` up to which profiles were read ahead

    def preload(self) -> None:
        self._dfs = dict(SearchTerm.objects.values_list("term", "df"))
        self._documents = SearchDocument.objects.count()
        self._weights = {}

    def follow(self, order: Sequence[int]) -> None:
        """The profiles will be placed in this order (ids, ascending)."""
        self._order = order
        self._ahead = 0

    def terms(self, pk: int) -> tuple[str, ...]:
        found = self._terms.get(pk)
        if found is not None:
            self._terms.move_to_end(pk)  # asked again: kept longest
            return found
        wanted = [pk]
        at = bisect_left(self._order, pk)
        if at >= self._ahead and at < len(self._order) and self._order[at] == pk:
            # the next profile to place (not an earlier one, a family's first record): the
            # ones after it are asked next
            self._ahead = at + READ_AHEAD
            wanted += [p for p in self._order[at + 1 : self._ahead] if p not in self._terms]
        read: dict[int, tuple[str, ...]] = dict.fromkeys(wanted, ())
        for key, summary, body in SearchDocument.objects.filter(pk__in=wanted).values_list(
            "pk", "summary", "body"
        ):
            # interned: the profiles share one copy of each word of the vocabulary
            read[key] = tuple(sys.intern(w) for w in document_terms(summary, body))
        found = read.pop(pk)
        for key, words in read.items():
            self._keep(key, words)
        self._keep(pk, found)
        return found

    def _keep(self, pk: int, terms: tuple[str, ...]) -> None:
        while len(self._terms) >= WORDS_KEPT:  # a rebuild asks for hundreds of thousands
            self._terms.popitem(last=False)
        self._terms[pk] = terms

    def words(self, pk: int) -> set[str]:
        return set(self.terms(pk))

    def order(self, terms: Sequence[str], first: int) -> float:
        """How much of their word sequence ``terms`` and innovation ``first`` share."""
        return SequenceMatcher(None, terms, self.terms(first), autojunk=False).ratio()

    def shared(self, words: set[str], first: int) -> float:
        """:func:`shared_words` of ``words`` and the words of innovation ``first``."""
        other = self.words(first)
        # not ``(words | other) - self._dfs.keys()``: that copies every known word (the whole
        # vocabulary) for each comparison — 6 ms against 20 µs at 100,000 innovations
        dfs = self._dfs
        unknown = {word for word in words | other if word not in dfs}
        if unknown:
            self._dfs.update(document_frequencies(unknown))
        if self._documents is None:
            self._documents = SearchDocument.objects.count()
        return weighted_share(words, other, self._weight)

    def _weight(self, word: str) -> float:
        """The word's idf, as ``shared_words`` weighs it (computed once per word)."""
        found = self._weights.get(word)
        if found is None:
            found = self._weights[word] = idf(self._dfs.get(word, 0), self._documents or 0)
        return found


@dataclass(frozen=True)
class Joined:
    """A family a profile joins: how alike the profile is to its first record, and that record."""

    closeness: float
    first: int
    first_signature: bytes


def closest_kin(joined: Mapping[int, Joined], look: SecondLook | None) -> set[int]:
    """Of the families a profile joins, the one whose first record it resembles most, and the
    others whose first record would join that one's or shares as many of its words as a copy
    does (:data:`SHARED_WORDS`, short texts too): the families a profile merges. A profile can
    resemble two families of different innovations on one subject (at 100,000 look-alikes a
    copy of one KTP-el home service resembled the other's too, and merged them: their first
    records share 0.41 of their weighted words); the copies of one original split into two
    families merge again (a fragment's first record shares 0.54 or more with its original's in
    nine cases of ten)."""
    if len(joined) < 2:
        return set(joined)
    best = max(joined, key=lambda f: (joined[f].closeness, -f))
    kept = {best}
    mine = joined[best]
    for family, other in joined.items():
        if family == best:
            continue
        words = _words_between(look, other.first, mine.first) if look is not None else None
        order = _order_between(look, other.first, mine.first) if look is not None else None
        if joins_family(other.first_signature, [mine.first_signature], words, order) or (
            words is not None and words() >= SHARED_WORDS
        ):
            kept.add(family)
    return kept


def _words_between(look: SecondLook, a: int, b: int) -> Callable[[], float]:
    """The second look at innovations ``a`` and ``b``, read only when asked."""
    return lambda: look.shared(look.words(a), b)


def _order_between(look: SecondLook, a: int, b: int) -> Callable[[], float]:
    return lambda: look.order(look.terms(a), b)


def document_terms(summary: str, body: str) -> list[str]:
    """The analysed words a signature is made of: the summary and the body (problem, solution…)."""
    return (summary or "").split() + (body or "").split()


# --- priors --------------------------------------------------------------------------------------
@dataclass
class Facts:
    awards: list[tuple[str, int | None]]
    evidence: int
    stage: str
    status: str
    start_year: int | None
    replicas: int
    is_replica: bool
    complete: float


def prior(facts: Facts, year: int | None = None) -> float:
    """0..1: the weighted facts (see :data:`PRIOR_WEIGHTS`)."""
    year = year or timezone.now().year
    award = 0.0
    for level, award_year in facts.awards:
        age = max(0, year - award_year) if award_year else 5
        award = max(award, AWARD_VALUE.get(level, 0.3) * (1.0 - 0.04 * min(age, 10)))
    years = min(max(0, year - facts.start_year), 8) / 8 if facts.start_year else 0.0
    parts = {
        "award": award,
        "replicas": min(facts.replicas, 5) / 5,
        "continuing": 1.0 if facts.status == Innovation.Status.CONTINUING else 0.0,
        "stage": STAGE_VALUE.get(facts.stage, 0.0),
        "years": years,
        "evidence": min(facts.evidence, 3) / 3,
        "original": 0.0 if facts.is_replica else 1.0,
        "complete": facts.complete,
    }
    return round(sum(PRIOR_WEIGHTS[k] * v for k, v in parts.items()), 6)


def facts_for(ids: Iterable[int]) -> dict[int, Facts]:
    """The facts of innovations ``ids`` (three queries, whatever their number)."""
    ids = list(ids)
    rows = (
        Innovation.objects.filter(pk__in=ids)
        .order_by()
        .values("pk", "stage", "status", "start_year", "source_id", *PROFILE_SECTIONS)
    )
    evidence = dict(
        Innovation.objects.filter(pk__in=ids, evidence__isnull=False)
        .order_by()
        .values("pk")
        .annotate(n=Count("evidence"))
        .values_list("pk", "n")
    )
    replicas = dict(
        Innovation.objects.filter(source_id__in=ids, publication_state=Innovation.State.PUBLISHED)
        .order_by()
        .values("source_id")
        .annotate(n=Count("pk"))
        .values_list("source_id", "n")
    )
    awards: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for innovation_id, level, year in Award.objects.filter(innovation_id__in=ids).values_list(
        "innovation_id", "level", "year"
    ):
        awards[innovation_id].append((level, year))
    return {
        row["pk"]: Facts(
            awards=awards.get(row["pk"], []),
            evidence=evidence.get(row["pk"], 0),
            stage=row["stage"],
            status=row["status"],
            start_year=row["start_year"],
            replicas=replicas.get(row["pk"], 0),
            is_replica=row["source_id"] is not None,
            complete=sum(1 for s in PROFILE_SECTIONS if (row[s] or "").strip())
            / len(PROFILE_SECTIONS),
        )
        for row in rows
    }


def facts_of(innovation: Innovation) -> Facts:
    """The facts of one loaded innovation (awards prefetched; two counting queries)."""
    return Facts(
        awards=[(a.level, a.year) for a in innovation.awards.all()],
        evidence=innovation.evidence.count(),
        stage=innovation.stage,
        status=innovation.status,
        start_year=innovation.start_year,
        replicas=Innovation.objects.filter(
            source_id=innovation.pk, publication_state=Innovation.State.PUBLISHED
        ).count(),
        is_replica=innovation.source_id is not None,
        complete=sum(1 for s in PROFILE_SECTIONS if (getattr(innovation, s) or "").strip())
        / len(PROFILE_SECTIONS),
    )


#: a hair less worth per later record, so that equal priors order the older record first
AGE_EPSILON = 1e-12
#: a member's worth without the first-record bonus, as a database expression
_WORTH = F("prior") - F("innovation_id") * AGE_EPSILON


def worth_of(value: float, pk: int, family_id: int) -> float:
    """The order in which a family's head is chosen: the prior, the family's earliest record
    (its id is the family's) with :data:`FIRST_RECORD_BONUS`, older records first on ties."""
    return value + (FIRST_RECORD_BONUS if pk == family_id else 0.0) - pk * AGE_EPSILON


def refresh_priors(ids: Iterable[int]) -> None:
    """Recompute the priors of ``ids`` (e.g. a source when one of its replicas changed)."""
    year = timezone.now().year
    facts = facts_for(ids)
    for pk, fact in facts.items():
        value = prior(fact, year)
        FamilyMember.objects.filter(pk=pk).update(
            prior=value,
            worth=Case(
                When(family_id=pk, then=Value(worth_of(value, pk, pk))),
                default=Value(worth_of(value, pk, 0)),
            ),
        )
    settle(FamilyMember.objects.filter(pk__in=list(facts)).values_list("family_id", flat=True))


def settle(family_ids: Iterable[int]) -> None:
    """Mark what search ranks of each of ``family_ids`` (``FamilyMember.ranked``): its public
    head (its published member with the highest worth, as ``heads`` chooses it for a reader
    without filters) and its published members with a text of their own (not look-alikes).
    Two statements write only the rows that change."""
    family_ids = sorted(set(family_ids))
    everyone = Innovation.objects.all()
    for i in range(0, len(family_ids), 400):
        chunk = family_ids[i : i + 400]
        # each family's public head, as ``heads`` chooses it for a reader of published
        # innovations (one index step per family; a subquery per member cost 650 ms for a
        # family of 65,000 look-alikes)
        public = heads(chunk, everyone, unfiltered=True, published_only=True)
        head_ids = {family.head for family in public.values()}
        should = Q(innovation_id__in=head_ids) | Q(published=True, lookalike=False)
        members = FamilyMember.objects.filter(family_id__in=chunk)
        members.filter(ranked=True).exclude(should).update(ranked=False)
        members.filter(should, ranked=False).update(ranked=True)


# --- families, one innovation at a time ----------------------------------------------------------
class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _near_families(
    pk: int, sig: bytes, keys: list[int], terms: Sequence[str], look: SecondLook
) -> dict[int, Joined]:
    """The families ``sig`` joins (``joins_family``): of those holding a member that shares one
    of its bands (the ``CANDIDATE_FAMILIES`` holding the most of its keys, when more do), each
    compared by its earliest members (and by the words of its first record, ``terms`` being the
    profile's)."""
    if not keys:
        return {}
    own = set(terms)
    sharing = FamilyBand.objects.filter(key__in=keys).exclude(innovation_id=pk)
    candidates = list(
        FamilyMember.objects.filter(pk__in=sharing.values("innovation_id"))
        .order_by()
        .values_list("family_id", flat=True)
        .distinct()
    )
    if len(candidates) > CANDIDATE_FAMILIES:
        candidates = _most_shared_families(pk, keys, candidates)
    found: dict[int, Joined] = {}
    for family_id in candidates:
        earliest = list(
            FamilyMember.objects.filter(family_id=family_id)
            .exclude(pk=pk)
            .exclude(signature=b"")
            .order_by("pk")
            .values_list("pk", "signature")[:CHECKS_PER_FAMILY]
        )
        if not earliest:
            continue
        first, first_signature = earliest[0][0], bytes(earliest[0][1])
        words = partial(look.shared, own, first)
        order = partial(look.order, terms, first)
        if joins_family(sig, [bytes(other) for _, other in earliest], words, order):
            found[family_id] = Joined(similarity(sig, first_signature), first, first_signature)
    return found


def _most_shared_families(pk: int, keys: list[int], family_ids: list[int]) -> list[int]:
    """Of ``family_ids``, the ``CANDIDATE_FAMILIES`` holding the most of ``keys`` (the oldest
    first among equals), as ``_most_shared`` chooses in a rebuild. Asked only when more
    families than that share a key: counting keys reads every sharing row, which a copy's own
    family (a thousand members holding the same keys) makes many."""
    band, member = FamilyBand._meta.db_table, FamilyMember._meta.db_table
    chosen: Counter[int] = Counter()
    connection = connections[router.db_for_read(FamilyBand)]
    with connection.cursor() as cursor:
        for i in range(0, len(family_ids), 500):
            chunk = family_ids[i : i + 500]
            cursor.execute(
                f"SELECT m.family_id, COUNT(DISTINCT b.key) FROM {band} b "
                f"JOIN {member} m ON m.innovation_id = b.innovation_id "
                f"WHERE b.key IN ({', '.join(['%s'] * len(keys))}) AND b.innovation_id <> %s "
                f"AND m.family_id IN ({', '.join(['%s'] * len(chunk))}) GROUP BY m.family_id",
                [*keys, pk, *chunk],
            )
            chosen.update(dict(cursor.fetchall()))
    return _most_keys(chosen)


def _lineage_families(pk: int, source_id: int | None) -> set[int]:
    """The families of the innovation's source and of its replicas."""
    ids = set(Innovation.objects.filter(source_id=pk).values_list("pk", flat=True))
    if source_id is not None:
        ids.add(source_id)
    return set(FamilyMember.objects.filter(pk__in=ids).values_list("family_id", flat=True))


def _regroup(family_id: int, without: int) -> set[int]:
    """Split family ``family_id`` (less ``without``) into what still holds together; the
    families it leaves."""
    members = dict(
        FamilyMember.objects.filter(family_id=family_id)
        .exclude(pk=without)
        .values_list("pk", "signature")
    )
    if not members:
        return set()
    groups = _components(
        {pk: bytes(sig) for pk, sig in members.items()},
        _band_rows(members),
        _lineage_edges(members),
        look=SecondLook(),
    )
    for root, pks in groups.items():
        if root != family_id or len(groups) > 1:
            FamilyMember.objects.filter(pk__in=pks).update(family_id=root, worth=_WORTH)
            FamilyMember.objects.filter(pk=root).update(worth=_WORTH + FIRST_RECORD_BONUS)
    return set(groups)


def _band_rows(ids: Iterable[int]) -> Iterable[tuple[int, int]]:
    ids = list(ids)
    for i in range(0, len(ids), 900):
        yield from FamilyBand.objects.filter(innovation_id__in=ids[i : i + 900]).values_list(
            "innovation_id", "key"
        )


def _lineage_edges(ids: Iterable[int]) -> list[tuple[int, int]]:
    ids = list(ids)
    edges: list[tuple[int, int]] = []
    for i in range(0, len(ids), 900):
        edges += Innovation.objects.filter(
            pk__in=ids[i : i + 900], source_id__isnull=False
        ).values_list("pk", "source_id")
    return edges


def _shared(bands: Iterable[tuple[int, int]] | np.ndarray) -> np.ndarray:
    """The (innovation, key) rows whose band key another row holds too: a key held once
    relates nothing (most keys of a catalog; keeping them took gigabytes at 100,000)."""
    rows = (
        bands
        if isinstance(bands, np.ndarray)
        else np.array(list(bands), dtype=np.int64).reshape(-1, 2)
    )
    if not len(rows):
        return rows
    _keys, inverse, counts = np.unique(rows[:, 1], return_inverse=True, return_counts=True)
    return rows[counts[inverse] > 1]


def _components(
    signatures: Mapping[int, bytes],
    bands: Iterable[tuple[int, int]] | np.ndarray,
    lineage: Iterable[tuple[int, int]],
    lookalikes: set[int] | None = None,
    look: SecondLook | None = None,
) -> dict[int, list[int]]:
    """Families ({smallest id: member ids}) as ``update`` forms them one at a time: each
    innovation, oldest first, joins the families it shares the most bands with
    (``_most_shared``) and resembles by their earliest members (``joins_family``, with ``look``
    for its second look at words; those are added to ``lookalikes``); then lineage joins the
    rest."""
    uf = _UnionFind()
    keys_of: dict[int, list[int]] = defaultdict(list)
    for pk, key in _shared(bands).tolist():
        keys_of[pk].append(key)
    earliest: dict[int, list[int]] = {}
    seen: dict[int, set[int]] = defaultdict(set)  # band key -> families seen in it
    for pk in sorted(signatures):
        keys = keys_of.get(pk, [])
        candidates = _most_shared(keys, seen, uf.find)
        found = {f: j for f in candidates if (j := _joins(pk, earliest[f], signatures, look))}
        joined = closest_kin(found, look)
        if joined and lookalikes is not None:
            lookalikes.add(pk)
        members = [pk]
        for f in joined:
            uf.union(pk, f)
            members += earliest.pop(f)
        root = uf.find(pk)
        earliest[root] = sorted(members)[:CHECKS_PER_FAMILY]
        for key in keys:
            seen[key].add(root)
    for a, b in lineage:
        if a in signatures and b in signatures:
            uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for pk in signatures:
        groups[uf.find(pk)].append(pk)
    return dict(groups)


def _most_shared(
    keys: Sequence[int], seen: dict[int, set[int]], find: Callable[[int], int]
) -> list[int]:
    """The ``CANDIDATE_FAMILIES`` families (``find``'s roots) holding the most of ``keys``
    (``seen``: band key -> the families holding it), the oldest first among equals — as
    ``_near_families`` chooses them. A key's families merged since are kept as their root."""
    shared: Counter[int] = Counter()
    for key in keys:
        held = seen.get(key)
        if held:
            roots = {find(f) for f in held}
            seen[key] = roots
            shared.update(roots)
    return _most_keys(shared)


def _most_keys(shared: Mapping[int, int]) -> list[int]:
    """The rule both ways of placing a profile choose by: of {family: band keys it shares with
    the profile}, the ``CANDIDATE_FAMILIES`` sharing the most, the oldest first among equals."""
    return heapq.nsmallest(CANDIDATE_FAMILIES, shared, key=lambda f: (-shared[f], f))


def _joins(
    pk: int, earliest: Sequence[int], signatures: Mapping[int, bytes], look: SecondLook | None
) -> Joined | None:
    """``joins_family`` for innovation ``pk`` and a family whose earliest members are
    ``earliest`` (ids, oldest first): how it joins, or None."""
    signed = [m for m in earliest if len(signatures[m]) == _SIGNATURE]
    if not signed:
        return None
    sig, first = signatures[pk], signed[0]
    words = _words_between(look, pk, first) if look is not None else None
    order = _order_between(look, pk, first) if look is not None else None
    if not joins_family(sig, [signatures[m] for m in signed], words, order):
        return None
    return Joined(similarity(sig, signatures[first]), first, signatures[first])


def update(innovation: Innovation, terms: Sequence[str], facts: Facts | None = None) -> None:
    """Place one (re)indexed innovation in its family and refresh its prior; called inside the
    index's transaction. ``innovation`` comes with its awards prefetched; ``facts``, when the
    caller read them already (``facts_for``)."""
    pk = innovation.pk
    sig = signature(terms)
    current = (
        FamilyMember.objects.filter(pk=pk)
        .values_list("family_id", "signature", "source_id", "lookalike")
        .first()
    )
    old: int | None = current[0] if current else None
    linked: set[int]
    left: set[int] = set()
    if (
        old is not None
        and current is not None
        and bytes(current[1]) == sig
        and (current[2] == innovation.source_id)
    ):
        # same text and source: the same family
        linked = {old} | _lineage_families(pk, innovation.source_id)
        near = bool(current[3])
    else:
        keys = profile_band_keys(sig, terms)
        FamilyBand.objects.filter(innovation_id=pk).delete()
        FamilyBand.objects.bulk_create(FamilyBand(innovation_id=pk, key=k) for k in keys)
        look = SecondLook()
        alike = closest_kin(_near_families(pk, sig, keys, terms, look), look)
        near = bool(alike)
        linked = alike | _lineage_families(pk, innovation.source_id)
        if old is not None and old not in linked:
            left = _regroup(old, without=pk)
    family = min(linked | {pk})
    value = prior(facts if facts is not None else facts_of(innovation))
    placed = {
        "family_id": family,
        "prior": value,
        "worth": worth_of(value, pk, family),
        "signature": sig,
        "source_id": innovation.source_id,
        "published": innovation.publication_state == Innovation.State.PUBLISHED,
        # a near-copy of an earlier record's text (the earliest record is its family's own)
        "lookalike": near and family != pk,
    }
    if current is None:
        FamilyMember.objects.create(innovation_id=pk, **placed)
    else:
        FamilyMember.objects.filter(pk=pk).update(**placed)
    merged = linked - {family}
    if merged:
        # the earliest records of the merged families are no longer their family's earliest
        FamilyMember.objects.filter(pk__in=merged).update(worth=_WORTH)
        FamilyMember.objects.filter(family_id__in=merged).update(family_id=family)
    settle({family, *left})
    if innovation.source_id is not None:
        refresh_priors([innovation.source_id])  # its number of replicas changed


def remove(innovation_id: int) -> None:
    """Take an innovation out of its family (before the catalog deletes it)."""
    old = FamilyMember.objects.filter(pk=innovation_id).values_list("family_id", flat=True).first()
    FamilyBand.objects.filter(innovation_id=innovation_id).delete()
    FamilyMember.objects.filter(pk=innovation_id).delete()
    if old is not None:
        settle({old, *_regroup(old, without=innovation_id)})


# --- every family at once ------------------------------------------------------------------------
def rebuild(
    *, batch_size: int = 2000, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Recompute every signature, band, prior and family from the search documents."""
    total = SearchDocument.objects.count()
    signatures: dict[int, bytes] = {}
    priors: dict[int, float] = {}
    band_chunks: list[np.ndarray] = []  # (innovation, key) rows: 16 bytes each, not ~120
    year = timezone.now().year
    last = 0
    done = 0
    base = SearchDocument.objects.order_by("pk").values_list("pk", "summary", "body")
    while True:
        batch = list(base.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        facts = facts_for(pk for pk, _, _ in batch)
        for pk, summary, body in batch:
            terms = document_terms(summary, body)
            sig = signature(terms)
            signatures[pk] = sig
            keys = profile_band_keys(sig, terms)
            if keys:
                band_chunks.append(np.array([(pk, key) for key in keys], dtype=np.int64))
            priors[pk] = prior(facts[pk], year) if pk in facts else 0.0
        last = batch[-1][0]
        done += len(batch)
        if progress:
            progress(done, total)
    bands = np.concatenate(band_chunks) if band_chunks else np.empty((0, 2), dtype=np.int64)
    del band_chunks
    lineage = _lineage_edges(signatures)
    sources = dict(lineage)
    published = set(
        Innovation.objects.filter(publication_state=Innovation.State.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    lookalikes: set[int] = set()
    look = SecondLook()
    look.preload()
    look.follow(sorted(signatures))  # ``_components`` places them in this order
    groups = _components(signatures, bands, lineage, lookalikes, look)
    family_of = {pk: root for root, pks in groups.items() for pk in pks}
    worth = {pk: worth_of(priors[pk], pk, family_of[pk]) for pk in signatures}
    public_heads = {
        max((pk for pk in pks if pk in published), key=worth.__getitem__)
        for pks in groups.values()
        if any(pk in published for pk in pks)
    }
    FamilyBand.objects.all().delete()
    FamilyMember.objects.all().delete()
    FamilyMember.objects.bulk_create(
        (
            FamilyMember(
                innovation_id=pk,
                family_id=family_of[pk],
                prior=priors[pk],
                worth=worth[pk],
                signature=sig,
                source_id=sources.get(pk),
                published=pk in published,
                lookalike=pk in lookalikes,
                ranked=pk in public_heads or (pk in published and pk not in lookalikes),
            )
            for pk, sig in signatures.items()
        ),
        batch_size=2000,
    )
    _insert_bands(bands)
    return {"families": len(groups), "grouped": sum(len(p) for p in groups.values() if len(p) > 1)}


#: band rows written per statement by ``_insert_bands``
BAND_CHUNK = 20_000


def _insert_bands(bands: np.ndarray) -> None:
    """Write every band row (40 per innovation: 4 million at 100,000) as plain parameter
    rows (``COPY`` on PostgreSQL): the ORM's ``bulk_create`` took a quarter of a whole rebuild
    (150 s at 100,000). On SQLite the rows go into the table without its indexes, which are
    then built again in one pass each (their own names kept; the band keys are random, so every
    row landed on another index page): 54 → 20 s. Not on PostgreSQL, where dropping an index
    would lock the table against every reader (the duplicate warning) until the rebuild
    commits."""
    table = FamilyBand._meta.db_table
    connection = connections[router.db_for_write(FamilyBand)]
    sql = f"INSERT INTO {table} (innovation_id, key) VALUES (%s, %s)"
    with connection.cursor() as cursor:
        indexes: dict[str, list[str]] = {}
        if connection.vendor == "sqlite":
            constraints = connection.introspection.get_constraints(cursor, table)
            indexes = {
                name: info["columns"]
                for name, info in constraints.items()
                if info["index"] and not info["primary_key"] and not info["unique"]
            }
        for name in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if connection.vendor == "postgresql":
            _copy_bands(cursor, table, bands)
        else:
            for start in range(0, len(bands), BAND_CHUNK):
                cursor.executemany(sql, bands[start : start + BAND_CHUNK].tolist())
        for name, columns in indexes.items():
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"CREATE INDEX {connection.ops.quote_name(name)} ON {table} ({quoted})")


def _copy_bands(cursor: Any, table: str, bands: np.ndarray) -> None:
    """PostgreSQL: the band rows through ``COPY`` (one statement per row took most of a
    rebuild's writing at 500,000: 20 million rows)."""
    with cursor.cursor.copy(f"COPY {table} (innovation_id, key) FROM STDIN") as copy:
        for start in range(0, len(bands), BAND_CHUNK):
            for row in bands[start : start + BAND_CHUNK].tolist():
                copy.write_row(row)


# --- reads ---------------------------------------------------------------------------------------
@dataclass
class Family:
    id: int
    head: int
    prior: float
    members: int  # the family's members the reader may see (within the filters)


def of(ids: Iterable[int]) -> dict[int, tuple[int, float]]:
    """{innovation id: (family id, prior)}; an innovation not yet placed is its own family."""
    ids = list(ids)
    found = {
        pk: (family, value)
        for pk, family, value in FamilyMember.objects.filter(pk__in=ids).values_list(
            "pk", "family_id", "prior"
        )
    }
    return {pk: found.get(pk, (pk, 0.0)) for pk in ids}


#: families of at most this many published members have all of them read for ``heads``
SMALL_FAMILY = 8


def heads(
    family_ids: Iterable[int],
    qs: QuerySet[Innovation],
    *,
    unfiltered: bool = False,
    excluded: Collection[int] = (),
    published_only: bool = False,
) -> dict[int, Family]:
    """For each family, the member of ``qs`` (what the reader may see, within the filters) most
    worth copying, and how many of its members ``qs`` holds. Most worth copying: the highest
    prior, where the family's earliest record gets :data:`FIRST_RECORD_BONUS` (a copy is written
    after what it copies, and on imported data the prior rarely tells them apart: no start year,
    no evidence, no lineage); ties go to the older record.

    ``unfiltered``: ``qs`` is everything the reader may see (no catalog filter). Heads and counts
    then come from this table's own index (published members), plus the few unpublished members
    the reader may see: the cost no longer grows with the size of the families.
    ``excluded``: with ``unfiltered``, innovations ``qs`` leaves out of all the reader may see
    (an innovation's own page asks for the families like it, without it) — still the index's
    path: each family's best few instead of its best one. ``published_only``: the reader reads
    published innovations only (``catalog.selectors.reads_published_only``): no unpublished
    member is looked for."""
    family_ids = sorted(set(family_ids))
    excluded = {int(pk) for pk in excluded}
    if not family_ids:
        return {}
    if not unfiltered:
        return _heads_within(family_ids, qs)
    found: dict[int, tuple[float, int, float, int]] = {}  # family → (-worth, pk, prior, count)
    # each family's size as its triggers keep it: one index step per family, whatever its size
    counts = _sizes(family_ids, qs.db)
    if excluded:
        for family in FamilyMember.objects.filter(
            innovation_id__in=excluded, family_id__in=family_ids, published=True
        ).values_list("family_id", flat=True):
            counts[family] = counts.get(family, 0) - 1
    rows = _most_worth(family_ids, counts, 1 + len(excluded), qs.db)
    rows = [row for row in rows if int(row[1]) not in excluded]
    unpublished = (
        []
        if published_only
        else list(
            FamilyMember.objects.filter(family_id__in=family_ids, published=False)
            .filter(Exists(qs.order_by().filter(pk=OuterRef("innovation_id"))))
            .values_list("family_id", "innovation_id", "prior", "worth")
        )
    )
    for family, pk, value, worth in [*rows, *unpublished]:
        candidate = (-float(worth), int(pk), float(value), 0)
        current = found.get(family)
        if current is None or candidate < current:
            found[family] = candidate
    extra = Counter(family for family, *_ in unpublished)
    return {
        int(f): Family(int(f), pk, value, counts.get(f, 0) + extra.get(f, 0))
        for f, (_w, pk, value, _n) in found.items()
    }


def _sizes(family_ids: Sequence[int], db: str) -> dict[int, int]:
    """Each family's number of published members, as its triggers keep it (``FamilySize``): one
    index step per family, whatever its size; a family without one is left out."""
    return {
        int(f): int(n)
        for f, n in FamilySize.objects.using(db)
        .filter(family_id__in=list(family_ids))
        .values_list("family_id", "published")
    }


def _most_worth(
    family_ids: Sequence[int], sizes: Mapping[int, int], n: int, db: str
) -> list[tuple[int, int, float, float]]:
    """(family, innovation, prior, worth) of at least the ``n`` published members of each family
    with the highest worth (``sizes``: ``_sizes``). Small families: all their published members,
    in one statement (a subquery per family cost PostgreSQL 10 ms of planning for 50 families);
    large ones: their best ``n`` each, one step of the (family, published, worth) index read
    backwards from its end — the cost does not grow with a family's size."""
    small = [f for f in family_ids if 0 < sizes.get(f, 0) <= SMALL_FAMILY]
    large = [f for f in family_ids if sizes.get(f, 0) > SMALL_FAMILY]
    best_sql = (
        "SELECT * FROM (SELECT family_id, innovation_id, prior, worth FROM search_familymember "
        f"WHERE family_id = %s AND published = %s ORDER BY worth DESC LIMIT {int(n)}) AS h"
    )
    rows: list[tuple[int, int, float, float]] = []
    with connections[db].cursor() as cursor:
        if small:
            cursor.execute(
                "SELECT family_id, innovation_id, prior, worth FROM search_familymember "
                f"WHERE family_id IN ({', '.join(['%s'] * len(small))}) AND published = %s",
                [*small, True],
            )
            rows += cursor.fetchall()
        if large:
            cursor.execute(
                " UNION ALL ".join([best_sql] * len(large)),
                [v for f in large for v in (f, True)],
            )
            rows += cursor.fetchall()
    return [(int(f), int(pk), float(p), float(w)) for f, pk, p, w in rows]


def _heads_within(family_ids: list[int], qs: QuerySet[Innovation]) -> dict[int, Family]:
    """``heads`` for a filtered queryset: one statement over the families' members in ``qs``."""
    # the members the reader may see, from the families' side (their index), then the catalog
    members = (
        FamilyMember.objects.filter(family_id__in=family_ids)
        .filter(Exists(qs.order_by().filter(pk=OuterRef("innovation_id"))))
        .order_by()
        .values_list("family_id", "innovation_id", "prior")
    )
    members_sql, members_params = members.query.sql_with_params()
    sql = (
        f"WITH m(f, i, p) AS ({members_sql}), "
        "s AS (SELECT f, MIN(i) AS first, COUNT(*) AS n FROM m GROUP BY f), "
        "r AS (SELECT m.f AS f, m.i AS i, m.p AS p, s.n AS n, ROW_NUMBER() OVER (PARTITION BY m.f "
        "ORDER BY m.p + CASE WHEN m.i = s.first THEN %s ELSE 0 END DESC, m.i) AS rn "
        "FROM m JOIN s ON s.f = m.f) "
        "SELECT f, i, p, n FROM r WHERE rn = 1"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, [*members_params, FIRST_RECORD_BONUS])
        rows = cursor.fetchall()
    return {int(f): Family(int(f), int(i), float(p), int(n)) for f, i, p, n in rows}
