from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .base import Groups, SearchBackend


def _lexemes(terms: tuple[str, ...]) -> str:
    # every lexeme is quoted, so nothing a reader types can become tsquery syntax
    quoted = ["'" + t.replace("\\", "").replace("'", "''") + "'" for t in terms]
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


GIN_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_document_tsv_gin ON search_searchdocument USING gin (tsv)"
)


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def before_bulk_load(self, cursor: Any) -> None:
        # one index build at the end is several times faster than updating it row by row
        cursor.execute("DROP INDEX IF EXISTS search_document_tsv_gin")

    def after_bulk_load(self, cursor: Any) -> None:
        # deferred foreign-key checks still pending in this transaction would block the index
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(GIN_INDEX)
        # fresh statistics, or the planner may scan every innovation for each search
        cursor.execute("ANALYZE search_searchdocument")
        cursor.execute("ANALYZE search_searchterm")

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
            "SELECT innovation_id FROM search_searchdocument WHERE tsv @@ to_tsquery('simple', %s)",
            [expression],
        )

    def matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        table = qs.model._meta.db_table
        return qs.extra(
            select={"_score": "ts_rank(search_searchdocument.tsv, to_tsquery('simple', %s), 1)"},
            select_params=[expression],
            tables=["search_searchdocument"],
            where=[
                f"search_searchdocument.innovation_id = {table}.id",
                "search_searchdocument.tsv @@ to_tsquery('simple', %s)",
            ],
            params=[expression],
        )
