"""`lumbung serve` for real: gunicorn on loopback, the probes, a page, the request id in the
JSON access line, the background worker beside it running a queued import, and a clean stop."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from .processes import clean_environment, free_port

QUEUE_IMPORT = """
from lumbung.core.imports.services import job_confirm, job_upload
from lumbung.organisations.models import Agency, User
admin = User.objects.create_superuser("admin", "admin@example.org", "Rahasia-sekali-2026")
Agency.objects.create(name="Kementerian Sosial", slug="kemensos", kind="ministry")
rows = b"agency,name\\nKementerian Sosial,Sentra Dari Antrean\\n"
job = job_upload(actor=admin, kind="units", content=rows, filename="u.csv")
job_confirm(actor=admin, job=job)
print(job.pk)
"""


def _env(data_dir: Path) -> dict[str, str]:
    return clean_environment(LUMBUNG_DATA_DIR=str(data_dir), LUMBUNG_LOG_FORMAT="json")


def _lumbung(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "lumbung.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a busy CI machine: migrate alone took minutes
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, dict(response.headers), response.read()


def test_serve_runs_gunicorn_with_its_worker_and_stops_cleanly(tmp_path):
    data_dir = tmp_path / "data"
    env = _env(data_dir)
    _lumbung(env, "migrate", "--verbosity", "0")
    port = free_port()
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lumbung.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            "2",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                status, _headers, _body = _get(f"{base}/healthz/")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.3)
        assert status == 200
        status, headers, body = _get(f"{base}/readyz/")
        assert status == 200 and json.loads(body) == {"status": "ok"}

        request_id = uuid.uuid4().hex
        status, headers, body = _get(f"{base}/inovasi/", **{"X-Request-ID": request_id})
        assert status == 200
        assert headers["Server"] == "gunicorn"
        assert headers["X-Request-ID"] == request_id
        status, headers, _body = _get(f"{base}/static/web/lumbung.css")  # WhiteNoise
        assert status == 200 and "text/css" in headers["Content-Type"]

        # the background worker beside the server runs a queued import
        job_id = _lumbung(env, "shell", "--no-imports", "-c", QUEUE_IMPORT).strip().splitlines()[-1]
        check = (
            "from lumbung.core.imports.models import ImportJob; "
            f"print(ImportJob.objects.get(pk={job_id}).status)"
        )
        deadline = time.monotonic() + 90
        while (status_now := _lumbung(env, "shell", "--no-imports", "-c", check).strip()) != "done":
            assert time.monotonic() < deadline, f"the import stayed {status_now}"
            time.sleep(1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    assert server.returncode == 0
    log.seek(0)
    lines = [json.loads(line) for line in log if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "lumbung.access"]
    [page] = [line for line in access if line["path"] == "/inovasi/"]
    assert page["request_id"] == request_id and page["status"] == 200
    assert not [line for line in access if line["path"] == "/healthz/"]  # probes that pass
    # the worker is gone with the server
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert f"lumbung-serve-{server.pid}" not in ps
