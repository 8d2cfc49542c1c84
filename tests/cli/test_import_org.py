"""`lumbung import units|people FILE [--dry-run]` and `lumbung import innovations --dry-run`."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from lumbung.catalog.models import Innovation
from lumbung.organisations.models import Unit, User
from lumbung.platform.demo import DEMO_INNOVATIONS

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def units_file(tmp_path, world):
    path = tmp_path / "units.csv"
    path.write_text(
        "agency,name,kind,parent,region\n"
        "Kementerian Sosial,Direktorat Rehabilitasi Sosial Anak,directorate,,\n"
        "Kementerian Sosial,Sentra Handayani,sentra,Direktorat Rehabilitasi Sosial Anak,31.72\n",
        encoding="utf-8",
    )
    return path


def test_units_dry_run_shows_the_plan_and_writes_nothing(units_file):
    out, _err = run("import", "units", str(units_file), "--dry-run")
    assert "line 2: Direktorat Rehabilitasi Sosial Anak (directorate)" in out
    assert "line 3: Sentra Handayani (sentra) — Kementerian Sosial > Direktorat" in out
    assert "[31.72]" in out
    assert "2 units would be created" in out
    assert not Unit.objects.filter(name="Sentra Handayani").exists()


def test_units_import_writes_the_tree(units_file):
    out, _err = run("import", "units", str(units_file))
    assert "Written: 2 units created." in out
    child = Unit.objects.get(name="Sentra Handayani")
    assert child.parent.name == "Direktorat Rehabilitasi Sosial Anak"
    with pytest.raises(CommandError, match="2 rows were rejected"):
        run("import", "units", str(units_file))  # again: both are there already


def test_bad_rows_fail_with_their_lines(tmp_path, world):
    path = tmp_path / "bad.csv"
    path.write_text("agency,name,region\n,Tanpa Instansi,\nKemensos?,X,\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 rows were rejected"):
        call_command("import", "units", str(path), stdout=out, stderr=err)
    assert "line 2 [agency]: The agency is missing." in err.getvalue()
    assert "line 3 [agency]: Unknown agency" in err.getvalue()
    assert "Fix the rows listed above and run again." in out.getvalue()


def test_people_import_invites(tmp_path, world, django_capture_on_commit_callbacks):
    path = tmp_path / "people.csv"
    path.write_text(
        "email,name,agency,role,unit\n"
        "baru@kemensos.go.id,Orang Baru,Kementerian Sosial,unit_officer,"
        "Sentra Terpadu Kartini Temanggung\n",
        encoding="utf-8",
    )
    out, _err = run("import", "people", str(path), "--dry-run")
    assert "baru@kemensos.go.id — unit_officer — Kementerian Sosial / Sentra" in out
    assert "(new account)" in out
    assert not User.objects.filter(email="baru@kemensos.go.id").exists()
    with django_capture_on_commit_callbacks(execute=True):
        out, _err = run("import", "people", str(path))
    assert "1 roles given, 1 new accounts" in out
    assert [m.to for m in mail.outbox] == [["baru@kemensos.go.id"]]


def test_innovations_dry_run_writes_nothing():
    out, _err = run("import", "innovations", str(DEMO_INNOVATIONS), "--dry-run")
    assert "87 rows would be imported" in out
    assert Innovation.objects.count() == 0


def test_innovation_options_are_refused_for_units(units_file):
    with pytest.raises(CommandError, match="for innovations only"):
        run("import", "units", str(units_file), "--publish")
