"""Files made from an event: the report as XLSX (openpyxl) and the event as iCalendar (.ics).

The XLSX report is for the event's managers: invitations, attendance and commitments by unit,
the commitments one by one, and the attendance list (name, position, unit — never the
accessibility needs, which stay on the hosts' pages). The .ics file has only public facts.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lumbung.core.csvsafe import safe_cell

from .models import Event, Intent, Registration
from .selectors import Report

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS_TYPE = "text/calendar; charset=utf-8"


def _cell(value: Any) -> Any:
    # formula-looking text is written as text, so a name like "=HYPERLINK(...)" stays a name
    value = safe_cell(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _sheet(ws: Worksheet, header: list[str], rows: list[list[Any]]) -> None:
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for index, title in enumerate(header, start=1):
        width = max([len(str(title))] + [len(str(r[index - 1] or "")) for r in rows[:500]])
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)


def report_xlsx(report: Report) -> bytes:
    event = report.event
    wb = Workbook()
    summary = wb.active
    summary.title = _("Summary")[:31]
    local_start = timezone.localtime(event.starts_at)
    facts: list[list[Any]] = [
        [_("Event"), event.title],
        [_("Date"), local_start.date()],
        [_("Host unit"), event.host_unit.name],
        [_("Place"), event.venue or event.online_url],
        [_("Programme"), event.programme.name if event.programme is not None else ""],
        [_("Capacity"), event.capacity if event.capacity is not None else _("no limit")],
        [_("Invited units"), report.invited_units],
        [_("Invited partners"), report.invited_partners],
        [_("Registered people"), report.registered],
        [_("People who attended"), report.attended],
        [_("Units that attended"), report.attending_units],
        [_("Partners that attended"), report.attending_partners],
        [_("Registrations with accessibility needs"), report.with_accessibility_needs],
        [_("Commitments"), report.commitments],
        [_("Units that committed"), report.committing_units],
        [_("Replication projects started"), report.projects],
    ]
    facts += [[_("Intent: %(d)s") % {"d": label}, n] for _v, label, n in report.decisions]
    _sheet(summary, [_("What"), _("Value")], facts)
    summary.cell(row=3, column=2).number_format = "yyyy-mm-dd"

    by_unit = wb.create_sheet(_("By unit")[:31])
    decisions = list(Intent.Decision.choices)
    _sheet(
        by_unit,
        [
            _("Invited"),
            _("Type"),
            _("Agency"),
            _("Registered"),
            _("Attended"),
            *[str(label) for _v, label in decisions],
            _("Commitments"),
            _("Open"),
            _("Done"),
            _("Projects"),
        ],
        [
            [
                r.name,
                _("unit") if r.kind == "unit" else _("partner"),
                r.agency,
                r.registered,
                r.attended,
                *[r.decisions.get(v, 0) for v, _label in decisions],
                r.commitments,
                r.open_commitments,
                r.done_commitments,
                r.projects,
            ]
            for r in report.rows
        ],
    )

    commitments = wb.create_sheet(_("Commitments")[:31])
    _sheet(
        commitments,
        [
            _("Unit"),
            _("Innovation"),
            _("Intent"),
            _("Due date"),
            _("Commitment"),
            _("Status"),
            _("Project"),
            _("Project stage"),
        ],
        [
            [
                i.unit.name,
                i.innovation.name,
                i.get_decision_display(),
                i.due_date,
                i.commitment.description if i.commitment is not None else "",
                i.commitment.get_status_display() if i.commitment is not None else "",
                i.project.pk if i.project is not None else "",
                i.project.get_stage_display() if i.project is not None else "",
            ]
            for i in report.intents
        ],
    )
    for row in commitments.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"

    attendance = wb.create_sheet(_("Attendance")[:31])
    regs = (
        event.registrations.filter(status=Registration.Status.REGISTERED)
        .select_related("invitation__unit", "invitation__partner")
        .order_by("invitation__unit__name", "invitation__partner__name", "name")
    )
    _sheet(
        attendance,
        [_("Name"), _("Position"), _("Unit or partner"), _("Attended"), _("Checked in at")],
        [
            [
                r.name,
                r.position,
                str(r.invitation.invitee),
                _("yes") if r.attended else _("no"),
                r.checked_in_at,
            ]
            for r in regs
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def event_ics(event: Event, *, url: str = "") -> bytes:
    """One VEVENT: title, time (UTC), place, public summary and the online link."""
    cal = Calendar()
    cal.add("prodid", "-//Lumbung//Learning events//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@lumbung")
    item.add("dtstamp", timezone.now().astimezone(dt.UTC))
    item.add("dtstart", event.starts_at.astimezone(dt.UTC))
    item.add("dtend", event.ends_at.astimezone(dt.UTC))
    item.add("summary", event.localized("title"))
    location = ", ".join(p for p in [event.venue, event.host_unit.name] if p)
    if location:
        item.add("location", location)
    lines = [event.localized("summary")]
    if event.agenda_lines:
        lines.append(_("Agenda:") + "\n" + "\n".join(event.agenda_lines))
    if event.online_url:
        lines.append(_("Join online: %(url)s") % {"url": event.online_url})
    if url:
        lines.append(url)
        item.add("url", url)
    item.add("description", "\n\n".join(line for line in lines if line))
    item.add("status", "CONFIRMED")
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    cal.add_component(item)
    return cal.to_ical()
