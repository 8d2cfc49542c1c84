"""Import an agency's UNITS and its PEOPLE (with their roles) from a CSV or XLSX file.

Units — one row per unit, columns (Indonesian names in brackets are read the same):

* ``agency`` (``instansi``) — the name or short name of an agency already in Lumbung;
* ``name`` (``nama``) — the unit's name, new within its agency (neither in Lumbung nor earlier in
  the file);
* ``short_name`` (``nama_singkat``, ``singkatan``) — optional;
* ``kind`` (``jenis``) — optional (empty: "other unit"): a code of :class:`Unit.Kind` or its name in
  Indonesian or English, or a common word for it (``balai``, ``UPT``, ``dinas``, ``RSUD`` …; see
  :func:`unit_kind_values`);
* ``parent`` (``induk``) — optional: the name of a unit of the same agency, in Lumbung or on an
  earlier line of the file (a parent comes before the units under it);
* ``region`` (``wilayah``, ``kode_wilayah``) — optional: a Kemendagri code, ``33`` for a province,
  ``33.23`` for a regency or city (empty: the agency's region).

People — one row per role, columns:

* ``email`` (``surel``) — the person's e-mail address: a new account is made for an address that
  has none, and it receives a link to choose a password once the whole import is written;
* ``name`` (``nama``) — optional: the name shown for a new account;
* ``agency`` (``instansi``) — as for units;
* ``role`` (``peran``) — a code of :class:`Role` or its name in Indonesian or English (see
  :func:`role_values`);
* ``unit`` (``unit_kerja``) — the name of a unit of the agency: required for a unit officer (the
  role is held in that unit and the units under it), optional for the other roles.

Both imports check every row first — nothing is written while checking — and report each bad row
with its line and the reason. They are all or nothing: when any row is bad, nothing at all is
written. A dry run (``dry_run=True``) stops after the check and returns the plan: what would be
created, in order. The writing goes through the services (:func:`~.services.unit_create`,
:func:`~.people.person_invite`, :func:`~.services.membership_grant`) as the importing ``actor`` in
one transaction, so every write is checked and audited; a row the actor may not write (a unit for
another agency than their own) is reported as a bad row, not a refusal of the whole file. Running
the same file again writes nothing twice: its units are then reported as already there (bad rows),
and roles a person already holds are left as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lumbung.core.actors import SYSTEM, ActorLike
from lumbung.core.policies import can
from lumbung.core.spreadsheets import Limits, Problem, Source, Table, read_table

from .models import UNIT_ROLES, Agency, Membership, Region, Role, Unit, User
from .people import person_invite
from .services import membership_grant, unit_create

ProgressCallback = Callable[[str, int, int], None]
_Planned = TypeVar("_Planned", covariant=True)
"""``progress(stage, done, total)``; stage is ``"check"`` or ``"write"``."""

UNIT_REQUIRED_COLUMNS: tuple[str, ...] = ("agency", "name")
UNIT_OPTIONAL_COLUMNS: tuple[str, ...] = ("short_name", "kind", "parent", "region")
UNIT_TEXT_COLUMNS: tuple[str, ...] = ("agency", "name", "short_name", "parent")
UNIT_COLUMN_ALIASES: Mapping[str, str] = {
    "instansi": "agency",
    "nama": "name",
    "nama_unit": "name",
    "nama_singkat": "short_name",
    "singkatan": "short_name",
    "jenis": "kind",
    "jenis_unit": "kind",
    "induk": "parent",
    "unit_induk": "parent",
    "wilayah": "region",
    "kode_wilayah": "region",
}

PEOPLE_REQUIRED_COLUMNS: tuple[str, ...] = ("email", "agency", "role")
PEOPLE_OPTIONAL_COLUMNS: tuple[str, ...] = ("name", "unit")
PEOPLE_TEXT_COLUMNS: tuple[str, ...] = ("name", "agency", "unit")
PEOPLE_COLUMN_ALIASES: Mapping[str, str] = {
    "surel": "email",
    "e_mail": "email",
    "alamat_surel": "email",
    "nama": "name",
    "nama_lengkap": "name",
    "instansi": "agency",
    "peran": "role",
    "unit_kerja": "unit",
}

MAX_UNIT_NAME = Unit._meta.get_field("name").max_length or 250
MAX_UNIT_SHORT_NAME = Unit._meta.get_field("short_name").max_length or 80
MAX_PERSON_NAME = User._meta.get_field("display_name").max_length or 150

#: Common words for the kinds of unit, beside their codes and names.
UNIT_KIND_SYNONYMS: Mapping[str, str] = {
    "ditjen": Unit.Kind.DIRECTORATE_GENERAL,
    "deputi": Unit.Kind.DIRECTORATE_GENERAL,
    "biro": Unit.Kind.SECRETARIAT,
    "sekretariat": Unit.Kind.SECRETARIAT,
    "pusat": Unit.Kind.CENTRE,
    "balai": Unit.Kind.SENTRA,
    "balai besar": Unit.Kind.SENTRA,
    "loka": Unit.Kind.SENTRA,
    "panti": Unit.Kind.SENTRA,
    "upt": Unit.Kind.SENTRA,
    "uptd": Unit.Kind.SENTRA,
    "dinas": Unit.Kind.DINAS,
    "badan": Unit.Kind.DINAS,
    "perangkat daerah": Unit.Kind.DINAS,
    "puskesmas": Unit.Kind.PUSKESMAS,
    "rs": Unit.Kind.HOSPITAL,
    "rsud": Unit.Kind.HOSPITAL,
    "kecamatan": Unit.Kind.DISTRICT,
    "kelurahan": Unit.Kind.DISTRICT,
    "desa": Unit.Kind.DISTRICT,
    "lainnya": Unit.Kind.OTHER,
}

#: Common words for the roles, beside their codes and names.
ROLE_SYNONYMS: Mapping[str, str] = {
    "admin": Role.AGENCY_ADMIN,
    "admin instansi": Role.AGENCY_ADMIN,
    "admin inovasi": Role.AGENCY_ADMIN,
    "agency admin": Role.AGENCY_ADMIN,
    "petugas": Role.UNIT_OFFICER,
    "petugas inovasi": Role.UNIT_OFFICER,
    "officer": Role.UNIT_OFFICER,
    "unit officer": Role.UNIT_OFFICER,
    "manajer program": Role.PROGRAMME_MANAGER,
}


# --- words ---------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    """A name or word as compared: case, accents' forms, ``_``/``-`` and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[\s_\-]+", " ", text).split())


