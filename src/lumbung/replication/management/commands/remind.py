"""``lumbung remind``: remind owners of commitments due soon or overdue (safe to run from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lumbung.replication.services import commitment_reminders_send


class Command(BaseCommand):
    help = (
        "Leave the officers of units with commitments due within --days days or overdue an "
        "in-app notification, e-mailed as each of them chose (at once, in the daily digest, or "
        "not). Each reminder is sent once, so running it every hour (or twice at once) is safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="How many days ahead counts as due soon (default REPLICATION_REMINDER_DAYS, 7).",
        )
        parser.add_argument(
            "--today", default=None, help="Pretend today is this date (YYYY-MM-DD), for testing."
        )
        parser.add_argument(
            "--no-email", action="store_true", help="Only leave in-app notifications."
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="Site address put before links in e-mails (default LUMBUNG_SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date like 2024-03-06") from exc
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative")
        if options["base_url"]:  # this run only: the command's own process
            settings.LUMBUNG_SITE_URL = options["base_url"].rstrip("/")
        report = commitment_reminders_send(
            today=today, days_ahead=days, email=not options["no_email"]
        )
        self.stdout.write(
            f"reminders sent: {report.sent} (due soon {report.due_soon}, overdue "
            f"{report.overdue}); e-mails: {report.emails}; already sent: {report.skipped}"
        )
        if report.without_recipient:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.without_recipient)} commitment(s) have nobody to remind "
                    "(no unit officer or agency admin)"
                )
            )
