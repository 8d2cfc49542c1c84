"""Import innovations from a CSV or XLSX file with (at least) the columns of the demo's
``innovations.csv``.

Two passes. First every row is checked — nothing is written while checking — and each bad row is
reported with its line number and the reason. Then the rows are written in ONE transaction
through the organisations and catalog services, so the audit history records the import:

* by default nothing at all is written when any row is bad (all or nothing);
* with ``valid_only=True`` the good rows are written and the bad ones are still reported.

Spreadsheet formulas in a CSV (see :func:`spreadsheet_text`): the quote an export puts before
text that starts like a formula (``'=1+1``) is removed, so an export imports back to the same
text; a text cell that starts with ``=``, ``+`` or ``@`` without it is imported with a quote
before it, not rejected, so no row and no character is lost, and the report's notices name those
lines. (An XLSX cell has a type — text is never a formula — so it is imported as it is.)

An exception (or Ctrl-C) half-way through the writing rolls everything back. Re-importing the
same file creates nothing new: an innovation is matched by agency + unit + name and, when it is
already there, left unchanged.

The function :func:`import_innovations` is used by ``lumbung import innovations`` (acting as the
system, which may write anything) and can serve a web upload page (the signed-in person as actor:
every write is then checked against their rights, and one refused row refuses the import).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lumbung.core import dbstats
from lumbung.core.actors import SYSTEM, ActorLike
from lumbung.core.spreadsheets import (
    RAW_FORMULA_START,  # noqa: F401  (re-exported: this module's names stay as they were)
    ImportFileError,
    Limits,
    Problem,
    Source,
    column_mismatch,
    column_name,
    control_character_problem,
    header_of,
    is_xlsx,
    measure,
    neutralise_formulas,
    neutralised_notice,
    read_rows,
    source_head,
)
from lumbung.organisations import services as org_services
from lumbung.organisations.models import Agency, Region, Unit
from lumbung.organisations.regions import RegionNames

from . import hooks
from . import services as catalog_services
from .models import Award, Innovation, Sector

#: The columns every file must have (those of the demo's innovations.csv).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "name",
    "acronym_expansion",
    "agency",
    "unit",
    "year",
    "award",
    "sector",
    "problem",
    "solution",
    "source_url",
)
#: Columns that are read when present (an export carries them, so it round-trips).
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "acronym",
    "start_year",
    "stage",
    "sdgs",
    "status",
    "status_since",
    "stop_reason",
)
#: Columns of free text, stored as written (the others are numbers, codes or web addresses).
TEXT_COLUMNS: tuple[str, ...] = (
    "name",
    "acronym",
    "acronym_expansion",
    "agency",
    "unit",
    "award",
    "problem",
    "solution",
    "stop_reason",
)
#: The unit used when a row names no unit. Stored data, not an interface text: it must stay the
#: same whatever the language of the person importing, or a re-import would duplicate it.
GENERAL_UNIT_NAME = "Unit umum (unit pelaksana tidak disebutkan di sumber)"
GENERAL_UNIT_SHORT_NAME = "Unit umum"

#: Longest text accepted in one cell of a long-text column (problem, solution).
MAX_TEXT = 20_000
MAX_AGENCY = Agency._meta.get_field("name").max_length or 200
MAX_UNIT = Unit._meta.get_field("name").max_length or 250
MAX_AWARD = Award._meta.get_field("label").max_length or 200

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stage is ``"check"`` or ``"write"``."""

RowsVetter = Callable[[list["ParsedRow"]], list[Problem]]
"""``vet(rows)``: further problems of checked rows (e.g. rows the importing person may not
write), called after the check and before anything is written."""

MODE_ALL_OR_NOTHING = "all_or_nothing"
MODE_VALID_ONLY = "valid_only"


