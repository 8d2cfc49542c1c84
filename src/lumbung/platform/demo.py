"""The demo data: every innovation of the demo CSV, the example organisation of docs/domain.md
and one account per role.

:func:`load_demo` is idempotent — loading it again changes nothing — and runs in one
transaction, so an interruption leaves nothing half-written. The demo accounts get random
passwords kept in ``DATA_DIR/demo-accounts.json`` (mode 0600); a password is only replaced when
the stored one no longer works (e.g. someone changed it, or the file was lost).

Sources: ``organisations/data/demo_organisations.json`` (agencies, units, partners),
``catalog/data/demo/innovations.csv`` (the innovations with their stage and status, imported
through :mod:`lumbung.catalog.importing`; ``scripts/demo_stages.py`` writes the stage and status
columns by a documented rule) and ``catalog/data/demo/extras.json`` (awards and lineage from
docs/domain.md, plus made-up example drafts).

:func:`first_steps` tells what to try first in the loaded demo (addresses and accounts), for
``lumbung demo`` to print at its end.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from lumbung.catalog import hooks
from lumbung.catalog import services as catalog_services
from lumbung.catalog.importing import ImportReport, ProgressCallback, import_innovations
from lumbung.catalog.models import Innovation
from lumbung.competitions import demo as competitions_demo
from lumbung.competitions.models import Round
from lumbung.core import audit
from lumbung.core.actors import SYSTEM
from lumbung.events import demo as events_demo
from lumbung.events.models import Event
from lumbung.notifications.services import without_email
from lumbung.organisations import services as org_services
from lumbung.organisations.models import Agency, Partner, Region, Role, Unit, User
from lumbung.replication import demo as replication_demo
from lumbung.replication.models import Programme, ReplicationProject
from lumbung.replication.services import commitment_reminders_send

ORGANISATIONS_DATA = Path(org_services.__file__).resolve().parent / "data"
CATALOG_DATA = Path(catalog_services.__file__).resolve().parent / "data" / "demo"
DEMO_ORGANISATIONS = ORGANISATIONS_DATA / "demo_organisations.json"
REGIONS_CSV = ORGANISATIONS_DATA / "regions.csv"
DEMO_INNOVATIONS = CATALOG_DATA / "innovations.csv"
DEMO_EXTRAS = CATALOG_DATA / "extras.json"
ACCOUNTS_FILE_NAME = "demo-accounts.json"

PLATFORM_ADMIN = "platform_admin"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    display_name: str
    role: str  # a Role value, or PLATFORM_ADMIN
    agency: str = ""  # key of an agency in the demo organisations ("" for the platform admin)
    unit: str = ""  # key of a unit, for roles held in one unit


ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec("demo-admin", "Admin Platform (demo)", PLATFORM_ADMIN),
    AccountSpec(
        "demo-kemensos-admin", "Admin Inovasi Kemensos (demo)", Role.AGENCY_ADMIN, "Kemensos"
    ),
    AccountSpec(
        "demo-kartini",
        "Petugas Inovasi Sentra Kartini (demo)",
        Role.UNIT_OFFICER,
        "Kemensos",
        "kartini",
    ),
    AccountSpec(
        "demo-wyataguna",
        "Petugas Inovasi Sentra Wyata Guna (demo)",
        Role.UNIT_OFFICER,
        "Kemensos",
        "wyataguna",
    ),
    AccountSpec(
        "demo-facilitator",
        "Fasilitator KemenPANRB (demo)",
        Role.FACILITATOR,
        "KemenPANRB",
        "facilitator",
    ),
    AccountSpec(
        "demo-programme-manager",
        "Manajer Program Ditjen Rehsos (demo)",
        Role.PROGRAMME_MANAGER,
        "Kemensos",
        "rehsos",
    ),
    AccountSpec("demo-judge", "Juri (demo)", Role.JUDGE, "KemenPANRB"),
    AccountSpec("demo-viewer", "Pemantau Kemensos (demo)", Role.VIEWER, "Kemensos"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    where: str
    password: str
    hash: str = field(default="", repr=False)


@dataclass
class DemoResult:
    accounts: list[DemoAccount]
    accounts_file: Path
    report: ImportReport
    created: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values())


class DemoDataError(Exception):
    """The packaged demo data is broken (e.g. a row of the demo CSV is rejected)."""


def accounts_file_path() -> Path:
    return Path(settings.DATA_DIR) / ACCOUNTS_FILE_NAME


# --- helpers ------------------------------------------------------------------------------------
def _load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _region(code: str | None) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def _ensure_regions(created: dict[str, int]) -> None:
    """Add regions listed in regions.csv that an older database does not have yet."""
    with REGIONS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    existing = set(Region.objects.values_list("code", flat=True))
    missing = [r for r in rows if r["code"] not in existing]
    # provinces first, so that a regency's parent exists
    for row in sorted(missing, key=lambda r: ("." in r["code"], r["code"])):
        parent = row["code"].split(".")[0] if "." in row["code"] else None
        Region.objects.create(
            code=row["code"], name=row["name"], level=row["level"], parent_id=parent
        )
        created["regions"] += 1


def _walk_units(
    specs: Iterable[dict[str, Any]], parent_key: str | None = None
) -> Iterator[tuple[dict[str, Any], str | None]]:
    for spec in specs:
        yield spec, parent_key
        yield from _walk_units(spec.get("children", []), spec.get("key") or spec["name"])


@dataclass
class _Organisations:
    agencies: dict[str, Agency] = field(default_factory=dict)  # by short name (or name)
    units: dict[str, Unit] = field(default_factory=dict)  # by key (or name)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)  # for the importer


def _load_organisations(created: dict[str, int]) -> _Organisations:
    data = _load_json(DEMO_ORGANISATIONS)
    out = _Organisations()
    for spec in data["agencies"]:
        agency = Agency.objects.filter(name__iexact=spec["name"]).first()
        if agency is None:
            agency = org_services.agency_create(
                actor=SYSTEM,
                name=spec["name"],
                kind=spec["kind"],
                short_name=spec.get("short_name", ""),
                website=spec.get("website", ""),
                region=_region(spec.get("region")),
            )
            created["agencies"] += 1
        out.agencies[spec.get("short_name") or spec["name"]] = agency
        for unit_spec, parent_key in _walk_units(spec.get("units", [])):
            unit = Unit.objects.filter(agency=agency, name__iexact=unit_spec["name"]).first()
            if unit is None:
                unit = org_services.unit_create(
                    actor=SYSTEM,
                    agency=agency,
                    name=unit_spec["name"],
                    kind=unit_spec.get("kind", Unit.Kind.OTHER),
                    short_name=unit_spec.get("short_name", ""),
                    parent=out.units[parent_key] if parent_key else None,
                    region=_region(unit_spec.get("region")),
                )
                created["units"] += 1
            if unit.is_example != bool(unit_spec.get("is_example")):
                unit.is_example = bool(unit_spec.get("is_example"))
                unit.save(update_fields=["is_example"])
            out.units[unit_spec.get("key") or unit_spec["name"]] = unit
            for alias in unit_spec.get("aliases", []):
                out.aliases.setdefault(agency.name, {})[alias] = unit.name
    for spec in data.get("partners", []):
        if not Partner.objects.filter(name__iexact=spec["name"]).exists():
            org_services.partner_create(
                actor=SYSTEM,
                name=spec["name"],
                kind=spec["kind"],
                region=_region(spec.get("region")),
                description=spec.get("description", ""),
                website=spec.get("website", ""),
                is_example=bool(spec.get("is_example")),
            )
            created["partners"] += 1
    return out


def _innovation(agency: str, name: str) -> Innovation:
    try:
        return Innovation.objects.get(agency__name=agency, name=name)
    except (Innovation.DoesNotExist, Innovation.MultipleObjectsReturned) as exc:
        raise DemoDataError(f"demo innovation {name!r} of {agency!r}: {exc}") from exc


def _load_catalog_facts(extras: dict[str, Any], created: dict[str, int]) -> None:
    for spec in extras.get("awards", []):
        innovation = _innovation(spec["agency"], spec["innovation"])
        if not innovation.awards.filter(level=spec["level"], year=spec.get("year")).exists():
            catalog_services.award_add(
                actor=SYSTEM,
                innovation=innovation,
                level=spec["level"],
                year=spec.get("year"),
                competition=spec.get("competition", "KIPP"),
                label=spec.get("label", ""),
            )
            created["awards"] += 1
    for spec in extras.get("lineage", []):
        replica = _innovation(spec["agency"], spec["innovation"])
        source = _innovation(spec["agency"], spec["source"])
        wanted = {
            "source": source,
            "replication_form": spec["form"],
            "generation": int(spec.get("generation", 1)),
        }
        if all(getattr(replica, k) == v for k, v in wanted.items()):
            continue
        before = audit.snapshot(replica, wanted)
        for key, value in wanted.items():
            setattr(replica, key, value)
        replica.save(update_fields=[*wanted, "updated_at"])
        audit.record(
            actor=SYSTEM,
            obj=replica,
            action="innovation.lineage",
            changes=audit.diff(before, audit.snapshot(replica, wanted)),
            note="demo",
        )
        hooks.innovation_changed(replica)
        created["lineage"] += 1


def _load_drafts(
    extras: dict[str, Any], orgs: _Organisations, users: dict[str, User], created: dict[str, int]
) -> None:
    for spec in extras.get("drafts", []):
        unit = orgs.units[spec["unit"]]
        if Innovation.objects.filter(unit=unit, name=spec["data"]["name"]).exists():
            continue
        author = users[spec["author"]]
        innovation = catalog_services.innovation_create(actor=author, unit=unit, data=spec["data"])
        Innovation.objects.filter(pk=innovation.pk).update(is_example=True)
        if spec.get("state") == Innovation.State.SUBMITTED:
            catalog_services.innovation_submit(actor=author, innovation=innovation)
        created["drafts"] += 1


# --- accounts -----------------------------------------------------------------------------------
def _read_accounts_file(path: Path) -> dict[str, dict[str, str]]:
    """username -> {"password", "hash"} from the accounts file (empty when missing or broken)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    accounts = data.get("accounts", []) if isinstance(data, dict) else []
    return {
        a["username"]: {"password": a["password"], "hash": str(a.get("hash", ""))}
        for a in accounts
        if isinstance(a, dict) and isinstance(a.get("password"), str) and a.get("username")
    }


