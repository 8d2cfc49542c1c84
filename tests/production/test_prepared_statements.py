"""PostgreSQL connections prepare the statements a server runs again and again (the server then
skips planning them), unless the operator turns it off for a pooler; pages read the same
through prepared statements as through fresh ones."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client

from lumbung import settings as lumbung_settings
from lumbung.catalog import selectors
from tests.factories import InnovationFactory, UnitFactory

from .processes import clean_environment

POSTGRES = "postgres://lumbung@db.example.go.id:5432/lumbung"


def test_a_postgresql_url_prepares_statements_after_the_threshold():
    database = lumbung_settings._database(POSTGRES, prepare_threshold=5)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert database["CONN_MAX_AGE"] == 60


def test_a_threshold_of_zero_leaves_statements_unprepared_for_a_pooler():
    database = lumbung_settings._database(POSTGRES, prepare_threshold=0)
    assert "server_side_binding" not in database.get("OPTIONS", {})
    assert "prepare_threshold" not in database.get("OPTIONS", {})


def test_sqlite_keeps_its_own_options():
    database = lumbung_settings._database("sqlite:////tmp/lumbung.sqlite3", prepare_threshold=5)
    assert database["OPTIONS"] == lumbung_settings.SQLITE_OPTIONS


@pytest.mark.parametrize(("threshold", "options"), [("", "True 5"), ("0", "None None")])
def test_the_threshold_is_read_from_the_environment(tmp_path, threshold, options):
    env = {"DATABASE_URL": POSTGRES, "LUMBUNG_DATA_DIR": str(tmp_path / "data")}
    if threshold:
        env["LUMBUNG_DB_PREPARE_THRESHOLD"] = threshold
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from lumbung import settings as s; o = s.DATABASES['default'].get('OPTIONS', {}); "
            "print(o.get('server_side_binding'), o.get('prepare_threshold'))",
        ],
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == options


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_read_run_again_is_prepared_and_pages_read_the_same():
    unit = UnitFactory()
    rows = [
        InnovationFactory(
            unit=unit,
            name=f"Sekolah Lapang Petani {n}",
            summary="Petani belajar pupuk organik di sekolah lapang desa.",
            publication_state="published",
        )
        for n in range(3)
    ]
    for _ in range(8):
        assert selectors.innovation_detail(rows[0].slug) == rows[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_prepared_statements "
            "WHERE statement LIKE %s AND statement LIKE %s",
            ["%catalog_innovation%", '%"slug" = $1%'],
        )
        assert cursor.fetchone()[0] >= 1
    client = Client()
    pages = [client.get("/cari/", {"q": "pupuk organik"}).content.decode() for _ in range(8)]
    # the search page (its facets' statement runs with its own planner setting) and the
    # innovation page answer the same on their first run and once prepared
    assert all(rows[0].name in page for page in pages)
    assert pages[0].count("Sekolah Lapang Petani") == pages[-1].count("Sekolah Lapang Petani")
    details = [client.get(f"/inovasi/{rows[1].slug}/") for _ in range(8)]
    assert {d.status_code for d in details} == {200}
    assert all(rows[1].name in d.content.decode() for d in details)