# --- the report ---------------------------------------------------------------------------------
@dataclass
class ImportReport:
    mode: str = MODE_ALL_OR_NOTHING
    publish: bool = False
    rows: int = 0
    valid: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    written: bool = False
    created: int = 0
    existing: int = 0
    published: int = 0
    awards_created: int = 0
    agencies_created: list[str] = field(default_factory=list)
    units_created: list[str] = field(default_factory=list)

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems if p.row and p.line is not None})

    @property
    def file_rejected(self) -> bool:
        return any(not p.row for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def _reset_writes(self) -> None:
        self.written = False
        self.created = self.existing = self.published = self.awards_created = 0
        self.agencies_created = []
        self.units_created = []

    def summary(self) -> list[str]:
        """Plain sentences for the command line or a page: the mode and what was written."""
        lines: list[str] = []
        rejected = len(self.rejected_lines)
        if self.mode == MODE_VALID_ONLY:
            lines.append(_("Mode: valid rows only (bad rows are skipped, good rows are written)."))
        else:
            lines.append(_("Mode: all or nothing (any bad row means nothing is written)."))
        lines.append(
            _("Rows read: %(rows)d; valid: %(valid)d; rejected: %(rejected)d.")
            % {"rows": self.rows, "valid": self.valid, "rejected": rejected}
        )
        if not self.written:
            if self.file_rejected:
                lines.append(_("The file was rejected, so nothing was written."))
            elif self.problems:
                lines.append(_("Nothing was written because some rows were rejected."))
            else:
                lines.append(_("Nothing was written."))
            return lines
        lines.append(
            _(
                "Written: %(created)d innovations created, %(existing)d already present "
                "(left unchanged), %(awards)d awards added, %(published)d published, "
                "%(agencies)d agencies and %(units)d units created."
            )
            % {
                "created": self.created,
                "existing": self.existing,
                "awards": self.awards_created,
                "published": self.published,
                "agencies": len(self.agencies_created),
                "units": len(self.units_created),
            }
        )
        if self.mode == MODE_VALID_ONLY and rejected:
            lines.append(
                ngettext(
                    "%(count)d rejected row was NOT written.",
                    "%(count)d rejected rows were NOT written.",
                    rejected,
                )
                % {"count": rejected}
            )
        return lines


class _Rollback(Exception):
    pass


# --- vocabularies -------------------------------------------------------------------------------
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text).replace("_", " ")
    return " ".join(text.split())


SECTOR_SYNONYMS = {
    "land": "land-administration",
    "tax": "tax-revenue",
    "revenue": "tax-revenue",
    "adminduk": "population-administration",
    "kependudukan": "population-administration",
}


def sector_lookup() -> dict[str, str]:
    """Normalised sector text (code, Indonesian or English name, synonym) -> sector code."""
    lookup: dict[str, str] = {}
    for code, name, name_en in Sector.objects.values_list("code", "name", "name_en"):
        for text in (code, name, name_en):
            lookup[_norm(text)] = code
    for text, code in SECTOR_SYNONYMS.items():
        if code in lookup.values():
            lookup.setdefault(_norm(text), code)
    return lookup


_TOP_LEVELS = {
    "99": Award.Level.TOP_99,
    "45": Award.Level.TOP_45,
    "40": Award.Level.TOP_40,
    "25": Award.Level.TOP_25,
    "15": Award.Level.TOP_15,
}


def award_level(text: str) -> str:
    """The Award.Level for an award as published (``Top 99``, ``UNPSA``, ``Top 5 Replikasi`` …)."""
    t = _norm(text)
    if not t:
        return ""
    if "provinsi" in t or "provincial" in t or "province" in t:
        return Award.Level.PROVINCIAL
    if "replikasi" in t or "replication" in t:
        return Award.Level.TOP_5_REPLICATION
    if "unpsa" in t or "united nations public service" in t or "un public service" in t:
        return Award.Level.UNPSA
    if "finalis" in t or "finalist" in t:
        return Award.Level.FINALIST
    if "outstanding" in t:
        return Award.Level.OUTSTANDING
    match = re.match(r"top (\d+)\b", t)
    if match and match.group(1) in _TOP_LEVELS:
        return _TOP_LEVELS[match.group(1)]
    return Award.Level.OTHER


def _award_competition(level: str, label: str) -> str:
    if level == Award.Level.UNPSA:
        return "UNPSA"
    if level == Award.Level.PROVINCIAL:
        return "KIPP Provinsi"
    if level == Award.Level.OTHER:
        return label
    return "KIPP"


#: Name prefix -> (agency kind, prefix of the matching region's name).
AGENCY_PREFIXES: tuple[tuple[str, str, str], ...] = (
    ("pemerintah provinsi ", Agency.Kind.PROVINCE, ""),
    ("pemprov ", Agency.Kind.PROVINCE, ""),
    ("pemerintah kabupaten ", Agency.Kind.REGENCY, "Kabupaten "),
    ("pemkab ", Agency.Kind.REGENCY, "Kabupaten "),
    ("pemerintah kota ", Agency.Kind.CITY, "Kota "),
    ("pemkot ", Agency.Kind.CITY, "Kota "),
    ("kementerian ", Agency.Kind.MINISTRY, ""),
    ("kementrian ", Agency.Kind.MINISTRY, ""),
    ("badan ", Agency.Kind.AGENCY, ""),
    ("lembaga ", Agency.Kind.AGENCY, ""),
    ("komisi ", Agency.Kind.AGENCY, ""),
    ("kejaksaan ", Agency.Kind.AGENCY, ""),
    ("kepolisian ", Agency.Kind.AGENCY, ""),
    ("mahkamah ", Agency.Kind.AGENCY, ""),
    ("ombudsman ", Agency.Kind.AGENCY, ""),
    ("perpustakaan nasional", Agency.Kind.AGENCY, ""),
    ("arsip nasional", Agency.Kind.AGENCY, ""),
    ("pt ", Agency.Kind.STATE_ENTERPRISE, ""),
    ("perum ", Agency.Kind.STATE_ENTERPRISE, ""),
    ("perumda ", Agency.Kind.STATE_ENTERPRISE, ""),
)


