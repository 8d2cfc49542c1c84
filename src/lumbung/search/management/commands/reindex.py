"""``lumbung reindex``: rebuild the search index, with a progress bar. Safe to stop (Ctrl-C) and
run again: documents are replaced batch by batch, the vocabulary is recounted at the end."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lumbung.search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index of every innovation (safe to stop and run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True)
        started = time.monotonic()
        if options["quiet"] or options.get("verbosity", 1) == 0:
            result = rebuild(batch_size=options["batch_size"])
        else:
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=False,
            ) as progress:
                task = progress.add_task(_("Indexing innovations"), total=None)

                def report(done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

                result = rebuild(batch_size=options["batch_size"], progress=report)
        elapsed = time.monotonic() - started
        self.stdout.write(
            _("Indexed %(documents)d innovations (%(terms)d terms) in %(seconds).1f s.")
            % {**result, "seconds": elapsed}
        )
