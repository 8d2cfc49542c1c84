"""Whole numbers read from query strings and forms, checked against a range before they reach a
query: a value the database cannot hold (``?unit=99999999999999999999999`` overflows SQLite's and
PostgreSQL's 64-bit integers) or that can never match is treated like one that cannot be parsed."""

from __future__ import annotations

from typing import Any

#: The largest id a 64-bit signed primary key can hold (SQLite INTEGER, PostgreSQL bigint).
MAX_ID = 2**63 - 1


def bounded_int(raw: Any, minimum: int, maximum: int) -> int | None:
    """``raw`` as an int when it is a whole number within ``minimum..maximum``, else ``None``.

    Accepts ints and strings such as ``"42"`` or ``" 42 "``; ``None``, ``""``, booleans, floats,
    text that is not a whole number (``"abc"``, ``"1.5"``, ``"²"``) and numbers outside the
    range all give ``None``."""
    if raw is None or isinstance(raw, bool | float):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if minimum <= value <= maximum else None


def id_param(raw: Any) -> int | None:
    """A database id (1..2**63-1) from a query parameter, or ``None``."""
    return bounded_int(raw, 1, MAX_ID)
