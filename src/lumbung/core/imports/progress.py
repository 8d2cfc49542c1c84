"""How far a running import is, told to the status page.

While an import writes, its rows are in one open transaction; on SQLite no other connection may
write meanwhile (not even the job's own progress), and on every database what is written is seen
only at the end. So the progress goes through a Django cache (``LUMBUNG_IMPORT_PROGRESS_CACHE``: by
default files in the data folder, which the server's processes and a ``lumbung db_worker`` of the
same machine share). A worker on another machine needs a cache both reach (e.g. Redis or
memcached, named in ``CACHES``); without one, the page shows the progress of checking (written to
the job's row outside the transaction) and then the end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction

from .models import ImportJob

#: at most this often (seconds) a running import tells its progress
INTERVAL = 0.3
TTL = 24 * 3600


@dataclass(frozen=True)
class Progress:
    stage: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 0
        return max(0, min(100, (100 * self.done) // self.total))


def _cache() -> BaseCache:
    return caches[getattr(settings, "LUMBUNG_IMPORT_PROGRESS_CACHE", "default")]


def _key(job_id: int) -> str:
    return f"lumbung:import-progress:{job_id}"


def publish(job_id: int, stage: str, done: int, total: int) -> None:
    _cache().set(_key(job_id), (stage, done, total), TTL)


def forget(job_id: int) -> None:
    _cache().delete(_key(job_id))


def current(job: ImportJob) -> Progress:
    """The newest progress of ``job``: from the cache while it runs, else from its row."""
    if job.is_active:
        value = _cache().get(_key(job.pk))
        if isinstance(value, tuple) and len(value) == 3:
            stage, done, total = value
            return Progress(str(stage), int(done), int(total))
    return Progress(job.stage, job.done, job.total)


class Reporter:
    """The ``progress(stage, done, total)`` callback of a running job: into the cache (at most
    every :data:`INTERVAL` seconds, and at the end of each stage), and into the job's row while
    no transaction is open (checking)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < INTERVAL:
            return
        self.last = now
        publish(self.job_id, stage, done, total)
        if not transaction.get_connection().in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(stage=stage, done=done, total=total)