def guess_agency_kind(name: str) -> tuple[str, str] | None:
    """(kind, region name) guessed from an agency's name, or None when it cannot be told."""
    lowered = " ".join(name.split()).casefold()
    for prefix, kind, region_prefix in AGENCY_PREFIXES:
        if lowered.startswith(prefix):
            rest = " ".join(name.split())[len(prefix) :].strip()
            if kind in {Agency.Kind.PROVINCE, Agency.Kind.REGENCY, Agency.Kind.CITY}:
                return kind, f"{region_prefix}{rest}"
            return kind, ""
    return None


UNIT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("direktorat jenderal", Unit.Kind.DIRECTORATE_GENERAL),
    ("ditjen", Unit.Kind.DIRECTORATE_GENERAL),
    ("deputi", Unit.Kind.DIRECTORATE_GENERAL),
    ("direktorat", Unit.Kind.DIRECTORATE),
    ("sekretariat", Unit.Kind.SECRETARIAT),
    ("biro", Unit.Kind.SECRETARIAT),
    ("pusat", Unit.Kind.CENTRE),
    ("sentra", Unit.Kind.SENTRA),
    ("balai", Unit.Kind.SENTRA),
    ("loka", Unit.Kind.SENTRA),
    ("panti", Unit.Kind.SENTRA),
    ("upt ", Unit.Kind.SENTRA),
    ("uptd puskesmas", Unit.Kind.PUSKESMAS),
    ("upt blud puskesmas", Unit.Kind.PUSKESMAS),
    ("puskesmas", Unit.Kind.PUSKESMAS),
    ("uptd", Unit.Kind.SENTRA),
    ("rsud", Unit.Kind.HOSPITAL),
    ("rsjd", Unit.Kind.HOSPITAL),
    ("rs ", Unit.Kind.HOSPITAL),
    ("rumah sakit", Unit.Kind.HOSPITAL),
    ("dinas", Unit.Kind.DINAS),
    ("suku dinas", Unit.Kind.DINAS),
    ("badan", Unit.Kind.DINAS),
    ("bappeda", Unit.Kind.DINAS),
    ("kantor", Unit.Kind.DINAS),
    ("sd ", Unit.Kind.SCHOOL),
    ("smp ", Unit.Kind.SCHOOL),
    ("sma ", Unit.Kind.SCHOOL),
    ("smk ", Unit.Kind.SCHOOL),
    ("sekolah", Unit.Kind.SCHOOL),
    ("kecamatan", Unit.Kind.DISTRICT),
    ("kelurahan", Unit.Kind.DISTRICT),
    ("desa", Unit.Kind.DISTRICT),
)


def guess_unit_kind(name: str) -> str:
    lowered = name.casefold()
    for prefix, kind in UNIT_PREFIXES:
        if lowered.startswith(prefix):
            return kind
    return Unit.Kind.OTHER


def resolve_unit_name(text: str, aliases: Mapping[str, str] | None = None) -> str:
    """The unit's current name: an alias when one is given, the part after ", kini" ("now")
    when the file says ``Old name, kini New name``, else the text itself."""
    text = " ".join(text.split())
    if aliases:
        alias = aliases.get(text.casefold())
        if alias:
            return alias
    match = re.search(r",\s*kini\s+(.+)$", text, flags=re.IGNORECASE)
    if match:
        return match.group(1).strip()
    return text


def _short_name(name: str) -> str:
    """``Badan Riset dan Inovasi Nasional (BRIN)`` -> ``BRIN``."""
    match = re.search(r"\(([^()\s]{2,20})\)\s*$", name)
    return match.group(1) if match else ""


# --- checking rows ------------------------------------------------------------------------------
def spreadsheet_text(record: Mapping[str, str]) -> tuple[dict[str, str], bool]:
    """A CSV row's cells as the text to import, and whether a formula in it was neutralised:
    :func:`lumbung.core.spreadsheets.neutralise_formulas` with this file's free-text columns
    (``TEXT_COLUMNS``)."""
    return neutralise_formulas(record, TEXT_COLUMNS)


