"""The adaptation record, the fidelity summary and the declared-form check."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lumbung.core import audit
from lumbung.replication import selectors, services
from lumbung.replication.models import FormDecision, Stage
from lumbung.replication.selectors import form_check

from .conftest import advance

pytestmark = pytest.mark.django_db

CHANGE = {
    "date": "2024-05-01",
    "when": "planning",
    "planned": "planned",
    "decided_by": "team",
    "what": "population",
    "nature": "tailoring",
    "fidelity": "consistent",
    "reasons": ["recipient"],
    "description": "Peserta: penyandang disabilitas mental, bukan intelektual.",
    "rationale": "Penerima manfaat sentra berbeda.",
}


def _set_form(project, form):
    project.declared_form = form
    project.save()


@pytest.mark.parametrize(
    ("form", "outcomes", "changes", "inconsistent", "stage", "expected"),
    [
        ("adoption", ["kept", "kept"], 0, 0, "implementation", ("", "")),
        ("adoption", ["kept", "adapted"], 1, 0, "planning", ("adoption_changed", "adaptation")),
        ("adoption", ["dropped"], 0, 0, "planning", ("adoption_changed", "modification")),
        ("adoption", ["kept"], 1, 1, "planning", ("adoption_changed", "modification")),
        ("adoption", [], 2, 0, "implementation", ("", "")),  # periphery changes only
        ("adaptation", ["kept", "adapted"], 2, 0, "implementation", ("", "")),
        ("adaptation", ["dropped"], 1, 0, "planning", ("adaptation_dropped", "modification")),
        ("adaptation", [], 1, 1, "planning", ("adaptation_dropped", "modification")),
        ("modification", [], 0, 0, "preparation", ("", "")),  # too early to say
        ("modification", [], 0, 0, "implementation", ("modification_unchanged", "adoption")),
        ("modification", ["kept"], 0, 0, "evaluation", ("modification_unchanged", "adoption")),
        ("modification", ["adapted"], 0, 0, "implementation", ("", "")),
        ("modification", [], 1, 0, "implementation", ("", "")),
    ],
)
def test_form_check(form, outcomes, changes, inconsistent, stage, expected):
    assert form_check(form, outcomes, changes, inconsistent, stage=stage) == expected


def test_fidelity_summary_counts_components_and_changes(rep):
    components = selectors.core_components(rep.project)
    assert components == [
        "Kader terlatih mendampingi peserta",
        "Produk dijual bersama mitra",
        "Berbasis komunitas",
    ]
    services.component_statuses_set(
        actor=rep.other_officer,
        project=rep.project,
        statuses={components[0]: "kept", components[1]: {"outcome": "adapted", "note": "Kafe"}},
    )
    services.adaptation_add(actor=rep.other_officer, project=rep.project, data=CHANGE)
    summary = selectors.fidelity_summary(rep.project)
    assert (summary.kept, summary.adapted, summary.dropped, summary.unassessed) == (1, 1, 0, 1)
    assert summary.changes == 1 and summary.by_fidelity == {"consistent": 1}
    assert not summary.mismatch  # an adaptation may adapt
    assert audit.history(rep.project).filter(action="project.components").exists()
    assert audit.history(rep.project).filter(action="project.adaptation_add").exists()


def test_components_must_be_the_sources_and_outcomes_known(rep):
    with pytest.raises(ValidationError):
        services.component_statuses_set(
            actor=rep.other_officer, project=rep.project, statuses={"Komponen lain": "kept"}
        )
    with pytest.raises(ValidationError):
        services.component_statuses_set(
            actor=rep.other_officer,
            project=rep.project,
            statuses={"Berbasis komunitas": "forgotten"},
        )
    assert not rep.project.component_statuses.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("when", "someday"),
        ("nature", "magic"),
        ("fidelity", "maybe"),
        ("reasons", ["astrology"]),
        ("description", ""),
        ("date", "2999-01-01"),
        ("date", "not a date"),
        ("component", "Bukan komponen inti"),
    ],
)
def test_adaptation_record_validates_frame_fields(rep, field, value):
    with pytest.raises(ValidationError) as exc:
        services.adaptation_add(
            actor=rep.other_officer, project=rep.project, data={**CHANGE, field: value}
        )
    assert field in exc.value.message_dict
    assert not rep.project.adaptations.exists()


def test_an_adoption_that_dropped_a_core_component_asks_for_a_decision(rep):
    _set_form(rep.project, "adoption")
    services.component_statuses_set(
        actor=rep.other_officer, project=rep.project, statuses={"Berbasis komunitas": "dropped"}
    )
    summary = selectors.fidelity_summary(rep.project)
    assert summary.mismatch == "adoption_changed" and summary.needs_decision
    assert summary.suggested_form == "modification"
    assert "adoption" in summary.mismatch_message

    with pytest.raises(ValidationError) as exc:  # keeping the form needs a reason
        services.form_decide(actor=rep.other_officer, project=rep.project, decision="confirm")
    assert "note" in exc.value.message_dict
    services.form_decide(
        actor=rep.other_officer,
        project=rep.project,
        decision="confirm",
        note="Komunitas belum terbentuk; tetap adopsi.",
    )
    summary = selectors.fidelity_summary(rep.project)
    assert summary.mismatch and not summary.needs_decision
    assert summary.decision.decided_by == rep.other_officer
    assert audit.history(rep.project).filter(action="project.form_decision").exists()

    # a later change of the record asks again
    services.component_statuses_set(
        actor=rep.other_officer,
        project=rep.project,
        statuses={"Produk dijual bersama mitra": "adapted"},
    )
    assert selectors.fidelity_summary(rep.project).needs_decision


def test_changing_the_form_follows_the_suggestion_and_clears_the_warning(rep):
    advance(rep.project, Stage.IMPLEMENTATION)
    rep.project.refresh_from_db()
    services.adaptation_add(
        actor=rep.other_officer, project=rep.project, data={**CHANGE, "fidelity": "inconsistent"}
    )
    assert selectors.fidelity_summary(rep.project).mismatch == "adaptation_dropped"
    decision = services.form_decide(
        actor=rep.named_facilitator, project=rep.project, decision="change", note="Disepakati"
    )
    assert (decision.from_form, decision.to_form) == ("adaptation", "modification")
    rep.project.refresh_from_db()
    assert rep.project.declared_form == "modification"
    rep.project.replica.refresh_from_db()
    assert rep.project.replica.replication_form == "modification"
    assert not selectors.fidelity_summary(rep.project).mismatch
    assert FormDecision.objects.filter(project=rep.project).count() == 1


def test_a_modification_without_recorded_change_is_flagged_once_it_runs(rep):
    _set_form(rep.project, "modification")
    assert not selectors.fidelity_summary(rep.project).mismatch
    advance(rep.project, Stage.IMPLEMENTATION)
    rep.project.refresh_from_db()
    summary = selectors.fidelity_summary(rep.project)
    assert summary.mismatch == "modification_unchanged" and summary.suggested_form == "adoption"
    with pytest.raises(ValidationError):
        services.form_decide(
            actor=rep.other_officer, project=rep.project, decision="change", to_form="modification"
        )
    with pytest.raises(ValidationError):
        services.form_decide(actor=rep.other_officer, project=rep.project, decision="maybe")
    services.adaptation_add(actor=rep.other_officer, project=rep.project, data=CHANGE)
    assert not selectors.fidelity_summary(rep.project).mismatch


def test_only_those_who_change_the_project_record_adaptations(rep):
    from django.core.exceptions import PermissionDenied

    for user in (rep.officer, rep.sibling_officer, rep.nobody, None):
        with pytest.raises(PermissionDenied):
            services.adaptation_add(actor=user, project=rep.project, data=CHANGE)
        with pytest.raises(PermissionDenied):
            services.form_decide(actor=user, project=rep.project, decision="confirm", note="x")
