"""Scheduled jobs that run exactly once per time slot across every server.

Each server may run ``lumbung scheduler --loop`` (or cron may call ``lumbung scheduler`` every
few minutes on each of them): for every job of ``LUMBUNG_SCHEDULE`` whose latest slot has come,
the first process to insert the row (job, slot) into :class:`~lumbung.platform.models.ScheduledRun`
runs it; the database's unique constraint turns every other insert away. A slot missed while no
scheduler ran is caught up once (the latest only, not each one missed). A run cut off with its
process stays "running" and is not retried in the same slot; the next slot runs again (every job
here is safe to run again: reminders and digests remember what they sent).

A job: ``{"name": …, "command": …, "args": [...], "every": "hour" | "day", "at": "MM" | "HH:MM"}``
— minutes past each hour, or a time of day in ``TIME_ZONE`` (Asia/Jakarta).
"""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)
#: at most this much of a job's output is kept with its run
OUTPUT_LIMIT = 4000


@dataclass(frozen=True)
class Job:
    name: str
    command: str
    args: tuple[str, ...]
    every: str  # "hour" or "day"
    at: str  # "MM" past the hour, or "HH:MM" of the day

    @classmethod
    def from_setting(cls, spec: Mapping[str, Any]) -> Job:
        job = cls(
            name=str(spec["name"]),
            command=str(spec["command"]),
            args=tuple(str(a) for a in spec.get("args", ())),
            every=str(spec.get("every", "day")),
            at=str(spec.get("at", "00:00")),
        )
        job.latest_slot(timezone.now())  # refuses a malformed "every" or "at" now
        return job

    def latest_slot(self, now: datetime) -> datetime:
        """The latest time this job was due at or before ``now`` (aware)."""
        local = timezone.localtime(now)
        if self.every == "hour":
            minute = int(self.at)
            if not 0 <= minute < 60:
                raise ValueError(f"{self.name}: 'at' must be minutes 0-59 for an hourly job")
            slot = local.replace(minute=minute, second=0, microsecond=0)
            return slot if slot <= local else slot - timedelta(hours=1)
        if self.every == "day":
            hour, minute = (int(part) for part in self.at.split(":"))
            slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            return slot if slot <= local else slot - timedelta(days=1)
        raise ValueError(f"{self.name}: 'every' must be 'hour' or 'day'")


def configured_jobs() -> list[Job]:
    return [Job.from_setting(spec) for spec in getattr(settings, "LUMBUNG_SCHEDULE", [])]


def claim(job: Job, slot: datetime) -> ScheduledRun | None:
    """The run of ``job`` in ``slot`` if this process is the first to claim it, else None."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job.name, slot=slot, host=_host())
    except IntegrityError:
        return None


def run_job(job: Job, run: ScheduledRun) -> ScheduledRun:
    out = io.StringIO()
    try:
        call_command(job.command, *job.args, stdout=out, stderr=out)
    except Exception as error:  # the run is marked failed with its reason; the loop goes on
        logger.exception("Scheduled job %s failed", job.name)
        run.outcome = ScheduledRun.Outcome.FAILED
        out.write(f"\n{error.__class__.__name__}: {error}")
    else:
        run.outcome = ScheduledRun.Outcome.DONE
    run.finished_at = timezone.now()
    run.output = out.getvalue()[-OUTPUT_LIMIT:]
    run.save(update_fields=["outcome", "finished_at", "output"])
    return run


def run_due(
    jobs: Iterable[Job] | None = None, *, now: datetime | None = None
) -> list[ScheduledRun]:
    """Run every job whose latest slot no process has claimed yet; answers the runs made here."""
    now = now or timezone.now()
    made = []
    for job in configured_jobs() if jobs is None else jobs:
        run = claim(job, job.latest_slot(now))
        if run is not None:
            made.append(run_job(job, run))
    return made


def _host() -> str:
    import os

    return f"{socket.gethostname()}:{os.getpid()}"[:200]
