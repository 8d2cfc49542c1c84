"""The query planner's statistics, refreshed after bulk writes.

PostgreSQL plans every statement from the statistics ``ANALYZE`` gathers. Autovacuum gathers them
a while after many rows change — or never, where an operator turned it off. Until then the
planner believes a table holds what it held before: right after 100,000 innovations were imported
into an empty catalog, a search's visibility check hashed every published innovation (147 ms for
the statement, the planner expecting 148 rows) instead of looking up the 50 it ranks (0.4 ms).
Bulk writers (the importer) call :func:`refresh` after writing many rows, so the first searches
after an import are planned on the catalog as it is.

SQLite: nothing is done (its planner needs no statistics for these statements; ``ANALYZE`` there
made it skip the partial index on replicas' sources).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections
from django.db.models import Model

#: rows a bulk write must reach before the statistics are refreshed (``ANALYZE`` samples at most
#: 30,000 rows of a table: a fraction of a second, far less than writing a thousand rows)
BULK_ROWS = 1000


def refresh(models: Iterable[type[Model]], *, written: int, using: str = "default") -> bool:
    """Refresh the planner's statistics of ``models``' tables when ``written`` (rows just
    written) reaches :data:`BULK_ROWS`, on PostgreSQL; whether it did. Safe inside a
    transaction (``ANALYZE``, unlike ``VACUUM``, may run in one)."""
    connection = connections[using]
    if written < BULK_ROWS or connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return True
