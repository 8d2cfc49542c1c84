from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from ..analysis import Alternative
from .base import SearchBackend

#: bm25() column weights: name, summary, body, meta
WEIGHTS = (8.0, 3.0, 1.5, 0.75)


def _quote(term: str) -> str:
    # every term is quoted, so nothing a reader types can become FTS5 query syntax
    return '"' + term.replace('"', '""') + '"'


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def expression(self, alternatives: Sequence[Alternative]) -> str:
        parts = []
        for alt in alternatives:
            parts.append(_quote(" ".join(alt.terms)))
        return " OR ".join(dict.fromkeys(parts))

    def match_ids_sql(self, alternatives: Sequence[Alternative]) -> tuple[str, list[Any]]:
        return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [
            self.expression(alternatives)
        ]

    def matching(self, qs: QuerySet[Any], alternatives: Sequence[Alternative]) -> QuerySet[Any]:
        table = qs.model._meta.db_table
        weights = ", ".join(str(w) for w in WEIGHTS)
        return qs.extra(
            select={"_score": f"-bm25(search_fts, {weights})"},
            tables=["search_fts"],
            where=[f"search_fts.rowid = {table}.id", "search_fts MATCH %s"],
            params=[self.expression(alternatives)],
        )
