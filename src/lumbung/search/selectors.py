"""Reads of the search index shared by pages and API: search, problem matching ("cari inovasi
untuk masalah saya"), similar innovations and duplicate warnings.

Every read starts from the innovations the person may see (``catalog.selectors.visible_q``) and
the catalog's own filters (``CatalogFilters`` / ``apply_filters``), so drafts never leak. The back
end (FTS5 or PostgreSQL) finds candidates; the ranking is done in Python, the same on both.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connections
from django.db.models import Count, Field, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.catalog.models import Award, Innovation, Sector
from lumbung.catalog.selectors import (
    CatalogFilters,
    apply_filters,
    reads_published_only,
    visible_q,
)
from lumbung.core.actors import ActorLike
from lumbung.organisations.models import Agency

from . import families, grouping, semantic
from .analysis import Alternative, Concept, QueryPlan, fold, get_analyzer
from .backends import get_backend
from .indexing import TEXT_FIELDS, build_document
from .models import FIELD_GROUPS, SearchDocument
from .ranking import DocTerms, Scored, idf, rank
from .snippets import best_snippet, highlight
from .stats import document_frequencies, index_stats, name_frequencies, vocabulary

MAX_QUERY_CHARS = 500
MAX_PROBLEM_CHARS = 4000
MAX_PAGE_SIZE = 50
RERANK_WINDOW = 60
MAX_WINDOW = 1000
#: without facets, the total is counted up to this (shown as "at least …")
TOTAL_CAP = 1000

#: Profile sections with text, in the model's order (for snippets and "where it matched").
SECTIONS: tuple[str, ...] = TEXT_FIELDS
SNIPPET_SECTIONS = tuple(s for s in SECTIONS if s not in {"name", "acronym_expansion"})

UNIT_SIZES: dict[str, tuple[Any, int | None]] = {
    "small": (gettext_lazy("small unit (up to 10 staff)"), 10),
    "medium": (gettext_lazy("medium unit (up to 50 staff)"), 50),
    "large": (gettext_lazy("large unit"), None),
}


# --- results -------------------------------------------------------------------------------------
@dataclass
class MatchedConcept:
    label: str
    sections: list[str]


@dataclass
class SearchHit:
    innovation: Innovation
    score: float
    name_html: SafeString
    snippet: SafeString
    matched: list[MatchedConcept] = field(default_factory=list)
    coverage: float = 0.0
    #: the innovation's published replicas ("… and 12 replicas")
    replica_count: int = 0
    #: the family it stands for in a grouped list ("… and 37 similar innovations")
    family: grouping.FamilyHit | None = None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)
    concepts: list[str] = field(default_factory=list)
    searched: bool = True  # False when the query held nothing searchable
    total_exact: bool = True  # False: at least ``total`` (counting stopped at TOTAL_CAP)
    #: how many innovations match (``total`` counts results: a family counts once)
    matches: int | None = None
    #: False: families were folded and the innovations matching were not counted (a search of
    #: the families' ranked members does not look at every look-alike)
    matches_counted: bool = True
    #: the family shown, when the list is one family's members (``family=``)
    family: int | None = None

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size)) if self.page_size else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class Evidence:
    awards: list[str]
    award_count: int
    years_running: int | None
    continuing: bool


@dataclass
class ReplicationRecord:
    replicas: int
    continuing: int
    stopped: int
    is_replica_of: Innovation | None


@dataclass
class MatchHit(SearchHit):
    evidence: Evidence | None = None
    replication: ReplicationRecord | None = None
    context: list[str] = field(default_factory=list)


@dataclass
class MatchResults:
    problem: str
    hits: list[MatchHit]
    concepts: list[str]
    corrections: dict[str, str] = field(default_factory=dict)
    searched: bool = True


@dataclass
class DuplicateCandidate:
    innovation: Innovation
    score: float
    name_similarity: float
    text_similarity: float
    #: innovations of its family the person may see, itself included
    family_size: int = 1

    @property
    def family_others(self) -> int:
        return max(0, self.family_size - 1)


# --- query preparation ---------------------------------------------------------------------------
@dataclass
class PreparedQuery:
    plan: QueryPlan
    dfs: dict[str, int]
    corrections: dict[str, str]
    #: how many names hold each term (the name field's per-field statistics)
    name_dfs: dict[str, int] = field(default_factory=dict)


def prepare_query(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> PreparedQuery:
    """Analyse a query, then add what needs the index: the catalog's own acronyms and typo
    corrections for words the index does not know."""
    plan = get_analyzer().parse_query((text or "")[:max_chars])
    if not plan:
        return PreparedQuery(plan, {}, {})
    _add_learned_acronyms(plan)
    dfs = document_frequencies(plan.terms)
    corrections = _add_typo_corrections(plan, dfs)
    return PreparedQuery(plan, dfs, corrections, name_frequencies(plan.terms))


def _single(concept: Concept) -> str | None:
    if concept.alternatives and not concept.alternatives[0].is_phrase:
        return concept.alternatives[0].terms[0]
    return None


def _add_learned_acronyms(plan: QueryPlan) -> None:
    singles: dict[str, Concept] = {}
    sequence: list[tuple[str, Concept]] = []
    for concept in plan.concepts:
        term = _single(concept)
        if term:
            singles.setdefault(term, concept)
            if concept.weight >= 1.0:
                sequence.append((term, concept))
    ngrams: dict[str, Concept] = {}
    for k in range(2, 9):
        for i in range(len(sequence) - k + 1):
            ngrams.setdefault(" ".join(t for t, _ in sequence[i : i + k]), sequence[i][1])
    if not singles and not ngrams:
        return
    rows = (
        SearchDocument.objects.filter(Q(acronym__in=list(singles)) | Q(expansion__in=list(ngrams)))
        .exclude(acronym="")
        .values_list("acronym", "expansion")
        .distinct()[:50]
    )
    for acronym, expansion in rows:
        if acronym in singles and expansion and " " in expansion:
            singles[acronym].add(tuple(expansion.split()), 0.9, "acronym")
        if expansion in ngrams:
            ngrams[expansion].add((acronym,), 0.9, "acronym")


def _add_typo_corrections(plan: QueryPlan, dfs: dict[str, int]) -> dict[str, str]:
    corrections: dict[str, str] = {}
    vocab = None
    for concept in plan.concepts:
        known = any(all(dfs.get(t, 0) > 0 for t in alt.terms) for alt in concept.alternatives)
        term = _single(concept)
        if known or not term or " " in concept.label:
            continue
        vocab = vocab or vocabulary()
        label = fold(concept.label)
        found = vocab.corrections(term, label)
        for correct, distance in found:
            concept.add((correct,), 0.85 if distance == 1 else 0.7, "typo")
            dfs[correct] = vocab.df.get(correct, 0)
        if found:
            corrections[concept.label] = found[0][0]
    return corrections


# --- shared machinery ----------------------------------------------------------------------------
def visible_base(user: ActorLike, filters: CatalogFilters | None = None) -> QuerySet[Innovation]:
    """The innovations this person may see, narrowed by the catalog's filters (not its text
    filter: the search replaces it)."""
    qs = Innovation.objects.filter(visible_q(user))
    if filters is not None:
        qs = apply_filters(qs, replace(filters, q=""))
    return qs


def _load_terms(ids: Iterable[int]) -> dict[int, DocTerms]:
    rows = SearchDocument.objects.filter(pk__in=list(ids)).values("innovation_id", *FIELD_GROUPS)
    return {row["innovation_id"]: DocTerms.from_row(row) for row in rows}


def _scorer(prepared: PreparedQuery) -> Callable[[Sequence[int]], dict[int, Scored]]:
    """Ranks innovations outside the candidates (family heads, more families) the same way."""

    def score(ids: Sequence[int]) -> dict[int, Scored]:
        docs = _load_terms(ids)
        ranked = rank(
            prepared.plan,
            [(pk, 0.0) for pk in ids],
            docs,
            index_stats(),
            prepared.dfs,
            name_dfs=prepared.name_dfs,
        )
        return dict(ranked)

    return score


#: Ranking every match of a query of common words costs time in proportion to the matches; the
#: candidates are therefore gathered in stages, from documents matching all of the query's rarest
#: concepts down to any of them, until there are enough; a loose stage is skipped when its
#: estimated size (sum of document frequencies) is above this budget, unless nothing was found.
OR_BUDGET = 8000
#: look-alikes a search of ranked members adds when their name holds every word of the query
NAME_MATCHES = 20


@dataclass
class Retrieved:
    ranked: list[tuple[int, Scored]]
    candidates: list[tuple[int, float]]
    expression: str  # the loosest stage used: what "all results" means for totals and facets
    total: int | None = None  # how many match ``expression``, when its query saw every match


def _concept_df(concept: Concept, dfs: Mapping[str, int]) -> int:
    return sum(min(dfs.get(t, 0) for t in alt.terms) for alt in concept.alternatives)


def _stages(plan: QueryPlan, dfs: Mapping[str, int]) -> list[tuple[list[Concept], bool, int]]:
    """(concepts, require_all, estimated size) from strictest to loosest."""
    concepts = sorted(plan.concepts, key=lambda c: (_concept_df(c, dfs), -c.weight))
    known = [c for c in concepts if _concept_df(c, dfs) > 0]
    core = [c for c in known if c.weight >= 1.0]
    stages: list[tuple[list[Concept], bool, int]] = []
    n = len(core)
    if n >= 2:
        # at most two conjunctive stages: all core concepts, then the rarer half
        sizes = {n, max(2, math.ceil(n / 2))}
        for m in sorted((m for m in sizes if 2 <= m <= n), reverse=True):
            chosen = core[:m]
            stages.append((chosen, True, min(_concept_df(c, dfs) for c in chosen)))
    previous_or = 0
    for k in sorted({4, len(known)}):
        chosen = known[:k]
        if len(chosen) > previous_or:
            stages.append((chosen, False, sum(_concept_df(c, dfs) for c in chosen)))
            previous_or = len(chosen)
    return stages


def _retrieve(
    prepared: PreparedQuery,
    qs: QuerySet[Innovation],
    window: int,
    boosts: Callable[[Sequence[tuple[int, float]]], Mapping[int, float]] | None = None,
    *,
    families_needed: int = 0,
    ranked_only: bool = False,
) -> Retrieved:
    """The candidates of a query, re-ranked. The stages stop once ``window`` candidates are
    found — and, with ``families_needed``, once they belong to that many families: the strict
    stages of a query may find nothing but the look-alikes of a few originals, and the answers
    that match fewer of its words are other families. ``ranked_only``: only the families'
    ranked members are candidates (``ranked_first``): not their look-alikes."""
    backend = get_backend()
    plan = prepared.plan
    union: dict[int, float] = {}
    expression = ""
    total: int | None = None
    run = backend.candidate_runner(qs, window, ranked_only=ranked_only)
    # the share of the documents a stage's estimate (from document frequencies) may reach
    reach = 1.0
    if ranked_only:
        stats = index_stats()
        reach = min(1.0, stats.ranked / stats.documents) if stats.documents else 1.0
    for concepts, require_all, size in _stages(plan, prepared.dfs):
        if not require_all and union and size * reach > OR_BUDGET:
            break
        groups = [c.alternatives for c in concepts]
        expression = backend.expression(groups, require_all=require_all)
        found = run(expression, round(size * reach))
        total = found.total
        for pk, native in found:
            union.setdefault(pk, native)
        if len(union) >= window and _families_enough(union, families_needed):
            break
    if not expression:  # nothing the index knows: one loose query over every concept
        expression = backend.expression([c.alternatives for c in plan.concepts])
        found = run(expression)
        total = found.total
        for pk, native in found:
            union.setdefault(pk, native)
    core = [c.alternatives for c in plan.concepts if c.weight >= 1.0]
    if ranked_only and len(core) >= 2:
        # a look-alike is not ranked on its text, but it is found by its own name (every word
        # of the query in it: few names hold them all, the query stays cheap)
        for pk, native in backend.name_matches(qs, core, NAME_MATCHES):
            union.setdefault(pk, native)
    candidates = list(union.items())
    docs = _load_terms(pk for pk, _ in candidates)
    extra = boosts(candidates) if boosts else None
    ranked = rank(plan, candidates, docs, index_stats(), prepared.dfs, extra, prepared.name_dfs)
    return Retrieved(ranked, candidates, expression, total)


def ranked_first(
    qs: QuerySet[Innovation], *, unfiltered: bool, published_only: bool = False
) -> bool:
    """Whether a search may rank the families' ranked members only — their public heads and
    the members with a text of their own, not the look-alikes, whose words are their family's
    (what keeps a catalog of look-alikes as fast as one without). It may when the families are
    grouped, no catalog filter applies (a filter may leave out a family's head and keep one of
    its look-alikes) and the reader sees published innovations only (an unpublished member the
    reader may see can head its family for that reader): ``published_only`` when the policy says
    so (``reads_published_only``), else when ``qs`` holds no unpublished innovation."""
    return (
        grouping.enabled()
        and unfiltered
        and (
            published_only or not qs.exclude(publication_state=Innovation.State.PUBLISHED).exists()
        )
    )


def _families_enough(union: Mapping[int, float], needed: int) -> bool:
    if not needed or not grouping.enabled():
        return True
    return len({family for family, _ in families.of(union).values()}) >= needed


def _load_innovations(ids: Sequence[int], *, awards: bool = True) -> dict[int, Innovation]:
    qs = Innovation.objects.filter(pk__in=list(ids)).select_related("agency", "unit", "sector")
    if awards:
        qs = qs.prefetch_related("awards")
    return {i.pk: i for i in qs.order_by()}


#: how many semantic neighbours join the lexical candidates (when semantic matching is on)
SEMANTIC_NEIGHBOURS = 20


def _fused(
    text: str, qs: QuerySet[Innovation], ranked: list[tuple[int, Scored]]
) -> list[tuple[int, float, Scored | None]]:
    """The lexical ranking, fused with the innovations closest in meaning to ``text`` when
    semantic matching is on (``semantic.fuse``); unchanged otherwise. Semantic-only results
    carry no lexical details (None)."""
    if not semantic.is_available():
        return [(pk, s.score, s) for pk, s in ranked]
    details = dict(ranked)
    near = semantic.nearest(text, qs, SEMANTIC_NEIGHBOURS, include=list(details))
    lexical = [(pk, s.score) for pk, s in ranked]
    return [(pk, score, details.get(pk)) for pk, score in semantic.fuse(lexical, near)]


def originals_first(ordered: list[tuple[int, float, Any]]) -> list[tuple[int, float, Any]]:
    """The ranking with no replica above its own source: when both match, the source moves up to
    just before the first of its replicas (its family's best place); everything else keeps its
    order. Replicas copy their original's text, often word for word, so on text alone a copy can
    outrank the proven original it came from. One query, over the ranked window only."""
    ids = [pk for pk, _score, _detail in ordered]
    sources = dict(
        Innovation.objects.filter(pk__in=ids, source_id__in=ids).values_list("pk", "source_id")
    )
    if not sources:
        return ordered
    by_id = {item[0]: item for item in ordered}
    placed: set[int] = set()
    result: list[tuple[int, float, Any]] = []

    def place(pk: int, path: set[int]) -> None:
        if pk in placed or pk in path:  # placed already, or a loop in a broken lineage
            return
        path.add(pk)
        if pk in sources:
            place(sources[pk], path)
        placed.add(pk)
        result.append(by_id[pk])

    for pk in ids:
        place(pk, set())
    return result


def replica_counts(ids: Sequence[int]) -> dict[int, int]:
    """How many published replicas each of ``ids`` has (one query)."""
    rows = (
        Innovation.objects.filter(
            source_id__in=list(ids), publication_state=Innovation.State.PUBLISHED
        )
        .order_by()
        .values("source_id")
        .annotate(n=Count("pk"))
        .values_list("source_id", "n")
    )
    return dict(rows)


def _highlight_terms(plan: QueryPlan) -> set[str]:
    """Words to mark: the query's own terms and their equivalents (not the words of an
    acronym's expansion, which would light up half a profile)."""
    return {
        t
        for c in plan.concepts
        for alt in c.alternatives
        if not (alt.is_phrase and alt.kind == "acronym")
        for t in alt.terms
    }


def _snippet(innovation: Innovation, terms: set[str]) -> SafeString:
    analyzer = get_analyzer()
    return best_snippet((innovation.localized(s) for s in SNIPPET_SECTIONS), terms, analyzer)


def _name_html(innovation: Innovation, terms: set[str]) -> SafeString:
    return highlight(innovation.display_name, terms, get_analyzer())


def _section_label(name: str) -> str:
    section = Innovation._meta.get_field(name)
    if not isinstance(section, Field):  # a section is a column of the innovation
        raise TypeError(f"{name} is not a field of the innovation")
    return str(section.verbose_name)


def matched_sections(
    innovation: Innovation, plan: QueryPlan, concept_ids: Iterable[int]
) -> list[MatchedConcept]:
    """For each matched concept, the profile sections where it occurs (explains a result)."""
    analyzer = get_analyzer()
    section_terms: dict[str, list[str]] = {}
    for name in SECTIONS:
        texts = [getattr(innovation, name, "") or ""]
        if name in Innovation.TRANSLATED_FIELDS:
            texts.append(getattr(innovation, f"{name}_en", "") or "")
        if name == "name":
            texts.append(innovation.acronym or "")
        terms: list[str] = []
        for text in texts:
            terms += analyzer.analyze(text)
        if terms:
            section_terms[name] = terms
    out = []
    for ci in concept_ids:
        concept = plan.concepts[ci]
        sections = []
        for name, terms in section_terms.items():
            doc = DocTerms({"s": terms})
            if any(doc.tf(alt, "s") for alt in concept.alternatives):
                sections.append(_section_label(name))
        out.append(MatchedConcept(label=concept.label, sections=sections))
    return out


# --- facets -------------------------------------------------------------------------------------
def compute_facets(
    qs: QuerySet[Innovation], filters: CatalogFilters
) -> dict[str, list[FacetValue]]:
    """Counts of the matching innovations per sector, stage, status, award level and agency (the
    ten with the most matches). One statement: the matches (``qs``: the reader's, within the
    filters and the query) are read once, from the catalog's facet index, into a materialised
    set, and counted by each facet over it (the back end's ``counts_by_sql``: one pass with
    grouping sets on PostgreSQL, a ``GROUP BY`` per facet on SQLite) — no row per combination
    of the facets is sent to Python (at 100,000 innovations, 8,000 such rows for a query of
    common words)."""
    rows = _facet_rows(qs)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    agencies: list[tuple[str, str, int]] = []  # (slug, name, count), most matches first
    for kind, key, label, n in rows:
        if kind == "agency":
            agencies.append((str(key), str(label), int(n)))
        elif key is not None:
            counts[kind][str(key)] += int(n)
    sector_names = {s.pk: str(s) for s in Sector.objects.filter(pk__in=list(counts["sector"]))}
    stage_labels = dict(Innovation.Stage.choices)
    status_labels = dict(Innovation.Status.choices)
    award_labels = dict(Award.Level.choices)

    def values(counter: Counter[str], labels: Mapping[str, Any], selected: str) -> list[FacetValue]:
        return [
            FacetValue(value=k, label=str(labels.get(k, k)), count=n, selected=(k == selected))
            for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], str(labels.get(kv[0]))))
            if n
        ]

    return {
        "sector": values(counts["sector"], sector_names, filters.sector),
        "stage": values(counts["stage"], stage_labels, filters.stage),
        "status": values(counts["status"], status_labels, filters.status),
        "award": values(counts["award"], award_labels, filters.award),
        "agency": [
            FacetValue(value=slug, label=name, count=n, selected=slug == filters.agency)
            for slug, name, n in agencies
        ],
    }


