"""The Indonesian text analyser, used at index and at query time alike.

Pipeline: Unicode and case folding (diacritics and apostrophes removed) → words (hyphenated and
camel-case words also give their joined form) → stop words → Snowball Indonesian stemming
(PyStemmer, the same algorithm as PostgreSQL's ``indonesian`` configuration) with an override list
for its known bad stems → synonyms and spelling variants → phrase rules (acronym ↔ expansion,
several-word synonyms) that *add* terms at the end of the text, so phrases stay contiguous.

Query analysis (:meth:`Analyzer.parse_query`) turns text into *concepts*: each concept is one
thing the reader asked for, with alternative ways to find it (its term, a synonym's phrase, an
acronym's expansion, an Indonesian translation of an English word, a typo correction) and a
weight per alternative. All data (stop words, overrides, synonyms, acronyms, the English glossary)
lives in ``search/data/`` as plain text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import Stemmer

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Bump when the analyser's output changes, so ``lumbung reindex`` is known to be needed.
ANALYZER_VERSION = 1

MAX_TOKEN_LENGTH = 40
MIN_TOKEN_LENGTH = 2

# a word: letters/digits, with inner apostrophes ("Dottoro'ta") and hyphens ("SIKS-NG", "KTP-el")
WORD_RE = re.compile(r"[^\W_]+(?:['’`ʼ-][^\W_]+)*")
_APOSTROPHES_RE = re.compile(r"['’`ʼ]")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_COMMENT_RE = re.compile(r"\s*#.*$")


def fold(text: str) -> str:
    """Case-fold and strip diacritics (``Rêhabilitasi`` → ``rehabilitasi``)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Word:
    """A word of the original text: where it is and its folded parts."""

    start: int
    end: int
    parts: tuple[str, ...]  # folded parts ("siks", "ng"); joined form is added by the analyser


def iter_words(text: str) -> Iterator[Word]:
    """The words of ``text`` with their character spans (used for highlighting too)."""
    for match in WORD_RE.finditer(text or ""):
        raw = match.group(0)
        pieces: list[str] = []
        for hyphen_part in raw.split("-"):
            hyphen_part = _APOSTROPHES_RE.sub("", hyphen_part)
            camel = _CAMEL_RE.split(hyphen_part)
            if len(camel) > 1 and all(len(c) >= 3 for c in camel):
                pieces.extend(camel)
            else:
                pieces.append(hyphen_part)
        parts = tuple(fold(p) for p in pieces if p)
        if parts:
            yield Word(match.start(), match.end(), parts)


def _query_words(text: str) -> tuple[list[tuple[str, str]], dict[int, str]]:
    """A query's words as (folded word, label word), and the joined form of each hyphenated or
    camel-case word by the index of its last part."""
    words: list[tuple[str, str]] = []
    joined_after: dict[int, str] = {}
    for word in iter_words(text):
        for part in word.parts:
            words.append((part, part))
        if len(word.parts) > 1 and len(set(word.parts)) > 1:
            joined_after[len(words) - 1] = "".join(word.parts)
    return words, joined_after


def _read_lines(name: str) -> Iterator[str]:
    path = DATA_DIR / name
    for line in path.read_text(encoding="utf-8").splitlines():
        line = _COMMENT_RE.sub("", line).strip()
        if line:
            yield line


def _words_of(*names: str) -> frozenset[str]:
    """The words of data files (several a line allowed)."""
    return frozenset(w for name in names for line in _read_lines(name) for w in line.split())


def _stem_overrides() -> dict[str, str]:
    """``stem_overrides.tsv``: a word and its stem, tab-separated."""
    overrides: dict[str, str] = {}
    for line in _read_lines("stem_overrides.tsv"):
        word, _, stem = line.partition("\t")
        if word and stem:
            overrides[fold(word.strip())] = stem.strip()
    return overrides


@dataclass(frozen=True)
class Alternative:
    """One way to find a concept: a term (one element) or a phrase (several), with a weight."""

    terms: tuple[str, ...]
    weight: float = 1.0
    kind: str = "term"  # term, synonym, acronym, english, typo, phrase

    @property
    def is_phrase(self) -> bool:
        return len(self.terms) > 1


@dataclass
class Concept:
    """One thing the reader asked for, in their words, and the alternatives that find it."""

    label: str
    alternatives: list[Alternative] = field(default_factory=list)
    weight: float = 1.0

    def add(self, terms: Iterable[str], weight: float = 1.0, kind: str = "term") -> None:
        terms = tuple(t for t in terms if t)
        if not terms:
            return
        for i, alt in enumerate(self.alternatives):
            if alt.terms == terms:
                if weight > alt.weight:
                    self.alternatives[i] = Alternative(terms, weight, kind)
                return
        self.alternatives.append(Alternative(terms, weight, kind))

    @property
    def terms(self) -> set[str]:
        return {t for alt in self.alternatives for t in alt.terms}