def _clean(text: str) -> str:
    """A name as stored: on one line, single spaces."""
    return " ".join((text or "").split())


def _label_words(label: str) -> list[str]:
    """A choice's label and its parts: ``sentra / balai / UPT`` -> the whole, ``sentra``,
    ``balai``, ``UPT``; ``centre (pusat)`` -> the whole, ``centre``, ``pusat``."""
    words = [label]
    outside = re.sub(r"\([^)]*\)", " ", label)
    inside = re.findall(r"\(([^)]*)\)", label)
    for part in [outside, *inside]:
        words.append(part)
        words.extend(part.split("/"))
    return [w for w in (_clean(w) for w in words) if w]


def _vocabulary(choices: Iterable[tuple[str, Any]], synonyms: Mapping[str, str]) -> dict[str, str]:
    """Normalised word -> code, from each choice's code and its label in Indonesian and English
    (and their parts), then the synonyms."""
    choices = list(choices)
    lookup: dict[str, str] = {}
    for code, _label in choices:
        lookup[_norm(code)] = code
    for language in ("id", "en"):
        with translation.override(language):
            for code, label in choices:
                for word in _label_words(str(label)):
                    lookup.setdefault(_norm(word), code)
    for word, code in synonyms.items():
        lookup.setdefault(_norm(word), code)
    return lookup


