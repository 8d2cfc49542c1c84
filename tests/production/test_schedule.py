"""Scheduled jobs: each runs once per time slot, however many servers run the scheduler."""

from __future__ import annotations

import io
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from lumbung.platform import schedule
from lumbung.platform.models import ScheduledRun
from lumbung.platform.schedule import Job

WIB = ZoneInfo("Asia/Jakarta")


def test_slots_are_the_latest_due_time_in_wib():
    hourly = Job("remind", "remind", (), "hour", "15")
    daily = Job("digest", "digest", (), "day", "07:00")
    now = datetime(2026, 12, 1, 9, 10, tzinfo=WIB)
    assert hourly.latest_slot(now) == datetime(2026, 12, 1, 8, 15, tzinfo=WIB)
    assert daily.latest_slot(now) == datetime(2026, 12, 1, 7, 0, tzinfo=WIB)
    early = datetime(2026, 12, 1, 6, 59, tzinfo=WIB)
    assert daily.latest_slot(early) == datetime(2026, 11, 30, 7, 0, tzinfo=WIB)
    # the machine's clock in UTC makes no difference: 00:30 UTC is 07:30 WIB
    assert daily.latest_slot(datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("UTC"))) == datetime(
        2026, 12, 1, 7, 0, tzinfo=WIB
    )


@pytest.mark.parametrize("spec", [{"every": "week"}, {"every": "hour", "at": "75"}])
def test_a_malformed_job_is_refused_when_read(spec):
    with pytest.raises(ValueError):
        Job.from_setting({"name": "x", "command": "check", **spec})


@pytest.mark.django_db
def test_a_job_runs_once_per_slot(monkeypatch):
    ran = []
    monkeypatch.setattr(schedule, "call_command", lambda *a, **k: ran.append(a))
    job = Job("remind", "remind", ("--no-email",), "hour", "0")
    now = datetime(2026, 12, 1, 9, 10, tzinfo=WIB)
    [run] = schedule.run_due([job], now=now)
    assert run.outcome == ScheduledRun.Outcome.DONE and run.finished_at is not None
    # a second server (or cron again) in the same hour: nothing to do
    assert schedule.run_due([job], now=now.replace(minute=50)) == []
    # the next hour: runs again
    assert len(schedule.run_due([job], now=now.replace(hour=10, minute=1))) == 1
    assert ran == [("remind", "--no-email"), ("remind", "--no-email")]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_with_its_reason_and_the_others_still_run(monkeypatch):
    def command(name, *args, **kwargs):
        if name == "digest":
            raise RuntimeError("SMTP down")
        kwargs["stdout"].write("3 reminders")

    monkeypatch.setattr(schedule, "call_command", command)
    jobs = [Job("digest", "digest", (), "day", "07:00"), Job("remind", "remind", (), "hour", "0")]
    runs = schedule.run_due(jobs, now=datetime(2026, 12, 1, 9, 10, tzinfo=WIB))
    outcome = {run.job: (run.outcome, run.output) for run in runs}
    assert outcome["digest"][0] == ScheduledRun.Outcome.FAILED
    assert "RuntimeError: SMTP down" in outcome["digest"][1]
    assert outcome["remind"] == (ScheduledRun.Outcome.DONE, "3 reminders")


@pytest.mark.django_db(transaction=True)
def test_two_servers_at_the_same_moment_run_the_job_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (the scaled-out set-up)")
    ran = []
    monkeypatch.setattr(schedule, "call_command", lambda *a, **k: ran.append(a))
    job = Job("insights_summary", "insights_summary", (), "day", "02:00")
    now = datetime(2026, 12, 1, 2, 0, 30, tzinfo=WIB)
    barrier = threading.Barrier(4)
    results = []

    def server():
        from django.db import connection as own

        barrier.wait()
        try:
            results.append(len(schedule.run_due([job], now=now)))
        finally:
            own.close()

    threads = [threading.Thread(target=server) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert ran == [("insights_summary",)]
    assert ScheduledRun.objects.filter(job="insights_summary").count() == 1


@pytest.mark.django_db
def test_the_scheduler_command_runs_the_configured_jobs(settings, monkeypatch):
    settings.LUMBUNG_SCHEDULE = [{"name": "check", "command": "check", "every": "hour", "at": "0"}]
    out = io.StringIO()
    call_command("scheduler", stdout=out)
    assert "check (" in out.getvalue() and ": done" in out.getvalue()
    out = io.StringIO()
    call_command("scheduler", stdout=out)
    assert out.getvalue() == ""  # the same slot: already run
    listed = io.StringIO()
    call_command("scheduler", "--list", stdout=listed)
    assert "check: lumbung check" in listed.getvalue()


def test_the_shipped_schedule_names_real_commands():
    from django.core.management import get_commands

    commands = get_commands()
    for job in schedule.configured_jobs():
        assert job.command in commands, job
