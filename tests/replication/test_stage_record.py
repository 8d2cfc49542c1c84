"""A project's stages as periods: finished stages hold their records and are collapsed on the
page, the current one is open with the gate and the move form."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lumbung.core.actors import SYSTEM
from lumbung.replication import selectors, services
from lumbung.replication.models import (
    Commitment,
    ProjectComment,
    ProjectDocument,
    Stage,
    Transition,
)

from .conftest import advance

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def _when(month: int, day: int = 1) -> dt.datetime:
    return dt.datetime(2024, month, day, 9, tzinfo=TZ)


def _history(rep):
    """Preparation from January, planning from March, implementation from May; a document, a
    session, a done and an open commitment and a comment during preparation; a comment now."""
    project = rep.project
    advance(project, Stage.IMPLEMENTATION)
    transitions = Transition.objects.filter(project=project).order_by("id")
    for t, month in zip(transitions, (1, 3, 5), strict=True):
        Transition.objects.filter(pk=t.pk).update(created_at=_when(month))
    ProjectDocument.objects.filter(project=project).update(uploaded_at=_when(2))
    services.session_create(
        actor=SYSTEM, project=project, date=dt.date(2024, 2, 10), mode="online", notes="Rapat"
    )
    done = services.commitment_create(
        actor=SYSTEM,
        owner_unit=project.adopting_unit,
        description="Surat komitmen",
        due_date=dt.date(2024, 2, 28),
        project=project,
    )
    still_open = services.commitment_create(
        actor=SYSTEM,
        owner_unit=project.adopting_unit,
        description="Anggaran",
        due_date=dt.date(2024, 12, 31),
        project=project,
    )
    Commitment.objects.filter(pk__in=[done.pk, still_open.pk]).update(created_at=_when(2, 5))
    Commitment.objects.filter(pk=done.pk).update(status=Commitment.Status.DONE)
    old = services.comment_add(actor=rep.officer, project=project, text="Awal")
    ProjectComment.objects.filter(pk=old.pk).update(created_at=_when(2, 20))
    services.comment_add(actor=rep.officer, project=project, text="Sekarang")
    return selectors.project_detail(project.pk)


def test_periods_hold_the_records_made_during_them(rep):
    project = _history(rep)
    record = selectors.stage_record(project)
    assert [(p.stage, p.is_current) for p in record.periods] == [
        (Stage.PREPARATION, False),
        (Stage.PLANNING, False),
        (Stage.IMPLEMENTATION, True),
    ]
    preparation, planning, implementation = record.periods
    assert preparation.ended_at == _when(3) and preparation.ended_by.to_stage == Stage.PLANNING
    assert preparation.number == 1 and implementation.number == 3
    # the commitment document uploaded in February (both gate documents were backdated there)
    assert len(preparation.documents) == 2 and preparation.sessions
    assert [c.description for c in preparation.commitments] == ["Surat komitmen"]
    assert [c.text for c in preparation.comments] == ["Awal"]
    assert preparation.records == 5 and planning.records == 0
    # the current stage's records and every open commitment stay on the page's own sections
    assert [c.description for c in record.commitments] == ["Anggaran"]
    assert [c.text for c in record.comments] == ["Sekarang"]
    assert record.documents == [] and record.sessions == []
    assert record.current is implementation and implementation.records == 1  # a comment
    assert record.earlier == {"documents": 2, "sessions": 1, "commitments": 1, "comments": 1}


def test_the_record_costs_no_query_of_its_own(rep, django_assert_num_queries):
    project = _history(rep)
    with django_assert_num_queries(0):
        selectors.stage_record(project)


def test_a_stopped_project_has_the_stopped_period_open(rep):
    from .conftest import move

    move(rep.project, Stage.STOPPED, note="Anggaran tidak ada")
    record = selectors.stage_record(selectors.project_detail(rep.project.pk))
    assert [p.stage for p in record.finished] == [Stage.PREPARATION]
    assert record.current.stage == Stage.STOPPED and record.current.number is None


def test_finished_stages_are_collapsed_and_the_current_one_is_open(rep, client):
    _history(rep)
    client.force_login(rep.other_officer)
    html = client.get(reverse("replication:project", args=[rep.project.pk])).content.decode()
    stage = html[html.index('id="stage"') : html.index('id="replica"')]
    periods = re.findall(
        r'<details class="stage-period([^"]*)"( open)?>\s*<summary>(.*?)</summary>', stage, re.S
    )
    assert [(cls.strip(), bool(is_open)) for cls, is_open, _s in periods] == [
        ("", False),
        ("", False),
        ("stage-current", True),
    ]
    summaries = [re.sub(r"\s+", " ", s) for _c, _o, s in periods]
    assert summaries[0].startswith("1. Preparation — finished")
    assert "· 5 records" in summaries[0] and "· 0 records" in summaries[1]
    assert summaries[2].startswith("3. Implementation — current stage since")
    # inside the collapsed stage: who moved it and its records; the move form in the open one
    first = stage[stage.index(summaries[0][:10]) : stage.index('class="stage-period stage-current')]
    assert "Moved to “planning and development”" in first and "Surat komitmen" in first
    current = stage[stage.index("stage-current") :]
    assert "Move the project" in current
    # the sections point to the records of finished stages
    assert "2 documents of finished stages are under their stage" in html
    assert "1 closed commitment of a finished stage is under its stage" in html
