"""Writing the search index: one innovation at a time (called by the catalog's hooks inside the
service's transaction) or all of them (``lumbung reindex``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection, transaction

from lumbung.catalog import hooks
from lumbung.catalog.models import Award, Innovation
from lumbung.core import dbstats

from . import families, stats
from .analysis import ANALYZER_VERSION, Analyzer, fold, get_analyzer
from .backends import get_backend
from .models import FIELD_GROUPS, SearchDocument, SearchTerm
from .models_family import FamilyBand, FamilyMember

#: The profile's text sections (those with an English version, see ``lumbung.catalog.profile``)
#: in the model's order.
TEXT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Innovation._meta.concrete_fields if f.name in Innovation.TRANSLATED_FIELDS
)
#: Which profile fields feed which weighted group (English versions go with their field): the
#: body takes every text section that is not in the name or the summary.
NAME_FIELDS = ("name", "name_en", "acronym", "acronym_expansion", "acronym_expansion_en")
SUMMARY_FIELDS = ("summary", "problem", "target_group")
BODY_FIELDS = tuple(f for f in TEXT_FIELDS if f not in NAME_FIELDS and f not in SUMMARY_FIELDS)
BODY_PLAIN_FIELDS = ("impact_before", "impact_after", "government_affair")

_PAREN_RE = re.compile(r"^(?P<outer>.+?)\s*\((?P<inner>[^()]{2,200})\)\s*$")


def _with_english(fields: Iterable[str]) -> list[str]:
    out = []
    for f in fields:
        out.append(f)
        if f in Innovation.TRANSLATED_FIELDS:
            out.append(f"{f}_en")
    return out


def _initials_window(acronym: str, text: str) -> str:
    """The shortest run of words in ``text`` whose initials spell ``acronym``
    ("SWP" in "… melalui Sheltered Workshop Peduli" → "Sheltered Workshop Peduli")."""
    letters = [c for c in fold(acronym) if c.isalnum()]
    words = text.split()
    initials = [fold(w)[:1] for w in words]
    best = ""
    for i in range(len(words)):
        if initials[i] != (letters[:1] or [""])[0]:
            continue
        k, j = 0, i
        while j < len(words) and k < len(letters):
            if initials[j] == letters[k]:
                k += 1
            elif fold(words[j]) not in {"dan", "di", "ke", "untuk", "bagi", "dengan", "yang"}:
                break
            j += 1
        if k == len(letters):
            window = " ".join(words[i:j])
            if not best or len(window) < len(best):
                best = window
    return best


class Naming(Protocol):
    """What :func:`learned_acronym` reads: an innovation, or its row of ``values()``."""

    @property
    def name(self) -> str | None: ...

    @property
    def acronym(self) -> str | None: ...

    @property
    def acronym_expansion(self) -> str | None: ...


def learned_acronym(innovation: Naming) -> tuple[str, str]:
    """The innovation's acronym and what it stands for, from its fields or its name
    ("Sheltered Workshop Peduli (SWP)", "BASABA" + "Bapak Sayang Bayi")."""
    acronym = (innovation.acronym or "").strip()
    name = (innovation.name or "").strip()
    candidates: list[str] = []
    m = _PAREN_RE.match(name)
    if m:
        outer, inner = m.group("outer").strip(), m.group("inner").strip()
        if " " not in inner and len(inner) <= 15:
            acronym = acronym or inner
            candidates.append(outer)
        elif " " not in outer and len(outer) <= 15:
            acronym = acronym or outer
            candidates.append(inner)
    elif not acronym and " " not in name and len(name) <= 20:
        acronym = name
    if not acronym:
        return "", ""
    candidates.append((innovation.acronym_expansion or "").strip())
    for text in candidates:
        window = _initials_window(acronym, text) if text else ""
        if window:
            return acronym, window
    for text in candidates:
        if text and len(text.split()) <= 6:  # creative acronyms: BASABA = Bapak Sayang Bayi
            return acronym, text
    return acronym, ""


@dataclass
class BuiltDocument:
    fields: dict[str, list[str]]
    acronym: str
    expansion: str

    def model(self, innovation_id: int) -> SearchDocument:
        return SearchDocument(
            innovation_id=innovation_id,
            acronym=self.acronym,
            expansion=self.expansion,
            analyzer_version=ANALYZER_VERSION,
            **{g: " ".join(self.fields[g]) for g in FIELD_GROUPS},
            **{f"{g}_len": len(self.fields[g]) for g in FIELD_GROUPS},
        )

    def row(self, innovation_id: int, now: Any) -> tuple[Any, ...]:
        return (
            innovation_id,
            *(" ".join(self.fields[g]) for g in FIELD_GROUPS),
            *(len(self.fields[g]) for g in FIELD_GROUPS),
            self.acronym,
            self.expansion,
            ANALYZER_VERSION,
            now,
        )

    @property
    def term_set(self) -> set[str]:
        return {t for g in FIELD_GROUPS for t in self.fields[g]}


_NAME_SOURCE = NAME_FIELDS
_SUMMARY_SOURCE = tuple(_with_english(SUMMARY_FIELDS))
_BODY_SOURCE = (*_with_english(BODY_FIELDS), *BODY_PLAIN_FIELDS)
#: everything a document is built from, as ``values()`` names
SOURCE_FIELDS = (
    "pk",
    *dict.fromkeys((*_NAME_SOURCE, *_SUMMARY_SOURCE, *_BODY_SOURCE)),
    "agency__name",
    "agency__short_name",
    "unit__name",
    "unit__short_name",
    "unit__region__name",
    "agency__region__name",
    "sector__name",
    "sector__name_en",
)


@dataclass(frozen=True)
class _Values:
    """The names in a ``values()`` row, as :func:`learned_acronym` reads them."""

    name: str | None
    acronym: str | None
    acronym_expansion: str | None

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> _Values:
        return cls(values["name"], values["acronym"], values["acronym_expansion"])


def _source(innovation: Innovation) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    values = {f: getattr(innovation, f, "") for f in SOURCE_FIELDS if "__" not in f}
    agency, unit, sector = innovation.agency, innovation.unit, innovation.sector
    values.update(
        agency__name=agency.name,
        agency__short_name=agency.short_name,
        unit__name=unit.name,
        unit__short_name=unit.short_name,
        unit__region__name=unit.region.name if unit.region is not None else "",
        agency__region__name=agency.region.name if agency.region is not None else "",
        sector__name=sector.name if sector else "",
        sector__name_en=sector.name_en if sector else "",
    )
    awards = [(a.competition, a.label, a.level) for a in innovation.awards.all()]
    return values, awards


#: the texts around an innovation (agency, unit, region, sector), as ``values()`` names
_META_SOURCE = (
    "agency__name",
    "agency__short_name",
    "unit__name",
    "unit__short_name",
    "unit__region__name",
    "agency__region__name",
    "sector__name",
    "sector__name_en",
)


def _meta_texts(values: dict[str, Any], awards: Iterable[tuple[str, str, str]]) -> list[str]:
    """The texts of the meta group: the innovation's context and its awards."""
    texts = [values.get(k) or "" for k in _META_SOURCE]
    for competition, label, level in awards:
        texts += [competition or "", label or "", (level or "").replace("_", " ")]
    return [text for text in texts if text]


