"""The production settings as an operator sets them: `lumbung check --deploy` passes with the
documented environment, the data folder is the owner's only, no test host is allowed."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .processes import clean_environment

PRODUCTION_ENV = {
    "LUMBUNG_SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-" + "x9" * 10,
    "LUMBUNG_ALLOWED_HOSTS": "lumbung.example.go.id",
    "LUMBUNG_CSRF_TRUSTED_ORIGINS": "https://lumbung.example.go.id",
    "LUMBUNG_HTTPS": "1",
    "LUMBUNG_PROXY_SSL_HEADER": "1",
}


def _lumbung(data_dir: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "lumbung.cli", "--data-dir", str(data_dir), *args],
        env=clean_environment(**(env or {})),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_documented_production_settings(tmp_path):
    done = _lumbung(
        tmp_path / "data", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_without_https(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "LUMBUNG_HTTPS"}
    done = _lumbung(tmp_path / "data", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout, warning


def test_the_default_allowed_hosts_have_no_test_host(tmp_path):
    done = _lumbung(
        tmp_path / "data",
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(','.join(settings.ALLOWED_HOSTS))",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(",") == ["127.0.0.1", "localhost", "[::1]"]


def test_a_new_data_folder_and_its_database_are_the_owners_only(tmp_path):
    data_dir = tmp_path / "fresh"
    done = _lumbung(data_dir, "migrate", "--verbosity", "0")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    database = data_dir / "lumbung.sqlite3"
    assert database.stat().st_size > 0
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    for sidecar in data_dir.glob("lumbung.sqlite3-*"):  # WAL files follow the database's mode
        assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600, sidecar


def test_an_older_open_data_folder_is_tightened(tmp_path):
    data_dir = tmp_path / "old"
    data_dir.mkdir(mode=0o755)
    (data_dir / "lumbung.sqlite3").touch(mode=0o644)
    done = _lumbung(data_dir, "check")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "lumbung.sqlite3").stat().st_mode) == 0o600


@pytest.mark.django_db
def test_uploads_are_written_owner_only(settings, tmp_path):
    name = default_storage.save("bukti/contoh.pdf", ContentFile(b"%PDF-1.4 test"))
    path = Path(default_storage.path(name))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.django_db
def test_behind_a_tls_proxy_reset_links_are_https(client, settings, world):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["lumbung.example.go.id"]
    world.officer.email = "petugas@example.go.id"
    world.officer.save()
    response = client.post(
        "/accounts/password_reset/",
        {"email": "petugas@example.go.id"},
        HTTP_HOST="lumbung.example.go.id",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert "https://lumbung.example.go.id/accounts/reset/" in message.body
    assert "http://lumbung" not in message.body


def test_s3_storage_is_chosen_by_the_environment(tmp_path):
    done = _lumbung(
        tmp_path / "data",
        "shell",
        "--no-imports",
        "-c",
        'from django.core.files.storage import storages; s = storages["default"]; '
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl)",
        env={
            "LUMBUNG_STORAGE": "s3",
            "LUMBUNG_S3_BUCKET": "lumbung-unggahan",
            "LUMBUNG_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        },
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "S3Storage",
        "lumbung-unggahan",
        "http://127.0.0.1:9000",
        "private",
    ]
