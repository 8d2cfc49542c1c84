"""The worker of `lumbung serve` and `lumbung demo`: a thread in the server's process runs the
queued imports, so the one-command setup needs no second program."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import call_command

from lumbung.core.imports.models import ImportJob
from lumbung.core.imports.services import job_confirm, job_upload
from lumbung.organisations.models import Unit
from lumbung.platform import worker as worker_module
from lumbung.platform.management.commands import serve as serve_module
from tests.replication.conftest import concurrency_supported

UNITS = b"agency,name\nKementerian Sosial,Sentra Dari Antrean\n"


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_runs_a_queued_import(world, settings):
    if not concurrency_supported():
        # the tests' in-memory SQLite: a second thread's writes meet "table is locked" at once
        pytest.skip("concurrent writers need a database file or PostgreSQL")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert worker_module.uses_database_queue()
    job = job_upload(actor=world.admin, kind="units", content=UNITS, filename="u.csv")
    job_confirm(actor=world.admin, job=job)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.QUEUED
    background = worker_module.start_worker(interval=0.05)
    assert background is not None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE:
                break
            time.sleep(0.1)
    finally:
        assert background.stop(timeout=10)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    assert Unit.objects.filter(name="Sentra Dari Antrean").exists()


def test_no_worker_thread_for_tasks_run_at_once(settings):
    # the tests' backend runs each task when it is queued: nothing to poll
    assert not worker_module.uses_database_queue()
    assert worker_module.start_worker() is None


def test_serve_starts_the_worker_and_stops_it(monkeypatch):
    events = []

    class Fake:
        def stop(self, timeout: float = 2.0) -> bool:
            events.append("stop")
            return True

    monkeypatch.setattr(serve_module, "start_worker", lambda: events.append("start") or Fake())
    monkeypatch.setattr(serve_module, "call_command", lambda *a, **k: events.append("serve"))
    out = io.StringIO()
    call_command("serve", "--port", "8124", stdout=out, stderr=io.StringIO())
    assert events == ["start", "serve", "stop"]
    assert "Background tasks (imports) run in this process." in out.getvalue()

    events.clear()
    call_command("serve", "--no-worker", stdout=io.StringIO(), stderr=io.StringIO())
    assert events == ["serve"]