class _Analysis:
    """The analysis of one document's texts. The same text in two sections (e.g. an imported
    "solution" fills summary and implementation) is analysed once."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.seen: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        terms = self.seen.get(text)
        if terms is None:
            terms = self.seen[text] = self.analyzer.analyze(text)
        return terms

    def fields(self, values: dict[str, Any], names: Iterable[str]) -> list[str]:
        """The terms of these fields, one after the other."""
        terms: list[str] = []
        for name in names:
            value = values.get(name)
            if value:
                terms += self(value)
        return terms

    def shared(self, text: str, cache: dict[str, list[str]] | None) -> list[str]:
        """Through ``cache`` as well, when given: shared by the documents of a reindex, where
        the same agencies, units and awards come back again and again."""
        if cache is None:
            return self(text)
        cached = cache.get(text)
        if cached is None:
            cached = self(text)
            if len(cache) < 200_000:
                cache[text] = cached
        return cached


def _acronym_keys(analyzer: Analyzer, acronym: str, expansion: str) -> tuple[str, str]:
    """The learned acronym as a term, and its expansion's terms (both "" without an acronym)."""
    acronym_key = ""
    if acronym:
        folded = "".join(ch for ch in fold(acronym) if ch.isalnum())
        acronym_key = (analyzer.term(folded) or "") if folded else ""
    expansion_key = " ".join(analyzer.base_terms(expansion))[:255] if acronym_key else ""
    return acronym_key[:64], expansion_key


