"""``lumbung scheduler [--loop] [--list]``: run the scheduled jobs that are due (reminders, the
daily digest, the portfolio summary, pruning old task rows), each once per time slot across all
servers (see :mod:`lumbung.platform.schedule`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.translation import gettext as _

from lumbung.platform.schedule import configured_jobs, run_due

#: seconds between two looks in --loop
INTERVAL = 60


class Command(BaseCommand):
    help = _("Run the scheduled jobs that are due, once per time slot across all servers.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help=_("keep running, looking every minute")
        )
        parser.add_argument("--list", action="store_true", help=_("list the jobs and stop"))

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = configured_jobs()
        if options["list"]:
            for job in jobs:
                every = (
                    _("every hour at minute %(at)s")
                    if job.every == "hour"
                    else _("every day at %(at)s")
                )
                self.stdout.write(
                    f"{job.name}: lumbung {job.command} {' '.join(job.args)} — "
                    + every % {"at": job.at}
                )
            return
        while True:
            for run in run_due(jobs):
                self.stdout.write(f"{run.job} ({run.slot:%Y-%m-%d %H:%M}): {run.outcome}")
            if not options["loop"]:
                return
            close_old_connections()
            time.sleep(INTERVAL)
