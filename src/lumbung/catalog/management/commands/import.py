"""``lumbung import innovations FILE [--valid-only] [--publish] [--dry-run]``,
``lumbung import units FILE [--dry-run]``, ``lumbung import people FILE [--dry-run]``,
each with ``[--max-rows N] [--max-bytes N]``.

Run as the system (any agency, any unit). Every row is checked first; by default nothing is
written when any row is bad. The web import page does the same for a signed-in person, within
their rights and limits (``lumbung.core.imports``).

A file is never read without a limit: at most :data:`MAX_ROWS` data rows and :data:`MAX_BYTES`
bytes unless ``--max-rows`` / ``--max-bytes`` say otherwise (larger or smaller, never none). A
file over a limit is refused before any row is checked, and nothing is written. The file is read
as a stream, not all at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lumbung.catalog.importing import ImportReport, check_rows, import_innovations
from lumbung.core.actors import SYSTEM
from lumbung.core.console import progress_bar
from lumbung.core.spreadsheets import Limits, Problem
from lumbung.organisations.importing import OrgImportReport, import_people, import_units

#: the default limits of a file imported on the command line (``--max-rows``, ``--max-bytes``)
MAX_ROWS = 100_000
MAX_BYTES = 200 * 1024 * 1024


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(_("a whole number of at least 1"))
    return value


class Command(BaseCommand):
    help = _(
        "Import innovations, units or people (with their roles) from a CSV (UTF-8) or XLSX file. "
        "Every row is checked first; by default nothing is written when any row is bad."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=["innovations", "units", "people"], help=_("what to import")
        )
        parser.add_argument("file", help=_("the CSV or XLSX file"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("check every row and show what would be written, but write nothing"),
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help=_(
                "innovations: write the valid rows even when some rows are bad (the bad ones "
                "are listed)"
            ),
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("innovations: publish the imported innovations (otherwise they are drafts)"),
        )
        parser.add_argument(
            "--max-rows",
            type=_positive,
            default=MAX_ROWS,
            help=_("refuse a file with more data rows than this (default: %(default)s)"),
        )
        parser.add_argument(
            "--max-bytes",
            type=_positive,
            default=MAX_BYTES,
            help=_("refuse a file larger than this many bytes (default: %(default)s)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        kind = options["kind"]
        if kind != "innovations" and (options["valid_only"] or options["publish"]):
            raise CommandError(_("--valid-only and --publish are for innovations only."))
        limits = Limits(rows=options["max_rows"], bytes=options["max_bytes"])
        options["limits"] = limits
        labels = {"check": _("Checking rows"), "write": _("Writing rows")}
        try:
            with progress_bar(self.stderr, labels) as update:
                if kind == "innovations":
                    report: ImportReport | OrgImportReport = self._innovations(
                        path, options, update
                    )
                else:
                    run = import_units if kind == "units" else import_people
                    report = run(
                        path,
                        actor=SYSTEM,
                        dry_run=options["dry_run"],
                        progress=update,
                        limits=limits,
                    )
        except KeyboardInterrupt:
            raise CommandError(_("Interrupted: nothing was written."), returncode=130) from None

        for problem in report.problems:
            self.stderr.write(str(problem))
        for notice in report.notices:
            self.stdout.write(notice)
        if options["dry_run"] and not report.problems and isinstance(report, OrgImportReport):
            self._plan(report)
        for line in report.summary():
            self.stdout.write(line)
        self._fail_on_problems(report.problems, kind, options)

    def _innovations(self, path: Path, options: dict[str, Any], update: Any) -> ImportReport:
        if not options["dry_run"]:
            return import_innovations(
                path,
                actor=SYSTEM,
                valid_only=options["valid_only"],
                publish=options["publish"],
                progress=update,
                limits=options["limits"],
            )
        report, rows = check_rows(
            path, filename=str(path), progress=update, limits=options["limits"]
        )
        for row in rows:
            self.stdout.write(
                _("line %(line)d") % {"line": row.line}
                + f": {row.data['name']} — {row.unit}, {row.agency}"
            )
        if not report.problems:
            self.stdout.write(
                _("Dry run: nothing was written; %(count)d rows would be imported.")
                % {"count": len(rows)}
            )
        return report

    def _plan(self, report: OrgImportReport) -> None:
        """What would be written, in order."""
        for unit in report.units:
            where = unit.agency.name
            if unit.parent_name:
                where += " > " + unit.parent_name
            self.stdout.write(
                _("line %(line)d") % {"line": unit.line}
                + f": {unit.name} ({unit.kind}) — {where}"
                + (f" [{unit.region.code}]" if unit.region else "")
            )
        for role in report.roles:
            where = role.agency.name + (f" / {role.unit.name}" if role.unit else "")
            state = (
                _("already held")
                if role.already
                else (_("new account") if role.new_account else _("existing account"))
            )
            self.stdout.write(
                _("line %(line)d") % {"line": role.line}
                + f": {role.email} — {role.role} — {where} ({state})"
            )

    def _fail_on_problems(
        self, problems: list[Problem], kind: str, options: dict[str, Any]
    ) -> None:
        if not problems:
            return
        file_rejected = any(not p.row for p in problems)
        if not file_rejected and not options["dry_run"]:
            if kind == "innovations" and not options["valid_only"]:
                self.stdout.write(
                    _(
                        "Fix the rows listed above, or run again with --valid-only to write "
                        "the rest."
                    )
                )
            elif kind != "innovations":
                self.stdout.write(_("Fix the rows listed above and run again."))
        if file_rejected:
            raise CommandError(_("The file was rejected."))
        count = len({p.line for p in problems if p.line is not None})
        raise CommandError(
            ngettext("%(count)d row was rejected.", "%(count)d rows were rejected.", count)
            % {"count": count}
        )
