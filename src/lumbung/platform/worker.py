"""The background worker inside ``lumbung serve`` and ``lumbung demo``: the one-command setup runs
the queued tasks (imports) itself, with no second program to start.

It is django-tasks-db's own worker loop (the one ``lumbung db_worker`` runs), in a daemon thread
with its own database connection. A production site may run ``lumbung db_worker`` instead (or as
well: the queue hands each task to one worker) and start ``serve`` with ``--no-worker``.

Stopping the server stops the loop; a task still running then is cut off with the process, and
its transaction is rolled back (an import writes all or nothing). The next start marks such an
import as interrupted (:func:`lumbung.core.imports.services.fail_interrupted_jobs`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connection
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)

#: seconds between two looks at an empty queue
POLL_INTERVAL = 1.0


@dataclass
class WorkerThread:
    thread: threading.Thread
    worker: object  # django_tasks_db's Worker

    def stop(self, timeout: float = 2.0) -> bool:
        """Ask the loop to stop and wait a little; answers whether it stopped (a task still
        running is left to end with the process)."""
        self.worker.running = False  # type: ignore[attr-defined]
        self.thread.join(timeout)
        return not self.thread.is_alive()

    @property
    def busy(self) -> bool:
        return bool(getattr(self.worker, "running_task", False))


def uses_database_queue(backend_alias: str = "default") -> bool:
    """Whether the tasks go to the database queue (another backend needs no worker here: the
    immediate one runs each task at once)."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[backend_alias], DatabaseBackend)


def start_worker(*, interval: float = POLL_INTERVAL) -> WorkerThread | None:
    """Start the worker loop in a daemon thread (None when the tasks do not use the database
    queue)."""
    if not uses_database_queue():
        return None
    from django_tasks_db.management.commands.db_worker import Worker

    from lumbung.core.imports.services import fail_interrupted_jobs

    try:
        interrupted = fail_interrupted_jobs()
    except DatabaseError:  # not migrated yet: the server says so; the loop will wait for it
        logger.warning("The imports' table cannot be read; run `lumbung migrate`")
        interrupted = 0
    if interrupted:
        logger.warning("%d interrupted imports were marked as failed", interrupted)
    close_old_connections()
    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"lumbung-serve-{get_random_string(12)}",
        excluded_queue_names=[],
    )

    def loop() -> None:
        try:
            worker.run()
        except Exception:  # the server goes on; the queue waits for the next start
            logger.exception("The background worker stopped")
        finally:
            connection.close()

    thread = threading.Thread(target=loop, name="lumbung-worker", daemon=True)
    thread.start()
    return WorkerThread(thread=thread, worker=worker)
