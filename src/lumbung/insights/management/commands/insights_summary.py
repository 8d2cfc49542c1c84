"""``lumbung insights_summary``: rebuild the portfolio dashboard's summary from the catalog —
after writes that went around the services (bulk inserts, ``QuerySet.update``); the services
keep it in step themselves."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from lumbung.insights.summary import rebuild


class Command(BaseCommand):
    help = _("Rebuild the summary the portfolio dashboard counts from.")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        with transaction.atomic():
            rows = rebuild()
        self.stdout.write(
            _("%(rows)d summary rows written in %(seconds).1f s.")
            % {"rows": rows, "seconds": time.perf_counter() - start}
        )
