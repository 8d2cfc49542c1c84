from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet

from .base import RANKED_MEMBERS_SQL, Groups, SearchBackend, kept_sql


def _lexemes(terms: tuple[str, ...]) -> str:
    # every lexeme is quoted, so nothing a reader types can become tsquery syntax
    quoted = ["'" + t.replace("\\", "").replace("'", "''") + "'" for t in terms]
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


#: the full tier: each document's vector alone (see migration ``0009_match``)
MATCH_TABLE = "search_searchmatch"
#: the name tier (see migration ``0003_head``)
HEAD_TABLE = "search_searchhead"

GIN_INDEXES = (
    f"CREATE INDEX IF NOT EXISTS search_match_tsv_gin ON {MATCH_TABLE} USING gin (tsv)",
    f"CREATE INDEX IF NOT EXISTS search_head_tsv_gin ON {HEAD_TABLE} USING gin (tsv)",
)
#: the tiers' vectors, as the triggers of migrations 0003 and 0009 compute them row by row
TIER_FILLS = (
    f"INSERT INTO {HEAD_TABLE} (innovation_id, tsv) SELECT innovation_id, "
    "setweight(to_tsvector('simple', name), 'A') FROM search_searchdocument",
    f"INSERT INTO {MATCH_TABLE} (innovation_id, tsv) SELECT innovation_id, "
    "setweight(to_tsvector('simple', name), 'A') "
    "|| setweight(to_tsvector('simple', summary), 'B') "
    "|| setweight(to_tsvector('simple', body), 'C') "
    "|| setweight(to_tsvector('simple', meta), 'D') FROM search_searchdocument",
)

#: the name tier is used when about this many documents match (ranking them all would cost
#: ~10 ms or more); fewer, and every match is ranked
HEAD_TIER_FROM = 4000

#: (OFFSET 0: each match is scored in the subquery and only (id, score) pairs are sorted; else
#: the planner sorted whole documents, tsvector included, ~800 bytes each, spilling to disk
#: beyond ``work_mem``, and scored the matches that are not ranked members too — "lansia" at
#: 100,000: 57 → 33 ms)
_RANKED = (
    "SELECT id, s FROM (SELECT innovation_id AS id, ts_rank(tsv, q, 1) AS s "
    "FROM {table}, to_tsquery('simple', %s) AS q WHERE tsv @@ q{members} OFFSET 0) AS ranked "
    "ORDER BY s DESC, id LIMIT %s"
)


#: see ``SearchBackend.ranked_filter``
_RANKED_FILTER = f" AND innovation_id IN ({RANKED_MEMBERS_SQL})"


def _ranked_sql(table: str, ranked_only: bool) -> str:
    return _RANKED.format(table=table, members=_RANKED_FILTER if ranked_only else "")