def unit_kind_values() -> list[tuple[str, str]]:
    """(code, name in the active language) of every kind of unit, for the documentation."""
    return [(code, str(label)) for code, label in Unit.Kind.choices]


def role_values() -> list[tuple[str, str]]:
    """(code, name in the active language) of every role, for the documentation."""
    return [(code, str(label)) for code, label in Role.choices]


def _accepted(values: list[tuple[str, str]]) -> str:
    return "; ".join(f"{code} ({label})" for code, label in values)


def normalise_region_code(text: str) -> str:
    """A Kemendagri code as written: ``33.23``; ``33,23`` and a spreadsheet's number ``33.1``
    (for 33.10) are read as the code they stand for."""
    code = _clean(text).replace(",", ".").replace(" ", "")
    if re.fullmatch(r"\d{2}\.\d", code):
        code += "0"  # 33.10 typed into a number cell
    return code


# --- the report ----------------------------------------------------------------------------------
@dataclass
class PlannedUnit:
    """A unit to create: what the row says, resolved to records (the parent may be a row above)."""

    line: int
    agency: Agency
    name: str
    short_name: str
    kind: str
    parent_name: str = ""
    parent: Unit | None = None  # a unit already in Lumbung
    parent_line: int | None = None  # a unit on an earlier line of the file
    region: Region | None = None
    unit: Unit | None = None  # once written


@dataclass
class PlannedRole:
    """A role to give: the person (an account or a new one), the agency, the role and the unit."""

    line: int
    email: str
    name: str
    agency: Agency
    role: str
    unit: Unit | None = None
    user: User | None = None  # the account that has this address, if any
    new_account: bool = False  # no account yet: this row makes it (and the e-mail goes out)
    already: bool = False  # the person already holds this role there: nothing to write


