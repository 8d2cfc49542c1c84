from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ..analysis import Alternative


class SearchBackend:
    """Restricts a queryset of innovations to those matching any alternative of a query."""

    vendor = ""

    def expression(self, alternatives: Sequence[Alternative]) -> str:  # pragma: no cover
        raise NotImplementedError

    def matching(self, qs: QuerySet[Any], alternatives: Sequence[Alternative]) -> QuerySet[Any]:
        """``qs`` restricted to matches, with a ``_score`` (higher is better)."""
        raise NotImplementedError  # pragma: no cover

    def match_ids_sql(self, alternatives: Sequence[Alternative]) -> tuple[str, list[Any]]:
        """SQL selecting the ids of the matching innovations (for subqueries)."""
        raise NotImplementedError  # pragma: no cover

    def filter_matching(
        self, qs: QuerySet[Any], alternatives: Sequence[Alternative]
    ) -> QuerySet[Any]:
        """``qs`` restricted to matches, without a score (safe inside subqueries)."""
        sql, params = self.match_ids_sql(alternatives)
        return qs.filter(pk__in=RawSQL(sql, params))

    def candidates(
        self, qs: QuerySet[Any], alternatives: Sequence[Alternative], limit: int
    ) -> list[tuple[int, float]]:
        rows = (
            self.matching(qs, alternatives)
            .order_by("-_score", "pk")
            .values_list("pk", "_score")[:limit]
        )
        return [(int(pk), float(score or 0.0)) for pk, score in rows]

    def count(self, qs: QuerySet[Any], alternatives: Sequence[Alternative]) -> int:
        return self.filter_matching(qs, alternatives).order_by().count()