def build_from_values(
    values: dict[str, Any],
    awards: Iterable[tuple[str, str, str]] = (),
    meta_cache: dict[str, list[str]] | None = None,
) -> BuiltDocument:
    """Analyse an innovation's texts (a ``values()`` row) into the four weighted groups."""
    analyzer = get_analyzer()
    analysis = _Analysis(analyzer)
    meta: list[str] = []
    for text in _meta_texts(values, awards):
        meta += analysis.shared(text, meta_cache)
    acronym, expansion = learned_acronym(_Values.of(values))
    name = analysis.fields(values, _NAME_SOURCE)
    if acronym and expansion and acronym.lower() not in (values.get("name") or "").lower():
        name += analysis(acronym)
    fields = {
        "name": name,
        "summary": analysis.fields(values, _SUMMARY_SOURCE),
        "body": analysis.fields(values, _BODY_SOURCE),
        "meta": meta,
    }
    acronym_key, expansion_key = _acronym_keys(analyzer, acronym, expansion)
    return BuiltDocument(fields=fields, acronym=acronym_key, expansion=expansion_key)


def build_document(innovation: Innovation) -> BuiltDocument:
    """Analyse an innovation (a model instance) into the four weighted groups."""
    values, awards = _source(innovation)
    return build_from_values(values, awards)


def _with_relations(qs: Any) -> Any:
    return qs.select_related("agency", "agency__region", "unit", "unit__region", "sector")


# --- vocabulary (document frequencies) ------------------------------------------------------
_UPSERT_SQL = (
    "INSERT INTO search_searchterm (term, df, name_df) VALUES (%s, %s, %s) "
    "ON CONFLICT (term) DO UPDATE SET df = search_searchterm.df + EXCLUDED.df, "
    "name_df = search_searchterm.name_df + EXCLUDED.name_df"
)
_CHANGE_SQL = "UPDATE search_searchterm SET df = df + %s, name_df = name_df + %s WHERE term = %s"


class Frequencies:
    """Changes to the vocabulary's document frequencies, written in one go (``write``). An
    import collects those of many documents: PostgreSQL keeps every version of a row updated in
    one transaction, so updating a common word's count once per document made each update
    slower than the last (10 ms each after a few thousand rows)."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.name_df: Counter[str] = Counter()

    def add(
        self,
        added: Iterable[str],
        removed: Iterable[str],
        name_added: Iterable[str] = (),
        name_removed: Iterable[str] = (),
    ) -> None:
        self.df.update(added)
        self.df.subtract(removed)
        self.name_df.update(name_added)
        self.name_df.subtract(name_removed)

    def write(self) -> None:
        # sorted, so concurrent writers lock the rows in the same order (no deadlocks)
        terms = sorted(t for t in self.df.keys() | self.name_df.keys() if t)
        new = [(t, self.df[t], self.name_df[t]) for t in terms if self.df[t] > 0]
        other = [
            (self.df[t], self.name_df[t], t)
            for t in terms
            if self.df[t] <= 0 and (self.df[t] or self.name_df[t])
        ]
        with connection.cursor() as cursor:
            if new:
                cursor.executemany(_UPSERT_SQL, new)
            if other:
                cursor.executemany(_CHANGE_SQL, other)
        self.df.clear()
        self.name_df.clear()
        stats.invalidate()


def _update_df(
    added: set[str],
    removed: set[str],
    name_added: Iterable[str] = (),
    name_removed: Iterable[str] = (),
) -> None:
    changes = Frequencies()
    changes.add(added, removed, name_added, name_removed)
    changes.write()


def _old_terms(innovation_id: int) -> tuple[set[str], set[str]] | None:
    """The indexed document's terms, and those of its name group (None: not indexed)."""
    row = SearchDocument.objects.filter(pk=innovation_id).values_list(*FIELD_GROUPS).first()
    if row is None:
        return None
    return {t for text in row for t in text.split()}, set(row[0].split())


