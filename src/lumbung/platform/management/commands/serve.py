"""``lumbung serve [--host H] [--port P] [--workers N] [--threads T] [--no-worker]``: serve the
site with the production server (gunicorn, see :mod:`lumbung.platform.server`; nothing is loaded
or migrated), with ``lumbung db_worker`` as a child process for queued tasks (imports), unless
``--no-worker`` (a separate ``lumbung db_worker`` runs them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from lumbung.platform.server import (
    ServerOptions,
    default_threads,
    default_workers,
    run_server,
    start_worker_process,
)
from lumbung.platform.worker import mark_interrupted_imports, uses_database_queue

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
        "--workers",
        type=int,
        default=None,
        help=_("server processes (default LUMBUNG_WEB_WORKERS, or two per core plus one)"),
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help=_("threads per server process (default LUMBUNG_WEB_THREADS, or 4)"),
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help=_(
            "do not run background tasks (imports) beside the server; run `lumbung db_worker` "
            "for them"
        ),
    )


def site_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(command: BaseCommand, options: dict[str, Any]) -> None:
    """Run gunicorn until Ctrl-C or SIGTERM, with the background worker beside it (unless
    ``no_worker``); stopping the server stops the worker."""
    host, port = options["host"], options["port"]
    server = ServerOptions(
        host=host,
        port=port,
        workers=options.get("workers") or default_workers(),
        threads=options.get("threads") or default_threads(),
    )
    # WhiteNoise serves the apps' static files from their folders; an empty STATIC_ROOT keeps it
    # from warning that the folder is missing
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    if host not in settings.ALLOWED_HOSTS and host not in {"0.0.0.0", "::"}:
        command.stderr.write(
            _("Note: %(host)s is not in LUMBUNG_ALLOWED_HOSTS; requests to it will be refused.")
            % {"host": host}
        )
    command.stdout.write(
        _(
            "Serving Lumbung on %(url)s with %(workers)d processes × %(threads)d threads "
            "(data in %(dir)s). Press Ctrl-C to stop."
        )
        % {
            "url": site_url(host, port),
            "workers": server.workers,
            "threads": server.threads,
            "dir": settings.DATA_DIR,
        }
    )
    background = None
    if not options.get("no_worker") and uses_database_queue():
        mark_interrupted_imports()
        background = start_worker_process()
        command.stdout.write(_("Background tasks (imports) run beside the server."))
    try:
        run_server(server)
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
        serve(self, options)