@dataclass
class ParsedRow:
    line: int
    agency: str
    agency_kind: str
    region_name: str
    unit: str
    data: dict[str, Any]
    award_level: str = ""
    award_label: str = ""
    award_year: int | None = None
    status: str = ""
    status_since: dt.date | None = None
    stop_reason: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.agency.casefold(), self.unit.casefold(), self.data["name"].casefold())


@dataclass
class _Context:
    sectors: dict[str, str]
    agencies: dict[str, Agency]
    unit_aliases: dict[str, dict[str, str]]
    has_start_year: bool
    this_year: int = field(default_factory=lambda: timezone.localdate().year)


_url = URLValidator(schemes=["http", "https"])
_STAGES = {
    "creation": Innovation.Stage.CREATION,
    "penciptaan": Innovation.Stage.CREATION,
    "development": Innovation.Stage.DEVELOPMENT,
    "pengembangan": Innovation.Stage.DEVELOPMENT,
    "institutionalisation": Innovation.Stage.INSTITUTIONALISATION,
    "institutionalization": Innovation.Stage.INSTITUTIONALISATION,
    "pelembagaan": Innovation.Stage.INSTITUTIONALISATION,
}
_STATUSES = {
    "continuing": Innovation.Status.CONTINUING,
    "berlanjut": Innovation.Status.CONTINUING,
    "stopped": Innovation.Status.STOPPED,
    "berhenti": Innovation.Status.STOPPED,
}
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


@dataclass
class _Row:
    """One row being checked: its cells, what has been read from them so far, and the problems
    found. The column parsers (:data:`_COLUMN_PARSERS`) fill it in, one after the other."""

    line: int
    cells: Mapping[str, str]
    ctx: _Context
    problems: list[Problem] = field(default_factory=list)
    agency_kind: str = ""
    region_name: str = ""
    sector: str = ""
    start_year: int | None = None
    award_year: int | None = None
    urls: list[str] = field(default_factory=list)
    stage: str = ""
    sdgs: list[int] = field(default_factory=list)
    status: str = ""
    status_since: dt.date | None = None

    def get(self, column: str) -> str:
        """The cell's text on one line (white space collapsed)."""
        return " ".join((self.cells.get(column) or "").split())

    def text(self, column: str) -> str:
        """The cell's text as written (a long text keeps its line breaks)."""
        return (self.cells.get(column) or "").strip()

    def problem(self, message: str, column: str = "") -> None:
        self.problems.append(Problem(self.line, message, column))

    def year(self, column: str) -> int | None:
        """The column's year, or None when it is empty or not a year (a problem then)."""
        text = self.get(column)
        if not text:
            return None
        try:
            value = int(text.strip())
        except ValueError:
            self.problem(_("“%(value)s” is not a year.") % {"value": text}, column)
            return None
        if not 1900 <= value <= self.ctx.this_year:
            self.problem(
                _("The year %(value)d is not between 1900 and %(now)d.")
                % {"value": value, "now": self.ctx.this_year},
                column,
            )
            return None
        return value


# --- the column parsers: each reads its column(s) into the row, or reports what is wrong --------
def _require_name_and_agency(row: _Row) -> None:
    if not row.get("name"):
        row.problem(_("The name is missing."), "name")
    if not row.get("agency"):
        row.problem(_("The agency is missing."), "agency")


#: The longest text of a column, and how its text is read (on one line, or as written).
_MAX_LENGTHS: tuple[tuple[str, int, Callable[[_Row, str], str]], ...] = (
    ("agency", MAX_AGENCY, _Row.get),
    ("unit", MAX_UNIT, _Row.get),
    ("award", MAX_AWARD, _Row.get),
    ("problem", MAX_TEXT, _Row.text),
    ("solution", MAX_TEXT, _Row.text),
    ("source_url", MAX_TEXT, _Row.get),
    ("stop_reason", MAX_TEXT, _Row.text),
)


def _check_lengths(row: _Row) -> None:
    for column, limit, read in _MAX_LENGTHS:
        length = len(read(row, column))
        if length > limit:
            row.problem(
                _("The text is too long (%(length)d characters, at most %(limit)d).")
                % {"length": length, "limit": limit},
                column,
            )


