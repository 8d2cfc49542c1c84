"""Search back ends behind one interface: SQLite FTS5 (the embedded default) and PostgreSQL
full-text search. Both take the same analysed query and return candidates with a native score;
the final ranking is done once, in Python (``ranking.py``), so both agree on the top results."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .base import SearchBackend
from .postgres import PostgresBackend
from .sqlite import SqliteBackend

__all__ = ["PostgresBackend", "SearchBackend", "SqliteBackend", "get_backend"]


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise ImproperlyConfigured(f"no search back end for {connection.vendor}")
