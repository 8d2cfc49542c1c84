"""A round's results as XLSX (openpyxl): one row per ranked entry of its final stage, in group
and rank order. The public file holds the kept entries; the organisers' holds every entry."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lumbung.core.csvsafe import safe_cell

from .models import Result, Round, Stage

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_xlsx(round_: Round, stage: Stage, rows: list[Result]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Results")[:31]
    header = [
        _("Group"),
        _("Rank"),
        _("Entry"),
        _("Agency"),
        _("Unit"),
        _("Judges"),
        _("Weighted total (0–100)"),
        _("Normalised score"),
        _("Tie broken by"),
        _("Kept"),
    ]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        values: list[Any] = [
            r.entry.group.display_name,
            r.rank,
            r.entry.title,
            r.entry.agency.name,
            r.entry.unit.name,
            r.judges,
            round(r.raw, 2),
            round(r.normalised, 3),
            r.tie_break,
            _("yes") if r.kept else _("no"),
        ]
        ws.append([safe_cell(v) for v in values])
    ws.freeze_panes = "A2"
    for index, title in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(len(str(title)) + 2, 12)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def results_response(round_: Round, stage: Stage, rows: list[Result]) -> HttpResponse:
    response = HttpResponse(results_xlsx(round_, stage, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{round_.slug}-hasil.xlsx"'
    return response