#: the agencies a facet lists (those with the most matches)
FACET_AGENCIES = 10
#: the innovation's columns the facets count by (the award level is counted from its awards)
FACET_COLUMNS = ("sector_id", "stage", "status", "agency_id")


def _facet_rows(qs: QuerySet[Innovation]) -> list[tuple[str, Any, Any, int]]:
    """(facet, value, label, count) rows of ``compute_facets``, from one statement."""
    matches = qs.order_by().values("pk", *FACET_COLUMNS)
    sql, params = matches.query.sql_with_params()
    agency = Agency._meta.db_table
    award = Award._meta.db_table
    backend = get_backend()
    listed = ", ".join(FACET_COLUMNS)
    statement = (
        f"WITH m (id, {listed}) AS MATERIALIZED ({sql}), "
        f"c (kind, {listed}, n) AS MATERIALIZED ({backend.counts_by_sql('m', FACET_COLUMNS)}) "
        "SELECT 'sector', sector_id, NULL, n FROM c WHERE kind = 'sector_id' "
        "UNION ALL SELECT 'stage', stage, NULL, n FROM c WHERE kind = 'stage' "
        "UNION ALL SELECT 'status', status, NULL, n FROM c WHERE kind = 'status' "
        # joined, not ``innovation_id IN (SELECT id FROM m)``: PostgreSQL made the matches
        # distinct and sorted them first (25 → 7 ms for 28,000 matches)
        "UNION ALL SELECT 'award', w.level, NULL, COUNT(DISTINCT w.innovation_id) "
        f"FROM m JOIN {award} w ON w.innovation_id = m.id GROUP BY w.level "
        "UNION ALL SELECT * FROM (SELECT 'agency', a.slug, a.name, c.n "
        f"FROM c JOIN {agency} a ON a.id = c.agency_id WHERE c.kind = 'agency_id' "
        "ORDER BY c.n DESC, a.name LIMIT %s) AS top_agencies"
    )
    with backend.through_index(qs.db), connections[qs.db].cursor() as cursor:
        cursor.execute(statement, [*params, FACET_AGENCIES])
        return list(cursor.fetchall())


