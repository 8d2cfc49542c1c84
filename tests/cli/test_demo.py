"""`lumbung demo`: the loader is idempotent, the accounts work, the command prints them."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.db import connections

from lumbung import cli
from lumbung.catalog.models import Award, Innovation, StatusChange
from lumbung.core.models import AuditEntry
from lumbung.notifications.models import Notification
from lumbung.organisations.models import Agency, Membership, Partner, Region, Role, Unit, User
from lumbung.platform.demo import ACCOUNTS, ACCOUNTS_FILE_NAME, load_demo
from lumbung.platform.management.commands import serve as serve_module

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
    monkeypatch.setattr(serve_module, "call_command", lambda *a, **k: served.append((a, k)))
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
    monkeypatch.setattr(serve_module, "call_command", lambda *a, **k: served.append((a, k)))
    call_command("demo", "--port", "8123", stdout=io.StringIO(), stderr=io.StringIO())
    assert served == [(("runserver", "127.0.0.1:8123"), {"use_reloader": False, "use_ipv6": False})]


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
