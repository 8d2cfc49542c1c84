"""Shared console helpers of Lumbung's commands: rich output and progress bars.

(A module whose name starts with "_" is not a command for Django.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)


def console_for(stream: Any) -> Console:
    """A rich console writing to a command's stdout/stderr (the stream under Django's wrapper)."""
    target = getattr(stream, "_out", stream)
    is_terminal = bool(getattr(target, "isatty", lambda: False)())
    return Console(file=target, width=None if is_terminal else 160, highlight=False)


@contextmanager
def progress_bar(stream: Any, labels: dict[str, str]) -> Iterator[Callable[..., None]]:
    """A progress bar on ``stream``; yields ``update(stage, done, total)`` (stage keys
    ``labels``) — or ``update(done, total)`` for a single stage."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console_for(stream),
        transient=False,
    )
    tasks: dict[str, Any] = {}
    default = next(iter(labels))

    def update(*args: Any) -> None:
        stage, done, total = args if len(args) == 3 else (default, *args)
        if stage not in tasks:
            tasks[stage] = progress.add_task(labels.get(stage, stage), total=total)
        progress.update(tasks[stage], completed=done, total=total)

    with progress:
        yield update
