"""Paths between pages (issue 10): commitments close when their project reaches the stage they
were for; history shows human labels; titles are cut at word boundaries."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from lumbung.core import audit
from lumbung.core.actors import SYSTEM
from lumbung.core.text import shorten
from lumbung.replication import services
from lumbung.replication.models import Commitment, Stage

from .conftest import advance

SRC = Path(__file__).resolve().parents[2] / "src" / "lumbung"


def _commit(rep, **kwargs):
    return services.commitment_create(
        actor=rep.named_facilitator,
        owner_unit=rep.other_unit,
        description="Memulai implementasi replika di dinas",
        due_date=dt.date(2024, 6, 30),
        project=rep.project,
        **kwargs,
    )


@pytest.mark.django_db
class TestCommitmentsCloseWithTheirStage:
    def test_reaching_the_stage_marks_the_commitment_done_with_an_audit_entry(self, rep):
        for_implementation = _commit(rep, for_stage=Stage.IMPLEMENTATION)
        for_evaluation = _commit(rep, for_stage=Stage.EVALUATION)
        by_hand = _commit(rep)
        advance(rep.project, Stage.PLANNING)
        for_implementation.refresh_from_db()
        assert for_implementation.status == Commitment.Status.OPEN
        advance(rep.project, Stage.IMPLEMENTATION)
        for c in (for_implementation, for_evaluation, by_hand):
            c.refresh_from_db()
        assert for_implementation.status == Commitment.Status.DONE
        assert for_implementation.completed_at is not None
        assert not for_implementation.is_overdue
        assert for_evaluation.status == Commitment.Status.OPEN
        assert by_hand.status == Commitment.Status.OPEN
        entry = audit.history(for_implementation).first()
        assert entry.action == "commitment.fulfil"
        assert entry.changes == {"status": ["open", "done"]}

    def test_passing_the_stage_closes_it_too(self, rep):
        planning = _commit(rep, for_stage=Stage.PLANNING)
        advance(rep.project, Stage.EVALUATION)
        planning.refresh_from_db()
        assert planning.status == Commitment.Status.DONE

    def test_a_commitment_for_a_stage_already_reached_is_done_at_once(self, rep):
        advance(rep.project, Stage.IMPLEMENTATION)
        late = _commit(rep, for_stage=Stage.PLANNING)
        assert late.status == Commitment.Status.DONE

    def test_stopping_fulfils_nothing(self, rep):
        c = _commit(rep, for_stage=Stage.PREPARATION)  # the project is there: done at once
        assert c.status == Commitment.Status.DONE
        other = _commit(rep, for_stage=Stage.PLANNING)
        services.project_transition(
            actor=SYSTEM, project=rep.project, to_stage=Stage.STOPPED, note="Anggaran dipotong"
        )
        other.refresh_from_db()
        assert other.status == Commitment.Status.OPEN

    def test_only_a_projects_commitment_has_a_stage(self, rep):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as exc:
            services.commitment_create(
                actor=SYSTEM,
                owner_unit=rep.other_unit,
                description="Tanpa proyek",
                due_date=dt.date(2024, 6, 30),
                programme=rep.programme,
                for_stage=Stage.PLANNING,
            )
        assert "for_stage" in exc.value.message_dict

    def test_the_project_page_form_sets_the_stage(self, rep, client):
        client.force_login(rep.other_officer)
        response = client.post(
            f"/replikasi/proyek/{rep.project.pk}/komitmen/",
            {
                "owner_unit": rep.other_unit.pk,
                "description": "Rencana aksi disahkan",
                "due_date": "2024-07-01",
                "for_stage": Stage.PLANNING,
            },
        )
        assert response.status_code == 302
        commitment = Commitment.objects.get(description="Rencana aksi disahkan")
        assert commitment.for_stage == Stage.PLANNING


@pytest.mark.django_db
def test_history_shows_human_labels_not_codes(rep, client):
    commitment = _commit(rep)
    client.force_login(rep.other_officer)
    page = client.get(f"/replikasi/komitmen/{commitment.pk}/").content.decode()
    assert "commitment.create" not in page
    assert "commitment recorded" in page


def test_every_audited_action_has_a_label():
    """Every action a service records (``action="x.y"``) is named for people."""
    import django.apps  # noqa: F401  (apps are ready under pytest-django)

    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit" not in text:
            continue
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
        codes |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"\s*if publish else', text))
        codes |= set(re.findall(r'_record_update\([^)]*"([a-z_]+\.[a-z_]+)"', text))
    labels = audit.labelled_actions()
    assert len(codes) > 40
    missing = sorted(c for c in codes if c not in labels)
    assert missing == []
    assert audit.action_label("commitment.create") == "commitment recorded"


def test_titles_are_cut_at_word_boundaries():
    text = "Adaptasi “Sheltered Workshop Peduli (SWP)” (acara pembelajaran replikasi Kartini)"
    short = shorten(text, 40)
    assert len(short) <= 40
    assert short.endswith("…")
    assert text.startswith(short[:-1])
    assert text[len(short) - 1] == " "  # the cut falls between words
    assert shorten("pendek", 40) == "pendek"
    assert str(Commitment(description=text * 2)).endswith("…")
    assert " ".join(str(Commitment(description=text * 2)).rstrip("…").split()[-1:]) in text
