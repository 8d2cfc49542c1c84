"""The units and people imports as kinds of background import (``lumbung.core.imports``), for the
import page: who may import them, their columns, and their reports as the page shows them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.core.actors import Actor
from lumbung.core.imports.registry import Column, Entry, ImportKind, Outcome, ProgressCallback

from .importing import (
    PEOPLE_COLUMN_ALIASES,
    UNIT_COLUMN_ALIASES,
    OrgImportReport,
    PlannedRole,
    PlannedUnit,
    check_people,
    check_units,
    import_people,
    import_units,
    role_values,
    unit_kind_values,
)
from .models import Role, Unit


def administers_an_agency(actor: Actor) -> bool:
    """Units and people are imported by agencies' innovation admins (into their own agencies)
    and platform admins."""
    return actor.is_platform_admin or bool(actor.agencies(Role.AGENCY_ADMIN))


def _aliases(column: str, aliases: dict[str, str]) -> tuple[str, ...]:
    return tuple(alias for alias, name in aliases.items() if name == column)


def _unit_entry(planned: PlannedUnit) -> Entry:
    details = [planned.agency.name, str(Unit.Kind(planned.kind).label)]
    if planned.parent_name:
        if planned.parent_line is not None:
            details.append(
                _("under %(parent)s (line %(line)d)")
                % {"parent": planned.parent_name, "line": planned.parent_line}
            )
        else:
            details.append(_("under %(parent)s") % {"parent": planned.parent_name})
    if planned.region is not None:
        details.append(
            _("region %(code)s %(name)s")
            % {"code": planned.region.code, "name": planned.region.name}
        )
    url = ""
    if planned.unit is not None:
        url = reverse(
            "organisations:unit",
            kwargs={"slug": planned.agency.slug, "unit_slug": planned.unit.slug},
        )
    return Entry(line=planned.line, text=planned.name, detail=" · ".join(details), url=url)


def _role_entry(planned: PlannedRole, written: bool) -> Entry:
    where = planned.agency.name
    if planned.unit is not None:
        where = f"{planned.unit.name}, {planned.agency.name}"
    details = [f"{Role(planned.role).label} — {where}"]
    if planned.already:
        details.append(_("already holds this role (left as it is)"))
    elif planned.new_account:
        details.append(
            _("new account: an e-mail with a link to choose a password was sent")
            if written
            else _("new account: an e-mail with a link to choose a password will be sent")
        )
    elif planned.user is not None:
        details.append(_("existing account"))
    text = planned.email if not planned.name else f"{planned.name} <{planned.email}>"
    url = ""
    if planned.unit is not None:
        url = reverse(
            "organisations:unit",
            kwargs={"slug": planned.agency.slug, "unit_slug": planned.unit.slug},
        )
    return Entry(
        line=planned.line, text=text, detail=" · ".join(details), url=url if written else ""
    )


def outcome_of(report: OrgImportReport) -> Outcome:
    if report.kind == "units":
        entries = [_unit_entry(u) for u in report.units]
    else:
        entries = [_role_entry(r, report.written) for r in report.roles]
    return Outcome(
        rows=report.rows,
        problems=list(report.problems),
        notices=list(report.notices),
        summary=report.summary(),
        entries=entries,
        written=report.written,
    )


def _check_units(content: bytes, filename: str, actor: Actor) -> Outcome:
    report = check_units(content, actor=actor, filename=filename)
    report.dry_run = True
    return outcome_of(report)


def _run_units(content: bytes, filename: str, actor: Actor, progress: ProgressCallback) -> Outcome:
    return outcome_of(import_units(content, actor=actor, filename=filename, progress=progress))


def _check_people(content: bytes, filename: str, actor: Actor) -> Outcome:
    report = check_people(content, actor=actor, filename=filename)
    report.dry_run = True
    return outcome_of(report)


def _run_people(content: bytes, filename: str, actor: Actor, progress: ProgressCallback) -> Outcome:
    return outcome_of(import_people(content, actor=actor, filename=filename, progress=progress))


def _unit_values() -> list[tuple[str, list[tuple[str, str]]]]:
    return [("kind", unit_kind_values())]


def _role_values() -> list[tuple[str, list[tuple[str, str]]]]:
    return [("role", role_values())]


UNITS = ImportKind(
    key="units",
    label=gettext_lazy("Units"),
    may_import=administers_an_agency,
    check=_check_units,
    run=_run_units,
    help=gettext_lazy(
        "One row per unit. A parent unit comes before the units under it; every unit is new in "
        "its agency. Agency admins import into their own agency."
    ),
    columns=(
        Column(
            "agency",
            True,
            gettext_lazy("The name or short name of an agency in Lumbung."),
            _aliases("agency", dict(UNIT_COLUMN_ALIASES)),
        ),
        Column(
            "name",
            True,
            gettext_lazy("The unit's name: not yet used in its agency."),
            _aliases("name", dict(UNIT_COLUMN_ALIASES)),
        ),
        Column(
            "short_name",
            False,
            gettext_lazy("A short name or acronym."),
            _aliases("short_name", dict(UNIT_COLUMN_ALIASES)),
        ),
        Column(
            "kind",
            False,
            gettext_lazy(
                "The kind of unit: a code or a name below, or a common word such as balai, UPT, "
                "dinas or RSUD (empty: other unit)."
            ),
            _aliases("kind", dict(UNIT_COLUMN_ALIASES)),
        ),
        Column(
            "parent",
            False,
            gettext_lazy(
                "The name of the unit above it, in the same agency: already in Lumbung or on an "
                "earlier line."
            ),
            _aliases("parent", dict(UNIT_COLUMN_ALIASES)),
        ),
        Column(
            "region",
            False,
            gettext_lazy(
                "The Kemendagri code of its province (such as 33) or regency or city (such as "
                "33.23); empty: the agency's region."
            ),
            _aliases("region", dict(UNIT_COLUMN_ALIASES)),
        ),
    ),
    values=_unit_values,
    example=(
        (
            "Kementerian Sosial",
            "Direktorat Jenderal Rehabilitasi Sosial",
            "Ditjen Rehsos",
            "directorate_general",
            "",
            "",
        ),
        (
            "Kementerian Sosial",
            "Sentra Terpadu Kartini Temanggung",
            "",
            "sentra",
            "Direktorat Jenderal Rehabilitasi Sosial",
            "33.23",
        ),
    ),
    order=20,
)

PEOPLE = ImportKind(
    key="people",
    label=gettext_lazy("People and their roles"),
    may_import=administers_an_agency,
    check=_check_people,
    run=_run_people,
    help=gettext_lazy(
        "One row per role. A person without an account gets one, and an e-mail with a link to "
        "choose a password once the whole import is written. Agency admins give roles in their "
        "own agency."
    ),
    columns=(
        Column(
            "email",
            True,
            gettext_lazy("The person's e-mail address."),
            _aliases("email", dict(PEOPLE_COLUMN_ALIASES)),
        ),
        Column(
            "name",
            False,
            gettext_lazy("The name shown for a new account."),
            _aliases("name", dict(PEOPLE_COLUMN_ALIASES)),
        ),
        Column(
            "agency",
            True,
            gettext_lazy("The name or short name of an agency in Lumbung."),
            _aliases("agency", dict(PEOPLE_COLUMN_ALIASES)),
        ),
        Column(
            "role",
            True,
            gettext_lazy("The role: a code or a name below."),
            _aliases("role", dict(PEOPLE_COLUMN_ALIASES)),
        ),
        Column(
            "unit",
            False,
            gettext_lazy(
                "The name of a unit of the agency: required for a unit innovation officer "
                "(the role then covers the units under it too)."
            ),
            _aliases("unit", dict(PEOPLE_COLUMN_ALIASES)),
        ),
    ),
    values=_role_values,
    example=(
        (
            "sari@kemensos.go.id",
            "Sari Wulandari",
            "Kementerian Sosial",
            "unit_officer",
            "Sentra Terpadu Kartini Temanggung",
        ),
        ("budi@kemensos.go.id", "Budi Santoso", "Kemensos", "admin inovasi instansi", ""),
    ),
    order=30,
)
