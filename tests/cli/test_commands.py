"""`lumbung import`, `lumbung export`, `lumbung serve` and `lumbung createadmin`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from lumbung.catalog.models import Innovation
from lumbung.core.models import AuditEntry
from lumbung.organisations.models import Agency, User
from lumbung.platform.demo import DEMO_INNOVATIONS
from lumbung.platform.management.commands import serve as serve_module

pytestmark = pytest.mark.django_db

HEADER = "name,acronym_expansion,agency,unit,year,award,sector,problem,solution,source_url\n"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- import -------------------------------------------------------------------------------------
def test_import_command_good_file_then_again():
    out, _err = run("import", "innovations", str(DEMO_INNOVATIONS), "--publish")
    assert "all or nothing" in out
    assert "87 innovations created" in out
    assert Innovation.objects.filter(publication_state="published").count() == 87

    out, _err = run("import", "innovations", str(DEMO_INNOVATIONS))
    assert "0 innovations created, 87 already present" in out
    assert Innovation.objects.count() == 87


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "Baik,,Pemerintah Kota Semarang,Dinas Kesehatan,2020,,health,,,\n"
        + ",,Pemerintah Kota Semarang,Dinas Kesehatan,2020,,health,,,\n"
        + "Sektor Aneh,,Pemerintah Kota Semarang,,2020,,astrologi,,,\n",
        encoding="utf-8",
    )
    return path


def test_import_command_bad_rows_write_nothing_and_fail(bad_file):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 rows were rejected"):
        call_command("import", "innovations", str(bad_file), stdout=out, stderr=err)
    assert "line 3 [name]" in err.getvalue()
    assert "line 4 [sector]" in err.getvalue()
    assert "Nothing was written" in out.getvalue()
    assert "--valid-only" in out.getvalue()
    assert Innovation.objects.count() == 0 and Agency.objects.count() == 0


def test_import_command_valid_only_writes_the_rest_and_still_fails(bad_file):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 rows were rejected"):
        call_command("import", "innovations", str(bad_file), "--valid-only", stdout=out, stderr=err)
    assert "valid rows only" in out.getvalue()
    assert "1 innovations created" in out.getvalue()
    assert "2 rejected rows were NOT written" in out.getvalue()
    assert list(Innovation.objects.values_list("name", flat=True)) == ["Baik"]


def test_import_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import", "innovations", str(tmp_path / "nope.csv"))


def test_import_command_exit_code_from_the_cli(bad_file, capsys):
    from lumbung import cli

    with pytest.raises(SystemExit) as exc:
        cli.main(["lumbung", "import", "innovations", str(bad_file), "--skip-checks"])
    assert exc.value.code == 1
    assert "line 3" in capsys.readouterr().err


# --- export -------------------------------------------------------------------------------------
@pytest.fixture
def imported():
    run("import", "innovations", str(DEMO_INNOVATIONS), "--publish")


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_command_to_file(imported, tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    out, _err = run("export", "innovations", "--output", str(path))
    assert "Exported 87 innovations" in out
    if fmt == "csv":
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert len(rows) == 87 and rows[0]["slug"]
    elif fmt == "json":
        assert len(json.loads(path.read_text(encoding="utf-8"))) == 87
    else:
        assert load_workbook(path).active.max_row == 88
    # nothing half-written lies around
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_export_command_to_stdout_and_all(world):
    out, err = run("export", "innovations", "--format", "json")
    assert {r["name"] for r in json.loads(out)} == {"Baris Ditebas", "Layanan Kota Contoh"}
    assert "Exported 2 innovations" in err
    out, _err = run("export", "innovations", "--all")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 4


def test_export_interrupted_leaves_no_file(imported, tmp_path, monkeypatch):
    from lumbung.catalog.management.commands import export as export_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module, "export_innovations", interrupted)
    with pytest.raises(CommandError, match="Interrupted"):
        run("export", "innovations", "--output", str(tmp_path / "x.csv"))
    assert list(tmp_path.iterdir()) == []


# --- serve --------------------------------------------------------------------------------------
def test_serve_runs_the_production_server_sized_to_the_machine(monkeypatch):
    calls = []
    monkeypatch.setattr(serve_module, "run_server", calls.append)
    monkeypatch.setenv("LUMBUNG_WEB_WORKERS", "3")
    run("serve", "--host", "0.0.0.0", "--port", "9000", "--no-worker")
    [options] = calls
    config = options.gunicorn_config()
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["workers"] == 3 and config["worker_class"] == "gthread"
    assert config["threads"] == 4
    assert Innovation.objects.count() == 0  # nothing loaded

    calls.clear()
    run(
        "serve",
        "--host",
        "::1",
        "--port",
        "9001",
        "--workers",
        "2",
        "--threads",
        "8",
        "--no-worker",
    )
    [options] = calls
    assert options.gunicorn_config()["bind"] == ["[::1]:9001"]
    assert (options.workers, options.threads) == (2, 8)


def test_the_server_shares_no_control_socket_with_another():
    """gunicorn's per-user control socket would be shared by two servers of one account."""
    from lumbung.platform.server import LumbungServer, ServerOptions

    config = ServerOptions("127.0.0.1", 8999, workers=1, threads=1).gunicorn_config()
    server = LumbungServer(lambda environ, start_response: [], config)
    assert server.cfg.workers == 1 and server.cfg.worker_class_str == "gthread"
    if "control_socket_disable" in server.cfg.settings:
        assert server.cfg.control_socket_disable is True


# --- createadmin --------------------------------------------------------------------------------
def test_createadmin_from_environment(monkeypatch):
    monkeypatch.setenv("LUMBUNG_ADMIN_PASSWORD", "kuat-sekali-2024!")
    out, _err = run("createadmin", "--username", "kepala", "--email", "kepala@example.org")
    assert "created" in out
    user = User.objects.get(username="kepala")
    assert user.is_superuser and user.is_staff and user.email == "kepala@example.org"
    assert authenticate(username="kepala", password="kuat-sekali-2024!") == user
    assert AuditEntry.objects.filter(action="user.create_admin", object_id=str(user.pk)).exists()

    # again, with a new password: same account, updated
    monkeypatch.setenv("LUMBUNG_ADMIN_PASSWORD", "lebih-kuat-2025?")
    out, _err = run("createadmin", "--username", "kepala")
    assert "updated" in out
    assert User.objects.filter(username="kepala").count() == 1
    assert authenticate(username="kepala", password="lebih-kuat-2025?") == user


def test_createadmin_promotes_an_existing_user(monkeypatch, world):
    monkeypatch.setenv("LUMBUNG_ADMIN_PASSWORD", "kuat-sekali-2024!")
    run("createadmin", "--username", world.nobody.username, "--no-input")
    world.nobody.refresh_from_db()
    assert world.nobody.is_superuser


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        pytest.param(["--username", "a"], "", "LUMBUNG_ADMIN_PASSWORD", id="no-password"),
        pytest.param(["--username", "a"], "123", "too short", id="weak-password"),
        pytest.param([], "kuat-sekali-2024!", "username", id="no-username"),
        pytest.param(
            ["--username", "a", "--email", "bukan-email"], "kuat-sekali-2024!", "e-mail", id="email"
        ),
    ],
)
def test_createadmin_refuses(monkeypatch, args, password, message):
    monkeypatch.setenv("LUMBUNG_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        run("createadmin", "--no-input", *args)
    assert not User.objects.filter(is_superuser=True).exists()
