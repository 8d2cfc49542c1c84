"""Every stage rule and gate of a replication project."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from lumbung.core import audit
from lumbung.replication import gates, services
from lumbung.replication.models import DocumentKind, Stage, Transition

from .conftest import add_doc, advance, move

pytestmark = pytest.mark.django_db


def test_a_new_project_is_in_preparation_with_its_start_recorded(rep):
    project = rep.project
    assert project.stage == Stage.PREPARATION
    assert project.version == 1
    start = Transition.objects.get(project=project)
    assert (start.from_stage, start.to_stage, start.actor) == (
        "",
        Stage.PREPARATION,
        rep.other_officer,
    )
    assert audit.history(project).filter(action="project.start").exists()


def test_planning_needs_the_signed_commitment(rep):
    with pytest.raises(ValidationError) as exc:
        move(rep.project, Stage.PLANNING, rep.other_officer)
    assert "signed replication commitment" in str(exc.value)
    rep.project.refresh_from_db()
    assert rep.project.stage == Stage.PREPARATION
    assert rep.project.transitions.count() == 1

    add_doc(rep.project, DocumentKind.COMMITMENT)
    t = move(rep.project, Stage.PLANNING, rep.other_officer, note="Komitmen ditandatangani")
    assert (t.from_stage, t.to_stage, t.note) == (
        Stage.PREPARATION,
        Stage.PLANNING,
        "Komitmen ditandatangani",
    )
    rep.project.refresh_from_db()
    assert rep.project.stage == Stage.PLANNING and rep.project.version == 2


def test_implementation_needs_the_action_plan(rep):
    advance(rep.project, Stage.PLANNING)
    with pytest.raises(ValidationError, match="action plan"):
        move(rep.project, Stage.IMPLEMENTATION)
    add_doc(rep.project, DocumentKind.ACTION_PLAN)
    move(rep.project, Stage.IMPLEMENTATION)
    rep.project.refresh_from_db()
    assert rep.project.stage == Stage.IMPLEMENTATION


def test_evaluation_needs_no_document_to_start(rep):
    advance(rep.project, Stage.IMPLEMENTATION)
    move(rep.project, Stage.EVALUATION)
    rep.project.refresh_from_db()
    assert rep.project.stage == Stage.EVALUATION


def test_institutionalised_needs_the_evaluation_report_and_a_decree_or_sop(rep):
    advance(rep.project, Stage.EVALUATION)
    with pytest.raises(ValidationError) as exc:
        move(rep.project, Stage.INSTITUTIONALISED)
    message = str(exc.value)
    assert "evaluation report" in message and "decree (SK)" in message and " or " in message
    add_doc(rep.project, DocumentKind.EVALUATION_REPORT)
    with pytest.raises(ValidationError) as exc:
        move(rep.project, Stage.INSTITUTIONALISED)
    assert "evaluation report" not in str(exc.value)
    add_doc(rep.project, DocumentKind.DECREE)  # a decree is as good as an SOP
    move(rep.project, Stage.INSTITUTIONALISED)
    rep.project.refresh_from_db()
    assert rep.project.stage == Stage.INSTITUTIONALISED


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.PREPARATION, Stage.IMPLEMENTATION),
        (Stage.PREPARATION, Stage.INSTITUTIONALISED),
        (Stage.PLANNING, Stage.PREPARATION),
        (Stage.IMPLEMENTATION, Stage.PLANNING),
        (Stage.EVALUATION, Stage.EVALUATION),
    ],
    ids=["skip-planning", "skip-to-end", "back-to-preparation", "back-to-planning", "same"],
)
def test_stages_cannot_be_skipped_or_reversed(rep, current, target):
    advance(rep.project, current)
    for kind in DocumentKind.values:  # every document present: only the order refuses
        add_doc(rep.project, kind)
    with pytest.raises(ValidationError, match="cannot move"):
        move(rep.project, target)
    rep.project.refresh_from_db()
    assert rep.project.stage == current


def test_institutionalised_is_the_end_but_can_still_stop(rep):
    advance(rep.project, Stage.INSTITUTIONALISED)
    assert gates.allowed_targets(Stage.INSTITUTIONALISED) == [Stage.STOPPED]


@pytest.mark.parametrize(
    "stage",
    [
        Stage.PREPARATION,
        Stage.PLANNING,
        Stage.IMPLEMENTATION,
        Stage.EVALUATION,
        Stage.INSTITUTIONALISED,
    ],
)
def test_stop_from_any_stage_needs_a_reason_and_resume_returns_there(rep, stage):
    advance(rep.project, stage)
    with pytest.raises(ValidationError, match="why"):
        move(rep.project, Stage.STOPPED, note="  ")
    move(rep.project, Stage.STOPPED, note="Anggaran dipotong")
    rep.project.refresh_from_db()
    assert rep.project.stage == Stage.STOPPED
    assert rep.project.stopped_from == stage
    assert rep.project.stop_reason == "Anggaran dipotong"
    assert gates.allowed_targets(Stage.STOPPED, stopped_from=stage) == [stage]
    with pytest.raises(ValidationError):
        move(rep.project, Stage.PREPARATION if stage != Stage.PREPARATION else Stage.PLANNING)
    move(rep.project, stage, note="Anggaran tersedia lagi")
    rep.project.refresh_from_db()
    assert rep.project.stage == stage
    assert rep.project.stop_reason == "" and rep.project.stopped_from == ""


def test_unknown_stage_is_a_validation_error(rep):
    with pytest.raises(ValidationError):
        move(rep.project, "flying")


def test_every_transition_is_recorded_and_audited(rep):
    advance(rep.project, Stage.EVALUATION, rep.other_officer)
    rows = list(rep.project.transitions.values_list("from_stage", "to_stage"))
    assert rows == [
        ("", Stage.PREPARATION),
        (Stage.PREPARATION, Stage.PLANNING),
        (Stage.PLANNING, Stage.IMPLEMENTATION),
        (Stage.IMPLEMENTATION, Stage.EVALUATION),
    ]
    entries = audit.history(rep.project).filter(action="project.transition")
    assert entries.count() == 3
    assert {e.actor for e in entries} == {rep.other_officer}
    assert entries.first().changes["stage"] == [Stage.IMPLEMENTATION, Stage.EVALUATION]


def test_gates_are_configurable(rep, settings):
    settings.REPLICATION_GATES = {
        "planning": [["learning_visit"]],
        "implementation": [["agreement", "budget"], ["action_plan"]],
    }
    with pytest.raises(ValidationError, match="learning visit report"):
        move(rep.project, Stage.PLANNING)
    add_doc(rep.project, DocumentKind.LEARNING_VISIT)
    move(rep.project, Stage.PLANNING)
    add_doc(rep.project, DocumentKind.ACTION_PLAN)
    with pytest.raises(ValidationError, match="budget document"):
        move(rep.project, Stage.IMPLEMENTATION)
    add_doc(rep.project, DocumentKind.BUDGET)
    move(rep.project, Stage.IMPLEMENTATION)
    # no gate configured for institutionalised any more
    move(rep.project, Stage.EVALUATION)
    move(rep.project, Stage.INSTITUTIONALISED)


@pytest.mark.parametrize(
    "bad",
    [{"planning": [["passport"]]}, {"heaven": [["decree"]]}, {"planning": [[]]}],
    ids=["unknown-kind", "unknown-stage", "empty-requirement"],
)
def test_a_wrong_gate_configuration_fails_loudly(settings, bad):
    settings.REPLICATION_GATES = bad
    with pytest.raises(ImproperlyConfigured):
        gates.check_configuration()


def test_document_upload_sniffs_the_content(rep):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile(
        "komitmen.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        services.project_document_add(
            actor=rep.other_officer, project=rep.project, kind="commitment", title="", upload=fake
        )
    assert "file" in exc.value.message_dict
    assert not rep.project.documents.exists()
    with pytest.raises(ValidationError) as exc:
        services.project_document_add(
            actor=rep.other_officer,
            project=rep.project,
            kind="passport",
            title="x",
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
        )
    assert "kind" in exc.value.message_dict


def test_removing_a_document_keeps_the_history(rep):
    document = add_doc(rep.project, DocumentKind.COMMITMENT)
    services.project_document_remove(actor=rep.other_officer, document=document)
    assert not rep.project.documents.exists()
    assert audit.history(rep.project).filter(action="project.document_remove").exists()
    with pytest.raises(ValidationError):
        move(rep.project, Stage.PLANNING)
