"""What the benchmarks share: a fresh database (a temporary SQLite file, or a new PostgreSQL
database) migrated for Lumbung, and the median time of a call.

A benchmark script imports it after putting ``benchmarks/`` on ``sys.path``::

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import harness
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def client_environment() -> None:
    """What a benchmark that asks Django's test client needs before ``django.setup()``: the
    client's host (``testserver``) allowed, and public pages rendered on every request (not
    kept in the page cache), so a page's time is its own cost."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")
    os.environ.setdefault("LUMBUNG_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("LUMBUNG_PUBLIC_PAGE_SECONDS", "0")


def setup_django(database_url: str, workdir: Path) -> None:
    """Configure Lumbung on ``database_url`` with its data folder in ``workdir``, and migrate."""
    os.environ["LUMBUNG_DATA_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url
    client_environment()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def pg_database(url: str, name: str) -> str:
    """A new, empty PostgreSQL database ``name`` on the server of ``url`` (dropped first)."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def median(fn: Callable[[], object], rounds: int) -> float:
    """The median wall time of ``fn()`` over ``rounds`` runs, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
