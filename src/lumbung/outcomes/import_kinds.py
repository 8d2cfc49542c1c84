"""Measurements imported from a spreadsheet (XLSX or CSV), as a kind of background import.

One row per figure: the innovation (its address name, the slug), the indicator's name (of the
innovation or of what it replicated), the date, the kind (baseline / follow-up), the value and,
for a normalised indicator, the number it is normalised by; the evidence. Every row is checked
first — the file is written only when every row is good, all in one transaction, like the
catalog's import. A figure already recorded for the same indicator and date is left as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.catalog.models import Innovation
from lumbung.catalog.selectors import lineage
from lumbung.core import audit
from lumbung.core.actors import Actor
from lumbung.core.imports.registry import Column, Entry, ImportKind, Outcome, ProgressCallback
from lumbung.core.policies import permitted
from lumbung.core.spreadsheets import Problem, read_table
from lumbung.organisations.models import Role

from .models import Indicator, Measurement
from .services import clean_measurement

MAX_ROWS = 20_000
THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")
REQUIRED = ("innovation", "indicator", "period_end", "value", "evidence")
OPTIONAL = ("kind", "denominator", "margin", "evidence_url", "note")
ALIASES = {
    "inovasi": "innovation",
    "indikator": "indicator",
    "tanggal": "period_end",
    "periode": "period_end",
    "jenis": "kind",
    "nilai": "value",
    "pembagi": "denominator",
    "galat": "margin",
    "bukti": "evidence",
    "tautan_bukti": "evidence_url",
    "catatan": "note",
}
KINDS = {
    "baseline": Measurement.Kind.BASELINE,
    "awal": Measurement.Kind.BASELINE,
    "data_awal": Measurement.Kind.BASELINE,
    "follow_up": Measurement.Kind.FOLLOW_UP,
    "follow-up": Measurement.Kind.FOLLOW_UP,
    "lanjutan": Measurement.Kind.FOLLOW_UP,
    "": Measurement.Kind.FOLLOW_UP,
}


def may_import(actor: Actor) -> bool:
    return actor.is_platform_admin or bool(
        actor.agencies(Role.AGENCY_ADMIN) or actor.units(Role.UNIT_OFFICER)
    )


def parse_number(text: str) -> str:
    """A figure as typed in Indonesia or in English: ``1.234,5`` and ``1,234.5`` and ``1234,5``
    are all 1234.5, and ``1.000`` (dots between groups of three digits, as Indonesian writes
    thousands) is 1000 (as text, for the service's check)."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if THOUSANDS.fullmatch(text):
        return text.replace(".", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if text.count(",") == 1:
        return text.replace(",", ".")
    return text


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass
class _Row:
    line: int
    measurement: Measurement
    existing: bool


def _message(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(field, str(m)) for field, msgs in error.message_dict.items() for m in msgs]
    return [("", str(m)) for m in error.messages]


class _Checker:
    def __init__(self, actor: Actor, records: list[tuple[int, dict[str, str]]]) -> None:
        slugs = {r.get("innovation", "").strip() for _line, r in records}
        allowed = permitted(actor, "innovation.change", Innovation.objects.filter(slug__in=slugs))
        self.innovations = {i.slug: i for i in allowed}
        self.known = set(Innovation.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        self.indicators: dict[int, dict[str, Indicator]] = {}
        self.existing: set[tuple[int, int, dt.date]] = set()
        ids = [i.pk for i in self.innovations.values()]
        for ind, inn, day in Measurement.objects.filter(innovation_id__in=ids).values_list(
            "indicator_id", "innovation_id", "period_end"
        ):
            self.existing.add((ind, inn, day))
        self.seen: dict[tuple[int, int, dt.date], int] = {}

    def _indicators(self, innovation: Innovation) -> dict[str, Indicator]:
        if innovation.pk not in self.indicators:
            chain = [i.pk for i in lineage(innovation)]
            found: dict[str, Indicator] = {}
            # the innovation's own indicator wins over an inherited one of the same name
            for indicator in Indicator.objects.filter(innovation_id__in=chain).select_related(
                "innovation"
            ):
                key = indicator.name.casefold()
                if key not in found or indicator.innovation_id == innovation.pk:
                    found[key] = indicator
            self.indicators[innovation.pk] = found
        return self.indicators[innovation.pk]

    def check(self, line: int, record: Mapping[str, str], problems: list[Problem]) -> _Row | None:
        def problem(message: str, column: str = "") -> None:
            problems.append(Problem(line, message, column))

        slug = record.get("innovation", "").strip()
        innovation = self.innovations.get(slug)
        if innovation is None:
            if slug in self.known:
                problem(_("You may not record figures for this innovation."), "innovation")
            else:
                problem(
                    _("Unknown innovation “%(slug)s”: give the name in its address.")
                    % {"slug": slug},
                    "innovation",
                )
            return None
        indicator = self._indicators(innovation).get(record.get("indicator", "").strip().casefold())
        if indicator is None:
            problem(
                _("“%(name)s” is not an indicator of this innovation or of what it replicated.")
                % {"name": record.get("indicator", "")},
                "indicator",
            )
            return None
        day = parse_date(record.get("period_end", ""))
        if day is None:
            problem(_("Enter a date as YYYY-MM-DD or DD/MM/YYYY."), "period_end")
            return None
        kind = KINDS.get(record.get("kind", "").strip().casefold().replace(" ", "_"))
        if kind is None:
            problem(_("The kind is “baseline” (awal) or “follow-up” (lanjutan)."), "kind")
            return None
        fields = {
            "period_end": day,
            "kind": kind,
            "value": parse_number(record.get("value", "")),
            "denominator": parse_number(record.get("denominator", "")),
            "margin": parse_number(record.get("margin", "")),
            "evidence": record.get("evidence", ""),
            "evidence_url": record.get("evidence_url", "").strip(),
            "note": record.get("note", ""),
        }
        measurement = Measurement(innovation=innovation, indicator=indicator, **fields)
        try:
            clean_measurement(measurement, innovation=innovation)
        except ValidationError as error:
            for column, message in _message(error):
                problem(message, column)
            return None
        key = (indicator.pk, innovation.pk, day)
        if key in self.seen:
            problem(
                _("The same figure as line %(line)d (indicator and date).")
                % {"line": self.seen[key]},
                "period_end",
            )
            return None
        self.seen[key] = line
        return _Row(line, measurement, key in self.existing)


def _checked(
    content: bytes, filename: str, actor: Actor, progress: ProgressCallback | None
) -> tuple[Outcome, list[_Row]]:
    outcome = Outcome()
    table = read_table(
        content,
        required=REQUIRED,
        optional=OPTIONAL,
        aliases=ALIASES,
        text_columns=("indicator", "evidence", "note"),
        filename=filename,
        problems=outcome.problems,
        notices=outcome.notices,
    )
    if table is None:
        return outcome, []
    outcome.rows = table.rows
    if table.rows > MAX_ROWS:
        message = _("The file has %(rows)d rows; import at most %(max)d at a time.")
        outcome.problems.append(
            Problem(None, message % {"rows": table.rows, "max": MAX_ROWS}, row=False)
        )
        return outcome, []
    checker = _Checker(actor, table.records)
    rows: list[_Row] = []
    for done, (line, record) in enumerate(table.records, start=1):
        row = checker.check(line, record, outcome.problems)
        if row is not None:
            rows.append(row)
        if progress and (done % 200 == 0 or done == len(table.records)):
            progress("check", done, len(table.records))
    for row in rows:
        m = row.measurement
        detail = f"{m.innovation.name} · {m.period_end.isoformat()} · {m.value:g}"
        if row.existing:
            detail += " · " + _("already recorded (left as it is)")
        outcome.entries.append(Entry(line=row.line, text=m.indicator.name, detail=detail))
    new = sum(1 for r in rows if not r.existing)
    outcome.summary = [
        _("%(rows)d rows read; %(new)d new figures, %(old)d already recorded.")
        % {"rows": table.rows, "new": new, "old": len(rows) - new}
    ]
    return outcome, rows


def _check(content: bytes, filename: str, actor: Actor) -> Outcome:
    outcome, _rows = _checked(content, filename, actor, None)
    if outcome.ok:
        outcome.summary.append(_("Dry run: nothing was written."))
    return outcome


def _run(content: bytes, filename: str, actor: Actor, progress: ProgressCallback) -> Outcome:
    outcome, rows = _checked(content, filename, actor, progress)
    if not outcome.ok:
        return outcome
    new = [r for r in rows if not r.existing]
    with transaction.atomic():
        for row in new:
            row.measurement.recorded_by_id = actor.user_id
        Measurement.objects.bulk_create([r.measurement for r in new], batch_size=500)
        by_innovation: dict[int, list[_Row]] = {}
        for row in new:
            by_innovation.setdefault(row.measurement.innovation_id, []).append(row)
        for done, (_pk, group) in enumerate(by_innovation.items(), start=1):
            audit.record(
                actor=actor,
                obj=group[0].measurement.innovation,
                action="measurement.import",
                changes={"figures": [len(group)]},
                note=filename,
            )
            progress("write", done, len(by_innovation))
    outcome.written = True
    for entry, row in zip(outcome.entries, rows, strict=True):
        entry.url = reverse("outcomes:innovation", args=[row.measurement.innovation.slug])
    return outcome


MEASUREMENTS = ImportKind(
    key="measurements",
    label=gettext_lazy("Outcome measurements"),
    may_import=may_import,
    check=_check,
    run=_run,
    help=gettext_lazy(
        "One row per figure: an innovation you record for, one of its indicators (or of what it "
        "replicated), the date the figure refers to, the value and its evidence. The file is "
        "written only when every row is good."
    ),
    columns=(
        Column(
            "innovation",
            True,
            gettext_lazy("The name in the innovation's address (slug)."),
            ("inovasi",),
        ),
        Column("indicator", True, gettext_lazy("The indicator's name."), ("indikator",)),
        Column("period_end", True, gettext_lazy("The date the figure refers to."), ("tanggal",)),
        Column("value", True, gettext_lazy("The figure."), ("nilai",)),
        Column("evidence", True, gettext_lazy("Where the figure comes from."), ("bukti",)),
        Column("kind", False, gettext_lazy("baseline (awal) or follow-up (lanjutan)."), ("jenis",)),
        Column(
            "denominator",
            False,
            gettext_lazy("For a normalised indicator: the number it is normalised by."),
            ("pembagi",),
        ),
        Column("margin", False, gettext_lazy("Margin of error (±), if known."), ("galat",)),
        Column("evidence_url", False, gettext_lazy("A link to the evidence."), ("tautan_bukti",)),
        Column("note", False, gettext_lazy("A note."), ("catatan",)),
    ),
    example=(
        (
            "sheltered-workshop-peduli",
            "Penyandang disabilitas bekerja berpenghasilan",
            "2024-03-31",
            "120",
            "Laporan triwulan I 2024",
        ),
    ),
    order=40,
)