# --- hooks --------------------------------------------------------------------------------------
_pending = hooks.BulkQueue()


def index_innovation(innovation: Innovation) -> None:
    """(Re)index one innovation; called inside the catalog service's transaction. Inside a
    ``hooks.bulk()`` block (an import) it is queued and indexed once when the block ends, however
    many times the innovation was written (an import creates, then publishes)."""
    if hooks.in_bulk():
        _pending.add(innovation.pk)
        return
    _index_one(innovation.pk)


def flush_pending(completed: bool) -> None:
    """Hook: a ``hooks.bulk()`` block ended; index what it queued, oldest record first (a
    replica written in the same block then finds its original's family), or drop it. The
    planner's statistics of the index's tables are refreshed as they grow (``dbstats``: from
    ``BULK_ROWS`` documents, then each time they double, and at the end): each document's
    family is looked up in tables that an import of a national catalog fills from empty."""
    ids = _pending.take()
    if not completed:
        return
    refreshed_at, next_refresh = 0, dbstats.BULK_ROWS
    for start in range(0, len(ids), FLUSH_BATCH):
        chunk = ids[start : start + FLUSH_BATCH]
        facts = families.facts_for(chunk)  # the catalog's facts are final: read them at once
        frequencies = Frequencies()  # written once per chunk, not once per document
        for pk in chunk:
            _index_one(pk, facts.get(pk), frequencies)
        frequencies.write()
        done = start + len(chunk)
        if done >= next_refresh and dbstats.refresh(INDEX_MODELS, written=done):
            refreshed_at, next_refresh = done, done * 2
    if refreshed_at < len(ids):
        dbstats.refresh(INDEX_MODELS, written=len(ids))


#: the index's tables (their planner statistics are refreshed after a bulk write)
INDEX_MODELS = (SearchDocument, SearchTerm, FamilyMember, FamilyBand)


#: innovations whose facts a bulk write's end reads in one go
FLUSH_BATCH = 500


def _index_one(
    pk: int, facts: families.Facts | None = None, frequencies: Frequencies | None = None
) -> None:
    """Index one innovation; its vocabulary changes go to ``frequencies`` when given (the
    caller writes them), else are written at once."""
    fresh = _with_relations(Innovation.objects.filter(pk=pk)).prefetch_related("awards").first()
    if fresh is None:  # deleted, or its write was rolled back
        return
    built = build_document(fresh)
    with transaction.atomic():
        old_terms, old_names = _old_terms(fresh.pk) or (None, set())
        doc = built.model(fresh.pk)
        if old_terms is None:
            doc.save(force_insert=True)
        else:
            doc.save(force_update=True)
        new, old = built.term_set, old_terms or set()
        names = set(built.fields["name"])
        changes = frequencies if frequencies is not None else Frequencies()
        changes.add(new - old, old - new, names - old_names, old_names - names)
        if frequencies is None:
            changes.write()
        families.update(fresh, families.document_terms(doc.summary, doc.body), facts)


