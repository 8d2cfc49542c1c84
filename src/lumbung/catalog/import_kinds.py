"""The innovations import as a kind of background import (``lumbung.core.imports``), for the import
page: unit officers and agency admins import drafts into their own units, platform admins
anywhere.

The rows are checked as :mod:`.importing` checks them, and then for the person: a row whose agency
is not in Lumbung (only platform admins add agencies), whose unit is new when they may not add
units to its agency, or whose unit they do not manage is reported as a bad row — nothing is
written then, like for any bad row. The innovations are imported as drafts.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.core.actors import Actor
from lumbung.core.imports.registry import Column, Entry, ImportKind, Outcome, ProgressCallback
from lumbung.core.policies import can
from lumbung.core.spreadsheets import Problem
from lumbung.organisations.models import Agency, Role, Unit

from .importing import (
    GENERAL_UNIT_NAME,
    ImportReport,
    ParsedRow,
    check_rows,
    import_innovations,
)
from .models import Innovation


def manages_a_unit(actor: Actor) -> bool:
    return actor.is_platform_admin or bool(
        actor.agencies(Role.AGENCY_ADMIN) or actor.units(Role.UNIT_OFFICER)
    )


def _key(agency: str, unit: str, name: str) -> tuple[str, str, str]:
    return (agency.casefold(), unit.casefold(), name.casefold())


class _Vetting:
    """What the person may write of the checked rows, and what is in Lumbung already."""

    def __init__(self, actor: Actor, rows: list[ParsedRow]) -> None:
        self.actor = actor
        names = {r.agency.casefold() for r in rows}
        self.agencies = {
            a.name.casefold(): a for a in Agency.objects.all() if a.name.casefold() in names
        }
        self.units: dict[tuple[int, str], Unit] = {}
        for unit in Unit.objects.filter(agency__in=self.agencies.values()).order_by("pk"):
            self.units.setdefault((unit.agency_id, unit.name.casefold()), unit)
        self.existing = {
            _key(agency, unit, name)
            for agency, unit, name in Innovation.objects.filter(
                agency__in=self.agencies.values()
            ).values_list("agency__name", "unit__name", "name")
        }

    def problems(self, rows: list[ParsedRow]) -> list[Problem]:
        found = []
        for row in rows:
            refusal = self._refusal(row)
            if refusal is not None:
                found.append(Problem(row.line, *refusal))
        return found

    def _refusal(self, row: ParsedRow) -> tuple[str, str] | None:
        """(why, column) when the person may not write the row."""
        agency = self.agencies.get(row.agency.casefold())
        if agency is None:
            if can(self.actor, "agency.create", Agency()):
                return None
            message = _(
                "Unknown agency “%(agency)s”: only platform admins add agencies. Correct the "
                "name, or ask a platform admin to add the agency."
            )
            return message % {"agency": row.agency}, "agency"
        unit = self.units.get((agency.pk, row.unit.casefold()))
        if unit is None:
            if can(self.actor, "agency.manage_units", agency):
                return None
            if row.unit == GENERAL_UNIT_NAME:
                return _("The unit is missing: name one of your units."), "unit"
            message = _(
                "Unknown unit “%(unit)s” in %(agency)s: name one of your units (only the "
                "agency's innovation admins add units)."
            )
            return message % {"unit": row.unit, "agency": agency.name}, "unit"
        if not can(self.actor, "innovation.create", Innovation(unit=unit, agency_id=agency.pk)):
            message = _("You may not add innovations to the unit %(unit)s of %(agency)s.")
            return message % {"unit": unit.name, "agency": agency.name}, "unit"
        return None

    def entry(self, row: ParsedRow, url: str = "") -> Entry:
        where = f"{row.unit}, {row.agency}"
        details = [where]
        agency = self.agencies.get(row.agency.casefold())
        if agency is None:
            details.append(_("new agency"))
        elif (agency.pk, row.unit.casefold()) not in self.units:
            details.append(_("new unit"))
        if _key(row.agency, row.unit, row.data["name"]) in self.existing:
            details.append(_("already in Lumbung (left as it is)"))
        elif row.award_label:
            details.append(_("award: %(award)s") % {"award": row.award_label})
        return Entry(line=row.line, text=row.data["name"], detail=" · ".join(details), url=url)

    def is_new(self, row: ParsedRow) -> bool:
        return _key(row.agency, row.unit, row.data["name"]) not in self.existing


def _outcome(report: ImportReport, entries: list[Entry]) -> Outcome:
    return Outcome(
        rows=report.rows,
        problems=list(report.problems),
        notices=list(report.notices),
        summary=report.summary(),
        entries=entries,
        written=report.written,
    )


def _check(content: bytes, filename: str, actor: Actor) -> Outcome:
    report, rows = check_rows(content, filename=filename)
    vetting = _Vetting(actor, rows)
    report.problems.extend(vetting.problems(rows))
    refused = set(report.rejected_lines)
    kept = [r for r in rows if r.line not in refused]
    report.valid = len(kept)
    outcome = _outcome(report, [vetting.entry(r) for r in kept])
    if outcome.ok:
        outcome.summary = [
            *report.summary()[:2],
            _(
                "Dry run: nothing was written; %(new)d innovations would be created as drafts, "
                "%(existing)d are already in Lumbung."
            )
            % {
                "new": sum(1 for r in kept if vetting.is_new(r)),
                "existing": sum(1 for r in kept if not vetting.is_new(r)),
            },
        ]
    return outcome


def _run(content: bytes, filename: str, actor: Actor, progress: ProgressCallback) -> Outcome:
    checked: dict[str, tuple[_Vetting, list[ParsedRow]]] = {}

    def vet(rows: list[ParsedRow]) -> list[Problem]:
        vetting = _Vetting(actor, rows)
        problems = vetting.problems(rows)
        refused = {p.line for p in problems}
        checked["rows"] = (vetting, [r for r in rows if r.line not in refused])
        return problems

    report = import_innovations(content, actor=actor, filename=filename, progress=progress, vet=vet)
    if not report.written or "rows" not in checked:
        return _outcome(report, [])
    vetting, rows = checked["rows"]
    slugs = {
        _key(agency, unit, name): slug
        for agency, unit, name, slug in Innovation.objects.filter(
            agency__name__in={r.agency for r in rows}
        ).values_list("agency__name", "unit__name", "name", "slug")
    }
    entries = []
    for row in rows:
        slug = slugs.get(_key(row.agency, row.unit, row.data["name"]))
        url = reverse("catalog:innovation_manage", args=[slug]) if slug else ""
        entries.append(vetting.entry(row, url))
    return _outcome(report, entries)


INNOVATIONS = ImportKind(
    key="innovations",
    label=gettext_lazy("Innovations"),
    may_import=manages_a_unit,
    check=_check,
    run=_run,
    help=gettext_lazy(
        "One row per innovation, with the columns of the catalog's export. The innovations are "
        "imported as drafts into your units; an innovation already in its unit is left as it is."
    ),
    columns=(
        Column("name", True, gettext_lazy("The innovation's name.")),
        Column("acronym_expansion", True, gettext_lazy("What its acronym stands for.")),
        Column("agency", True, gettext_lazy("The agency's full name.")),
        Column("unit", True, gettext_lazy("The unit's name (one of yours).")),
        Column("year", True, gettext_lazy("The year it started (or of its award).")),
        Column("award", True, gettext_lazy("An award, such as “Top 45 KIPP 2021” (may be empty).")),
        Column("sector", True, gettext_lazy("A sector: its code or name.")),
        Column("problem", True, gettext_lazy("The problem it answers.")),
        Column("solution", True, gettext_lazy("How it answers it.")),
        Column("source_url", True, gettext_lazy("Web addresses of sources (may be empty).")),
        Column(
            "stage",
            False,
            gettext_lazy("Management stage: creation, development or institutionalisation."),
        ),
        Column("status", False, gettext_lazy("Status: continuing or stopped.")),
        Column(
            "status_since",
            False,
            gettext_lazy("Since when it has this status, as 2022-03-31 (needed when stopped)."),
        ),
        Column("stop_reason", False, gettext_lazy("Why it stopped (only when stopped).")),
    ),
    example=(
        (
            "Layanan Jemput Bola",
            "Layanan Jemput Bola Adminduk",
            "Kementerian Sosial",
            "Sentra Terpadu Kartini Temanggung",
            "2021",
            "",
            "social",
            "Warga sulit menjangkau layanan.",
            "Petugas datang ke desa setiap pekan.",
            "",
            "development",
            "continuing",
            "2021-07-01",
            "",
        ),
    ),
    order=10,
)
