"""The background worker beside ``lumbung serve`` and ``lumbung demo``: the one-command setup
runs the queued tasks (imports) itself, with no second program to start.

It is django-tasks-db's own ``lumbung db_worker``, started as a child process of the server
(:func:`lumbung.platform.server.start_worker_process`). A production site may run
``lumbung db_worker`` on its own instead (or as well: the queue hands each task to one worker)
and start ``serve`` with ``--no-worker``.

Stopping the server stops the worker; a task still running after a few seconds is cut off, and
its transaction is rolled back (an import writes all or nothing). The next start marks such an
import as interrupted (:func:`mark_interrupted_imports`).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)


def uses_database_queue(backend_alias: str = "default") -> bool:
    """Whether the tasks go to the database queue (another backend needs no worker here: the
    immediate one runs each task at once)."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[backend_alias], DatabaseBackend)


def mark_interrupted_imports() -> int:
    """Mark the imports a stopped worker left running as interrupted (their page says to upload
    the file again); answers how many."""
    from lumbung.core.imports.services import fail_interrupted_jobs

    try:
        interrupted = fail_interrupted_jobs()
    except DatabaseError:  # not migrated yet: the worker waits for it
        logger.warning("The imports' table cannot be read; run `lumbung migrate`")
        interrupted = 0
    if interrupted:
        logger.warning("%d interrupted imports were marked as failed", interrupted)
    connections.close_all()
    return interrupted