@dataclass
class QueryPlan:
    """What a query asks for: its concepts (empty when nothing searchable was typed)."""

    text: str
    concepts: list[Concept]

    def __bool__(self) -> bool:
        return bool(self.concepts)

    @property
    def terms(self) -> set[str]:
        return {t for c in self.concepts for t in c.terms}

    @property
    def alternatives(self) -> list[Alternative]:
        seen: dict[tuple[str, ...], Alternative] = {}
        for concept in self.concepts:
            for alt in concept.alternatives:
                if alt.terms not in seen:
                    seen[alt.terms] = alt
        return list(seen.values())


class Analyzer:
    """Turns text into index terms and queries into concepts. Build once; it is read-only."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("indonesian")
        self._en_stemmer = Stemmer.Stemmer("english")
        self.stopwords: frozenset[str] = _words_of("stopwords_id.txt", "stopwords_en.txt")
        self.query_stopwords: frozenset[str] = _words_of("query_stopwords.txt")
        self.overrides: dict[str, str] = _stem_overrides()
        self._stem_cache: dict[str, str] = {}
        self._word_cache: dict[str, tuple[tuple[str, ...], str | None]] = {}
        # synonyms: single-term replacement, and phrase rules that add terms
        self.single_map: dict[str, str] = {}
        self.phrase_rules: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        self.acronyms: dict[str, list[tuple[str, ...]]] = {}
        self._load_synonyms()
        self._resolve_synonym_chains()
        self._load_acronyms()
        self._rules_by_first: dict[str, list[tuple[tuple[str, ...], list[tuple[str, ...]]]]] = {}
        for phrase, adds in sorted(self.phrase_rules.items(), key=lambda kv: -len(kv[0])):
            self._rules_by_first.setdefault(phrase[0], []).append((phrase, adds))
        self._rule_firsts = frozenset(self._rules_by_first)
        # English glossary: keys are English-stemmed word tuples
        self.glossary: dict[tuple[str, ...], list[str]] = {}
        self._load_glossary()
        self.glossary_max = max((len(k) for k in self.glossary), default=1)

    # --- loading the data ----------------------------------------------------------------------
    def _load_synonyms(self) -> None:
        """``synonyms.txt``: each line a canonical form, then its synonyms, comma-separated."""
        for line in _read_lines("synonyms.txt"):
            members = [m.strip() for m in line.split(",") if m.strip()]
            if len(members) < 2:
                continue
            canonical = self.base_terms(members[0])
            if canonical:
                for member in members[1:]:
                    self._add_synonym(self.base_terms(member), canonical)

    def _add_synonym(self, terms: list[str], canonical: list[str]) -> None:
        if not terms or tuple(terms) == tuple(canonical):
            return
        if len(terms) == 1 and len(canonical) == 1:
            self.single_map[terms[0]] = canonical[0]
        else:
            self._add_rule(tuple(terms), tuple(canonical))

    def _resolve_synonym_chains(self) -> None:
        """Resolve chains (a → b, b → c) once."""
        for key, value in list(self.single_map.items()):
            seen = {key}
            while value in self.single_map and value not in seen:
                seen.add(value)
                value = self.single_map[value]
            self.single_map[key] = value

    def _load_acronyms(self) -> None:
        """``acronyms.txt``: ``ACRONYM = expansion | another expansion``, both ways."""
        for line in _read_lines("acronyms.txt"):
            acronym, _, expansions = line.partition("=")
            acronym_terms = self.base_terms(acronym)
            if len(acronym_terms) != 1:
                continue
            key = self.single_map.get(acronym_terms[0], acronym_terms[0])
            for expansion in expansions.split("|"):
                exp = tuple(self.single_map.get(t, t) for t in self.base_terms(expansion))
                if len(exp) < 2:
                    continue
                self.acronyms.setdefault(key, []).append(exp)
                self._add_rule(exp, (key,))
                self._add_rule((key,), exp)

    def _load_glossary(self) -> None:
        """``glossary_en.txt``: ``english, other english = indonesian; other indonesian``."""
        for line in _read_lines("glossary_en.txt"):
            english, _, indonesian = line.partition("=")
            targets = [t.strip() for t in indonesian.split(";") if t.strip()]
            if not targets:
                continue
            for key in english.split(","):
                words = tuple(self._en(w) for w in self._folded_words(key))
                if words:
                    entry = self.glossary.setdefault(words, [])
                    for target in targets:
                        if target not in entry:
                            entry.append(target)

    # --- building blocks ---------------------------------------------------------------------
    def _add_rule(self, phrase: tuple[str, ...], adds: tuple[str, ...]) -> None:
        rules = self.phrase_rules.setdefault(phrase, [])
        if adds not in rules:
            rules.append(adds)

    def _en(self, word: str) -> str:
        return self._en_stemmer.stemWord(word)

    @staticmethod
    def _folded_words(text: str) -> list[str]:
        words: list[str] = []
        for word in iter_words(text):
            words.extend(word.parts)
        return words

    def stem(self, word: str) -> str:
        """The stem of one folded word (override list first, then Snowball)."""
        cached = self._stem_cache.get(word)
        if cached is not None:
            return cached
        if word in self.overrides:
            stem = self.overrides[word]
        elif word.isdigit() or len(word) <= 3:
            stem = word
        else:
            stem = self._stemmer.stemWord(word)
            if len(stem) < 3:  # the stemmer ate the word: keep it whole
                stem = word
        if len(self._stem_cache) < 500_000:
            self._stem_cache[word] = stem
        return stem

    def term(self, word: str) -> str | None:
        """The index term of one folded word, or None for a stop word or a non-word."""
        if len(word) < MIN_TOKEN_LENGTH or word in self.stopwords:
            return None
        if len(word) > MAX_TOKEN_LENGTH:
            word = word[:MAX_TOKEN_LENGTH]
        stem = self.stem(word)
        return self.single_map.get(stem, stem)

    def base_terms(self, text: str) -> list[str]:
        """Folding, stop words and stemming only (no synonyms, no added terms)."""
        out = []
        for word in self._folded_words(text):
            if len(word) < MIN_TOKEN_LENGTH or word in self.stopwords:
                continue
            out.append(self.stem(word[:MAX_TOKEN_LENGTH]))
        return out

    def _rule_additions(self, terms: list[str]) -> list[str]:
        """Terms added by phrase rules, each once, and none the text already has."""
        added: list[str] = []
        seen: set[str] | None = None
        n = len(terms)
        rules_by_first = self._rules_by_first
        for i, t in enumerate(terms):
            rules = rules_by_first.get(t)
            if not rules:
                continue
            for phrase, adds in rules:
                k = len(phrase)
                if i + k <= n and (k == 1 or tuple(terms[i : i + k]) == phrase):
                    if seen is None:
                        seen = set(terms)
                    for add in adds:
                        for a in add:
                            if a not in seen:
                                seen.add(a)
                                added.append(a)
                    break
        return added

    # --- index time --------------------------------------------------------------------------
    def _word(self, raw: str) -> tuple[tuple[str, ...], str | None]:
        """Terms of one raw word and its joined form (cached by spelling: fast reindexing)."""
        entry = self._word_cache.get(raw)
        if entry is None:
            terms: list[str] = []
            joined = None
            for word in iter_words(raw):
                for part in word.parts:
                    t = self.term(part)
                    if t:
                        terms.append(t)
                if len(word.parts) > 1 and len(set(word.parts)) > 1:
                    joined = self.term("".join(word.parts))
            entry = (tuple(terms), joined)
            if len(self._word_cache) > 500_000:
                self._word_cache.clear()
            self._word_cache[raw] = entry
        return entry

    def analyze(self, text: str) -> list[str]:
        """Index terms of ``text``: its terms in order, then the terms added by joined words and
        by phrase rules (acronym ↔ expansion, several-word synonyms)."""
        if not text:
            return []
        terms: list[str] = []
        joined: list[str] = []
        cache = self._word_cache
        for raw in WORD_RE.findall(text):
            entry = cache.get(raw)
            if entry is None:
                entry = self._word(raw)
            terms.extend(entry[0])
            if entry[1]:
                joined.append(entry[1])
        if self._rule_firsts.isdisjoint(terms):
            return terms + joined
        return terms + joined + self._rule_additions(terms)

    # --- query time --------------------------------------------------------------------------
    def parse_query(self, text: str, *, max_concepts: int = 32) -> QueryPlan:
        """Concepts of a query. English glossary entries, acronyms and synonyms become
        alternatives; typo corrections are added later by the searcher (they need the index's
        vocabulary)."""
        text = (text or "")[:4000]
        words, joined_after = _query_words(text)
        concepts: list[Concept] = []
        pending: list[tuple[str, str, int]] = []  # (term, label, index in words)
        i = 0
        while i < len(words) and len(concepts) + len(pending) < max_concepts * 2:
            hit = self._glossary_hit(words, i)
            if hit:
                # the words so far become concepts; the English words one concept of their own
                self._concepts_from_terms(pending, concepts)
                pending.clear()
                k, targets = hit
                concepts.append(self._english_concept(words[i : i + k], targets))
                i += k
            else:
                self._pend_word(words, i, joined_after.get(i, ""), pending)
                i += 1
        self._concepts_from_terms(pending, concepts)
        return QueryPlan(text=text, concepts=concepts[:max_concepts])

    def _glossary_hit(self, words: list[tuple[str, str]], i: int) -> tuple[int, list[str]] | None:
        """The English glossary entry starting at word ``i`` (how many words it takes, and its
        Indonesian terms), longest match first; stop words inside keys count."""
        for k in range(min(self.glossary_max, len(words) - i), 0, -1):
            key = tuple(self._en(w) for w, _ in words[i : i + k])
            if key in self.glossary and not (
                k == 1 and (words[i][0] in self.stopwords or len(words[i][0]) < 2)
            ):
                return k, self.glossary[key]
        return None

    def _english_concept(self, span: list[tuple[str, str]], targets: list[str]) -> Concept:
        """The concept of English words: their Indonesian terms, and the words themselves."""
        concept = Concept(" ".join(lbl for _, lbl in span))
        for target in targets:
            tterms = [self.single_map.get(t, t) for t in self.base_terms(target)]
            concept.add(tterms, 1.0, "english")
            if len(tterms) > 1:  # "akta kelahiran", "kartu keluarga" → their acronym
                for add in self.phrase_rules.get(tuple(tterms), []):
                    concept.add(add, 1.0, "english")
        english = [self.term(w) for w, _ in span]
        concept.add([t for t in english if t], 0.8, "term")
        return concept

    def _pend_word(
        self,
        words: list[tuple[str, str]],
        i: int,
        joined: str,
        pending: list[tuple[str, str, int]],
    ) -> None:
        """Word ``i``'s term (unless it is a query stop word) waits to become part of a concept,
        with the joined form of a hyphenated word (``joined``) ending there."""
        folded, label = words[i]
        if folded not in self.query_stopwords:
            t = self.term(folded)
            if t:
                pending.append((t, label, i))
        if joined:
            jt = self.term(joined)
            if jt and pending:
                # "siks-ng" → also the joined form, as an alternative of its last part
                pending.append((jt, joined, -1))

    def _concepts_from_terms(
        self, pending: list[tuple[str, str, int]], concepts: list[Concept]
    ) -> None:
        terms = [t for t, _, idx in pending if idx >= 0]
        labels = [lbl for _, lbl, idx in pending if idx >= 0]
        joined = [(t, lbl) for t, lbl, idx in pending if idx < 0]
        n = len(terms)
        i = 0
        while i < n:
            rules = self._rules_by_first.get(terms[i], [])
            matched = None
            for phrase, adds in rules:
                k = len(phrase)
                if k >= 2 and i + k <= n and tuple(terms[i : i + k]) == phrase:
                    matched = (phrase, adds)
                    break
            if matched:
                phrase, adds = matched
                concept = Concept(" ".join(labels[i : i + len(phrase)]))
                concept.add(phrase, 1.0, "phrase")
                for add in adds:
                    concept.add(add, 1.0, "acronym" if len(add) == 1 else "synonym")
                concepts.append(concept)
                # the words themselves still count a little on their own
                for t, lbl in zip(phrase, labels[i : i + len(phrase)], strict=True):
                    part = Concept(lbl, weight=0.3)
                    part.add([t])
                    concepts.append(part)
                i += len(phrase)
                continue
            # (a curated acronym needs no expansion here: the index adds it to the documents
            # that spell it out)
            concept = Concept(labels[i])
            concept.add([terms[i]])
            concepts.append(concept)
            i += 1
        for t, lbl in joined:
            concept = Concept(lbl)
            concept.add([t])
            concepts.append(concept)
        # the same term asked twice counts once
        seen: set[tuple[tuple[str, ...], ...]] = set()
        unique: list[Concept] = []
        for c in concepts:
            key = tuple(sorted(a.terms for a in c.alternatives))
            if key in seen:
                continue
            seen.add(key)
            unique.append(c)
        concepts[:] = unique


@lru_cache(maxsize=1)
def get_analyzer() -> Analyzer:
    return Analyzer()


def analyze(text: str) -> list[str]:
    return get_analyzer().analyze(text)
