from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from .base import Groups, SearchBackend

#: bm25() column weights: name, summary, body, meta
WEIGHTS = (8.0, 3.0, 1.5, 0.75)


def _quote(terms: tuple[str, ...]) -> str:
    # every term is quoted, so nothing a reader types can become FTS5 query syntax
    return '"' + " ".join(terms).replace('"', '""') + '"'


_COLUMNS = "rowid, name, summary, body, meta"
_NEW = "new.innovation_id, new.name, new.summary, new.body, new.meta"
_OLD = "old.innovation_id, old.name, old.summary, old.body, old.meta"
#: the triggers that keep search_fts in step (as created by migration 0002_backends)
TRIGGERS = {
    "search_fts_ai": (
        "AFTER INSERT ON search_searchdocument BEGIN "
        f"INSERT INTO search_fts({_COLUMNS}) VALUES ({_NEW}); END"
    ),
    "search_fts_ad": (
        "AFTER DELETE ON search_searchdocument BEGIN "
        f"INSERT INTO search_fts(search_fts, {_COLUMNS}) VALUES ('delete', {_OLD}); END"
    ),
    "search_fts_au": (
        "AFTER UPDATE ON search_searchdocument BEGIN "
        f"INSERT INTO search_fts(search_fts, {_COLUMNS}) VALUES ('delete', {_OLD}); "
        f"INSERT INTO search_fts({_COLUMNS}) VALUES ({_NEW}); END"
    ),
}


#: the ranked members' ids as a rowid table (migration ``0007_ranked_ids_sqlite``, kept by
#: triggers): each match is tested against its b-tree, nothing is copied per statement
RANKED_IDS_SQL = "SELECT innovation_id FROM search_rankedid"


class SqliteBackend(SearchBackend):
    vendor = "sqlite"
    # "+rowid": a filter on each match; a plain "rowid IN" is handed to FTS5, which then runs
    # the whole query once per listed id (hundreds of times slower)
    ranked_filter = f" AND +rowid IN ({RANKED_IDS_SQL})"

    def counts_by_sql(self, source: str, columns: Sequence[str]) -> str:
        # one GROUP BY per column (SQLite has no grouping sets); its columns have no fixed
        # type, so a bare NULL stands for the columns not counted
        return " UNION ALL ".join(
            f"SELECT '{counted}' AS kind, "
            + ", ".join(c if c == counted else f"NULL AS {c}" for c in columns)
            + f", COUNT(*) AS n FROM {source} GROUP BY {counted}"
            for counted in columns
        )

    def before_bulk_load(self, cursor: Any) -> None:
        # row-by-row trigger inserts are ~20x slower than one FTS5 'rebuild' at the end
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")

    def after_bulk_load(self, cursor: Any) -> None:
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def expression(self, groups: Groups, require_all: bool = False) -> str:
        parts = []
        for group in groups:
            alts = list(dict.fromkeys(_quote(alt.terms) for alt in group))
            if not alts:
                continue
            parts.append(
                "(" + " OR ".join(alts) + ")"
                if require_all and len(alts) > 1
                else " OR ".join(alts)
            )
        return (" AND " if require_all else " OR ").join(dict.fromkeys(parts))

    def match_ids_sql(self, expression: str) -> tuple[str, list[Any]]:
        return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression]

    def matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        table = qs.model._meta.db_table
        weights = ", ".join(str(w) for w in WEIGHTS)
        return qs.extra(
            select={"_score": f"-bm25(search_fts, {weights})"},
            tables=["search_fts"],
            where=[f"search_fts.rowid = {table}.id", "search_fts MATCH %s"],
            params=[expression],
        )

    def name_matches(
        self, qs: QuerySet[Any], groups: Groups, limit: int
    ) -> list[tuple[int, float]]:
        expression = "{name} : (" + self.expression(groups, require_all=True) + ")"
        return self._kept_matches(qs, self.ranked_matches_sql(), expression, limit)

    def ranked_matches_sql(self, ranked_only: bool = False) -> str:
        weights = ", ".join(str(w) for w in WEIGHTS)
        members = self.ranked_filter if ranked_only else ""
        return (
            f"SELECT rowid AS id, -bm25(search_fts, {weights}) AS s FROM search_fts "
            f"WHERE search_fts MATCH %s{members} ORDER BY s DESC, rowid LIMIT %s"
        )
