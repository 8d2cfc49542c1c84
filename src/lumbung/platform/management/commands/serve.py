"""``lumbung serve [--host H] [--port P] [--no-worker]``: serve the site (nothing is loaded or
migrated), with a background worker in the same process for queued tasks (imports), unless
``--no-worker`` (a separate ``lumbung db_worker`` runs them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lumbung.platform.worker import start_worker

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def add_server_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=_("address to listen on (default 127.0.0.1)")
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=_("port to listen on (default 8000)")
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help=_(
            "do not run background tasks (imports) in this process; run `lumbung db_worker` "
            "for them"
        ),
    )


def site_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(command: BaseCommand, host: str, port: int, *, worker: bool = True) -> None:
    """Run Django's threaded server without the auto-reloader; static files come from WhiteNoise
    (also with DEBUG off), background tasks from a worker thread (unless ``worker`` is False).
    Ctrl-C stops both."""
    ipv6 = ":" in host
    # WhiteNoise serves the apps' static files from their folders; an empty STATIC_ROOT keeps it
    # from warning that the folder is missing
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    addrport = f"[{host}]:{port}" if ipv6 else f"{host}:{port}"
    if host not in settings.ALLOWED_HOSTS and host not in {"0.0.0.0", "::"}:
        command.stderr.write(
            _("Note: %(host)s is not in LUMBUNG_ALLOWED_HOSTS; requests to it will be refused.")
            % {"host": host}
        )
    command.stdout.write(
        _("Serving Lumbung on %(url)s (data in %(dir)s). Press Ctrl-C to stop.")
        % {"url": site_url(host, port), "dir": settings.DATA_DIR}
    )
    background = start_worker() if worker else None
    if background is not None:
        command.stdout.write(_("Background tasks (imports) run in this process."))
    try:
        call_command("runserver", addrport, use_reloader=False, use_ipv6=ipv6)
    finally:
        if background is not None and not background.stop():
            command.stderr.write(
                _("An import was still running: it was stopped, and nothing of it was written.")
            )


class Command(BaseCommand):
    help = _("Serve Lumbung over HTTP (without loading any data).")

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        serve(self, options["host"], options["port"], worker=not options["no_worker"])