def _password_still_works(user: User, stored: dict[str, str]) -> bool:
    if not stored["password"]:
        return False
    # the stored hash saves a slow password check when nothing changed since the last run
    return user.password == stored["hash"] or user.check_password(stored["password"])


def write_private_json(path: Path, data: Any) -> None:
    """Write JSON readable by the owner only (0600), replacing the file in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _role_label(role: str) -> str:
    return _("platform admin") if role == PLATFORM_ADMIN else str(Role(role).label)


def _load_accounts(
    orgs: _Organisations, stored: dict[str, dict[str, str]], created: dict[str, int]
) -> tuple[list[DemoAccount], dict[str, User]]:
    accounts: list[DemoAccount] = []
    users: dict[str, User] = {}
    for spec in ACCOUNTS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                email=f"{spec.username}@example.org",
                display_name=spec.display_name,
            )
            user.set_unusable_password()
            user.save()
            audit.record(
                actor=SYSTEM,
                obj=user,
                action="user.create",
                changes={"username": [None, user.username]},
                note="demo",
            )
            created["accounts"] += 1
        if spec.role == PLATFORM_ADMIN and not (user.is_superuser and user.is_staff):
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        previous = stored.get(spec.username)
        if previous is not None and _password_still_works(user, previous):
            password = previous["password"]
        else:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            created["passwords"] += 1
        where = _("whole platform")
        if spec.role != PLATFORM_ADMIN:
            agency = orgs.agencies[spec.agency]
            unit = orgs.units[spec.unit] if spec.unit else None
            org_services.membership_grant(
                actor=SYSTEM,
                user=user,
                role=spec.role,
                agency=agency,
                unit=unit,
            )
            where = agency.short_name or agency.name
            if unit:
                where = f"{where} / {unit.name}"
        accounts.append(
            DemoAccount(spec.username, _role_label(spec.role), where, password, user.password)
        )
        users[spec.username] = user
    return accounts, users


# --- the loader ---------------------------------------------------------------------------------
def load_demo(
    *,
    accounts_file: Path | None = None,
    progress: ProgressCallback | None = None,
) -> DemoResult:
    """Load (or top up) the demo data; returns the demo accounts with their passwords.

    ``progress(stage, done, total)`` follows the import of the demo innovations.
    """
    accounts_file = accounts_file or accounts_file_path()
    stored = _read_accounts_file(accounts_file)
    extras = _load_json(DEMO_EXTRAS)
    created = dict.fromkeys(
        (
            "regions",
            "agencies",
            "units",
            "partners",
            "innovations",
            "awards",
            "lineage",
            "accounts",
            "passwords",
            "drafts",
            "reminders",
        ),
        0,
    )
    # the demo's work leaves real notifications in the inboxes, but sends no e-mail
    with transaction.atomic(), without_email():
        _ensure_regions(created)
        orgs = _load_organisations(created)
        report = import_innovations(
            DEMO_INNOVATIONS,
            actor=SYSTEM,
            publish=True,
            unit_aliases=orgs.aliases,
            progress=progress,
        )
        if not report.ok or not report.written:
            raise DemoDataError("; ".join(str(p) for p in report.problems) or "nothing imported")
        created["innovations"] = report.created
        created["agencies"] += len(report.agencies_created)
        created["units"] += len(report.units_created)
        _load_catalog_facts(extras, created)
        accounts, users = _load_accounts(orgs, stored, created)
        _load_drafts(extras, orgs, users, created)
        for dotted in settings.LUMBUNG_DEMO_LOADERS:
            import_string(dotted)()
        # what `lumbung remind` would leave: the commitments due soon and overdue (idempotent)
        created["reminders"] = commitment_reminders_send(email=False).sent

    wanted = {a.username: {"password": a.password, "hash": a.hash} for a in accounts}
    if accounts_file.exists() and accounts_file.stat().st_mode & 0o077:
        accounts_file.chmod(0o600)
    if stored != wanted or not accounts_file.exists():
        write_private_json(
            accounts_file,
            {
                "note": "Demo accounts of this Lumbung instance; never use them in production.",
                "accounts": [asdict(a) for a in accounts],
            },
        )
    return DemoResult(
        accounts=accounts, accounts_file=accounts_file, report=report, created=created
    )


# --- what to try first ----------------------------------------------------------------------------
#: The innovation the first steps show (institutionalised, awarded, replicated).
SHOWCASE_INNOVATION = ("Kementerian Sosial", "Sheltered Workshop Peduli (SWP)")


@dataclass(frozen=True)
class FirstStep:
    """One thing to try in the demo: where, and as whom ("" when no sign-in is needed)."""

    what: str
    url: str
    username: str = ""
    password: str = ""

    def where(self) -> str:
        """The address and the account to sign in as (with its password)."""
        if not self.username:
            return _("%(url)s (no sign-in needed)") % {"url": self.url}
        return _("%(url)s — sign in as %(username)s (password %(password)s)") % {
            "url": self.url,
            "username": self.username,
            "password": self.password,
        }

    def line(self) -> str:
        return f"{self.what}: {self.where()}"


def _first_step_paths() -> list[tuple[str, str, str]]:
    """(what, path, username) of the first steps whose records are in the database."""
    steps: list[tuple[str, str, str]] = [
        (_("The public catalog, with each innovation's stage and status"), "catalog:catalog", ""),
    ]
    paths = [(what, reverse(name), user) for what, name, user in steps]
    agency, name = SHOWCASE_INNOVATION
    swp = Innovation.objects.filter(agency__name=agency, name=name).only("slug").first()
    if swp is not None:
        paths.append(
            (
                _("An institutionalised innovation, its awards and its replicas"),
                reverse("catalog:innovation", args=[swp.slug]),
                "",
            )
        )
    programme = Programme.objects.filter(name=replication_demo.PROGRAMME_NAME).first()
    if programme is not None:
        paths.append(
            (
                _("A replication programme: target units, coverage, projects"),
                reverse("replication:programme", args=[programme.slug]),
                "demo-programme-manager",
            )
        )
    project = ReplicationProject.objects.filter(
        replica__name=replication_demo.DHARMA_GUNA_REPLICA
    ).first()
    if project is not None:
        paths.append(
            (
                _("A replication project from preparation to institutionalised"),
                reverse("replication:project", args=[project.pk]),
                "demo-facilitator",
            )
        )
    paths.append(
        (
            _("Replication work to follow up: projects, sessions, commitments"),
            reverse("replication:workspace"),
            "demo-facilitator",
        )
    )
    paths.append((_("Learning events"), reverse("events:list"), ""))
    event = Event.objects.filter(title=events_demo.SWP_TITLE).first()
    if event is not None:
        paths.append(
            (
                _("Run a learning event your unit hosts: invitations, attendance, follow-up"),
                reverse("events:manage", args=[event.slug]),
                "demo-kartini",
            )
        )
    if Round.objects.filter(slug=competitions_demo.PAST_SLUG).exists():
        paths.append(
            (
                _("A national competition's results, written back to the catalog as awards"),
                reverse("competitions:round", args=[competitions_demo.PAST_SLUG]),
                "",
            )
        )
    if Round.objects.filter(slug=competitions_demo.INTERNAL_SLUG).exists():
        paths += [
            (
                _("Score the entries assigned to you in an internal selection"),
                reverse("competitions:workspace"),
                "demo-judge",
            ),
            (
                _("Organise an internal selection: checks, judges, progress, ranking"),
                reverse("competitions:manage", args=[competitions_demo.INTERNAL_SLUG]),
                "demo-kemensos-admin",
            ),
        ]
    paths += [
        (_("Your unit's innovations and drafts"), reverse("catalog:dashboard"), "demo-kartini"),
        (
            _("Review a submitted innovation and publish it"),
            reverse("catalog:review_queue"),
            "demo-kemensos-admin",
        ),
        (
            _("Import innovations, units or people from CSV or XLSX"),
            reverse("web:imports"),
            "demo-kemensos-admin",
        ),
        (
            _("Manage the agency: units, people and their roles"),
            reverse("manage:home"),
            "demo-kemensos-admin",
        ),
    ]
    return paths


def first_steps(accounts: Iterable[DemoAccount], base_url: str) -> list[FirstStep]:
    """What to try first in the loaded demo, with the exact address on ``base_url`` (the site
    being served, e.g. ``http://127.0.0.1:8000/``) and the demo account to sign in as."""
    passwords = {a.username: a.password for a in accounts}
    base = base_url.rstrip("/")
    return [
        FirstStep(what, f"{base}{path}", username, passwords.get(username, ""))
        for what, path, username in _first_step_paths()
        if not username or username in passwords
    ]
