from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from ..analysis import Alternative

#: A query for a back end: groups of alternatives; every group must match (``require_all``) or
#: any alternative of any group may.
Groups = Sequence[Sequence[Alternative]]


class Candidates(list[tuple[int, float]]):
    """(innovation id, native score) pairs, best first. ``total`` is how many innovations of the
    queryset match in all, when the query saw every match (None: more than it fetched)."""

    def __init__(self, rows: Iterable[tuple[int, float]] = (), total: int | None = None) -> None:
        super().__init__(rows)
        self.total = total


#: what search ranks of a family (``FamilyMember.ranked``, kept by ``families.settle``): its
#: public head and its published members with a text of their own, not its look-alikes
RANKED_MEMBERS_SQL = "SELECT innovation_id FROM search_familymember WHERE ranked"


def kept_sql(qs: QuerySet[Any]) -> tuple[str, Sequence[Any]]:
    """SQL selecting ``kept_id``: the innovations of ``qs`` (the reader's, within the filters),
    to check matches against in the same statement."""
    kept = qs.order_by().annotate(kept_id=F("pk")).values_list("kept_id", flat=True)
    return kept.query.sql_with_params()


class SearchBackend(ABC):
    """Restricts a queryset of innovations to those matching a query expression."""

    vendor = ""

    def before_bulk_load(self, cursor: Any) -> None:
        """Called before ``rebuild`` replaces every document (e.g. to pause triggers)."""
        return None

    def after_bulk_load(self, cursor: Any) -> None:
        """Called in the transaction that ends a rebuild (e.g. to rebuild the FTS table)."""
        return None

    def after_rebuild(self, cursor: Any) -> None:
        """Called after a rebuild, outside any transaction (e.g. to vacuum what it replaced)."""
        return None

    @abstractmethod
    def expression(self, groups: Groups, require_all: bool = False) -> str:
        """The back end's query expression for the groups of alternatives."""

    @contextmanager
    def through_index(self, db: str) -> Iterator[None]:
        """Around a statement reading every match of an expression (the facets' counts): the
        back end may steer its planner to read the matches through its index."""
        yield

    def in_list_sql(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """A condition that ``column`` is one of ``values``, and its parameters: ``IN`` with a
        parameter per value (overridden where the database takes a list as one)."""
        return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)

    @abstractmethod
    def counts_by_sql(self, source: str, columns: Sequence[str]) -> str:
        """SQL counting the rows of ``source`` (a table or CTE name) by each of ``columns`` on
        its own: columns ``kind`` (the counted column's name), then each of ``columns`` (the
        counted one's value, NULL in the others) and ``n`` (the facets' counts)."""

    @abstractmethod
    def match_ids_sql(self, expression: str) -> tuple[str, list[Any]]:
        """SQL selecting the ids of the matching innovations (for subqueries)."""

    #: the condition (" AND …") that keeps the index's matches to the families' ranked members
    #: (``RANKED_MEMBERS_SQL``), appended to ``match_ids_sql``'s and the ranked queries' WHERE;
    #: every back end sets it (none: an error, never every match)
    ranked_filter: ClassVar[str]

    def ranked_ids_sql(self, expression: str) -> tuple[str, list[Any]]:
        """SQL selecting the ids of the matching ranked members of families."""
        sql, params = self.match_ids_sql(expression)
        return sql + self.ranked_filter, params

    @abstractmethod
    def matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        """``qs`` restricted to matches, with a ``_score`` (higher is better)."""

    def filter_matching(self, qs: QuerySet[Any], expression: str) -> QuerySet[Any]:
        """``qs`` restricted to matches, without a score (safe inside subqueries)."""
        sql, params = self.match_ids_sql(expression)
        return qs.filter(pk__in=RawSQL(sql, params))

    def candidates(self, qs: QuerySet[Any], expression: str, limit: int) -> Candidates:
        return self.candidate_runner(qs, limit)(expression)

    def ranked_matches_sql(self, ranked_only: bool = False) -> str | None:
        """SQL ranking the index's own matches, best first, without looking at the catalog: columns
        ``id`` and ``s`` (the score), parameters: expression, limit. None when there is none.
        ``ranked_only``: only the families' ranked members (``RANKED_MEMBERS_SQL``)."""
        return None

    def ranked_matches(
        self,
        cursor: Any,
        expression: str,
        fetch: int,
        estimate: int | None = None,
        kept: tuple[str, Sequence[Any]] | None = None,
        ranked_only: bool = False,
    ) -> list[tuple[int, float, bool]]:
        """The ``fetch`` best matches of the index, best first, as (id, score, kept): whether the
        innovation is in ``kept`` (SQL selecting ``kept_id``: the reader's queryset), checked in
        the same statement. ``estimate``: roughly how many documents match, when known."""
        sql = str(self.ranked_matches_sql(ranked_only))
        return self._ranked(cursor, sql, expression, fetch, kept)

    @staticmethod
    def _ranked(
        cursor: Any,
        ranked_sql: str,
        expression: str,
        fetch: int,
        kept: tuple[str, Sequence[Any]] | None,
    ) -> list[tuple[int, float, bool]]:
        if kept is None:
            cursor.execute(ranked_sql, [expression, fetch])
            return [(int(pk), float(score or 0.0), True) for pk, score in cursor.fetchall()]
        kept_sql, kept_params = kept
        cursor.execute(
            f"SELECT r.id, r.s, EXISTS (SELECT 1 FROM ({kept_sql}) AS k WHERE k.kept_id = r.id) "
            f"FROM ({ranked_sql}) AS r ORDER BY r.s DESC, r.id",
            [*kept_params, expression, fetch],
        )
        return [(int(pk), float(s or 0.0), bool(ok)) for pk, s, ok in cursor.fetchall()]

    def name_matches(
        self, qs: QuerySet[Any], groups: Groups, limit: int
    ) -> list[tuple[int, float]]:
        """The ``limit`` best innovations of ``qs`` whose name holds every group, ranked or not
        (look-alikes included), best first."""
        return []

    def candidate_runner(
        self, qs: QuerySet[Any], limit: int, *, ranked_only: bool = False
    ) -> Callable[..., Candidates]:
        """A function returning the ``limit`` best matches among ``qs`` for any expression.

        The index ranks its own matches first (no join with the catalog: several times faster
        for common words), and the same statement tells which of them ``qs`` holds (visibility,
        filters). The result is the same as ranking the join: when fewer than ``limit`` of the
        fetched rows are kept and there may be more matches, the joined query runs instead.
        ``ranked_only``: among the families' ranked members only (their heads and the members
        with a text of their own: the look-alikes of an original are not ranked at all)."""
        if ranked_only:
            qs = qs.filter(family_member__ranked=True)
        joined = self._joined_runner(qs, limit)
        fetch = limit * 2 + 50
        if self.ranked_matches_sql() is None or fetch > 900:  # deep pages: keep the id list short
            return joined
        connection = connections[qs.db]
        kept = kept_sql(qs)

        def run(expression: str, estimate: int | None = None) -> Candidates:
            with connection.cursor() as cursor:
                rows = self.ranked_matches(
                    cursor, expression, fetch, estimate, kept, ranked_only=ranked_only
                )
            visible = [(pk, score) for pk, score, ok in rows if ok]
            if len(rows) < fetch:  # every match was fetched: the count comes free
                return Candidates(visible[:limit], total=len(visible))
            if len(visible) < limit:
                return joined(expression)
            return Candidates(visible[:limit])

        return run

    def _joined_runner(self, qs: QuerySet[Any], limit: int) -> Callable[..., Candidates]:
        """The candidate query over ``qs`` joined with the index: the ORM compiles the SQL
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

        def run(expression: str, estimate: int | None = None) -> Candidates:
            bound = list(params)
            for i in slots:
                bound[i] = expression
            with connection.cursor() as cursor:
                cursor.execute(sql, bound)
                rows = [(int(pk), float(score or 0.0)) for pk, score in cursor.fetchall()]
            return Candidates(rows, total=len(rows) if len(rows) < limit else None)

        return run

    def _kept_matches(
        self, qs: QuerySet[Any], ranked_sql: str, expression: str, limit: int
    ) -> list[tuple[int, float]]:
        with connections[qs.db].cursor() as cursor:
            rows = self._ranked(cursor, ranked_sql, expression, limit, kept_sql(qs))
        return [(pk, score) for pk, score, ok in rows if ok]

    def count_ranked(self, db: str, expression: str, cap: int) -> int:
        """How many of the families' ranked members match, at most ``cap``, from the index
        alone: ranked members are published, and every reader may read what is published (the
        join with the catalog took 35–70 ms at 100,000 look-alikes for a query of common
        words)."""
        sql, params = self.ranked_ids_sql(expression)
        with connections[db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) AS c", [*params, cap])
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def count(self, qs: QuerySet[Any], expression: str, cap: int | None = None) -> int:
        """How many innovations of ``qs`` match (at most ``cap``: counting a third of a national
        catalog for a query of common words costs more than the search itself)."""
        matching = self.filter_matching(qs, expression).order_by()
        if cap is None:
            return matching.count()
        # counted in the database (COUNT over a LIMITed subquery): no rows are sent to Python
        return matching.values_list("pk", flat=True)[:cap].count()
