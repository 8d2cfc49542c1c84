"""``lumbung import innovations FILE [--valid-only] [--publish]``"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lumbung.catalog.importing import import_innovations
from lumbung.core.actors import SYSTEM
from lumbung.core.console import progress_bar


class Command(BaseCommand):
    help = _(
        "Import innovations from a CSV (UTF-8) or XLSX file. Every row is checked first; by "
        "default nothing is written when any row is bad."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["innovations"], help=_("what to import"))
        parser.add_argument("file", help=_("the CSV or XLSX file"))
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help=_("write the valid rows even when some rows are bad (the bad ones are listed)"),
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("publish the imported innovations (otherwise they are drafts)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        labels = {"check": _("Checking rows"), "write": _("Writing rows")}
        try:
            with progress_bar(self.stderr, labels) as update:
                report = import_innovations(
                    path,
                    actor=SYSTEM,
                    valid_only=options["valid_only"],
                    publish=options["publish"],
                    progress=update,
                )
        except KeyboardInterrupt:
            raise CommandError(_("Interrupted: nothing was written."), returncode=130) from None

        for problem in report.problems:
            self.stderr.write(str(problem))
        for notice in report.notices:
            self.stdout.write(notice)
        for line in report.summary():
            self.stdout.write(line)
        if report.problems and not options["valid_only"] and not report.file_rejected:
            self.stdout.write(
                _("Fix the rows listed above, or run again with --valid-only to write the rest.")
            )
        if report.problems:
            if report.file_rejected:
                raise CommandError(_("The file was rejected."))
            count = len(report.rejected_lines)
            raise CommandError(
                ngettext("%(count)d row was rejected.", "%(count)d rows were rejected.", count)
                % {"count": count}
            )
