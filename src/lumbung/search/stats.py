"""Index statistics for ranking (document count, average field lengths, document frequencies)
and the vocabulary used for typo correction. Cached per process for a short while; every index
write in this process invalidates the cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Avg, Count

from .backends import get_backend
from .models import FIELD_GROUPS, SearchDocument, SearchTerm
from .models_family import FamilyMember

TTL_SECONDS = 60.0
_lock = threading.Lock()
_generation = 0


def invalidate() -> None:
    global _generation
    with _lock:
        _generation += 1


def _key() -> tuple[str, int]:
    return (str(connection.settings_dict.get("NAME")), _generation)


@dataclass
class IndexStats:
    documents: int
    avg_len: dict[str, float]
    #: innovations search ranks first (``FamilyMember.ranked``): families' heads and members
    #: with a text of their own
    ranked: int = 0
    loaded_at: float = field(default_factory=time.monotonic)


_stats_cache: dict[tuple[str, int], IndexStats] = {}


def index_stats() -> IndexStats:
    key = _key()
    cached = _stats_cache.get(key)
    if cached and time.monotonic() - cached.loaded_at < TTL_SECONDS:
        return cached
    agg = SearchDocument.objects.aggregate(
        n=Count("pk"), **{g: Avg(f"{g}_len") for g in FIELD_GROUPS}
    )
    result = IndexStats(
        documents=int(agg["n"] or 0),
        avg_len={g: max(float(agg[g] or 0.0), 1.0) for g in FIELD_GROUPS},
        ranked=FamilyMember.objects.filter(ranked=True).count(),
    )
    _stats_cache.clear()
    _stats_cache[key] = result
    return result


def _term_counts(column: str, terms: Iterable[str]) -> dict[str, int]:
    """Each term's ``column`` (a count of documents) in the vocabulary, 0 for unknown terms. A
    plain statement per 500 terms, the back end's list condition (``in_list_sql``): the ORM's
    ``IN`` prepares each of hundreds of parameters one by one (2 ms of a search's 20 results'
    words) and PostgreSQL plans hundreds of parameters again for every statement."""
    terms = sorted({t for t in terms if t})
    out: dict[str, int] = dict.fromkeys(terms, 0)
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    backend = get_backend()
    with connection.cursor() as cursor:
        for i in range(0, len(terms), 500):
            condition, params = backend.in_list_sql("term", terms[i : i + 500])
            cursor.execute(f"SELECT term, {column} FROM {table} WHERE {condition}", params)
            for term, count in cursor.fetchall():
                out[term] = max(int(count), 0)
    return out


def document_frequencies(terms: Iterable[str]) -> dict[str, int]:
    """How many documents hold each term."""
    return _term_counts("df", terms)


def name_frequencies(terms: Iterable[str]) -> dict[str, int]:
    """How many documents hold each term in their name group."""
    return _term_counts("name_df", terms)


# --- typo correction -----------------------------------------------------------------------------
def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment (Damerau-Levenshtein) distance, or ``limit + 1`` once past it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        ai = a[i - 1]
        for j in range(1, len(b) + 1):
            cost = 0 if ai == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Vocabulary:
    """The index's terms with a one-deletion neighbourhood (SymSpell-style): a misspelt term and
    a known term that share a word after deleting at most one letter from each are at most two
    edits apart; those few candidates are then checked exactly. Terms found in a single document
    are left out of a large vocabulary: correcting towards them rarely helps."""

    def __init__(self, terms: dict[str, int]) -> None:
        self.df = terms
        self.neighbours: dict[str, list[str]] = {}
        min_df = 2 if len(terms) > 20_000 else 1
        for term, df in terms.items():
            if df < min_df or len(term) < 4:
                continue
            for key in (term, *_deletes(term)):
                self.neighbours.setdefault(key, []).append(term)
        self.loaded_at = time.monotonic()

    @staticmethod
    def max_distance(word: str) -> int:
        n = len(word)
        if n < 4:
            return 0
        return 1 if n < 8 else 2

    def corrections(self, *words: str, limit: int = 2) -> list[tuple[str, int]]:
        """Known terms close to any of ``words``: [(term, distance)], best first."""
        found: dict[str, int] = {}
        for word in words:
            d = self.max_distance(word)
            if not d or not word:
                continue
            candidates: set[str] = set()
            for key in (word, *_deletes(word)):
                candidates.update(self.neighbours.get(key, ()))
            for cand in candidates:
                dist = osa_distance(word, cand, d)
                if dist <= d and (cand not in found or dist < found[cand]):
                    found[cand] = dist
        ranked = sorted(found.items(), key=lambda kv: (kv[1], -self.df.get(kv[0], 0), kv[0]))
        return ranked[:limit]


_vocab_cache: dict[tuple[str, int], Vocabulary] = {}


def vocabulary() -> Vocabulary:
    key = _key()
    cached = _vocab_cache.get(key)
    if cached and time.monotonic() - cached.loaded_at < TTL_SECONDS * 5:
        return cached
    terms = dict(SearchTerm.objects.filter(df__gt=0).values_list("term", "df").iterator(5000))
    vocab = Vocabulary(terms)
    _vocab_cache.clear()
    _vocab_cache[key] = vocab
    return vocab
