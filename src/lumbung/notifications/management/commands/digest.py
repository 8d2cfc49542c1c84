"""``lumbung digest``: e-mail each person their unread notifications in one message (safe to run
from cron, also twice at once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lumbung.notifications.services import digest_send


class Command(BaseCommand):
    help = (
        "Send one e-mail per person with their unread notifications that have not been e-mailed "
        "yet (those set to the daily digest, and immediate ones whose e-mail failed). Each "
        "notification is e-mailed at most once, so running it again (or twice at once) is safe."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = digest_send()
        self.stdout.write(f"digests sent: {report.people} ({report.notifications} notifications)")
        if report.failed:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.failed)} e-mail(s) failed; the next run tries them again"
                )
            )
