"""The edit page after a concurrent save: each field both people changed, shown as "what they
saved" beside "your text", with a choice to keep theirs or yours (see :mod:`..editing`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lumbung.core.models import AuditEntry

from .. import editing
from ..models import SDG, Innovation, Sector, innovation_field
from ..views.public import CHANGE_LABELS

THEIRS = "theirs"
MINE = "mine"


@dataclass
class ShownConflict:
    """One conflict as the page shows it."""

    name: str
    label: str
    theirs: str
    yours: str
    their_label: str
    error: str = ""


def field_label(name: str) -> str:
    if name in CHANGE_LABELS:
        return str(CHANGE_LABELS[name])
    return str(innovation_field(name).verbose_name)


def _shown(name: str, value: Any) -> str:
    """A plain value (see ``editing.plain``) as a person reads it."""
    if value in (None, "", []):
        return ""
    if name == "team":
        return "\n".join(f"{n} — {r}" if r else n for n, r in value)
    if name == "sdgs":
        return "\n".join(str(s) for s in SDG.objects.filter(number__in=value))
    if name == "sector":
        return str(Sector.objects.filter(pk=value).first() or value)
    choices = dict(innovation_field(name).choices or ())
    if value in choices:
        return str(choices[value])
    if name == "start_date":
        return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    return str(value)


def saved_by(entry: AuditEntry | None) -> str:
    """ "What Budi saved at 14:05" (with the date when it was not today)."""
    if entry is None:
        return _("What is saved now")
    when = timezone.localtime(entry.created_at)
    if when.date() == timezone.localdate():
        at = formats.time_format(when, "H:i")
    else:
        at = formats.date_format(when, "DATETIME_FORMAT")
    who = entry.actor.get_full_name() or entry.actor.get_username() if entry.actor else _("system")
    return _("What %(who)s saved at %(when)s") % {"who": who, "when": at}


def shown(conflicts: Iterable[editing.Conflict], errors: Iterable[str] = ()) -> list[ShownConflict]:
    unsettled = set(errors)
    return [
        ShownConflict(
            name=c.field,
            label=field_label(c.field),
            theirs=_shown(c.field, c.theirs),
            yours=_shown(c.field, c.yours),
            their_label=saved_by(c.entry),
            error=_("Choose which version to keep.") if c.field in unsettled else "",
        )
        for c in conflicts
    ]


def choices(request: HttpRequest) -> tuple[dict[str, str], list[str]]:
    """The settled conflicts of a posted form ({field: "theirs" | "mine"}) and the fields listed
    as conflicts without a choice."""
    settled: dict[str, str] = {}
    unsettled: list[str] = []
    for name in request.POST.getlist("conflict"):
        if name not in editing.EDITABLE:
            continue
        choice = request.POST.get(f"keep-{name}", "")
        if choice in (THEIRS, MINE):
            settled[name] = choice
        else:
            unsettled.append(name)
    return settled, unsettled


def others_changes(innovation: Innovation, since: int) -> list[str]:
    """The editable fields saved after version ``since`` (read before one's own save), by label."""
    names = set(editing.changed_since(innovation, since))
    return [field_label(n) for n in editing.EDITABLE if n in names]


def team_rows(values: Iterable[Any]) -> list[dict[str, str]]:
    return [{"name": n, "role_title": r} for n, r in editing.plain("team", values)]


def unsettled_conflicts(
    innovation: Innovation, names: Iterable[str], yours: Mapping[str, Any]
) -> list[editing.Conflict]:
    """The conflicts a person has not chosen for yet, against what is stored now."""
    stored = editing.state_of(innovation)
    latest = editing.changed_since(innovation, 0)
    return [
        editing.Conflict(n, stored.get(n), editing.plain(n, yours.get(n)), latest.get(n))
        for n in names
    ]


def changed_by_edit(yours: Mapping[str, Any], seen: editing.Seen | None) -> set[str]:
    """The fields a posted form changed from the values it was loaded with (all, if unknown)."""
    if seen is None or seen.values is None:
        return set(yours)
    return {n for n, v in yours.items() if editing.plain(n, v) != seen.values.get(n)}
