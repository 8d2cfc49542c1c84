"""Reads of reports from a read replica (``DATABASE_REPLICA_URL``), when there is one.

Reports and open data read much and may lag the primary by seconds, so their views are wrapped
in :func:`reads_from_replica`: while such a view runs (and while its streamed body is written),
:class:`ReplicaRouter` sends reads to the ``replica`` database. Writes, and every other view's
reads, stay on ``default``. Without a replica (``replica`` not in ``DATABASES``) nothing changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar, cast

from django.conf import settings
from django.db.models import Model
from django.http import HttpResponseBase, StreamingHttpResponse

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("lumbung_reading_reports", default=False)

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def _streamed_from_replica(chunks: Iterator[Any]) -> Iterator[Any]:
    with replica_reads():
        yield from chunks


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            response = view(*args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            chunks = cast(Iterator[bytes], response.streaming_content)
            response.streaming_content = _streamed_from_replica(chunks)
        return response

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if _reading_reports.get() and has_replica():
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # the same database, one a copy of the other

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
