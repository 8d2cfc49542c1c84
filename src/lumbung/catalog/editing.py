"""Concurrent edits of an innovation: versions, what changed since one, and a three-way merge.

Every write service raises ``Innovation.version`` by one and records the new number in its audit
entry (``changes["version"] = [old, new]``). An edit names the version it was based on
(:class:`Seen`). When someone else saved meanwhile, :func:`merge` compares, field by field, the
values the edit was loaded with (*base*), the stored ones (*theirs*) and the submitted ones
(*yours*):

- a field you did not change keeps theirs;
- a field only you changed (or that both changed to the same value) takes yours;
- a field both changed differently is a :class:`Conflict`: nothing is written, the person
  chooses.

The values compared are *plain* (:func:`plain`): texts with their line ends normalised and
trimmed, ISO dates, numbers, the sector's code, SDG numbers, team rows ``[name, role]``.

The web's edit form merges (it carries its base, signed, in a hidden field: :func:`sign_base`);
the API is strict: a stale version is refused (412 for ``If-Match``, 409 for a body ``version``)
and the client reads the record again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db import models
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.models import AuditEntry

from . import profile
from .models import Innovation

#: Fields of the profile that the create and update services accept, in the model's order (as the
#: API's schemas and the audit history list them); the SDGs, a many-to-many relation, go apart.
PROFILE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Innovation._meta.concrete_fields if f.name in profile.FIELD_NAMES
)

#: What one save of the edit form writes: the profile, the SDGs and the team.
EDITABLE: tuple[str, ...] = (*PROFILE_FIELDS, "sdgs", "team")

#: how far back :func:`changed_since` reads an innovation's history
HISTORY_LIMIT = 500

_SALT = "lumbung.catalog.edit-base"


@dataclass(frozen=True)
class Seen:
    """What an edit was based on: the version it was loaded with and, for a merge, the values it
    was loaded with (plain, see :func:`state_of`)."""

    version: int
    #: the loaded values; None: not known (the merge then asks about every field someone else
    #: changed and the edit changes differently)
    values: Mapping[str, Any] | None = None
    #: False: any change since ``version`` refuses the edit (the API)
    merge: bool = True


@dataclass(frozen=True)
class Conflict:
    """A field both the stored record and the edit changed, differently."""

    field: str
    theirs: Any
    yours: Any
    #: the latest audit entry that changed the field since the edit's version (who, when)
    entry: AuditEntry | None = None


@dataclass
class EditConflict(Exception):
    """The innovation changed since the version the edit was based on."""

    message: str
    current_version: int
    #: the fields changed since that version, each with its latest audit entry
    changed: dict[str, AuditEntry | None] = field(default_factory=dict)
    #: the fields that need a choice (empty when the edit was refused outright)
    conflicts: list[Conflict] = field(default_factory=list)
    #: the fields the edit changed that nobody else did (written once the conflicts are settled)
    mine: set[str] = field(default_factory=set)
    #: whether the caller named the version with ``If-Match`` (the API answers 412, else 409)
    precondition: bool = False

    def __str__(self) -> str:
        return self.message


# --- plain values ------------------------------------------------------------------------------


def _plain_text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _plain_team(members: Iterable[Any]) -> list[list[str]]:
    rows = []
    for member in members:
        if isinstance(member, Mapping):
            name, role = member.get("name"), member.get("role_title")
        elif isinstance(member, list | tuple):
            name, role = [*member, "", ""][:2]
        else:
            name, role = member.name, member.role_title
        if _plain_text(name):
            rows.append([_plain_text(name)[:150], _plain_text(role)[:150]])
    return rows


def plain(name: str, value: Any) -> Any:
    """``value`` of the editable field ``name`` in the form the merge compares."""
    if name == "team":
        return _plain_team(value or [])
    if name == "sdgs":
        return sorted({int(getattr(s, "pk", s)) for s in (value or [])})
    if name == "sector":
        code = getattr(value, "pk", value)
        return str(code) if code else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _plain_text(value)
    if value is None and isinstance(Innovation._meta.get_field(name), models.CharField):
        return ""  # a TextField is a CharField's subclass
    return value


def state_of(innovation: Innovation) -> dict[str, Any]:
    """The stored values of every editable field, plain."""
    values = {name: plain(name, getattr(innovation, name)) for name in PROFILE_FIELDS}
    values["sector"] = innovation.sector_id or None
    values["sdgs"] = sorted(innovation.sdgs.values_list("number", flat=True))
    values["team"] = _plain_team(innovation.team.all())
    return values


# --- versions and history ----------------------------------------------------------------------


def changed_since(innovation: Innovation, version: int) -> dict[str, AuditEntry | None]:
    """The fields written after ``version``, each with the latest audit entry that wrote it."""
    changed: dict[str, AuditEntry | None] = {}
    for entry in audit.history(innovation).order_by("-id")[:HISTORY_LIMIT]:
        numbers = (entry.changes or {}).get("version")
        if not isinstance(numbers, list) or len(numbers) != 2 or numbers[1] <= version:
            break
        for name in entry.changes:
            if name != "version":
                changed.setdefault(name, entry)
    return changed


def merge(
    *,
    base: Mapping[str, Any] | None,
    theirs: Mapping[str, Any],
    yours: Mapping[str, Any],
    changed: Mapping[str, AuditEntry | None],
) -> tuple[set[str], list[Conflict]]:
    """The fields whose submitted value is to be written, and the conflicts.

    Without ``base``, a field someone else changed (``changed``) is a conflict unless the edit
    has the same value; any other field takes the edit's value."""
    mine: set[str] = set()
    conflicts: list[Conflict] = []
    for name, value in yours.items():
        if base is not None:
            if name in base and value == base[name]:
                continue  # you did not change it: theirs stays
            they_changed = name not in base or theirs.get(name) != base[name]
        else:
            they_changed = name in changed
        if not they_changed or value == theirs.get(name):
            mine.add(name)
        else:
            conflicts.append(Conflict(name, theirs.get(name), value, changed.get(name)))
    return mine, conflicts