FACET_LABELS = {
    "sector": gettext_lazy("Sector"),
    "stage": gettext_lazy("Management stage"),
    "status": gettext_lazy("Status"),
    "award": gettext_lazy("Award"),
    "agency": gettext_lazy("Agency"),
}


# --- search -------------------------------------------------------------------------------------
def search_innovations(
    query: str,
    filters: CatalogFilters | None = None,
    user: ActorLike = None,
    page: int = 1,
    page_size: int = 20,
    *,
    facets: bool = True,
    awards: bool = True,
    family: int | None = None,
) -> SearchResults:
    """Innovations matching ``query`` that ``user`` may see, within the catalog's ``filters``,
    ranked by relevance (one result per family, see ``grouping``), with highlighted snippets
    and facet counts. An empty query (or one with nothing searchable, e.g. only punctuation or
    emoji) lists the filtered catalog by name. ``family``: only that family's members, each on
    its own. ``awards=False``: the hits' awards are not loaded (for readers that do not show
    them)."""
    filters = filters or CatalogFilters()
    query = (query if query is not None else filters.q or "").strip()[:MAX_QUERY_CHARS]
    page = max(1, int(page or 1))
    page_size = min(max(1, int(page_size or 20)), MAX_PAGE_SIZE)
    offset = (page - 1) * page_size
    qs = visible_base(user, filters)
    if family is not None:
        qs = qs.filter(family_member__family_id=family)
    prepared = prepare_query(query)
    plan = prepared.plan
    terms = _highlight_terms(plan)
    backend = get_backend()
    total_exact = True
    shown: dict[int, grouping.FamilyHit] = {}
    matches: int | None = None
    ranked_only = False  # only the families' ranked members were searched (``ranked_first``)

    if not plan or family is not None:
        # the catalog by name; one family: all its members, the one most worth copying first
        order = ("-family_member__prior", "name", "pk") if family is not None else ("name", "pk")
        total = qs.count()
        page_ids = list(
            qs.order_by(*order).values_list("pk", flat=True)[offset : offset + page_size]
        )
        scored: list[tuple[int, float, Scored | None]] = [(pk, 0.0, None) for pk in page_ids]
        facet_counts = compute_facets(qs, filters) if facets else {}
    else:
        window = min(max(RERANK_WINDOW, offset + page_size), MAX_WINDOW)
        needed = offset + page_size + 5
        unfiltered = replace(filters, q="") == CatalogFilters()
        ranked_only = ranked_first(
            qs, unfiltered=unfiltered, published_only=reads_published_only(user)
        )
        found = _retrieve(prepared, qs, window, families_needed=needed, ranked_only=ranked_only)
        ordered = _fused(query, qs, found.ranked)
        truncated = len(found.candidates) >= window

        summary: list[grouping.Matches] = []

        def family_matches(n: int) -> grouping.Matches:
            summary.append(
                grouping.family_matches(backend, qs, found.expression, min(n, MAX_WINDOW))
            )
            return summary[-1]

        ordered, shown, families_total = grouping.group(
            ordered,
            qs,
            score=_scorer(prepared),
            matches=family_matches if truncated and not ranked_only else None,
            exhaustive=not truncated,
            needed=needed,
            unfiltered=unfiltered,
            published_only=reads_published_only(user),
        )
        ordered = originals_first(ordered)
        matched_qs = backend.filter_matching(qs, found.expression)
        facet_counts = compute_facets(matched_qs, filters) if facets else {}
        total, total_exact, matches = _totals(
            found,
            qs,
            ordered=len(ordered),
            folded=bool(shown),
            families=families_total,
            summary=summary[-1] if summary else None,
            facet_counts=facet_counts,
            ranked_only=ranked_only,
        )
        scored = ordered[offset : offset + page_size]
        if not scored and offset < total and offset >= len(ordered):
            # beyond the re-ranked window: the back end's own order
            deeper = backend.candidates(
                _ranked_members(qs) if ranked_only else qs, found.expression, offset + page_size
            )
            scored = [(pk, native, None) for pk, native in deeper[offset:]]

    innovations = _load_innovations([pk for pk, _, _ in scored], awards=awards)
    replicas = replica_counts([pk for pk, _, _ in scored]) if plan else {}
    hits = []
    for pk, score, detail in scored:
        innovation = innovations.get(pk)
        if innovation is None:
            continue
        hits.append(
            SearchHit(
                innovation=innovation,
                score=round(score, 4),
                name_html=_name_html(innovation, terms),
                snippet=_snippet(innovation, terms),
                matched=[
                    MatchedConcept(plan.concepts[ci].label, sorted(groups))
                    for ci, groups in (detail.matched.items() if detail else [])
                ],
                coverage=round(detail.coverage, 3) if detail else 0.0,
                replica_count=replicas.get(pk, 0),
                family=_with_replicas(shown.get(pk), replicas.get(pk, 0)),
            )
        )
    return SearchResults(
        query=query,
        hits=hits,
        total=total,
        page=page,
        page_size=page_size,
        facets=facet_counts,
        corrections=prepared.corrections,
        concepts=[c.label for c in plan.concepts if c.weight >= 1.0],
        searched=bool(plan),
        total_exact=total_exact,
        matches=matches,
        matches_counted=matches is not None or not (shown or ranked_only),
        family=family,
    )


