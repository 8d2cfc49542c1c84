"""Two judges scoring the same entry at the same moment both keep their scores (each writes its
own assignment's rows, under its own row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from lumbung.competitions.models import Assignment, Score
from lumbung.competitions.services import judging

from ..replication.conftest import concurrency_supported
from .conftest import submitted_entry


@pytest.mark.django_db(transaction=True)
def test_two_judges_scoring_one_entry_at_once_both_keep_their_scores(request):
    if not concurrency_supported():
        pytest.skip("concurrent writers need a database file or PostgreSQL")
    cw = request.getfixturevalue("cw")
    entry = submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    pair = list(Assignment.objects.filter(entry=entry).select_related("judge__user"))
    criteria = list(cw.desk.criteria.all())
    barrier = threading.Barrier(len(pair))
    errors: list[BaseException] = []

    def score(assignment: Assignment, value: int) -> None:
        try:
            barrier.wait()
            judging.scores_save(
                actor=assignment.judge.user,
                assignment=assignment,
                values={c.pk: (value, "") for c in criteria},
                submit=True,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=score, args=(a, value))
        for a, value in zip(pair, (4, 9), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    kept = sorted(Score.objects.filter(assignment__entry=entry).values_list("value", flat=True))
    assert kept == [4] * len(criteria) + [9] * len(criteria)
    assert Assignment.objects.filter(entry=entry, submitted_at__isnull=False).count() == 2
