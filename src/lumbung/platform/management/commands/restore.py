"""``lumbung restore ARCHIVE [--data-dir DIR]``: an archive of ``lumbung backup`` into a new
data folder (SQLite) or an empty PostgreSQL database (``DATABASE_URL``), checked against its
manifest before anything is written and compared after (see :mod:`lumbung.platform.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lumbung.platform.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into a new data folder or an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help=_("an archive written by lumbung backup"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(Path(options["archive"]), data_dir=Path(settings.DATA_DIR))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored %(rows)d rows of %(tables)d tables and %(files)d files into %(path)s")
            % {
                "rows": result.rows,
                "tables": result.tables,
                "files": result.files,
                "path": settings.DATA_DIR,
            }
        )
