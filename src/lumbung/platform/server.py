"""The production HTTP server behind ``lumbung serve`` and ``lumbung demo``: gunicorn, in this
process, with threaded workers sized to the machine, and the background worker (imports,
scheduled jobs) as a child process running ``lumbung db_worker``.

Gunicorn forks its workers from this process, which has already loaded Django: each worker
starts with the code in memory (copy-on-write) and opens its own database connections (the
parent's are closed before each fork). Static files come from WhiteNoise inside the application.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections
from gunicorn.app.base import BaseApplication

#: threads per worker (gthread): requests that wait on the database overlap within a worker
DEFAULT_THREADS = 4
#: a request running longer than this (seconds) is cut off and its worker restarted; the largest
#: page (a programme's PDF report) takes a few seconds at national scale
DEFAULT_TIMEOUT = 60
#: each worker is replaced after about this many requests (with jitter), so memory stays bounded
MAX_REQUESTS = 2000


def default_workers() -> int:
    """``LUMBUNG_WEB_WORKERS``, or two per core plus one (gunicorn's rule of thumb), at most 9:
    each worker holds the whole application in memory (about 150 MB)."""
    configured = os.environ.get("LUMBUNG_WEB_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def default_threads() -> int:
    configured = os.environ.get("LUMBUNG_WEB_THREADS", "").strip()
    return max(1, int(configured)) if configured else DEFAULT_THREADS


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True)
class ServerOptions:
    host: str
    port: int
    workers: int
    threads: int
    timeout: int = DEFAULT_TIMEOUT

    def gunicorn_config(self) -> dict[str, Any]:
        return {
            "bind": [bind_address(self.host, self.port)],
            "workers": self.workers,
            "threads": self.threads,
            "worker_class": "gthread",
            "timeout": self.timeout,
            "graceful_timeout": 30,
            "keepalive": 5,
            "max_requests": MAX_REQUESTS,
            "max_requests_jitter": MAX_REQUESTS // 10,
            # one log line per request comes from the application (lumbung.core.requestlog),
            # with its request id; gunicorn logs its own start, stop and faults
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "lumbung",
            # the forwarded headers are read by Django (SECURE_PROXY_SSL_HEADER), not here
            "forwarded_allow_ips": "127.0.0.1,::1",
            "pre_fork": _close_connections,
        }


def _close_connections(server: object, worker: object) -> None:
    """Gunicorn's pre_fork hook: a worker must not share the parent's database connections."""
    connections.close_all()


class LumbungServer(BaseApplication):  # gunicorn has no type hints
    """Gunicorn running Lumbung's WSGI application with the given settings (no config file,
    no command line of gunicorn's own)."""

    def __init__(self, application: Callable[..., Any], config: Mapping[str, Any]) -> None:
        self.application = application
        self.options = dict(config)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:
            # gunicorn ≥ 24's control socket is one file per user ($HOME/.gunicorn/gunicorn.ctl):
            # two servers of one account (a demo beside a site, the tests) would share it
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Callable[..., Any]:
        return self.application


def run_server(options: ServerOptions) -> None:
    """Serve until stopped (Ctrl-C or SIGTERM); returns when gunicorn has stopped."""
    from lumbung.wsgi import application

    connections.close_all()
    try:
        LumbungServer(application, options.gunicorn_config()).run()
    except SystemExit as stop:  # gunicorn's arbiter ends with sys.exit
        if stop.code not in (None, 0):
            raise


@dataclass
class WorkerProcess:
    """``lumbung db_worker`` as a child of the server (same data folder and settings)."""

    process: subprocess.Popen[bytes]

    def stop(self, timeout: float = 5.0) -> bool:
        """Ask it to stop (SIGTERM: it ends the task it is running, if any, within ``timeout``);
        answers whether it stopped by itself. A task still running is then killed: its
        transaction rolls back (an import writes all or nothing)."""
        if self.process.poll() is not None:
            return True
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return False


def start_worker_process(*, interval: float = 1.0) -> WorkerProcess:
    command = [
        sys.executable,
        "-m",
        "lumbung.cli",
        "db_worker",
        "--interval",
        str(interval),
        "--no-startup-delay",
        "--worker-id",
        f"lumbung-serve-{os.getpid()}",
    ]
    # its own process group: Ctrl-C in the terminal reaches the server, which stops it in order
    return WorkerProcess(subprocess.Popen(command, env=dict(os.environ), start_new_session=True))
