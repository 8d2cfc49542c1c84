"""`lumbung backup` and `lumbung restore`: the database and the uploads in one archive, restored
into a new data folder (SQLite) or a new database (PostgreSQL), the same row counts and the
same file, byte for byte; a damaged archive restores nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Evidence, Innovation
from lumbung.core.actors import SYSTEM
from lumbung.platform.backup import BackupError, backup, read_manifest
from tests.factories import InnovationFactory, UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF


def _world() -> Evidence:
    unit = UnitFactory()
    innovation = InnovationFactory(unit=unit, name="Inovasi Cadangan")
    return catalog_services.evidence_add(
        actor=SYSTEM,
        innovation=innovation,
        kind="team_decree",
        title="SK Inovasi",
        upload=SimpleUploadedFile("sk.pdf", PDF),
    )


def _restore(archive: Path, data_dir: Path, database_url: str = "") -> subprocess.CompletedProcess:
    env = dict(
        os.environ, LUMBUNG_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="lumbung.settings"
    )
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "lumbung.cli", "restore", str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_backup_restores_into_a_new_place_whole(tmp_path):
    evidence = _world()
    stored = Path(evidence.file.path).read_bytes()
    archive = tmp_path / "cadangan.tar.gz"
    result = backup(archive)
    assert result.files == 1 and result.rows > 0
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    target = tmp_path / "baru"
    if connection.vendor == "sqlite":
        run = _restore(archive, target)
        assert run.returncode == 0, run.stderr
        db = sqlite3.connect(target / "lumbung.sqlite3")
        count = db.execute("SELECT COUNT(*) FROM catalog_innovation").fetchone()[0]
        db.close()
    else:
        import psycopg

        name = f"lumbung_restore_{uuid.uuid4().hex[:8]}"
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        base = f"postgres://{db['USER']}@{host}:{port}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            run = _restore(archive, target, f"{base}/{name}")
            assert run.returncode == 0, run.stderr
            with psycopg.connect(f"{base}/{name}") as restored:
                count = restored.execute("SELECT COUNT(*) FROM catalog_innovation").fetchone()[0]
        finally:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert count == Innovation.objects.count() == 1
    name = Path(evidence.file.name)
    copy = target / "media" / name
    assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(stored).digest()


def test_a_damaged_archive_restores_nothing(tmp_path):
    _world()
    archive = tmp_path / "cadangan.tar.gz"
    backup(archive)
    unpacked = tmp_path / "isi"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked)
    media_file = next((unpacked / "media").rglob("*.pdf"))
    media_file.write_bytes(b"%PDF-1.4 diubah")
    damaged = tmp_path / "rusak.tar.gz"
    with tarfile.open(damaged, "w:gz") as tar:
        for path in unpacked.iterdir():
            tar.add(path, arcname=path.name)
    with pytest.raises(BackupError, match="damaged"):
        read_manifest(damaged, tmp_path / "periksa")
    target = tmp_path / "baru"
    run = _restore(damaged, target)
    assert run.returncode != 0 and "damaged" in run.stderr
    # Lumbung makes the data folder's database file empty and owner-only when it starts; the
    # restore wrote nothing into it
    database = target / "lumbung.sqlite3"
    assert not database.exists() or database.stat().st_size == 0
    assert not (target / "media").exists()