class PostgresBackend(SearchBackend):
    """PostgreSQL full-text search over the analysed terms (``simple`` configuration), in two
    tiers: ``search_searchhead`` (the name group: name, acronym, expansion) and
    ``search_searchmatch`` (everything; each document's vector without its text).

    Ranking every match of a very common word means reading a third of a national catalog's
    documents from the heap (~2 µs each); when a query is estimated to match more than
    ``HEAD_TIER_FROM`` documents and at least ``fetch`` match in their name, those are the
    candidates (a tiered index: the final ranking weighs the name most, so they are
    the ones it puts first). Fewer name matches: the full documents are ranked."""

    vendor = "postgresql"
    ranked_filter = _RANKED_FILTER

    def before_bulk_load(self, cursor: Any) -> None:
        # one index build at the end is several times faster than updating it row by row
        cursor.execute("DROP INDEX IF EXISTS search_match_tsv_gin")
        cursor.execute("DROP INDEX IF EXISTS search_head_tsv_gin")
        # this session's row trigger stands aside (others' writes still keep the tier in step)
        cursor.execute("SET lumbung.search_bulk_load = 'on'")

    def after_bulk_load(self, cursor: Any) -> None:
        # deferred foreign-key checks still pending in this transaction would block the index
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET lumbung.search_bulk_load = 'off'")
        for table, fill in zip((HEAD_TABLE, MATCH_TABLE), TIER_FILLS, strict=True):
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(fill)
        for statement in GIN_INDEXES:
            cursor.execute(statement)
        # fresh statistics, or the planner may scan every innovation for each search
        cursor.execute("ANALYZE search_searchdocument")
        cursor.execute(f"ANALYZE {HEAD_TABLE}")
        cursor.execute(f"ANALYZE {MATCH_TABLE}")
        cursor.execute("ANALYZE search_searchterm")

    def after_rebuild(self, cursor: Any) -> None:
        # a rebuild replaces every row: vacuum now rather than let autovacuum read the tables
        # again while the first searches run (and mark the new rows all-visible: the families'
        # member counts are index-only scans then, 17 → 1 ms per search at 100,000)
        cursor.execute(
            "VACUUM (ANALYZE) search_searchdocument, search_searchhead, search_searchmatch, "
            "search_familymember, search_familyband"
        )

    @contextmanager
    def through_index(self, db: str) -> Iterator[None]:
        # The planner prices testing ``tsv @@ q`` on a row like an integer comparison, so for
        # a query matching a fifth of the documents it may read every document and test each:
        # "sakit jiwa" at 100,000, 99 ms, against 20 ms from the GIN index's bitmap (the facets
        # of "pelayanan kesehatan": 339 → 258 ms). Sequential scans are refused for this
        # statement only: a plain SET inside a transaction (or savepoint), undone by RESET, or
        # by the rollback if the statement fails — SET LOCAL would outlive a savepoint, to the
        # outer transaction's end.
        with transaction.atomic(using=db), connections[db].cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            yield
            cursor.execute("RESET enable_seqscan")

    def in_list_sql(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        # one array parameter: a statement of the same text whatever the number of values,
        # which the server plans once (``IN`` with 500 parameters: 9 ms a statement against
        # 1.5–2 for the array, the words of a page's results at 100,000 innovations)
        return f"{column} = ANY(%s)", [list(values)]

    def counts_by_sql(self, source: str, columns: Sequence[str]) -> str:
        # one pass over ``source`` filling a hash table per column (grouping sets), instead of
        # one scan and aggregate per column: the facets of "warga" (28,000 matches) at 100,000,
        # 72 → 57 ms. ``GROUPING(…)`` has a bit per column, set where the row is not grouped
        # by it, the first column's the highest
        listed = ", ".join(columns)
        every = (1 << len(columns)) - 1
        kinds = " ".join(
            f"WHEN {every - (1 << (len(columns) - 1 - i))} THEN '{c}'"
            for i, c in enumerate(columns)
        )
        sets = ", ".join(f"({c})" for c in columns)
        return (
            f"SELECT CASE GROUPING({listed}) {kinds} END AS kind, {listed}, COUNT(*) AS n "
            f"FROM {source} GROUP BY GROUPING SETS ({sets})"
        )

    def expression(self, groups: Groups, require_all: bool = False) -> str:
        parts = []
        for group in groups:
            alts = list(dict.fromkeys(_lexemes(alt.terms) for alt in group))
            if not alts:
                continue
            parts.append("(" + " | ".join(alts) + ")" if len(alts) > 1 else alts[0])
        return (" & " if require_all else " | ").join(dict.fromkeys(parts))

    def match_ids_sql(self, expression: str) -> tuple[str, list[Any]]:
        return (
            f"SELECT innovation_id FROM {MATCH_TABLE} WHERE tsv @@ to_tsquery('simple', %s)",
            [expression],
        )

    def matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        table = qs.model._meta.db_table
        return qs.extra(
            select={"_score": f"ts_rank({MATCH_TABLE}.tsv, to_tsquery('simple', %s), 1)"},
            select_params=[expression],
            tables=[MATCH_TABLE],
            where=[
                f"{MATCH_TABLE}.innovation_id = {table}.id",
                f"{MATCH_TABLE}.tsv @@ to_tsquery('simple', %s)",
            ],
            params=[expression],
        )

    def name_matches(
        self, qs: QuerySet[Any], groups: Groups, limit: int
    ) -> list[tuple[int, float]]:
        # the name tier: every innovation's name group (name, acronym, expansion)
        ranked_sql = _ranked_sql(HEAD_TABLE, False)
        return self._kept_matches(qs, ranked_sql, self.expression(groups, require_all=True), limit)

    def ranked_matches_sql(self, ranked_only: bool = False) -> str:
        return _ranked_sql(MATCH_TABLE, ranked_only)

    def ranked_matches(
        self,
        cursor: Any,
        expression: str,
        fetch: int,
        estimate: int | None = None,
        kept: tuple[str, Sequence[Any]] | None = None,
        ranked_only: bool = False,
    ) -> list[tuple[int, float, bool]]:
        if estimate is not None and estimate >= HEAD_TIER_FROM:
            head_sql = _ranked_sql(HEAD_TABLE, ranked_only)
            head = self._ranked(cursor, head_sql, expression, fetch, kept)
            if len(head) == fetch:
                return head
        return super().ranked_matches(
            cursor, expression, fetch, estimate, kept, ranked_only=ranked_only
        )

    def count_ranked(self, db: str, expression: str, cap: int) -> int:
        # the index's matches first (OFFSET 0: else the planner walks every document in key
        # order testing each against the query, 25–32 ms at 100,000), then the same filter as
        # every ranked query, a look-up per match in the ranked members' index until ``cap``
        match_sql, params = self.match_ids_sql(expression)
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM ({match_sql} OFFSET 0) AS m "
            f"WHERE TRUE{self.ranked_filter} LIMIT %s) AS c"
        )
        with connections[db].cursor() as cursor:
            cursor.execute(sql, [*params, cap])
            return int(cursor.fetchone()[0])

    def count(self, qs: QuerySet[Any], expression: str, cap: int | None = None) -> int:
        if cap is None:
            return super().count(qs, expression, cap)
        # the index's matches first (OFFSET 0 keeps the planner from walking the catalog in key
        # order and testing each document), then the ones ``qs`` holds, counted up to ``cap``
        match_sql, match_params = self.match_ids_sql(expression)
        kept, kept_params = kept_sql(qs)
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM ({match_sql} OFFSET 0) AS m "
            f"JOIN ({kept}) AS k ON k.kept_id = m.innovation_id LIMIT %s) AS c"
        )
        with connections[qs.db].cursor() as cursor:
            cursor.execute(sql, [*match_params, *kept_params, cap])
            return int(cursor.fetchone()[0])