def _read_agency(row: _Row) -> None:
    """An existing agency, or the kind (and region) of a new one, guessed from its name."""
    name = row.get("agency")
    if not name or name.casefold() in row.ctx.agencies:
        return
    guess = guess_agency_kind(name)
    if guess is None:
        row.problem(
            _(
                "Unknown agency “%(name)s”, and its type cannot be told from the name "
                "(start it with Kementerian, Badan, Lembaga, Pemerintah Provinsi, "
                "Pemerintah Kabupaten or Pemerintah Kota), or create the agency first."
            )
            % {"name": name},
            "agency",
        )
    else:
        row.agency_kind, row.region_name = guess


def _read_sector(row: _Row) -> None:
    text = row.get("sector")
    if not text:
        return
    row.sector = row.ctx.sectors.get(_norm(text), "")
    if not row.sector:
        row.problem(
            _("Unknown sector “%(value)s”. Known sectors: %(known)s.")
            % {"value": text, "known": ", ".join(sorted(set(row.ctx.sectors.values())))},
            "sector",
        )


def _label_year(award_label: str) -> int | None:
    """The year an award's label names (``Top 99 2021``), if any."""
    match = re.search(r"\b(19|20)\d{2}\b", award_label)
    return int(match.group(0)) if match else None


def _start_year(row: _Row, year: int | None, label_year: int | None) -> int | None:
    award_label = row.get("award")
    if row.ctx.has_start_year:
        start_year = row.year("start_year")
        if start_year is None and not row.get("start_year") and not award_label:
            return year
        return start_year
    if award_label:
        # the year of an award row is the award's; a different year in the label wins and the
        # column's year is then the start year
        return year if (label_year and year and year != label_year) else None
    return year


def _read_years(row: _Row) -> None:
    """The start year and, on an award row, the award's year."""
    year = row.year("year")
    award_label = row.get("award")
    label_year = _label_year(award_label)
    row.start_year = _start_year(row, year, label_year)
    row.award_year = (label_year or year) if award_label else None
    if row.award_year is not None and not 2000 <= row.award_year <= row.ctx.this_year:
        row.problem(
            _("The award year %(value)d is not between 2000 and %(now)d.")
            % {"value": row.award_year, "now": row.ctx.this_year},
            "year",
        )


def _read_source_urls(row: _Row) -> None:
    parts = re.split(r"\s+;\s+|\s*[\r\n]+\s*", row.text("source_url"))
    row.urls = [u.strip() for u in parts if u.strip()]
    for url in row.urls:
        try:
            _url(url)
        except ValidationError:
            row.problem(_("“%(value)s” is not a web address.") % {"value": url}, "source_url")


def _read_stage(row: _Row) -> None:
    text = row.get("stage")
    if not text:
        return
    row.stage = _STAGES.get(_norm(text).split(" ")[0], "")
    if not row.stage:
        row.problem(_("Unknown stage “%(value)s”.") % {"value": text}, "stage")


