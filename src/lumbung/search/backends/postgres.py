from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from ..analysis import Alternative
from .base import SearchBackend


def _lexeme(term: str) -> str:
    # every lexeme is quoted, so nothing a reader types can become tsquery syntax
    return "'" + term.replace("\\", "").replace("'", "''") + "'"


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def expression(self, alternatives: Sequence[Alternative]) -> str:
        parts = []
        for alt in alternatives:
            lexemes = [_lexeme(t) for t in alt.terms]
            parts.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
        return " | ".join(dict.fromkeys(parts))

    def match_ids_sql(self, alternatives: Sequence[Alternative]) -> tuple[str, list[Any]]:
        return (
            "SELECT innovation_id FROM search_searchdocument "
            "WHERE tsv @@ to_tsquery('simple', %s)",
            [self.expression(alternatives)],
        )

    def matching(self, qs: QuerySet[Any], alternatives: Sequence[Alternative]) -> QuerySet[Any]:
        table = qs.model._meta.db_table
        expr = self.expression(alternatives)
        return qs.extra(
            select={"_score": "ts_rank(search_searchdocument.tsv, to_tsquery('simple', %s), 1)"},
            select_params=[expr],
            tables=["search_searchdocument"],
            where=[
                f"search_searchdocument.innovation_id = {table}.id",
                "search_searchdocument.tsv @@ to_tsquery('simple', %s)",
            ],
            params=[expr],
        )