def _totals(
    found: Retrieved,
    qs: QuerySet[Innovation],
    *,
    ordered: int,
    folded: bool,
    families: int | None,
    summary: grouping.Matches | None,
    facet_counts: Mapping[str, list[FacetValue]],
    ranked_only: bool,
) -> tuple[int, bool, int | None]:
    """A search's (total, whether it is exact, matches): results, and — when families were
    folded — how many innovations match."""
    backend = get_backend()
    # every match has one stage, so the stage counts add up to the matches
    matching = sum(v.count for v in facet_counts["stage"]) if facet_counts else None
    if ranked_only:
        # the candidates were the families' ranked members: the results are counted so
        # (the look-alikes, never ranked, are in the facets' count of the matches)
        if families is not None:  # every family the ranked members match was grouped
            return max(families, ordered), True, matching
        if found.total is not None:  # the candidate query saw every ranked member that matches
            return max(found.total, ordered), True, matching
        total = backend.count_ranked(qs.db, found.expression, TOTAL_CAP)
        return max(total, ordered), total < TOTAL_CAP, matching
    exact = True
    if matching is not None:
        total = matching
    elif found.total is not None:  # the candidate query saw every match
        total = found.total
    elif summary is not None:  # the families' query counted every match
        total = summary.matching
    else:
        total = backend.count(qs, found.expression, cap=TOTAL_CAP)
        exact = total < TOTAL_CAP
    total = max(total, len(found.candidates), ordered)
    if folded:  # families were folded: the results are fewer than the matches
        # (the loosest stage's expression may match fewer than the stages found together)
        return max(families or 0, ordered), True, total
    return total, exact, None


