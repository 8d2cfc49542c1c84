"""Two people moving the same project at once cannot both succeed; a failure changes nothing."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lumbung.catalog.models import Innovation
from lumbung.core.models import AuditEntry
from lumbung.replication import gates, services
from lumbung.replication.models import DocumentKind, ReplicationProject, Stage, Transition
from lumbung.replication.services import TransitionConflict

from .conftest import add_doc, advance, concurrency_supported


@pytest.mark.django_db
def test_a_stale_page_cannot_move_the_project(rep):
    add_doc(rep.project, DocumentKind.COMMITMENT)
    alice_view = ReplicationProject.objects.get(pk=rep.project.pk)  # both load version 1
    bob_view = ReplicationProject.objects.get(pk=rep.project.pk)
    services.project_transition(
        actor=rep.other_officer, project=alice_view, to_stage=Stage.PLANNING
    )
    with pytest.raises(TransitionConflict) as exc:
        services.project_transition(
            actor=rep.named_facilitator, project=bob_view, to_stage=Stage.STOPPED, note="Batal"
        )
    assert exc.value.current_stage == Stage.PLANNING and exc.value.current_version == 2
    project = ReplicationProject.objects.get(pk=rep.project.pk)
    assert (project.stage, project.version) == (Stage.PLANNING, 2)
    assert project.transitions.count() == 2


@pytest.mark.django_db
def test_expected_stage_and_version_are_checked(rep):
    add_doc(rep.project, DocumentKind.COMMITMENT)
    with pytest.raises(TransitionConflict):
        services.project_transition(
            actor=rep.other_officer,
            project=rep.project,
            to_stage=Stage.PLANNING,
            expected_stage=Stage.IMPLEMENTATION,
        )
    with pytest.raises(TransitionConflict):
        services.project_transition(
            actor=rep.other_officer,
            project=rep.project,
            to_stage=Stage.PLANNING,
            expected_version=7,
        )
    services.project_transition(
        actor=rep.other_officer,
        project=rep.project,
        to_stage=Stage.PLANNING,
        expected_version=1,
        expected_stage=Stage.PREPARATION,
    )


@pytest.mark.django_db
def test_a_write_that_slips_past_the_lock_is_still_caught(rep, monkeypatch):
    """Even if the row lock did not serialise the two (a database without it), the update only
    applies WHERE version = the version read, so the second writer fails instead of
    overwriting."""
    add_doc(rep.project, DocumentKind.COMMITMENT)
    real = gates.missing_for

    def someone_else_moves_meanwhile(stage, kinds):
        ReplicationProject.objects.filter(pk=rep.project.pk).update(stage=Stage.STOPPED, version=2)
        return real(stage, kinds)

    monkeypatch.setattr(gates, "missing_for", someone_else_moves_meanwhile)
    with pytest.raises(TransitionConflict):
        services.project_transition(
            actor=rep.other_officer, project=rep.project, to_stage=Stage.PLANNING
        )
    assert Transition.objects.filter(project=rep.project).count() == 1


@pytest.mark.django_db
def test_a_failure_while_creating_the_replica_changes_nothing(rep, monkeypatch):
    advance(rep.project, Stage.PLANNING)
    add_doc(rep.project, DocumentKind.ACTION_PLAN)
    rep.project.refresh_from_db()
    before = {
        "innovations": Innovation.objects.count(),
        "audit": AuditEntry.objects.count(),
        "transitions": Transition.objects.count(),
    }

    def broken_hook(innovation):
        raise RuntimeError("search index down")

    from lumbung.catalog import hooks

    monkeypatch.setattr(hooks, "_changed", [broken_hook])
    with pytest.raises(RuntimeError):
        services.project_transition(
            actor=rep.other_officer, project=rep.project, to_stage=Stage.IMPLEMENTATION
        )
    project = ReplicationProject.objects.get(pk=rep.project.pk)
    assert (project.stage, project.version, project.replica_id) == (Stage.PLANNING, 2, None)
    assert {
        "innovations": Innovation.objects.count(),
        "audit": AuditEntry.objects.count(),
        "transitions": Transition.objects.count(),
    } == before


@pytest.mark.django_db(transaction=True)
def test_two_threads_moving_the_same_project_one_wins(request):
    if not concurrency_supported():
        pytest.skip("concurrent writers need a database file or PostgreSQL")
    rep = request.getfixturevalue("rep")
    add_doc(rep.project, DocumentKind.COMMITMENT)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def mover(actor, to_stage, note):
        try:
            view = ReplicationProject.objects.get(pk=rep.project.pk)
            barrier.wait()
            services.project_transition(actor=actor, project=view, to_stage=to_stage, note=note)
            outcomes.append("ok")
        except TransitionConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=mover, args=(rep.other_officer, Stage.PLANNING, "")),
        threading.Thread(target=mover, args=(rep.named_facilitator, Stage.STOPPED, "Batal")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert ReplicationProject.objects.get(pk=rep.project.pk).version == 2
