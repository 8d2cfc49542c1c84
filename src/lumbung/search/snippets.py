"""Highlighted snippets: the passage of a profile that best matches the query, with the matching
words marked (``<mark>``). Words are compared through the analyser, so "antrian" is marked for a
search on "antrean", and "difabel" for "disabilitas"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import WORD_RE, Analyzer, iter_words

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


_CACHE: dict[str, frozenset[str]] = {}


def word_terms(analyzer: Analyzer, parts: Sequence[str]) -> set[str]:
    terms = {t for t in (analyzer.term(p) for p in parts) if t}
    if len(parts) > 1:
        joined = analyzer.term("".join(parts))
        if joined:
            terms.add(joined)
    return terms


def _words(text: str, analyzer: Analyzer) -> Iterator[tuple[int, int, frozenset[str]]]:
    """(start, end, index terms) of each word; a word's terms are cached by its spelling."""
    for match in WORD_RE.finditer(text):
        raw = match.group(0)
        terms = _CACHE.get(raw)
        if terms is None:
            terms = frozenset(t for w in iter_words(raw) for t in word_terms(analyzer, w.parts))
            if len(_CACHE) > 100_000:
                _CACHE.clear()
            _CACHE[raw] = terms
        yield match.start(), match.end(), terms


def highlight(text: str, terms: set[str], analyzer: Analyzer) -> SafeString:
    """The whole text, escaped, with the words whose terms are in ``terms`` marked."""
    out: list[str] = []
    pos = 0
    for start, end, word in _words(text, analyzer):
        if word & terms:
            out.append(escape(text[pos:start]))
            out.append("<mark>" + escape(text[start:end]) + "</mark>")
            pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # every piece is escaped above


def _matches(text: str, terms: set[str], analyzer: Analyzer) -> tuple[int, int]:
    found: set[str] = set()
    first = -1
    for start, _end, word in _words(text, analyzer):
        hit = word & terms
        if hit:
            found |= hit
            if first < 0:
                first = start
    return len(found), first


def best_snippet(
    texts: Iterable[str], terms: set[str], analyzer: Analyzer, max_chars: int = 260
) -> SafeString:
    """The sentence (from the first texts given, in order of preference) that holds the most
    distinct query terms, trimmed around its first match and highlighted."""
    best: tuple[int, int, str, int] | None = None  # (-distinct, order, sentence, first match)
    fallback = ""
    order = 0
    for text in texts:
        if not text:
            continue
        fallback = fallback or text
        for sentence in _SENTENCE_END.split(text.strip()):
            order += 1
            if not sentence:
                continue
            distinct, first = _matches(sentence, terms, analyzer) if terms else (0, -1)
            if distinct and (best is None or (-distinct, order) < (best[0], best[1])):
                best = (-distinct, order, sentence, first)
        if best is not None and -best[0] >= len(terms):
            break  # a sentence with every term: nothing can beat it
    if best is None:
        text = fallback[:max_chars]
        if len(fallback) > max_chars:
            text = text.rsplit(" ", 1)[0] + " …"
        return mark_safe(escape(text))
    _, _, sentence, first = best
    if len(sentence) > max_chars:
        start = max(0, min(first - max_chars // 3, len(sentence) - max_chars))
        if start:
            space = sentence.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        piece = sentence[start : start + max_chars]
        if start + max_chars < len(sentence) and " " in piece:
            piece = piece.rsplit(" ", 1)[0]
        sentence = (
            ("… " if start else "") + piece + (" …" if start + len(piece) < len(sentence) else "")
        )
    return highlight(sentence, terms, analyzer)
