from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .base import Groups, SearchBackend

#: bm25() column weights: name, summary, body, meta
WEIGHTS = (8.0, 3.0, 1.5, 0.75)


def _quote(terms: tuple[str, ...]) -> str:
    # every term is quoted, so nothing a reader types can become FTS5 query syntax
    return '"' + " ".join(terms).replace('"', '""') + '"'


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def expression(self, groups: Groups, require_all: bool = False) -> str:
        parts = []
        for group in groups:
            alts = list(dict.fromkeys(_quote(alt.terms) for alt in group))
            if not alts:
                continue
            parts.append("(" + " OR ".join(alts) + ")" if require_all and len(alts) > 1 else
                         " OR ".join(alts))
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