def _ranked_members(qs: QuerySet[Innovation]) -> QuerySet[Innovation]:
    return qs.filter(family_member__ranked=True)


def _with_replicas(family: grouping.FamilyHit | None, replicas: int) -> grouping.FamilyHit | None:
    if family is not None:
        family.replicas = min(replicas, family.others)
    return family


# --- matching: "cari inovasi untuk masalah saya" ---------------------------------------------
def _province(code: str | None) -> str:
    return (code or "").split(".")[0]


def _visible_replicas(ids: Sequence[int], user: ActorLike) -> list[tuple[int, str]]:
    """(source id, status) of the replicas of ``ids`` that ``user`` may see. Two steps, so the
    database looks replicas up by their source (indexed) before checking visibility."""
    replica_ids = list(
        Innovation.objects.filter(source_id__in=list(ids)).values_list("pk", flat=True)[:5000]
    )
    if not replica_ids:
        return []
    return list(
        Innovation.objects.filter(pk__in=replica_ids)
        .filter(visible_q(user))
        .values_list("source_id", "status")
    )


@dataclass
class _MatchContext:
    """The reader's context (sector, region, agency type, unit size): it nudges the ranking of
    the candidates, with the reasons why kept for the hits."""

    sector: str
    region: str
    agency_kind: str
    size_limit: int | None
    user: ActorLike
    reasons: dict[int, list[str]] = field(default_factory=dict)

    def _region_fit(self, where: str | None) -> tuple[float, list[str]]:
        if not (self.region and where):
            return 1.0, []
        if where == self.region:
            return 1.15, [_("same region")]
        if _province(where) == _province(self.region):
            return 1.1, [_("same province")]
        return 1.0, []

    def fit(self, row: Mapping[str, Any]) -> tuple[float, list[str]]:
        """How much a candidate (a ``values()`` row) fits the context, and why."""
        factor = 1.0
        reasons: list[str] = []
        if self.sector and row["sector_id"] == self.sector:
            factor *= 1.25
            reasons.append(_("same sector"))
        region_factor, region_reasons = self._region_fit(
            row["unit__region_id"] or row["agency__region_id"]
        )
        if region_reasons:
            factor *= region_factor
            reasons += region_reasons
        if self.agency_kind and row["agency__kind"] == self.agency_kind:
            factor *= 1.1
            reasons.append(_("same type of agency"))
        if self.size_limit is not None and row["staff_count"]:
            if row["staff_count"] <= self.size_limit:
                factor *= 1.05
                reasons.append(_("runs with a team your size"))
            else:
                factor *= 0.9
        return factor, reasons

    def boosts(self, candidates: Sequence[tuple[int, float]]) -> dict[int, float]:
        """The candidates' score factors: the context's fit and the evidence (awards, replicas,
        still running)."""
        ids = [pk for pk, _ in candidates]
        rows = Innovation.objects.filter(pk__in=ids).values(
            "pk",
            "sector_id",
            "status",
            "staff_count",
            "agency__kind",
            "unit__region_id",
            "agency__region_id",
        )
        awards = Counter(
            dict(
                Award.objects.filter(innovation_id__in=ids)
                .values("innovation_id")
                .annotate(n=Count("pk"))
                .values_list("innovation_id", "n")
            )
        )
        replicas = Counter(source_id for source_id, _status in _visible_replicas(ids, self.user))
        out = {}
        for row in rows:
            pk = row["pk"]
            factor, reasons = self.fit(row)
            self.reasons[pk] = reasons
            factor *= 1 + 0.04 * min(awards.get(pk, 0), 3)
            factor *= 1 + 0.04 * min(replicas.get(pk, 0), 5)
            if row["status"] == Innovation.Status.STOPPED:
                factor *= 0.8
            out[pk] = factor
        return out


