"""``lumbung backup [--output FILE]``: the database and the uploads in one archive, with a
manifest of row counts and checksums (see :mod:`lumbung.platform.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.platform.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help=_(
                "the archive to write (default: backups/lumbung-<time>.tar.gz in the data folder)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        default = Path(settings.DATA_DIR) / "backups" / f"lumbung-{stamp}.tar.gz"
        output = Path(options["output"] or default)
        try:
            result = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Backed up %(rows)d rows of %(tables)d tables and %(files)d files to %(path)s")
            % {
                "rows": result.rows,
                "tables": result.tables,
                "files": result.files,
                "path": result.path,
            }
        )
