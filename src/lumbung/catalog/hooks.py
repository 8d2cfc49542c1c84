"""A small explicit registry through which higher layers follow catalog writes.

The catalog knows nothing of search or replication. A higher layer (e.g. search, to keep its
index in step) registers a listener in its AppConfig.ready(); catalog services call
:func:`innovation_changed` / :func:`innovation_deleted` inside their transaction, so a listener's
writes commit or roll back with the change itself. No Django signals.

A write of many innovations at once (an import) runs inside :func:`bulk`: a listener may then
queue its work and do it in batches when the block ends (:func:`on_bulk_end`), still inside the
caller's transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Listener = Callable[[Any], None]
BulkListener = Callable[[bool], None]
_changed: list[Listener] = []
_deleted: list[Listener] = []
_bulk_end: list[BulkListener] = []
_local = threading.local()


def on_innovation_changed(fn: Listener) -> Listener:
    if fn not in _changed:
        _changed.append(fn)
    return fn


def on_innovation_deleted(fn: Listener) -> Listener:
    if fn not in _deleted:
        _deleted.append(fn)
    return fn


def innovation_changed(innovation: Any) -> None:
    for fn in list(_changed):
        fn(innovation)


def innovation_deleted(innovation: Any) -> None:
    for fn in list(_deleted):
        fn(innovation)


def on_bulk_end(fn: BulkListener) -> BulkListener:
    """``fn(completed)`` runs when the outermost :func:`bulk` block ends (``completed`` is False
    when it ends with an exception: queued work is then to be dropped)."""
    if fn not in _bulk_end:
        _bulk_end.append(fn)
    return fn


def in_bulk() -> bool:
    """True inside a :func:`bulk` block (in this thread)."""
    return getattr(_local, "bulk_depth", 0) > 0


class BulkQueue:
    """Innovations a listener defers to the end of a :func:`bulk` block, in this thread: ``add``
    when one is written, ``discard`` when it is deleted, ``take`` (oldest record first, and
    emptied) in the listener's :func:`on_bulk_end` function."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _ids(self) -> dict[int, None]:
        ids = getattr(self._local, "ids", None)
        if ids is None:
            ids = self._local.ids = {}
        return ids

    def add(self, pk: int) -> None:
        self._ids()[pk] = None

    def discard(self, pk: int) -> None:
        self._ids().pop(pk, None)

    def take(self) -> list[int]:
        ids = sorted(self._ids())
        self._ids().clear()
        return ids


@contextmanager
def bulk() -> Iterator[None]:
    """Many innovation writes: listeners may defer their work to the end of the block. Open it
    inside the transaction, so the deferred work commits or rolls back with the writes."""
    depth = getattr(_local, "bulk_depth", 0)
    _local.bulk_depth = depth + 1
    completed = False
    try:
        yield
        completed = True
    finally:
        _local.bulk_depth = depth
        if depth == 0:
            for fn in list(_bulk_end):
                fn(completed)