def _evidence(innovation: Innovation, year: int) -> Evidence:
    awards = list(innovation.awards.all())
    start = innovation.start_year or (innovation.start_date.year if innovation.start_date else None)
    return Evidence(
        awards=[str(a) for a in awards],
        award_count=len(awards),
        years_running=(year - start) if start and start <= year else None,
        continuing=innovation.status == Innovation.Status.CONTINUING,
    )


def _replication_record(
    innovation: Innovation, replicas: Counter[str], user: ActorLike
) -> ReplicationRecord:
    """Its replicas (by status), and the innovation it replicates when ``user`` may see it."""
    source = innovation.source if innovation.source_id else None
    if (
        source is not None
        and not Innovation.objects.filter(Q(pk=source.pk) & visible_q(user)).exists()
    ):
        source = None
    return ReplicationRecord(
        replicas=sum(replicas.values()),
        continuing=replicas.get(Innovation.Status.CONTINUING, 0),
        stopped=replicas.get(Innovation.Status.STOPPED, 0),
        is_replica_of=source,
    )


def match_innovations(
    problem: str,
    *,
    sector: str = "",
    region: str = "",
    agency_kind: str = "",
    unit_size: str = "",
    user: ActorLike = None,
    limit: int = 10,
) -> MatchResults:
    """Innovations worth copying for a problem described in free text, with the reasons: which
    concepts matched and where, the evidence (awards, years running, continuing) and the
    replication record; the context (sector, region, agency type, unit size) nudges the ranking."""
    limit = min(max(1, int(limit or 10)), MAX_PAGE_SIZE)
    prepared = prepare_query(problem, max_chars=MAX_PROBLEM_CHARS)
    plan = prepared.plan
    if not plan:
        return MatchResults(problem=problem or "", hits=[], concepts=[], searched=False)
    qs = visible_base(user)
    context = _MatchContext(
        sector, region, agency_kind, UNIT_SIZES.get(unit_size, (None, None))[1], user
    )
    window = max(RERANK_WINDOW, limit)
    ranked_only = ranked_first(qs, unfiltered=True, published_only=reads_published_only(user))
    found = _retrieve(
        prepared, qs, window, context.boosts, families_needed=limit + 5, ranked_only=ranked_only
    )
    backend = get_backend()

    def family_matches(n: int) -> grouping.Matches:
        return grouping.family_matches(backend, qs, found.expression, min(n, MAX_WINDOW))

    truncated = len(found.candidates) >= window
    ordered, shown, _families = grouping.group(
        _fused(problem, qs, found.ranked),
        qs,
        score=_scorer(prepared),
        matches=family_matches if truncated and not ranked_only else None,
        exhaustive=not truncated,
        needed=limit + 5,
        mix_prior=False,  # the context's boosts weigh awards, replicas and status already
        unfiltered=True,
        published_only=reads_published_only(user),
    )
    top = originals_first(ordered)[:limit]
    ids = [pk for pk, _, _ in top]
    innovations = _load_innovations(ids)
    replica_stats: dict[int, Counter[str]] = defaultdict(Counter)
    for source_id, status in _visible_replicas(ids, user):
        replica_stats[source_id][status] += 1
    terms = _highlight_terms(plan)
    year = timezone.localdate().year
    hits: list[MatchHit] = []
    for pk, score, scored in top:
        innovation = innovations.get(pk)
        if innovation is None:
            continue
        evidence = _evidence(innovation, year)
        replication = _replication_record(innovation, replica_stats.get(pk, Counter()), user)
        hits.append(
            MatchHit(
                innovation=innovation,
                score=round(score, 4),
                name_html=_name_html(innovation, terms),
                snippet=_snippet(innovation, terms),
                matched=matched_sections(innovation, plan, sorted(scored.matched))
                if scored
                else [],
                coverage=round(scored.coverage, 3) if scored else 0.0,
                evidence=evidence,
                replication=replication,
                context=context.reasons.get(pk, [])
                if scored
                else [_("close in meaning to your problem")],
                family=_with_replicas(shown.get(pk), replication.replicas),
            )
        )
    return MatchResults(
        problem=problem,
        hits=hits,
        concepts=[c.label for c in plan.concepts if c.weight >= 1.0],
        corrections=prepared.corrections,
    )