@dataclass
class OrgImportReport:
    """What an import of units or people found and did."""

    kind: str  # "units" or "people"
    dry_run: bool = False
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    units: list[PlannedUnit] = field(default_factory=list)
    roles: list[PlannedRole] = field(default_factory=list)
    written: bool = False

    @property
    def valid(self) -> int:
        return self.rows - len(self.rejected_lines)

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems if p.row and p.line is not None})

    @property
    def file_rejected(self) -> bool:
        return any(not p.row for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new_accounts(self) -> int:
        return sum(1 for r in self.roles if r.new_account)

    @property
    def roles_given(self) -> int:
        return sum(1 for r in self.roles if not r.already)

    @property
    def roles_held(self) -> int:
        return sum(1 for r in self.roles if r.already)

    def summary(self) -> list[str]:
        """Plain sentences for the command line or a page."""
        lines = [
            _("Rows read: %(rows)d; valid: %(valid)d; rejected: %(rejected)d.")
            % {"rows": self.rows, "valid": self.valid, "rejected": len(self.rejected_lines)}
        ]
        if self.file_rejected:
            lines.append(_("The file was rejected, so nothing was written."))
        elif self.problems:
            lines.append(_("Nothing was written because some rows were rejected."))
        elif self.written or self.dry_run:
            lines.append(self._what())
        else:
            lines.append(_("Nothing was written."))
        return lines

    def _what(self) -> str:
        if self.kind == "units":
            count = len(self.units)
            if self.dry_run:
                return ngettext(
                    "Dry run: nothing was written; %(count)d unit would be created.",
                    "Dry run: nothing was written; %(count)d units would be created.",
                    count,
                ) % {"count": count}
            return ngettext(
                "Written: %(count)d unit created.", "Written: %(count)d units created.", count
            ) % {"count": count}
        numbers = {
            "given": self.roles_given,
            "accounts": self.new_accounts,
            "held": self.roles_held,
        }
        if self.dry_run:
            return (
                _(
                    "Dry run: nothing was written; %(given)d roles would be given, with "
                    "%(accounts)d new accounts; %(held)d roles are already held."
                )
                % numbers
            )
        return (
            _(
                "Written: %(given)d roles given, %(accounts)d new accounts (each receives an "
                "e-mail to choose a password); %(held)d roles were already held (left as they "
                "are)."
            )
            % numbers
        )


class _Rollback(Exception):
    pass


# --- what both imports look up -------------------------------------------------------------------
class _Agencies:
    """The agencies by name and by short name, and whether the actor may act for each."""

    def __init__(self, actor: ActorLike, action: str) -> None:
        self.actor = actor
        self.action = action
        self.by_name: dict[str, Agency] = {}
        self.by_short: dict[str, list[Agency]] = {}
        for agency in Agency.objects.all():
            self.by_name[_norm(agency.name)] = agency
            if agency.short_name:
                self.by_short.setdefault(_norm(agency.short_name), []).append(agency)
        self._allowed: dict[int, bool] = {}

    def find(self, text: str, problem: Callable[[str, str], None]) -> Agency | None:
        """The agency a cell names, or None (with a problem) when there is none or it may not be
        acted for."""
        text = _clean(text)
        if not text:
            problem(_("The agency is missing."), "agency")
            return None
        agency = self.by_name.get(_norm(text))
        if agency is None:
            found = self.by_short.get(_norm(text), [])
            if len(found) > 1:
                problem(
                    _("“%(value)s” is the short name of more than one agency: give its full name.")
                    % {"value": text},
                    "agency",
                )
                return None
            agency = found[0] if found else None
        if agency is None:
            problem(
                _(
                    "Unknown agency “%(value)s”: give the name or short name of an agency that "
                    "is in Lumbung."
                )
                % {"value": text},
                "agency",
            )
            return None
        if agency.pk not in self._allowed:
            self._allowed[agency.pk] = can(self.actor, self.action, agency)
        if not self._allowed[agency.pk]:
            problem(self.refusal(agency), "agency")
            return None
        return agency

    def refusal(self, agency: Agency) -> str:
        if self.action == "agency.manage_units":
            return _(
                "You may not add units to %(agency)s: only its innovation admins and platform "
                "admins can."
            ) % {"agency": agency.name}
        return _(
            "You may not give roles in %(agency)s: only its innovation admins and platform "
            "admins can."
        ) % {"agency": agency.name}


def _units_by_name(agency_ids: Iterable[int]) -> dict[tuple[int, str], Unit]:
    units: dict[tuple[int, str], Unit] = {}
    for unit in Unit.objects.filter(agency_id__in=set(agency_ids)).order_by("pk"):
        units.setdefault((unit.agency_id, _norm(unit.name)), unit)
    return units


def _mentioned_agencies(table: Table, agencies: _Agencies) -> list[int]:
    ids = set()
    for _line, record in table.records:
        agency = agencies.by_name.get(_norm(record.get("agency", "")))
        if agency is None:
            agency = next(iter(agencies.by_short.get(_norm(record.get("agency", "")), [])), None)
        if agency is not None:
            ids.add(agency.pk)
    return sorted(ids)


def _too_long(text: str, limit: int, column: str, problem: Callable[[str, str], None]) -> bool:
    if len(text) > limit:
        problem(
            _("The text is too long (%(length)d characters, at most %(limit)d).")
            % {"length": len(text), "limit": limit},
            column,
        )
        return True
    return False


def _read(
    content: Source,
    report: OrgImportReport,
    *,
    filename: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    aliases: Mapping[str, str],
    text_columns: tuple[str, ...],
    limits: Limits | None,
) -> Table | None:
    table = read_table(
        content,
        required=required,
        optional=optional,
        aliases=aliases,
        text_columns=text_columns,
        filename=filename,
        problems=report.problems,
        notices=report.notices,
        limits=limits,
    )
    if table is not None:
        report.rows = table.rows
    return table


# --- units: checking -----------------------------------------------------------------------------
class _UnitChecker:
    def __init__(self, actor: ActorLike, table: Table, report: OrgImportReport) -> None:
        self.report = report
        self.agencies = _Agencies(actor, "agency.manage_units")
        self.kinds = _vocabulary(Unit.Kind.choices, UNIT_KIND_SYNONYMS)
        mentioned = _mentioned_agencies(table, self.agencies)
        self.existing = _units_by_name(mentioned)
        codes = {normalise_region_code(r.get("region", "")) for _n, r in table.records}
        self.regions = {r.code: r for r in Region.objects.filter(code__in=codes - {""})}
        self.seen: dict[tuple[int, str], int] = {}  # a unit's name -> its (first) line
        self.first_line: dict[tuple[int, str], int] = {}  # every name of the file, first line
        for line, record in table.records:
            agency = self.agencies.by_name.get(_norm(record.get("agency", "")))
            if agency is None:
                short = self.agencies.by_short.get(_norm(record.get("agency", "")), [])
                agency = short[0] if len(short) == 1 else None
            if agency is not None and record.get("name"):
                self.first_line.setdefault((agency.pk, _norm(record["name"])), line)

    def check(self, line: int, record: Mapping[str, str]) -> PlannedUnit | None:
        problems: list[Problem] = []

        def problem(message: str, column: str = "") -> None:
            problems.append(Problem(line, message, column))

        agency = self.agencies.find(record.get("agency", ""), problem)
        name = _clean(record.get("name", ""))
        short_name = _clean(record.get("short_name", ""))
        if not name:
            problem(_("The name is missing."), "name")
        _too_long(name, MAX_UNIT_NAME, "name", problem)
        _too_long(short_name, MAX_UNIT_SHORT_NAME, "short_name", problem)
        kind = self._kind(record.get("kind", ""), problem)
        region = self._region(record.get("region", ""), problem)
        planned = None
        if agency is not None and name:
            planned = PlannedUnit(line, agency, name, short_name, kind, region=region)
            self._not_a_duplicate(planned, problem)
            self._parent(planned, _clean(record.get("parent", "")), problem)
        if problems:
            self.report.problems.extend(problems)
            return None
        return planned

    def _kind(self, text: str, problem: Callable[[str, str], None]) -> str:
        text = _clean(text)
        if not text:
            return Unit.Kind.OTHER
        kind = self.kinds.get(_norm(text))
        if kind is None:
            problem(
                _("Unknown kind of unit “%(value)s”. Accepted: %(accepted)s.")
                % {"value": text, "accepted": _accepted(unit_kind_values())},
                "kind",
            )
            return Unit.Kind.OTHER
        return kind

    def _region(self, text: str, problem: Callable[[str, str], None]) -> Region | None:
        code = normalise_region_code(text)
        if not code:
            return None
        region = self.regions.get(code)
        if region is None:
            problem(
                _(
                    "Unknown region code “%(value)s”: give the Kemendagri code of a province "
                    "(such as 33) or of a regency or city (such as 33.23)."
                )
                % {"value": _clean(text)},
                "region",
            )
        return region

    def _not_a_duplicate(self, unit: PlannedUnit, problem: Callable[[str, str], None]) -> None:
        key = (unit.agency.pk, _norm(unit.name))
        if key in self.existing:
            problem(
                _("A unit named “%(name)s” is already in %(agency)s.")
                % {"name": unit.name, "agency": unit.agency.name},
                "name",
            )
        elif key in self.seen:
            problem(
                _("The unit “%(name)s” of %(agency)s is already on line %(line)d.")
                % {"name": unit.name, "agency": unit.agency.name, "line": self.seen[key]},
                "name",
            )
        else:
            self.seen[key] = unit.line

    def _parent(
        self, unit: PlannedUnit, parent_name: str, problem: Callable[[str, str], None]
    ) -> None:
        if not parent_name:
            return
        unit.parent_name = parent_name
        key = (unit.agency.pk, _norm(parent_name))
        if key == (unit.agency.pk, _norm(unit.name)):
            problem(_("A unit cannot be its own parent."), "parent")
        elif key in self.existing:
            unit.parent = self.existing[key]
        elif key in self.seen and self.seen[key] < unit.line:
            unit.parent_line = self.seen[key]
        elif key in self.first_line and self.first_line[key] > unit.line:
            problem(
                _(
                    "The parent unit “%(name)s” is on a later line (%(line)d): put a parent "
                    "above the units under it."
                )
                % {"name": parent_name, "line": self.first_line[key]},
                "parent",
            )
        else:
            problem(
                _(
                    "Unknown parent unit “%(name)s”: %(agency)s has no unit of that name, in "
                    "Lumbung or on an earlier line."
                )
                % {"name": parent_name, "agency": unit.agency.name},
                "parent",
            )


def check_units(
    content: Source,
    *,
    actor: ActorLike = SYSTEM,
    filename: str = "",
    progress: ProgressCallback | None = None,
    report: OrgImportReport | None = None,
    limits: Limits | None = None,
) -> OrgImportReport:
    """Read and check every row of a units file; nothing is written. The report's ``units`` are
    the units to create, in the file's order (a parent before the units under it)."""
    report = report or OrgImportReport(kind="units")
    table = _read(
        content,
        report,
        filename=filename,
        required=UNIT_REQUIRED_COLUMNS,
        optional=UNIT_OPTIONAL_COLUMNS,
        aliases=UNIT_COLUMN_ALIASES,
        text_columns=UNIT_TEXT_COLUMNS,
        limits=limits,
    )
    if table is None:
        return report
    report.units.extend(_checked_rows(table, _UnitChecker(actor, table, report), progress))
    return report


class _RowChecker(Protocol[_Planned]):
    def check(self, line: int, record: Mapping[str, str]) -> _Planned | None: ...


def _checked_rows(
    table: Table, checker: _RowChecker[_Planned], progress: ProgressCallback | None
) -> list[_Planned]:
    """Every row of ``table`` through ``checker.check(line, record)`` (problems go to the report
    it holds), progress told row by row; the rows that passed, in the file's order."""
    passed: list[_Planned] = []
    for done, (line, record) in enumerate(table.records, start=1):
        planned = checker.check(line, record)
        if planned is not None:
            passed.append(planned)
        if progress:
            progress("check", done, len(table.records))
    return passed


# --- units: writing ------------------------------------------------------------------------------
def _write_units(
    report: OrgImportReport, actor: ActorLike, progress: ProgressCallback | None
) -> None:
    created: dict[tuple[int, str], Unit] = {}
    total = len(report.units)
    # the names as they are now, in the transaction: a unit written by someone else since the
    # check is a duplicate all the same
    existing = _units_by_name({u.agency.pk for u in report.units})
    for done, planned in enumerate(report.units, start=1):
        parent = planned.parent
        if planned.parent_line is not None:
            parent = created[(planned.agency.pk, _norm(planned.parent_name))]
        if (planned.agency.pk, _norm(planned.name)) in existing:
            report.problems.append(
                Problem(
                    planned.line,
                    _("A unit named “%(name)s” is already in %(agency)s.")
                    % {"name": planned.name, "agency": planned.agency.name},
                    "name",
                )
            )
            raise _Rollback
        try:
            planned.unit = unit_create(
                actor=actor,
                agency=planned.agency,
                name=planned.name,
                kind=planned.kind,
                parent=parent,
                region=planned.region,
                short_name=planned.short_name,
            )
        except PermissionDenied as exc:
            report.problems.append(Problem(planned.line, _agencies_refusal(planned.agency)))
            raise _Rollback from exc
        except ValidationError as exc:
            report.problems.extend(Problem(planned.line, m) for m in exc.messages)
            raise _Rollback from exc
        created[(planned.agency.pk, _norm(planned.name))] = planned.unit
        if progress:
            progress("write", done, total)


def _agencies_refusal(agency: Agency) -> str:
    return _("You are not allowed to do this in %(agency)s.") % {"agency": agency.name}


def _write(
    report: OrgImportReport,
    write: Callable[[], None],
) -> OrgImportReport:
    """Run ``write`` in one transaction; a bad row found while writing undoes everything."""
    try:
        with transaction.atomic():
            write()
            report.written = True
    except _Rollback:
        report.written = False
        for unit in report.units:
            unit.unit = None
        for role in report.roles:
            if role.new_account:
                role.user = None
    return report


def import_units(
    source: Source,
    *,
    actor: ActorLike = SYSTEM,
    dry_run: bool = False,
    filename: str = "",
    progress: ProgressCallback | None = None,
    limits: Limits | None = None,
) -> OrgImportReport:
    """Check every row of a units file, then (unless ``dry_run`` or a row is bad) create the units
    in one transaction, in the file's order."""
    report = OrgImportReport(kind="units", dry_run=dry_run)
    check_units(
        source, actor=actor, filename=filename, progress=progress, report=report, limits=limits
    )
    if dry_run or report.problems or not report.units:
        return report
    return _write(report, lambda: _write_units(report, actor, progress))


# --- people: checking ----------------------------------------------------------------------------
class _PeopleChecker:
    def __init__(self, actor: ActorLike, table: Table, report: OrgImportReport) -> None:
        self.report = report
        self.agencies = _Agencies(actor, "agency.manage_members")
        self.roles = _vocabulary(Role.choices, ROLE_SYNONYMS)
        self.units = _units_by_name(_mentioned_agencies(table, self.agencies))
        emails = {_clean(r.get("email", "")).lower() for _n, r in table.records} - {""}
        self.users: dict[str, User] = {}
        for user in (
            User.objects.annotate(address=Lower("email")).filter(address__in=emails).order_by("pk")
        ):
            self.users.setdefault(user.email.lower(), user)
        self.held = set(
            Membership.objects.filter(user__in=self.users.values()).values_list(
                "user_id", "role", "agency_id", "unit_id"
            )
        )
        self.seen: dict[tuple[str, str, int, int | None], int] = {}
        self.new_emails: set[str] = set()

    def check(self, line: int, record: Mapping[str, str]) -> PlannedRole | None:
        problems: list[Problem] = []

        def problem(message: str, column: str = "") -> None:
            problems.append(Problem(line, message, column))

        email = self._email(record.get("email", ""), problem)
        name = _clean(record.get("name", ""))
        _too_long(name, MAX_PERSON_NAME, "name", problem)
        agency = self.agencies.find(record.get("agency", ""), problem)
        role = self._role(record.get("role", ""), problem)
        unit = self._unit(agency, role, _clean(record.get("unit", "")), problem)
        if problems or agency is None or not email or not role:
            self.report.problems.extend(problems)
            return None
        key = (email, role, agency.pk, unit.pk if unit else None)
        if key in self.seen:
            self.report.problems.append(
                Problem(
                    line,
                    _("The same role for %(email)s is already on line %(line)d.")
                    % {"email": email, "line": self.seen[key]},
                )
            )
            return None
        self.seen[key] = line
        user = self.users.get(email)
        planned = PlannedRole(line, email, name, agency, role, unit, user=user)
        if user is None and email not in self.new_emails:
            planned.new_account = True
            self.new_emails.add(email)
        if user is not None:
            planned.already = (user.pk, role, agency.pk, unit.pk if unit else None) in self.held
        return planned

    def _email(self, text: str, problem: Callable[[str, str], None]) -> str:
        email = _clean(text).lower()
        if not email:
            problem(_("The e-mail address is missing."), "email")
            return ""
        try:
            validate_email(email)
        except ValidationError:
            problem(_("“%(value)s” is not a valid e-mail address.") % {"value": email}, "email")
            return ""
        user = self.users.get(email)
        if user is not None and not user.is_active:
            problem(
                _("The account of %(email)s is deactivated; reactivate it first.")
                % {"email": email},
                "email",
            )
            return ""
        return email

    def _role(self, text: str, problem: Callable[[str, str], None]) -> str:
        text = _clean(text)
        if not text:
            problem(_("The role is missing."), "role")
            return ""
        role = self.roles.get(_norm(text))
        if role is None:
            problem(
                _("Unknown role “%(value)s”. Accepted: %(accepted)s.")
                % {"value": text, "accepted": _accepted(role_values())},
                "role",
            )
            return ""
        return role

    def _unit(
        self,
        agency: Agency | None,
        role: str,
        name: str,
        problem: Callable[[str, str], None],
    ) -> Unit | None:
        if not name:
            if role in UNIT_ROLES:
                problem(
                    _("The role “%(role)s” is held in a unit: name the unit.")
                    % {"role": Role(role).label},
                    "unit",
                )
            return None
        if agency is None:
            return None
        unit = self.units.get((agency.pk, _norm(name)))
        if unit is None:
            problem(
                _(
                    "Unknown unit “%(name)s”: %(agency)s has no unit of that name (import the "
                    "units first)."
                )
                % {"name": name, "agency": agency.name},
                "unit",
            )
        return unit


def check_people(
    content: Source,
    *,
    actor: ActorLike = SYSTEM,
    filename: str = "",
    progress: ProgressCallback | None = None,
    report: OrgImportReport | None = None,
    limits: Limits | None = None,
) -> OrgImportReport:
    """Read and check every row of a people file; nothing is written. The report's ``roles`` are
    the roles to give, in the file's order."""
    report = report or OrgImportReport(kind="people")
    table = _read(
        content,
        report,
        filename=filename,
        required=PEOPLE_REQUIRED_COLUMNS,
        optional=PEOPLE_OPTIONAL_COLUMNS,
        aliases=PEOPLE_COLUMN_ALIASES,
        text_columns=PEOPLE_TEXT_COLUMNS,
        limits=limits,
    )
    if table is None:
        return report
    report.roles.extend(_checked_rows(table, _PeopleChecker(actor, table, report), progress))
    return report


# --- people: writing -----------------------------------------------------------------------------
def _write_people(
    report: OrgImportReport, actor: ActorLike, progress: ProgressCallback | None
) -> None:
    """Each person's first role goes through :func:`person_invite` (a new account, and its one
    e-mail once the import commits); their further roles through :func:`membership_grant`."""
    invited: dict[str, User] = {}
    total = len(report.roles)
    for done, planned in enumerate(report.roles, start=1):
        if planned.already:
            if progress:
                progress("write", done, total)
            continue
        try:
            user = invited.get(planned.email)
            if user is None:
                invitation = person_invite(
                    actor=actor,
                    email=planned.email,
                    agency=planned.agency,
                    role=planned.role,
                    unit=planned.unit,
                    display_name=planned.name,
                )
                invited[planned.email] = planned.user = invitation.user
            else:
                membership_grant(
                    actor=actor,
                    user=user,
                    role=planned.role,
                    agency=planned.agency,
                    unit=planned.unit,
                )
                planned.user = user
        except PermissionDenied as exc:
            report.problems.append(Problem(planned.line, _agencies_refusal(planned.agency)))
            raise _Rollback from exc
        except ValidationError as exc:
            report.problems.extend(Problem(planned.line, m) for m in exc.messages)
            raise _Rollback from exc
        if progress:
            progress("write", done, total)


def import_people(
    source: Source,
    *,
    actor: ActorLike = SYSTEM,
    dry_run: bool = False,
    filename: str = "",
    progress: ProgressCallback | None = None,
    limits: Limits | None = None,
) -> OrgImportReport:
    """Check every row of a people file, then (unless ``dry_run`` or a row is bad) give the roles
    in one transaction; new people are e-mailed their set-password link once it commits."""
    report = OrgImportReport(kind="people", dry_run=dry_run)
    check_people(
        source, actor=actor, filename=filename, progress=progress, report=report, limits=limits
    )
    if dry_run or report.problems or not report.roles:
        return report
    return _write(report, lambda: _write_people(report, actor, progress))
