"""Times of a round, as its people read them: in the organiser's time zone, named (WIB, WITA,
WIT), with the same moment in Indonesia's other two zones beside it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.formats import date_format

from .models import ZONE_ABBREVIATIONS, Round


def _in(value: dt.datetime, zone: str) -> dt.datetime:
    return timezone.localtime(value, zoneinfo.ZoneInfo(zone))


def deadline_label(value: dt.datetime, round_: Round) -> str:
    """``31 Maret 2026 23.59 WIB (00.59 WITA, 01.59 WIT)``: the organiser's zone first."""
    local = _in(value, round_.time_zone)
    main = f"{date_format(local, 'DATETIME_FORMAT')} {round_.zone_abbreviation}"
    others = [
        f"{date_format(_in(value, zone), 'TIME_FORMAT')} {abbreviation}"
        for zone, abbreviation in ZONE_ABBREVIATIONS.items()
        if zone != round_.time_zone
    ]
    return f"{main} ({', '.join(others)})"
