"""Versions and concurrent edits of an innovation: every write raises the version and records it;
an edit based on an old version is merged field by field, or refused without writing anything."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from lumbung.catalog import editing, services
from lumbung.catalog.editing import EditConflict, Seen
from lumbung.catalog.models import Innovation
from lumbung.core import audit
from lumbung.core.models import AuditEntry

from ..replication.conftest import concurrency_supported

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF


def _version(innovation: Innovation) -> int:
    return Innovation.objects.values_list("version", flat=True).get(pk=innovation.pk)


def _last_entry(innovation: Innovation) -> AuditEntry:
    return audit.history(innovation).order_by("-id").first()


@pytest.mark.django_db
def test_every_write_raises_the_version_and_records_it(world):
    draft = world.draft
    writes = [
        lambda: services.innovation_update(
            actor=world.officer,
            innovation=draft,
            data={"summary": "Ringkasan", "problem": "Masalah", "implementation": "Cara"},
        ),
        lambda: services.team_set(
            actor=world.officer, innovation=draft, members=[{"name": "Sri", "role_title": ""}]
        ),
        lambda: services.innovation_set_status(
            actor=world.officer,
            innovation=draft,
            status=Innovation.Status.STOPPED,
            date=dt.date(2024, 1, 1),
            reason="Selesai",
        ),
        lambda: services.award_add(
            actor=world.officer, innovation=draft, level="top_99", year=2020
        ),
        lambda: services.award_remove(actor=world.officer, award=draft.awards.get()),
        lambda: services.evidence_add(
            actor=world.officer,
            innovation=draft,
            kind="photo",
            title="Bukti",
            upload=SimpleUploadedFile("b.pdf", PDF),
        ),
        lambda: services.evidence_remove(actor=world.officer, evidence=draft.evidence.get()),
        lambda: services.innovation_submit(actor=world.officer, innovation=draft),
        lambda: services.innovation_return(actor=world.admin, innovation=draft, reason="Kurang"),
        lambda: services.innovation_submit(actor=world.officer, innovation=draft),
        lambda: services.innovation_publish(actor=world.admin, innovation=draft),
    ]
    for write in writes:
        before = _version(draft)
        write()
        assert _version(draft) == before + 1
        assert _last_entry(draft).changes["version"] == [before, before + 1]


@pytest.mark.django_db
def test_a_save_that_changes_nothing_keeps_the_version(world):
    before = _version(world.draft)
    services.innovation_update(
        actor=world.officer, innovation=world.draft, data={"name": world.draft.name}
    )
    services.team_set(actor=world.officer, innovation=world.draft, members=[])
    assert _version(world.draft) == before


@pytest.mark.django_db
def test_changed_since_names_the_fields_and_who(world):
    start = _version(world.draft)
    services.innovation_update(actor=world.officer, innovation=world.draft, data={"summary": "a"})
    services.innovation_update(actor=world.admin, innovation=world.draft, data={"problem": "b"})
    changed = editing.changed_since(world.draft, start)
    assert set(changed) == {"summary", "problem"}
    assert changed["problem"].actor == world.admin and changed["summary"].actor == world.officer
    assert set(editing.changed_since(world.draft, start + 1)) == {"problem"}
    assert editing.changed_since(world.draft, start + 2) == {}


def _loaded(innovation: Innovation) -> Seen:
    fresh = Innovation.objects.get(pk=innovation.pk)
    return Seen(version=fresh.version, values=editing.state_of(fresh))


@pytest.mark.django_db
def test_different_fields_are_merged(world):
    alice, bob = _loaded(world.draft), _loaded(world.draft)
    services.innovation_update(
        actor=world.officer, innovation=world.draft, data={"summary": "Dari Alice"}, seen=alice
    )
    # Bob's form sends every field: the summary as he loaded it, his new problem
    form = {**editing.state_of(world.draft), "summary": bob.values["summary"], "problem": "Bob"}
    form.pop("team")
    services.innovation_update(actor=world.admin, innovation=world.draft, data=form, seen=bob)
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert (stored.summary, stored.problem) == ("Dari Alice", "Bob")


@pytest.mark.django_db
def test_the_same_field_changed_differently_writes_nothing(world):
    alice, bob = _loaded(world.draft), _loaded(world.draft)
    problem = world.draft.problem
    services.innovation_update(
        actor=world.officer, innovation=world.draft, data={"summary": "Dari Alice"}, seen=alice
    )
    version, entries = _version(world.draft), AuditEntry.objects.count()
    with pytest.raises(EditConflict) as exc:
        services.innovation_update(
            actor=world.admin,
            innovation=world.draft,
            data={"summary": "Dari Bob", "problem": "Bob"},
            seen=bob,
        )
    assert [c.field for c in exc.value.conflicts] == ["summary"]
    conflict = exc.value.conflicts[0]
    assert (conflict.theirs, conflict.yours) == ("Dari Alice", "Dari Bob")
    assert conflict.entry.actor == world.officer
    assert exc.value.mine == {"problem"} and exc.value.current_version == version
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert (stored.summary, stored.problem, stored.version) == ("Dari Alice", problem, version)
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_the_same_change_by_both_is_no_conflict(world):
    alice, bob = _loaded(world.draft), _loaded(world.draft)
    services.innovation_update(
        actor=world.officer, innovation=world.draft, data={"summary": "Sama"}, seen=alice
    )
    services.innovation_update(
        actor=world.admin, innovation=world.draft, data={"summary": "Sama\r\n"}, seen=bob
    )
    assert Innovation.objects.get(pk=world.draft.pk).summary == "Sama"


@pytest.mark.django_db
def test_a_strict_edit_is_refused_after_any_change(world):
    seen = Seen(version=_version(world.draft), merge=False)
    services.award_add(actor=world.officer, innovation=world.draft, level="top_99", year=2020)
    with pytest.raises(EditConflict) as exc:
        services.innovation_update(
            actor=world.officer, innovation=world.draft, data={"summary": "x"}, seen=seen
        )
    assert list(exc.value.changed) == ["award"] and exc.value.conflicts == []
    assert Innovation.objects.get(pk=world.draft.pk).summary == world.draft.summary


@pytest.mark.django_db
def test_a_write_that_slips_past_the_lock_is_still_caught(world, monkeypatch):
    """Were the row lock not to serialise two savers, the version is raised only WHERE it is the
    one read: the second fails instead of overwriting."""
    real = services._validate

    def someone_else_saves_meanwhile(innovation):
        Innovation.objects.filter(pk=innovation.pk).update(summary="Lain", version=99)
        return real(innovation)

    monkeypatch.setattr(services, "_validate", someone_else_saves_meanwhile)
    with pytest.raises(EditConflict):
        services.innovation_update(
            actor=world.officer, innovation=world.draft, data={"summary": "Saya"}
        )
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert stored.summary != "Saya"


@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_one_field_from_one_version_one_wins(request):
    if not concurrency_supported():
        pytest.skip("concurrent writers need a database file or PostgreSQL")
    world = request.getfixturevalue("world")
    seen = _loaded(world.draft)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def saver(actor, text):
        try:
            barrier.wait()
            services.innovation_update(
                actor=actor, innovation=world.draft, data={"summary": text}, seen=seen
            )
            outcomes.append("ok")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=saver, args=(world.officer, "Dari Alice")),
        threading.Thread(target=saver, args=(world.admin, "Dari Bob")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert stored.version == seen.version + 1
    assert stored.summary in {"Dari Alice", "Dari Bob"}
