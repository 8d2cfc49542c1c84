from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ..analysis import Alternative

#: A query for a back end: groups of alternatives; every group must match (``require_all``) or
#: any alternative of any group may.
Groups = Sequence[Sequence[Alternative]]


class SearchBackend(ABC):
    """Restricts a queryset of innovations to those matching a query expression."""

    vendor = ""

    def before_bulk_load(self, cursor: Any) -> None:
        """Called before ``rebuild`` replaces every document (e.g. to pause triggers)."""
        return None

    def after_bulk_load(self, cursor: Any) -> None:
        """Called in the transaction that ends a rebuild (e.g. to rebuild the FTS table)."""
        return None

    @abstractmethod
    def expression(self, groups: Groups, require_all: bool = False) -> str:
        """The back end's query expression for the groups of alternatives."""

    @abstractmethod
    def match_ids_sql(self, expression: str) -> tuple[str, list[Any]]:
        """SQL selecting the ids of the matching innovations (for subqueries)."""

    @abstractmethod
    def matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        """``qs`` restricted to matches, with a ``_score`` (higher is better)."""

    def filter_matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        """``qs`` restricted to matches, without a score (safe inside subqueries)."""
        sql, params = self.match_ids_sql(expression)
        return qs.filter(pk__in=RawSQL(sql, params))

    def candidates(self, qs: QuerySet[Any], expression: str, limit: int) -> list[tuple[int, float]]:
        return self.candidate_runner(qs, limit)(expression)

    def candidate_runner(
        self, qs: QuerySet[Any], limit: int
    ) -> Callable[[str], list[tuple[int, float]]]:
        """A function running the candidate query for any expression: the ORM compiles the SQL
        (filters, visibility) once, each stage of a search only changes the parameter."""
        marker = "\x1elumbung-search-expression\x1e"
        query = (
            self.matching(qs, marker)
            .order_by("-_score", "pk")
            .values_list("pk", "_score")[:limit]
            .query
        )
        compiler = query.get_compiler(using=qs.db)
        sql, params = compiler.as_sql()
        slots = [i for i, p in enumerate(params) if p == marker]
        connection = connections[qs.db]

        def run(expression: str) -> list[tuple[int, float]]:
            bound = list(params)
            for i in slots:
                bound[i] = expression
            with connection.cursor() as cursor:
                cursor.execute(sql, bound)
                return [(int(pk), float(score or 0.0)) for pk, score in cursor.fetchall()]

        return run

    def count(self, qs: QuerySet[Any], expression: str, cap: int | None = None) -> int:
        """How many innovations match (at most ``cap``: counting a third of a national catalog
        for a query of common words costs more than the search itself)."""
        matching = self.filter_matching(qs, expression).order_by()
        if cap is None:
            return matching.count()
        return len(matching.values_list("pk", flat=True)[:cap])