def check_seen(innovation: Innovation, seen: Seen, yours: Mapping[str, Any]) -> set[str] | None:
    """Which submitted fields to write, given what the edit was based on.

    None: the edit was based on the current version (write all it sent). Raises
    :class:`EditConflict` when it was not and the edit cannot be merged."""
    if seen.version == innovation.version:
        return None
    changed = changed_since(innovation, seen.version)
    if not seen.merge:
        raise EditConflict(
            _(
                "This innovation was changed after version %(seen)s: it is now at version "
                "%(current)s. Read it again and send your change with the new version."
            )
            % {"seen": seen.version, "current": innovation.version},
            current_version=innovation.version,
            changed=changed,
        )
    mine, conflicts = merge(
        base=seen.values, theirs=state_of(innovation), yours=yours, changed=changed
    )
    if conflicts:
        raise EditConflict(
            _("Someone else saved this profile while you were editing it."),
            current_version=innovation.version,
            changed=changed,
            conflicts=conflicts,
            mine=mine,
        )
    return mine


# --- the edit form's base ------------------------------------------------------------------------


def sign_base(innovation: Innovation, values: Mapping[str, Any] | None = None) -> str:
    """The values an edit form is loaded with, signed, for its hidden ``base`` field."""
    return signing.dumps(
        {"i": innovation.pk, "v": innovation.version, "s": dict(values or state_of(innovation))},
        salt=_SALT,
        compress=True,
    )


def read_base(token: str, innovation: Innovation, version: int) -> Mapping[str, Any] | None:
    """The values of a form's ``base`` field, if it is genuine and of this innovation and
    version; else None (the merge then asks about every field changed by someone else)."""
    try:
        data = signing.loads(token or "", salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("i") != innovation.pk or data.get("v") != version:
        return None
    values = data.get("s")
    return values if isinstance(values, dict) else None
