"""A small explicit registry through which higher layers follow catalog writes.

The catalog knows nothing of search or replication. A higher layer (e.g. search, to keep its
index in step) registers a listener in its AppConfig.ready(); catalog services call
:func:`innovation_changed` / :func:`innovation_deleted` inside their transaction, so a listener's
writes commit or roll back with the change itself. No Django signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[Any], None]
_changed: list[Listener] = []
_deleted: list[Listener] = []


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
