"""`lumbung demo`: the loader is idempotent, the accounts work, the command prints them."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.db import connections

from lumbung import cli
from lumbung.catalog.models import Award, Innovation, StatusChange
from lumbung.core.models import AuditEntry
from lumbung.events.models import Event
from lumbung.notifications.models import Notification
from lumbung.organisations.models import Agency, Membership, Partner, Region, Role, Unit, User
from lumbung.platform.demo import (
    ACCOUNTS,
    ACCOUNTS_FILE_NAME,
    DEMO_INNOVATIONS,
    first_steps,
    load_demo,
)
from lumbung.platform.management.commands import serve as serve_module
from lumbung.replication.models import Programme

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, object]:
    return {
        "agencies": list(Agency.objects.order_by("pk").values_list("pk", "name", "kind")),
        "units": list(Unit.objects.order_by("pk").values_list("pk", "name", "parent", "region")),
        "partners": list(Partner.objects.order_by("pk").values_list("pk", "name", "is_example")),
        "innovations": list(
            Innovation.objects.order_by("pk").values_list(
                "pk", "name", "publication_state", "source", "generation", "updated_at"
            )
        ),
        "awards": Award.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "password")),
        "memberships": Membership.objects.count(),
        "regions": Region.objects.count(),
        "audit": AuditEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_load_demo_twice_changes_nothing(data_dir):
    first = load_demo()
    assert first.changed
    assert first.created["innovations"] == 87
    # the inboxes hold real notifications (the overdue commitments' reminders, the work the
    # demo's people did), and no e-mail was sent while loading
    assert first.created["reminders"] > 0
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"commitment.overdue", "event.invited", "project.started"} <= kinds, kinds
    assert not Notification.objects.exclude(delivery="off").exists()
    assert not mail.outbox
    before = snapshot()
    second = load_demo()
    assert not second.changed, second.created
    assert snapshot() == before
    assert [a.password for a in second.accounts] == [a.password for a in first.accounts]


def test_demo_content(data_dir):
    load_demo()
    # every row of the CSV, published, with its sources
    csv_innovations = Innovation.objects.filter(is_example=False)
    assert csv_innovations.count() == 87
    assert set(csv_innovations.values_list("publication_state", flat=True)) == {"published"}
    assert not csv_innovations.filter(source_urls="").exists()

    kemensos = Agency.objects.get(short_name="Kemensos")
    rehsos = Unit.objects.get(agency=kemensos, name="Direktorat Jenderal Rehabilitasi Sosial")
    sentra = Unit.objects.filter(parent=rehsos)
    assert sentra.count() >= 30
    names = set(sentra.values_list("name", flat=True))
    assert {
        "Sentra Terpadu Kartini Temanggung",
        "Sentra Wyata Guna Bandung",
        "Sentra Dharma Guna Bengkulu",
    } <= names
    # the CSV's Kemensos units were merged into the sentra (no second Kartini, no old names)
    assert not Unit.objects.filter(agency=kemensos, name__icontains="kini").exists()
    assert not Unit.objects.filter(name__startswith="Balai Besar Rehabilitasi").exists()
    swp = Innovation.objects.get(name="Sheltered Workshop Peduli (SWP)")
    assert swp.unit.name == "Sentra Terpadu Kartini Temanggung"
    assert swp.unit.parent == rehsos and swp.unit.region_id == "33.23"
    risol = Innovation.objects.get(name="Risol Gepeng Mas")
    assert risol.unit.name == "Sentra Terpadu Pangudi Luhur Bekasi"
    assert risol.unit.parent == rehsos
    assert set(swp.awards.values_list("level", flat=True)) == {"top_40", "top_15"}

    # the real replica's lineage
    replica = Innovation.objects.get(name="SWP Disabilitas Mental Sentra Dharma Guna")
    assert (replica.source, replica.replication_form, replica.generation) == (
        swp,
        "adaptation",
        1,
    )
    assert replica.unit.name == "Sentra Dharma Guna Bengkulu"

    panrb = Agency.objects.get(short_name="KemenPANRB")
    assert Unit.objects.filter(agency=panrb, name="Deputi Bidang Pelayanan Publik").exists()

    partners = {p.name: p for p in Partner.objects.all()}
    assert partners["SWP Karya Barokah Wonogiri"].kind == "community"
    assert partners["Rumah Kinasih Blitar"].kind == "community"
    csr = [p for p in partners.values() if p.kind == "csr"]
    assert len(csr) == 1 and csr[0].is_example

    # made-up drafts for the review workflow, clearly marked
    drafts = Innovation.objects.filter(name__endswith="(contoh)")
    assert drafts.count() == 3
    assert set(drafts.values_list("publication_state", flat=True)) == {"draft", "submitted"}
    assert all(d.summary.startswith("Data contoh") for d in drafts)
    assert set(drafts.values_list("unit__name", flat=True)) == {
        "Sentra Terpadu Kartini Temanggung",
        "Sentra Wyata Guna Bandung",
    }


def test_demo_accounts_work_and_are_kept_private(data_dir):
    result = load_demo()
    assert [a.username for a in result.accounts] == [spec.username for spec in ACCOUNTS]
    path = data_dir / ACCOUNTS_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = {a["username"]: a["password"] for a in json.loads(path.read_text())["accounts"]}
    for account in result.accounts:
        assert stored[account.username] == account.password
        assert authenticate(username=account.username, password=account.password) is not None

    admin = User.objects.get(username="demo-admin")
    assert admin.is_superuser and admin.is_staff
    roles = {
        (m.user.username, m.role, m.agency.short_name, m.unit.name if m.unit else None)
        for m in Membership.objects.select_related("user", "agency", "unit")
    }
    assert roles == {
        ("demo-kemensos-admin", Role.AGENCY_ADMIN, "Kemensos", None),
        ("demo-kartini", Role.UNIT_OFFICER, "Kemensos", "Sentra Terpadu Kartini Temanggung"),
        ("demo-wyataguna", Role.UNIT_OFFICER, "Kemensos", "Sentra Wyata Guna Bandung"),
        ("demo-facilitator", Role.FACILITATOR, "KemenPANRB", "Deputi Bidang Pelayanan Publik"),
        (
            "demo-programme-manager",
            Role.PROGRAMME_MANAGER,
            "Kemensos",
            "Direktorat Jenderal Rehabilitasi Sosial",
        ),
        ("demo-judge", Role.JUDGE, "KemenPANRB", None),
        ("demo-viewer", Role.VIEWER, "Kemensos", None),
    }


def test_changed_password_is_replaced_and_recorded(data_dir):
    first = {a.username: a.password for a in load_demo().accounts}
    user = User.objects.get(username="demo-judge")
    user.set_password("somebody-changed-it-123")
    user.save()
    second = {a.username: a.password for a in load_demo().accounts}
    assert second["demo-judge"] != first["demo-judge"]
    assert authenticate(username="demo-judge", password=second["demo-judge"]) is not None
    assert {k: v for k, v in second.items() if k != "demo-judge"} == {
        k: v for k, v in first.items() if k != "demo-judge"
    }


def test_demo_command_prints_the_accounts(data_dir, monkeypatch):
    served = []
    monkeypatch.setattr(serve_module, "run_server", served.append)
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=io.StringIO())
    first = out.getvalue()
    stored = json.loads((data_dir / ACCOUNTS_FILE_NAME).read_text())["accounts"]
    for account in stored:
        assert account["username"] in first
        assert account["password"] in first
    assert "Sentra Terpadu Kartini Temanggung" in first
    assert served == []

    # again: nothing changes and the same table is printed
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=io.StringIO())
    assert "nothing changed" in out.getvalue()
    for account in stored:
        assert account["password"] in out.getvalue()


def test_demo_command_serves_unless_told_not_to(data_dir, monkeypatch):
    served = []
    monkeypatch.setattr(serve_module, "run_server", served.append)
    call_command(
        "demo", "--port", "8123", "--no-worker", stdout=io.StringIO(), stderr=io.StringIO()
    )
    [options] = served
    assert options.gunicorn_config()["bind"] == ["127.0.0.1:8123"]


def test_demo_through_the_lumbung_command(data_dir, monkeypatch, capsys):
    """`lumbung --data-dir DIR demo --no-serve`, as a user types it."""
    monkeypatch.setenv("LUMBUNG_DATA_DIR", str(data_dir))  # restored after the test
    # run_from_argv closes the connections at the end; keep the test's transaction alive
    monkeypatch.setattr(connections, "close_all", lambda: None)
    cli.main(["lumbung", "demo", "--no-serve", "--skip-checks", "--data-dir", str(data_dir)])
    output = capsys.readouterr().out
    assert "demo-kartini" in output
    assert (data_dir / ACCOUNTS_FILE_NAME).exists()
    assert Innovation.objects.filter(is_example=False).count() == 87


def test_lost_accounts_file_gives_new_working_passwords(data_dir):
    first = {a.username: a.password for a in load_demo().accounts}
    (data_dir / ACCOUNTS_FILE_NAME).unlink()
    second = {a.username: a.password for a in load_demo().accounts}
    assert set(second) == set(first)
    assert all(second[name] != first[name] for name in first)
    assert (data_dir / ACCOUNTS_FILE_NAME).exists()
    for name, password in second.items():
        assert authenticate(username=name, password=password) is not None


# --- management stages and statuses of the demo catalog -----------------------------------------
def test_demo_innovations_have_the_stage_and_status_of_the_data_file(data_dir):
    load_demo()
    with DEMO_INNOVATIONS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    csv_innovations = Innovation.objects.filter(is_example=False).select_related("agency")
    found = {(i.agency.name, i.name): (i.stage, i.status) for i in csv_innovations}
    assert len(found) == len(rows) == 87
    for row in rows:
        assert found[(row["agency"], row["name"])] == (row["stage"], row["status"]), row["name"]
    # every stage is represented, not only the default one
    per_stage = Counter(i.stage for i in csv_innovations)
    assert set(per_stage) == set(Innovation.Stage.values)
    assert all(count > 0 for count in per_stage.values())
    assert per_stage[Innovation.Stage.CREATION] < 87
    # SWP: institutionalised (awards in 2018 and 2020, replicated); its replica is developing
    swp = Innovation.objects.get(name="Sheltered Workshop Peduli (SWP)")
    assert (swp.stage, swp.status) == ("institutionalisation", "continuing")
    replica = Innovation.objects.get(name="SWP Disabilitas Mental Sentra Dharma Guna")
    assert replica.stage == "development"
    # stated in the row's own words: a regent's regulation
    assert Innovation.objects.get(name="APDOL").stage == "institutionalisation"
    # no source says any stopped: all continue, and no status history was invented
    assert set(csv_innovations.values_list("status", flat=True)) == {"continuing"}
    assert not StatusChange.objects.filter(innovation__in=csv_innovations).exists()


# --- what to try first --------------------------------------------------------------------------
def _path(url: str) -> str:
    return urlsplit(url).path


def test_first_steps_name_urls_and_accounts_that_open(data_dir, client):
    result = load_demo()
    passwords = {a.username: a.password for a in result.accounts}
    steps = first_steps(result.accounts, "http://127.0.0.1:8123/")
    assert len(steps) >= 8
    assert all(s.url.startswith("http://127.0.0.1:8123/") for s in steps)
    by_path = {_path(s.url): s for s in steps}
    programme = Programme.objects.get(name="Replikasi Sheltered Workshop Peduli 2024")
    event = Event.objects.get(title="Pembelajaran Replikasi Sheltered Workshop Peduli")
    expected = {
        "/inovasi/": "",
        "/inovasi/swp/": "",
        f"/replikasi/program/{programme.slug}/": "demo-programme-manager",
        "/replikasi/": "demo-facilitator",
        "/acara/": "",
        f"/acara/{event.slug}/kelola/": "demo-kartini",
        "/tinjauan/": "demo-kemensos-admin",
        "/impor/": "demo-kemensos-admin",
        "/kelola/": "demo-kemensos-admin",
    }
    for path, username in expected.items():
        assert by_path[path].username == username, path
    project_paths = [p for p in by_path if p.startswith("/replikasi/proyek/")]
    assert len(project_paths) == 1
    # each step names its account's password, and its line says all of it
    for step in steps:
        assert step.password == passwords.get(step.username, "")
        assert step.url in step.line() and step.what in step.line()
        if step.username:
            assert step.username in step.line() and step.password in step.line()
        else:
            assert "no sign-in" in step.line()
    # each address opens for the account named (or for anybody when none is)
    for step in steps:
        client.logout()
        if step.username:
            client.force_login(User.objects.get(username=step.username))
        response = client.get(_path(step.url))
        assert response.status_code == 200, (step.url, step.username, response.status_code)
    # the README's quick start lists the same steps for the default host and port
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo    # installs into .venv" in quick_start
    assert "make test    # installs the test dependencies" in quick_start
    section = quick_start.split("### What to try first", 1)[1]
    listed = re.sub(r"/replikasi/proyek/\d+/", "/replikasi/proyek/N/", section)
    for step in first_steps(result.accounts, "http://127.0.0.1:8000/"):
        url = re.sub(r"/replikasi/proyek/\d+/", "/replikasi/proyek/N/", step.url)
        assert url in listed, url
        line = next(line for line in listed.splitlines() if f"{url} |" in line)
        assert (f"`{step.username}`" if step.username else "(no sign-in)") in line, line


def test_demo_command_ends_with_what_to_try_first(data_dir, monkeypatch):
    monkeypatch.setattr(serve_module, "run_server", lambda options: None)
    out = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8321", stdout=out, stderr=io.StringIO())
    output = out.getvalue()
    tail = output.split("What to try first:", 1)[1]
    accounts = {
        a["username"]: a["password"]
        for a in json.loads((data_dir / ACCOUNTS_FILE_NAME).read_text())["accounts"]
    }
    assert "http://127.0.0.1:8321/replikasi/ — sign in as demo-facilitator" in tail
    assert accounts["demo-facilitator"] in tail
    assert "http://127.0.0.1:8321/acara/ (no sign-in needed)" in tail
    assert "http://127.0.0.1:8321/kelola/ — sign in as demo-kemensos-admin" in tail
    assert re.search(
        r"http://127\.0\.0\.1:8321/acara/[\w-]+/kelola/ — sign in as demo-kartini", tail
    )


def test_demo_outcomes_show_a_replica_better_than_swp_at_12_months(data_dir, client):
    from lumbung.insights.models import PortfolioCount
    from lumbung.outcomes import selectors as outcome_selectors
    from lumbung.replication.demo import DHARMA_GUNA_REPLICA

    load_demo()
    replica = Innovation.objects.get(name=DHARMA_GUNA_REPLICA)
    compared = outcome_selectors.compare_with_original(replica)
    assert compared is not None and compared.original.slug == "swp"
    assert compared.mark == "better"
    working = next(r for r in compared.indicators if r.indicator.per)
    assert working.result.verdict == "better" and working.result.at_age == 12
    page = client.get("/hasil/swp/keluarga/").content.decode()
    assert DHARMA_GUNA_REPLICA in page and "mark-better" in page
    # the summary counts the demo catalog as it ended up (the loaders write around the services)
    published = Innovation.objects.filter(publication_state="published").count()
    assert client.get("/api/v1/insights/portfolio").json()["total"] == published
    assert PortfolioCount.objects.exists()
