"""The import page: upload → preview (or every bad row) → confirm → progress → result, the kinds
each person may import, who may see an import, the limits, and the background run on the
database queue with its worker."""

from __future__ import annotations

import signal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from lumbung.core.imports import progress
from lumbung.core.imports.models import ImportJob
from lumbung.core.imports.registry import Outcome
from lumbung.core.imports.services import fail_interrupted_jobs, job_run
from lumbung.core.models import AuditEntry
from lumbung.organisations.models import Unit, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

UNITS_OK = (
    "agency,name,kind,parent,region\n"
    "Kementerian Sosial,Direktorat Rehabilitasi Sosial Anak,directorate,,\n"
    "Kementerian Sosial,Sentra Handayani,sentra,Direktorat Rehabilitasi Sosial Anak,31.72\n"
)
UNITS_BAD = (
    "agency,name,kind,parent,region\n"
    ",Sentra Tanpa Instansi,sentra,,\n"
    "Kementerian Sosial,Sentra Terpadu Kartini Temanggung,sentra,,\n"
    "Kementerian Sosial,Sentra Salah Wilayah,sentra,,99.99\n"
    "Pemerintah Kota Contoh,Dinas Lain,dinas,,\n"
)


def upload(client: Client, kind: str, text: str | bytes, name: str = "data.csv", **extra):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        "/impor/", {"kind": kind, "file": SimpleUploadedFile(name, content)}, **extra
    )


def last_job() -> ImportJob:
    return ImportJob.objects.latest("pk")


def test_the_whole_flow_upload_preview_confirm_progress_result(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.admin)
    page = client.get("/impor/")
    assert page.status_code == 200
    assert [k.key for k in page.context["kinds"]] == [
        "innovations",
        "units",
        "people",
        "measurements",
    ]
    assert 'href="/impor/"' in page.content.decode()  # in the navigation

    response = upload(client, "units", UNITS_OK, "unit kerja.csv")
    job = last_job()
    assert response.status_code == 302 and response["Location"] == f"/impor/{job.pk}/"
    assert job.status == ImportJob.Status.CHECKED and job.created_by == world.admin
    assert bytes(job.content) == UNITS_OK.encode() and job.filename == "unit kerja.csv"
    preview = client.get(f"/impor/{job.pk}/").content.decode()
    assert "Preview: nothing has been written yet" in preview
    assert "Direktorat Rehabilitasi Sosial Anak" in preview and "Import these 2 rows" in preview
    assert "under Direktorat Rehabilitasi Sosial Anak (line 2)" in preview
    assert not Unit.objects.filter(name="Sentra Handayani").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/impor/{job.pk}/jalankan/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.started_at and job.finished_at
    assert job.done == job.total == 2
    child = Unit.objects.get(name="Sentra Handayani")
    assert child.parent.name == "Direktorat Rehabilitasi Sosial Anak" and child.region_id == "31.72"
    assert AuditEntry.objects.filter(action="import.confirm", actor=world.admin).exists()

    status = client.get(f"/impor/{job.pk}/status/", headers={"HX-Request": "true"})
    assert status.status_code == 200
    fragment = status.content.decode()
    assert "The import is finished." in fragment and "hx-get" not in fragment
    assert 'hx-swap-oob="innerHTML"' in fragment  # tells the screen reader once

    result = client.get(f"/impor/{job.pk}/").content.decode()
    assert "Result: the import is written" in result
    assert "Written: 2 units created." in result
    assert f'href="/instansi/{world.agency.slug}/unit/{child.slug}/"' in result

    again = client.post(f"/impor/{job.pk}/jalankan/")  # a second confirm starts nothing
    assert again.status_code == 302
    assert Unit.objects.filter(name="Sentra Handayani").count() == 1


