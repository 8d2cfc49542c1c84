"""``lumbung export innovations [--format csv|xlsx|json] [--output FILE] [--all]``"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lumbung.catalog.exporting import FORMATS, export_innovations
from lumbung.core.console import progress_bar


class Command(BaseCommand):
    help = _(
        "Export published innovations (every one with --all) as CSV, XLSX or JSON. The CSV can "
        "be imported again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["innovations"], help=_("what to export"))
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help=_("file format (default: from the output file's extension, else csv)"),
        )
        parser.add_argument(
            "--output", "-o", default="-", help=_("file to write (default: standard output)")
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="include_all",
            help=_("include drafts and innovations under review"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: str = options["output"]
        fmt = options["format"]
        if not fmt:
            suffix = Path(output).suffix.lower().lstrip(".")
            fmt = suffix if suffix in FORMATS else "csv"
        labels = {"export": _("Exporting innovations")}
        if output == "-":
            count = self._to_stdout(fmt, options["include_all"], labels)
            self.stderr.write(_("Exported %(count)d innovations.") % {"count": count})
            return
        count = self._to_file(Path(output), fmt, options["include_all"], labels)
        self.stdout.write(
            _("Exported %(count)d innovations to %(path)s.") % {"count": count, "path": output}
        )

    def _to_stdout(self, fmt: str, include_all: bool, labels: dict[str, str]) -> int:
        target = getattr(self.stdout, "_out", self.stdout)
        binary = getattr(target, "buffer", None)
        if fmt == "xlsx" and getattr(target, "isatty", lambda: False)():
            raise CommandError(_("An XLSX export needs --output FILE."))
        with progress_bar(self.stderr, labels) as update:
            if binary is not None:
                target.flush()
                count = export_innovations(
                    binary, fmt=fmt, include_all=include_all, progress=update
                )
                binary.flush()
                return count
            buffer = io.BytesIO()  # e.g. a StringIO stdout in tests
            count = export_innovations(buffer, fmt=fmt, include_all=include_all, progress=update)
        if fmt == "xlsx":
            raise CommandError(_("An XLSX export needs --output FILE."))
        target.write(buffer.getvalue().decode("utf-8"))
        return count

    def _to_file(self, path: Path, fmt: str, include_all: bool, labels: dict[str, str]) -> int:
        """Write to a temporary file beside the target and rename it at the end, so an
        interrupted export never leaves a half-written file."""
        directory = path.resolve().parent
        if not directory.is_dir():
            raise CommandError(_("No such folder: %(path)s") % {"path": directory})
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh, progress_bar(self.stderr, labels) as update:
                count = export_innovations(fh, fmt=fmt, include_all=include_all, progress=update)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, path)
        except KeyboardInterrupt:
            Path(tmp_name).unlink(missing_ok=True)
            raise CommandError(_("Interrupted: no file was written."), returncode=130) from None
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return count