def remove_innovation(innovation: Innovation) -> None:
    """Drop an innovation from the index (before the catalog deletes it)."""
    _pending.discard(innovation.pk)
    with transaction.atomic():
        old = _old_terms(innovation.pk)
        if old is None:
            return
        SearchDocument.objects.filter(pk=innovation.pk).delete()
        _update_df(set(), old[0], (), old[1])
        families.remove(innovation.pk)


# --- rebuild ------------------------------------------------------------------------------------
_INSERT_SQL = (
    "INSERT INTO search_searchdocument (innovation_id, "
    + ", ".join(FIELD_GROUPS)
    + ", "
    + ", ".join(f"{g}_len" for g in FIELD_GROUPS)
    + ", acronym, expansion, analyzer_version, updated_at) VALUES ("
    + ", ".join(["%s"] * (len(FIELD_GROUPS) * 2 + 5))
    + ")"
)

#: deletes the documents of innovations that no longer exist. An anti-join: ``NOT IN
#: (SELECT …)`` over 500,000 innovations outgrew PostgreSQL's ``work_mem`` for a hashed
#: subquery and scanned the innovations once per document — a rebuild stuck for hours
ORPHANS_SQL = (
    "DELETE FROM search_searchdocument WHERE NOT EXISTS (SELECT 1 FROM catalog_innovation i "
    "WHERE i.id = search_searchdocument.innovation_id)"
)


def rebuild(
    *, batch_size: int = 1000, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Rebuild the whole index. Safe to stop and run again: documents are replaced batch by
    batch, then the vocabulary is recounted in one transaction."""
    from django.utils import timezone

    total = Innovation.objects.count()
    df: Counter[str] = Counter()
    name_df: Counter[str] = Counter()
    meta_cache: dict[str, list[str]] = {}
    done = 0
    last_id = 0
    now = timezone.now()
    base = Innovation.objects.order_by("pk").values(*SOURCE_FIELDS)
    backend = get_backend()
    with connection.cursor() as cursor:
        backend.before_bulk_load(cursor)
    try:
        while True:
            batch = list(base.filter(pk__gt=last_id)[:batch_size])
            if not batch:
                break
            ids = [row["pk"] for row in batch]
            awards: dict[int, list[tuple[str, str, str]]] = {}
            for innovation_id, competition, label, level in Award.objects.filter(
                innovation_id__in=ids
            ).values_list("innovation_id", "competition", "label", "level"):
                awards.setdefault(innovation_id, []).append((competition, label, level))
            rows = []
            for values in batch:
                built = build_from_values(values, awards.get(values["pk"], ()), meta_cache)
                df.update(built.term_set)
                name_df.update(set(built.fields["name"]))
                rows.append(built.row(values["pk"], now))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM search_searchdocument WHERE innovation_id >= %s "
                    "AND innovation_id <= %s",
                    [ids[0], ids[-1]],
                )
                cursor.executemany(_INSERT_SQL, rows)
            last_id = ids[-1]
            done += len(batch)
            if progress:
                progress(done, total)
        with transaction.atomic(), connection.cursor() as cursor:
            # documents of innovations that no longer exist
            cursor.execute(ORPHANS_SQL)
            SearchTerm.objects.all().delete()
            terms = [
                SearchTerm(term=t[:64], df=n, name_df=name_df.get(t, 0)) for t, n in df.items()
            ]
            SearchTerm.objects.bulk_create(terms, batch_size=2000, ignore_conflicts=True)
            backend.after_bulk_load(cursor)
    except BaseException:
        # stopped half-way: put the back end's own machinery back before leaving
        with transaction.atomic(), connection.cursor() as cursor:
            backend.after_bulk_load(cursor)
        raise
    stats.invalidate()
    with transaction.atomic():
        grouped = families.rebuild()
    if connection.get_autocommit() and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            backend.after_rebuild(cursor)
    return {"documents": done, "terms": len(df), **grouped}