def _status_date(row: _Row, text: str) -> dt.date | None:
    """The date of ``status_since``: ``2022-03-01`` (as an XLSX date cell reads) or
    ``1/3/2022`` (day first); None, with a problem, when it is not a date."""
    match = _DAY_FIRST.fullmatch(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        row.problem(
            _("“%(value)s” is not a date: write it as 2022-03-31 (or 31/03/2022).")
            % {"value": text},
            "status_since",
        )
        return None


def _read_status(row: _Row) -> None:
    """The status (continuing or stopped), since when and, when stopped, why."""
    text, since, reason = row.get("status"), row.get("status_since"), row.text("stop_reason")
    if not text:
        if since or reason:
            row.problem(
                _("A status date or reason needs a status (continuing or stopped)."), "status"
            )
        return
    row.status = _STATUSES.get(_norm(text), "")
    if not row.status:
        row.problem(
            _("Unknown status “%(value)s”: write continuing or stopped (berlanjut, berhenti).")
            % {"value": text},
            "status",
        )
        return
    row.status_since = _status_date(row, since) if since else None
    today = timezone.localdate()
    if row.status_since and row.status_since > today:
        row.problem(_("The status date cannot be in the future."), "status_since")
    elif row.status_since and row.start_year and row.status_since.year < row.start_year:
        row.problem(
            _("The status date is before the start year %(year)d.") % {"year": row.start_year},
            "status_since",
        )
    if row.status == Innovation.Status.STOPPED:
        if not since:
            row.problem(_("Say when the innovation stopped (status_since)."), "status_since")
        if not reason:
            row.problem(_("Say why the innovation stopped (stop_reason)."), "stop_reason")
    elif reason:
        row.problem(_("A reason for stopping is only for a stopped innovation."), "stop_reason")


def _read_sdgs(row: _Row) -> None:
    for part in re.split(r"[;,\s]+", row.get("sdgs")):
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= 17:
            row.sdgs.append(int(part))
        else:
            row.problem(_("SDGs are numbered 1 to 17 (got “%(value)s”).") % {"value": part})


#: A row's cells are read by these, in this order (the order its problems are reported in).
_COLUMN_PARSERS: tuple[Callable[[_Row], None], ...] = (
    _require_name_and_agency,
    _check_lengths,
    _read_agency,
    _read_sector,
    _read_years,
    _read_source_urls,
    _read_stage,
    _read_status,
    _read_sdgs,
)


def _innovation_data(row: _Row) -> dict[str, Any]:
    """The innovation's fields, as the catalog services take them."""
    name, solution = row.get("name"), row.text("solution")
    data: dict[str, Any] = {
        "name": name,
        "acronym": row.get("acronym") or _short_name(name),
        "acronym_expansion": row.get("acronym_expansion"),
        "sector": row.sector or None,
        "start_year": row.start_year,
        "problem": row.text("problem"),
        "summary": solution,
        "implementation": solution,
        "source_urls": "\n".join(row.urls),
    }
    if row.stage:
        data["stage"] = row.stage
    if row.sdgs:
        data["sdgs"] = sorted(set(row.sdgs))
    return data


def _check_model(row: _Row, data: dict[str, Any]) -> None:
    """Everything else the model itself checks (lengths, choices …), without the database."""
    candidate = Innovation(**{k: v for k, v in data.items() if k not in {"sector", "sdgs"}})
    try:
        candidate.full_clean(
            exclude=["slug", "agency", "unit", "created_by", "sdgs", "sector", "source"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for column, messages in exc.message_dict.items():
            for message in messages:
                row.problem(message, column)


def _parse_row(line: int, rec: Mapping[str, str], ctx: _Context) -> ParsedRow | list[Problem]:
    row = _Row(line, rec, ctx)
    for parse in _COLUMN_PARSERS:
        parse(row)
    data = _innovation_data(row)
    if data["name"] and not row.problems:
        _check_model(row, data)
    if row.problems:
        return row.problems
    agency, award_label = row.get("agency"), row.get("award")
    unit = resolve_unit_name(row.get("unit"), ctx.unit_aliases.get(agency.casefold()))
    return ParsedRow(
        line=line,
        agency=agency,
        agency_kind=row.agency_kind,
        region_name=row.region_name,
        unit=unit or GENERAL_UNIT_NAME,
        data=data,
        award_level=award_level(award_label),
        award_label=award_label,
        award_year=row.award_year,
        status=row.status,
        status_since=row.status_since,
        stop_reason=row.text("stop_reason") if row.status == Innovation.Status.STOPPED else "",
    )


# --- checking the file ----------------------------------------------------------------------------
def _column_mismatch(columns: list[str]) -> str:
    """Why the header's columns cannot be imported ("" when they can)."""
    return column_mismatch(columns, REQUIRED_COLUMNS)


def _header(
    rows: Iterator[tuple[int, list[str]]], report: ImportReport
) -> tuple[int, list[str]] | None:
    """The header row's line and its column names, read from ``rows`` (the data rows are left
    to be read), or None (a problem then) when the file has no header or its columns do not
    match."""
    header = header_of(rows, report.problems)
    if header is None:
        return None
    header_line, header_cells = header
    columns = [column_name(c) for c in header_cells]
    while columns and not columns[-1]:
        columns.pop()
    mismatch = _column_mismatch(columns)
    if mismatch:
        report.problems.append(Problem(header_line, mismatch, row=False))
        return None
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    ignored = [c for c in columns if c and c not in known]
    if ignored:
        report.notices.append(
            _("These columns are not imported: %(columns)s.") % {"columns": ", ".join(ignored)}
        )
    return header_line, columns


def _context(columns: list[str], unit_aliases: Mapping[str, Mapping[str, str]] | None) -> _Context:
    return _Context(
        sectors=sector_lookup(),
        agencies={a.name.casefold(): a for a in Agency.objects.all()},
        unit_aliases={
            agency.casefold(): {k.casefold(): v for k, v in names.items()}
            for agency, names in (unit_aliases or {}).items()
        },
        has_start_year="start_year" in columns,
    )


@dataclass
class _RowChecker:
    """Checks the data rows one by one, into the report and the rows to write."""

    report: ImportReport
    columns: list[str]
    ctx: _Context
    csv_file: bool
    parsed: list[ParsedRow] = field(default_factory=list)
    seen: dict[tuple[str, str, str], int] = field(default_factory=dict)
    neutralised_lines: list[int] = field(default_factory=list)

    def check(self, line: int, cells: list[str]) -> None:
        columns = self.columns
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            self.report.problems.append(
                Problem(
                    line,
                    _("The row has %(cells)d cells but the header only %(columns)d columns.")
                    % {"cells": len(cells), "columns": len(columns)},
                )
            )
            return
        control = control_character_problem(line, cells, columns)
        if control is not None:  # a NUL cannot be stored (PostgreSQL): the row is refused
            self.report.problems.append(control)
            return
        record = dict(zip(columns, cells, strict=False))
        if self.csv_file:
            record, neutralised = spreadsheet_text(record)
            if neutralised:
                self.neutralised_lines.append(line)
        result = _parse_row(line, record, self.ctx)
        if isinstance(result, list):
            self.report.problems.extend(result)
        elif result.key in self.seen:
            self.report.problems.append(
                Problem(
                    line,
                    _("The same innovation (agency, unit and name) is already on line %(line)d.")
                    % {"line": self.seen[result.key]},
                )
            )
        else:
            self.seen[result.key] = line
            self.parsed.append(result)

    def neutralised_notice(self) -> str:
        return neutralised_notice(self.neutralised_lines)


def check_rows(
    content: Source,
    *,
    filename: str = "",
    unit_aliases: Mapping[str, Mapping[str, str]] | None = None,
    progress: ProgressCallback | None = None,
    report: ImportReport | None = None,
    limits: Limits | None = None,
) -> tuple[ImportReport, list[ParsedRow]]:
    """Read and check every row; nothing is written.

    ``content`` (bytes, a path or a seekable binary file) must be within ``limits`` (default
    :func:`lumbung.core.spreadsheets.default_limits`, those of a web upload): that is checked
    first, by counting the rows (which stops at the limit), and a file over it is rejected
    before any row is checked. The rows are then read one at a time, never all at once.
    """
    report = report or ImportReport()
    try:
        total = measure(content, limits, filename)
        csv_file = not is_xlsx(source_head(content))
        rows = read_rows(content, filename)
        header = _header(rows, report)
        if header is None:
            return report, []
        _header_line, columns = header
        checker = _RowChecker(report, columns, _context(columns, unit_aliases), csv_file)
        report.rows = total
        done = 0
        for line, cells in rows:
            if not any(x.strip() for x in cells):
                continue
            done += 1
            checker.check(line, cells)
            if progress:
                progress("check", done, total)
    except ImportFileError as exc:
        report.problems.append(Problem(None, str(exc), row=False))
        return report, []
    if checker.neutralised_lines:
        report.notices.append(checker.neutralised_notice())
    report.valid = len(checker.parsed)
    return report, checker.parsed


# --- writing ------------------------------------------------------------------------------------
class _Writer:
    def __init__(self, *, actor: ActorLike, publish: bool, report: ImportReport):
        self.actor = actor
        self.publish = publish
        self.report = report
        self.agencies: dict[str, Agency] = {}
        self.units: dict[tuple[int, str], Unit] = {}
        # by name: "Kota Jakarta Selatan" is Kota Administrasi Jakarta Selatan, "DKI Jakarta"
        # the province; a name two regions share (without Kabupaten/Kota) finds none
        self.regions = RegionNames()

    def _region(self, name: str) -> Region | None:
        return self.regions.get(name) if name else None

    def agency(self, row: ParsedRow) -> Agency:
        key = row.agency.casefold()
        if key not in self.agencies:
            agency = Agency.objects.filter(name__iexact=row.agency).first()
            if agency is None:
                region = self._region(row.region_name)
                if row.region_name and region is None:
                    self.report.notices.append(
                        _("No region named “%(region)s” was found for “%(agency)s”.")
                        % {"region": row.region_name, "agency": row.agency}
                    )
                agency = org_services.agency_create(
                    actor=self.actor,
                    name=row.agency,
                    kind=row.agency_kind,
                    region=region,
                    short_name=_short_name(row.agency),
                )
                self.report.agencies_created.append(agency.name)
            self.agencies[key] = agency
        return self.agencies[key]

    def unit(self, agency: Agency, name: str) -> Unit:
        key = (agency.pk, name.casefold())
        if key not in self.units:
            unit = Unit.objects.filter(agency=agency, name__iexact=name).first()
            if unit is None:
                general = name == GENERAL_UNIT_NAME
                unit = org_services.unit_create(
                    actor=self.actor,
                    agency=agency,
                    name=name,
                    kind=Unit.Kind.OTHER if general else guess_unit_kind(name),
                    short_name=GENERAL_UNIT_SHORT_NAME if general else "",
                )
                self.report.units_created.append(f"{agency.name} / {unit.name}")
            self.units[key] = unit
        return self.units[key]

    def state(self) -> tuple[Any, ...]:
        r = self.report
        return (
            dict(self.agencies),
            dict(self.units),
            (r.created, r.existing, r.published, r.awards_created),
            (len(r.agencies_created), len(r.units_created)),
        )

    def forget(self, state: tuple[Any, ...]) -> None:
        """Undo the bookkeeping of a row whose savepoint was rolled back."""
        r = self.report
        self.agencies, self.units = state[0], state[1]
        r.created, r.existing, r.published, r.awards_created = state[2]
        del r.agencies_created[state[3][0] :]
        del r.units_created[state[3][1] :]

    def write(self, row: ParsedRow) -> None:
        agency = self.agency(row)
        unit = self.unit(agency, row.unit)
        if Innovation.objects.filter(
            agency=agency, unit=unit, name__iexact=row.data["name"]
        ).exists():
            self.report.existing += 1
            return
        innovation = catalog_services.innovation_create(actor=self.actor, unit=unit, data=row.data)
        self.report.created += 1
        if row.award_label:
            catalog_services.award_add(
                actor=self.actor,
                innovation=innovation,
                level=row.award_level,
                year=row.award_year,
                competition=_award_competition(row.award_level, row.award_label),
                label=row.award_label,
            )
            self.report.awards_created += 1
        if row.status and (row.status_since or row.status != innovation.status):
            catalog_services.innovation_record_status(
                actor=self.actor,
                innovation=innovation,
                status=row.status,
                date=row.status_since,
                reason=row.stop_reason,
            )
        if self.publish:
            catalog_services.innovation_publish(
                actor=self.actor, innovation=innovation, notify=False
            )
            self.report.published += 1


def _vetted(rows: list[ParsedRow], vet: RowsVetter, report: ImportReport) -> list[ParsedRow]:
    """The rows ``vet`` finds nothing against; its problems go into the report."""
    problems = vet(rows)
    if not problems:
        return rows
    report.problems.extend(problems)
    refused = {p.line for p in problems}
    kept = [r for r in rows if r.line not in refused]
    report.valid = len(kept)
    return kept


def import_innovations(
    source: Source,
    *,
    actor: ActorLike = SYSTEM,
    valid_only: bool = False,
    publish: bool = False,
    filename: str = "",
    unit_aliases: Mapping[str, Mapping[str, str]] | None = None,
    progress: ProgressCallback | None = None,
    vet: RowsVetter | None = None,
    limits: Limits | None = None,
) -> ImportReport:
    """Check every row of a CSV/XLSX file, then write it in one transaction (see module doc).

    ``unit_aliases`` maps an agency name to {unit name as written in files: unit name to use},
    for units that were renamed. ``progress(stage, done, total)`` is called while checking
    (``"check"``) and writing (``"write"``). ``vet`` adds problems of rows that passed the check
    (a web upload reports the rows its person may not write, rather than refusing the file).
    ``limits`` bound the file's bytes and rows (default: those of a web upload); a file over
    them is rejected as a whole, before any row is checked, and nothing is written.
    """
    report = ImportReport(mode=MODE_VALID_ONLY if valid_only else MODE_ALL_OR_NOTHING)
    report.publish = publish
    if not filename and isinstance(source, str | os.PathLike):
        filename = os.fspath(source)
    report, rows = check_rows(
        source,
        filename=filename,
        unit_aliases=unit_aliases,
        progress=progress,
        report=report,
        limits=limits,
    )
    if vet is not None and rows:
        rows = _vetted(rows, vet, report)
    if report.file_rejected or not rows or (report.problems and not valid_only):
        return report

    writer = _Writer(actor=actor, publish=publish, report=report)
    try:
        # bulk: listeners (e.g. semantic vectors) may batch their work; it ends in the transaction
        with transaction.atomic(), hooks.bulk():
            for done, row in enumerate(rows, start=1):
                saved = writer.state()
                try:
                    with transaction.atomic():
                        writer.write(row)
                except ValidationError as exc:
                    # the checks missed something the services refuse: report it like a bad row
                    writer.forget(saved)
                    for message in exc.messages:
                        report.problems.append(Problem(row.line, message))
                    report.valid -= 1
                    if not valid_only:
                        raise _Rollback from exc
                if progress:
                    progress("write", done, len(rows))
            report.written = True
    except _Rollback:
        report._reset_writes()
    except BaseException:
        report._reset_writes()
        raise
    if report.written:
        # thousands of new rows: plan the next searches on the catalog as it now is
        dbstats.refresh((Innovation, Award, Unit), written=report.created)
    return report
