from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ..analysis import Alternative

#: A query for a back end: groups of alternatives; every group must match (``require_all``) or
#: any alternative of any group may.
Groups = Sequence[Sequence[Alternative]]


class SearchBackend:
    """Restricts a queryset of innovations to those matching a query expression."""

    vendor = ""

    def before_bulk_load(self, cursor: Any) -> None:
        """Called before ``rebuild`` replaces every document (e.g. to pause triggers)."""

    def after_bulk_load(self, cursor: Any) -> None:
        """Called in the transaction that ends a rebuild (e.g. to rebuild the FTS table)."""

    def expression(self, groups: Groups, require_all: bool = False) -> str:  # pragma: no cover
        raise NotImplementedError

    def match_ids_sql(self, expression: str) -> tuple[str, list[Any]]:  # pragma: no cover
        """SQL selecting the ids of the matching innovations (for subqueries)."""
        raise NotImplementedError

    def matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:  # pragma: no cover
        """``qs`` restricted to matches, with a ``_score`` (higher is better)."""
        raise NotImplementedError

    def filter_matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        """``qs`` restricted to matches, without a score (safe inside subqueries)."""
        sql, params = self.match_ids_sql(expression)
        return qs.filter(pk__in=RawSQL(sql, params))

    def candidates(self, qs: QuerySet[Any], expression: str, limit: int) -> list[tuple[int, float]]:
        rows = (
            self.matching(qs, expression)
            .order_by("-_score", "pk")
            .values_list("pk", "_score")[:limit]
        )
        return [(int(pk), float(score or 0.0)) for pk, score in rows]

    def count(self, qs: QuerySet[Any], expression: str) -> int:
        return self.filter_matching(qs, expression).order_by().count()
