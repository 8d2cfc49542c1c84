"""Demo outcomes: the SWP programme's original and its replicas measured on two indicators, so
the comparison has something to show — Sentra Dharma Guna's replica measurably better than SWP
at 12 months; any other replica (the demo's other one is a draft its unit has just started) has
its baseline only, so it is "not yet known".

The figures are made up for the demo (``evidence`` says so); the innovations are real.
Idempotent: an indicator already defined is left with its figures.
"""

from __future__ import annotations

import datetime as dt

from lumbung.catalog.models import Innovation
from lumbung.core.actors import SYSTEM
from lumbung.replication.demo import DHARMA_GUNA_REPLICA, PROGRAMME_NAME
from lumbung.replication.models import Programme

from . import services
from .models import Indicator, Measurement, start_of

WORKING = "Peserta disabilitas bekerja berpenghasilan"
INCOME = "Rata-rata pendapatan bulanan peserta"
EVIDENCE = "Data contoh Lumbung (bukan data nyata)"

#: (months after the start, people working, participants, average monthly income in Rp)
ORIGINAL = [
    (0, 12, 120, 150_000),
    (12, 30, 150, 320_000),
    (24, 52, 180, 410_000),
    (36, 80, 220, 455_000),
]
BETTER = [(0, 5, 40, 120_000), (12, 16, 45, 380_000)]  # 36 % working at 12 months vs 20 %
BASELINE_ONLY = [(0, 2, 25, 100_000)]


def _month(start: dt.date, months: int) -> dt.date:
    y, m = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + y, m + 1, min(start.day, 28))


def _record(
    innovation: Innovation,
    indicators: tuple[Indicator, Indicator],
    rows: list[tuple[int, int, int, int]],
) -> None:
    start = start_of(innovation)
    if start is None:
        return
    working, income = indicators
    today = dt.date.today()
    for months, people, participants, rupiah in rows:
        day = _month(start, months)
        if day > today:
            continue
        kind = "baseline" if months == 0 else "follow_up"
        for indicator, value, denominator in (
            (working, people, float(participants)),
            (income, rupiah, None),
        ):
            if Measurement.objects.filter(
                indicator=indicator, innovation=innovation, period_end=day
            ).exists():
                continue
            services.measurement_record(
                actor=SYSTEM,
                innovation=innovation,
                indicator=indicator,
                period_end=day,
                kind=kind,
                value=value,
                denominator=denominator,
                evidence=EVIDENCE,
            )


def load_outcomes_demo() -> None:
    programme = Programme.objects.filter(name=PROGRAMME_NAME).first()
    if programme is None:
        return
    source = programme.sources.first()
    if source is None or Indicator.objects.filter(innovation=source, name=WORKING).exists():
        return
    working = services.indicator_create(
        actor=SYSTEM,
        innovation=source,
        name=WORKING,
        unit_of_measure="orang",
        better="higher",
        frequency="quarterly",
        per=100,
        per_what="peserta",
        description=(
            "Peserta yang bekerja dan menerima penghasilan dari usaha produktif sheltered workshop."
        ),
    )
    income = services.indicator_create(
        actor=SYSTEM,
        innovation=source,
        name=INCOME,
        unit_of_measure="Rp",
        better="higher",
        frequency="half_yearly",
        similar_within=15,
    )
    _record(source, (working, income), ORIGINAL)
    better = Innovation.objects.filter(source=source, name=DHARMA_GUNA_REPLICA).first()
    if better is not None:
        _record(better, (working, income), BETTER)
    for replica in Innovation.objects.filter(source=source).exclude(name=DHARMA_GUNA_REPLICA):
        _record(replica, (working, income), BASELINE_ONLY)