def test_bad_rows_are_listed_with_line_and_reason_and_nothing_can_be_run(world, login):
    client = login(world.admin)
    upload(client, "units", UNITS_BAD)
    job = last_job()
    assert job.status == ImportJob.Status.REJECTED
    outcome = Outcome.from_dict(job.report)
    assert outcome.rejected_lines == [2, 3, 4, 5]
    page = client.get(f"/impor/{job.pk}/").content.decode()
    assert "The file cannot be imported; nothing has been written" in page
    assert "The agency is missing." in page
    assert "is already in Kementerian Sosial" in page
    assert "Unknown region code “99.99”" in page
    assert "You may not add units to Pemerintah Kota Contoh" in page  # a row, not a 403
    assert "jalankan" not in page
    client.post(f"/impor/{job.pk}/jalankan/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REJECTED
    assert not Unit.objects.filter(name__startswith="Sentra Salah").exists()


def test_row_errors_are_in_indonesian_by_default(world, client, indonesian):
    assert client.login(username=world.admin.username, password=PASSWORD)
    upload(client, "units", UNITS_BAD)
    page = client.get(f"/impor/{last_job().pk}/").content.decode()
    assert "Instansi belum diisi." in page
    assert "Kode wilayah “99.99” tidak dikenal" in page
    assert "Berkas tidak dapat diimpor; belum ada yang ditulis" in page


def test_each_person_sees_the_kinds_they_may_import(world, login):
    kinds = lambda user: [k.key for k in login(user).get("/impor/").context["kinds"]]  # noqa: E731
    assert kinds(world.officer) == ["innovations", "measurements"]
    assert kinds(world.platform_admin) == ["innovations", "units", "people", "measurements"]
    for user in (world.viewer, world.nobody, world.judge):
        response = login(user).get("/impor/")
        assert response.status_code == 403
    officer = login(world.officer)
    response = upload(officer, "units", UNITS_OK)
    assert response.status_code == 400 and not ImportJob.objects.exists()
    assert b"Select a valid choice" in response.content


def test_an_officer_imports_innovations_into_their_own_unit_only(
    world, login, django_capture_on_commit_callbacks
):
    header = "name,acronym_expansion,agency,unit,year,award,sector,problem,solution,source_url\n"
    own = "Layanan Baru,,Kementerian Sosial,Sentra Terpadu Kartini Temanggung,2021,,social,,,\n"
    other = "Layanan Lain,,Kementerian Sosial,Sentra Wyata Guna Bandung,2021,,social,,,\n"
    client = login(world.officer)
    upload(client, "innovations", header + own + other)
    job = last_job()
    assert job.status == ImportJob.Status.REJECTED
    (problem,) = Outcome.from_dict(job.report).problems
    assert problem.line == 3 and "You may not add innovations to the unit" in problem.message

    upload(client, "innovations", header + own)
    job = last_job()
    assert job.status == ImportJob.Status.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/impor/{job.pk}/jalankan/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    innovation = world.unit.innovations.get(name="Layanan Baru")
    assert innovation.publication_state == "draft" and innovation.created_by == world.officer
    page = client.get(f"/impor/{job.pk}/").content.decode()
    assert f'href="/ruang-kerja/inovasi/{innovation.slug}/"' in page


def test_people_import_from_the_page_sends_the_emails_after_the_run(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.admin)
    upload(
        client,
        "people",
        "surel,nama,instansi,peran,unit_kerja\n"
        "petugas@kemensos.go.id,Petugas Baru,Kementerian Sosial,petugas inovasi unit,"
        "Sentra Wyata Guna Bandung\n",
    )
    job = last_job()
    assert job.status == ImportJob.Status.CHECKED
    page = client.get(f"/impor/{job.pk}/").content.decode()
    assert "new account: an e-mail with a link to choose a password will be sent" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/impor/{job.pk}/jalankan/")
    assert [m.to for m in mail.outbox] == [["petugas@kemensos.go.id"]]
    assert User.objects.get(email="petugas@kemensos.go.id").memberships.count() == 1


def test_only_the_uploader_and_platform_admins_see_an_import(world, login):
    client = login(world.admin)
    upload(client, "units", UNITS_OK)
    job = last_job()
    assert client.get(f"/impor/{job.pk}/berkas/").content == UNITS_OK.encode()
    for user in (world.other_admin, world.officer, world.viewer):
        other = login(user)
        for path in ("", "status/", "berkas/"):
            assert other.get(f"/impor/{job.pk}/{path}").status_code == 404
        assert other.post(f"/impor/{job.pk}/jalankan/").status_code == 404
    root = login(world.platform_admin)
    assert root.get(f"/impor/{job.pk}/").status_code == 200
    assert root.post(f"/impor/{job.pk}/jalankan/").status_code == 403  # it runs as its uploader
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert Client().get(f"/impor/{job.pk}/").status_code == 302  # to the login page


def test_file_size_and_row_limits(world, login, settings):
    client = login(world.admin)
    settings.LUMBUNG_IMPORT_MAX_BYTES = 100
    response = upload(client, "units", UNITS_OK + "x" * 100)
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert "the limit is 100" in response.content.decode()

    settings.LUMBUNG_IMPORT_MAX_BYTES = 5 * 1024 * 1024
    settings.LUMBUNG_IMPORT_MAX_ROWS = 1
    response = upload(client, "units", UNITS_OK)
    assert response.status_code == 400
    assert "more than 1 rows; at most 1 rows can be imported at once" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_default_limits_are_five_megabytes_and_five_thousand_rows(world, login):
    page = login(world.admin).get("/impor/").content.decode()
    assert "At most 5.0\xa0MB and 5,000 rows." in page


def test_unreadable_and_empty_files_are_refused_with_a_reason(world, login):
    client = login(world.admin)
    upload(client, "units", b"%PDF-1.4 binary \xff\xfe")
    outcome = Outcome.from_dict(last_job().report)
    assert "not UTF-8 text" in outcome.file_problems[0].message
    upload(client, "units", "agency,name\n")
    assert "no rows to import" in Outcome.from_dict(last_job().report).file_problems[0].message
    response = upload(client, "units", b"")
    assert response.status_code == 400


def test_example_files_and_the_documented_columns(world, login):
    client = login(world.admin)
    page = client.get("/impor/").content.decode()
    assert "directorate_general" in page and "unit_officer" in page  # accepted values
    example = client.get("/impor/contoh/units.csv")
    assert example["Content-Type"].startswith("text/csv")
    text = example.content.decode("utf-8-sig")
    assert text.startswith("agency,name,short_name,kind,parent,region\r\n")
    assert login(world.officer).get("/impor/contoh/units.csv").status_code == 404


def test_the_progress_fragment_polls_while_running_and_announces_quarters(world, login):
    client = login(world.admin)
    upload(client, "units", UNITS_OK)
    job = last_job()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    progress.publish(job.pk, "write", 1, 2)
    page = client.get(f"/impor/{job.pk}/").content.decode()
    assert 'role="status" aria-live="polite"' in page
    assert 'hx-trigger="every 1s"' in page and "Refresh the status" in page
    assert '<progress aria-labelledby="import-progress-label" max="2" value="1">' in page
    fragment = client.get(
        f"/impor/{job.pk}/status/?announced=write-50", headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-swap-oob" not in fragment  # nothing new to say
    assert "?announced=write-50" in fragment
    fragment = client.get(
        f"/impor/{job.pk}/status/?announced=write-25", headers={"HX-Request": "true"}
    ).content.decode()
    assert "Writing rows: 50 percent done." in fragment
    plain = client.get(f"/impor/{job.pk}/status/")
    assert plain.status_code == 302 and plain["Location"] == f"/impor/{job.pk}/"
    progress.forget(job.pk)


def test_an_import_refused_at_run_time_writes_nothing(world, login):
    """The rights are those of the moment it runs: an admin who lost them writes nothing."""
    client = login(world.admin)
    upload(client, "units", UNITS_OK)
    job = last_job()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    world.admin.memberships.all().delete()
    assert job_run(job.pk) == ImportJob.Status.FAILED
    job.refresh_from_db()
    assert Outcome.from_dict(job.report).rejected_lines == [2, 3]
    assert not Unit.objects.filter(name="Sentra Handayani").exists()
    assert job_run(job.pk) == "skipped"


def test_an_interrupted_run_is_marked_failed(world):
    job = ImportJob.objects.create(
        kind="units",
        status=ImportJob.Status.RUNNING,
        filename="x.csv",
        content=b"agency,name\n",
        size=12,
        language="en",
        created_by=world.admin,
        runner=f"{__import__('socket').gethostname()}:999999999",
    )
    assert fail_interrupted_jobs() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "interrupted" in Outcome.from_dict(job.report).problems[0].message


def test_the_page_of_an_import_whose_worker_is_gone_says_so(world, login):
    job = ImportJob.objects.create(
        kind="units",
        status=ImportJob.Status.RUNNING,
        filename="x.csv",
        content=b"agency,name\n",
        size=12,
        language="en",
        created_by=world.admin,
        runner=f"{__import__('socket').gethostname()}:999999999",
    )
    page = login(world.admin).get(f"/impor/{job.pk}/").content.decode()
    assert "The import failed; nothing was written" in page
    assert "interrupted (the server stopped)" in page


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_its_worker_run_the_import(world, settings, client):
    """With the database backend the confirmation only queues the task; the worker (run once,
    as `lumbung db_worker --batch`) writes the import, and the e-mails go once it commits."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.login(username=world.admin.username, password=PASSWORD)
    upload(
        client,
        "people",
        "email,name,agency,role,unit\nantre@kemensos.go.id,Antre,Kementerian Sosial,viewer,\n",
    )
    job = last_job()
    client.post(f"/impor/{job.pk}/jalankan/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "lumbung.core.imports.tasks.run_import"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    page = client.get(f"/impor/{job.pk}/").content.decode()
    assert "Waiting for the background worker" in page
    assert not User.objects.filter(email="antre@kemensos.go.id").exists()

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == "done"
    assert User.objects.filter(email="antre@kemensos.go.id").exists()
    assert [m.to for m in mail.outbox] == [["antre@kemensos.go.id"]]