# --- similar innovations and duplicates ----------------------------------------------------------
def _profile_plan(
    weighted_terms: Mapping[str, float], dfs: Mapping[str, int], n: int, max_terms: int
) -> QueryPlan:
    scores = {
        t: w * idf(dfs.get(t, 0), n)
        for t, w in weighted_terms.items()
        if dfs.get(t, 0) > 0 and dfs.get(t, 0) <= max(2, n * 0.3)
    }
    top = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms]
    if not top:
        return QueryPlan(text="", concepts=[])
    peak = top[0][1]
    concepts = []
    for term, value in top:
        concept = Concept(label=term, weight=max(value / peak, 0.2))
        concept.alternatives.append(Alternative((term,), 1.0))
        concepts.append(concept)
    return QueryPlan(text=" ".join(t for t, _ in top), concepts=concepts)


def similar_innovations(
    innovation: Innovation, user: ActorLike = None, limit: int = 5
) -> list[SearchHit]:
    """Innovations like this one (its most telling words from name, summary and problem)."""
    limit = min(max(1, int(limit or 5)), MAX_PAGE_SIZE)
    doc = SearchDocument.objects.filter(pk=innovation.pk).values(*FIELD_GROUPS).first()
    if doc is None:
        built = build_document(innovation)
        doc = {g: " ".join(built.fields[g]) for g in FIELD_GROUPS}
    weighted: defaultdict[str, float] = defaultdict(float)
    for group, weight in (("name", 2.0), ("summary", 1.0), ("body", 0.3)):
        for term in doc[group].split():
            weighted[term] += weight
    stats = index_stats()
    dfs = document_frequencies(weighted)
    plan = _profile_plan(weighted, dfs, stats.documents, 15)
    if not plan:
        return []
    prepared = PreparedQuery(plan, dfs, {})
    qs = visible_base(user).exclude(pk=innovation.pk)
    ranked = _retrieve(prepared, qs, 60).ranked
    grouped, shown, _families = grouping.group(
        [(pk, s.score, s) for pk, s in ranked if s.score > 0],
        qs,
        score=_scorer(prepared),
        # all the reader may see but this innovation: its families' heads from their index
        unfiltered=True,
        excluded=(innovation.pk,),
        published_only=reads_published_only(user),
    )
    top: list[tuple[int, float, float]] = [
        (pk, score, detail.coverage if detail else 0.0) for pk, score, detail in grouped
    ][:limit]
    if len(top) < limit:  # fewer lexical neighbours: the closest in meaning fill the list
        taken = {pk for pk, _, _ in top}
        for pk, cosine in semantic.nearest_to_innovation(innovation.pk, qs, limit):
            if pk not in taken and len(top) < limit:
                top.append((pk, cosine, 0.0))
    innovations = _load_innovations([pk for pk, _, _ in top], awards=False)  # none shown
    terms = plan.terms
    return [
        SearchHit(
            innovation=innovations[pk],
            score=round(score, 4),
            name_html=_name_html(innovations[pk], terms),
            snippet=_snippet(innovations[pk], terms),
            coverage=round(coverage, 3),
            family=shown.get(pk),
        )
        for pk, score, coverage in top
        if pk in innovations
    ]


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    if not dot:
        return 0.0
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def find_duplicates(
    name: str,
    summary: str = "",
    problem: str = "",
    exclude: Innovation | int | None = None,
    *,
    user: ActorLike = None,
    limit: int = 5,
    threshold: float = 0.35,
) -> list[DuplicateCandidate]:
    """Existing innovations that closely resemble the one being written (for a warning on the
    create form or a competition entry; the person decides). Only innovations ``user`` may see
    are considered (published ones when ``user`` is None). Scores are 0–1."""
    analyzer = get_analyzer()
    name = (name or "")[:300]
    name_terms = analyzer.analyze(name)
    text_terms = analyzer.analyze((summary or "")[:MAX_PROBLEM_CHARS]) + analyzer.analyze(
        (problem or "")[:MAX_PROBLEM_CHARS]
    )
    if not name_terms and not text_terms:
        return []
    weighted: defaultdict[str, float] = defaultdict(float)
    for t in name_terms:
        weighted[t] += 2.0
    for t in text_terms:
        weighted[t] += 1.0
    stats = index_stats()
    n = max(stats.documents, 1)
    dfs = document_frequencies(weighted)
    plan = _profile_plan(weighted, dfs, n, 20)
    if not plan:
        return []
    qs = visible_base(user)
    exclude_pk = exclude.pk if isinstance(exclude, Innovation) else exclude
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    prepared = PreparedQuery(plan, dfs, {})
    ranked = _retrieve(prepared, qs, 30).ranked
    # the same families as search: one warning per family, with how many it holds
    kin = grouping.members_in_view([pk for pk, _ in ranked], qs)
    ids = list(dict.fromkeys(kin.first[family] for family in kin.order))[:15]
    innovations = _load_innovations(ids)
    docs = _load_terms(ids)
    query_vec = {t: w * idf(dfs.get(t, 0), n) for t, w in weighted.items()}
    name_set = set(name_terms)
    folded_name = " ".join(fold(name).split())
    all_dfs = dict(dfs)
    missing = {t for d in docs.values() for g in ("name", "summary") for t in d.lists[g]}
    missing -= set(all_dfs)
    all_dfs.update(document_frequencies(missing))
    out = []
    for pk in ids:
        innovation, doc = innovations.get(pk), docs.get(pk)
        if innovation is None or doc is None:
            continue
        doc_weighted: defaultdict[str, float] = defaultdict(float)
        for t in doc.lists["name"]:
            doc_weighted[t] += 2.0
        for t in doc.lists["summary"]:
            doc_weighted[t] += 1.0
        doc_vec = {t: w * idf(all_dfs.get(t, 0), n) for t, w in doc_weighted.items()}
        text_sim = _cosine(query_vec, doc_vec)
        own_name = set(analyzer.analyze(innovation.name)) | set(
            analyzer.analyze(innovation.acronym)
        )
        name_sim = _dice(name_set, own_name)
        if folded_name and folded_name == " ".join(fold(innovation.name).split()):
            name_sim = 1.0
        score = max(name_sim * 0.9, 0.4 * name_sim + 0.6 * text_sim)
        if score >= threshold:
            out.append(
                DuplicateCandidate(
                    innovation=innovation,
                    score=round(min(score, 1.0), 3),
                    name_similarity=round(name_sim, 3),
                    text_similarity=round(text_sim, 3),
                    family_size=kin.sizes.get(kin.family_of[pk], 1),
                )
            )
    out.sort(key=lambda c: (-c.score, c.innovation.name))
    return out[:limit]


def agency_kinds() -> list[tuple[str, str]]:
    return [(k, str(label)) for k, label in Agency.Kind.choices]
