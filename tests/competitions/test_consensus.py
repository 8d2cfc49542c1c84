"""Panel consensus: the pair scores alone, then agrees one score per criterion (proposed by one,
confirmed by the other); the stage is ranked on the agreed scores and cannot close without
them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lumbung.competitions.models import Assignment, Consensus, Result
from lumbung.competitions.services import consensus as panel
from lumbung.competitions.services import judging, results
from lumbung.core.policies import permitted

from .conftest import submitted_entry


@pytest.fixture
def pw(cw):
    w = cw
    w.desk.consensus = True
    w.desk.save()
    w.mine = submitted_entry(w, w.published)
    w.theirs = submitted_entry(w, w.other_published)
    judging.stage_assign(actor=w.panrb_admin, stage=w.desk)
    w.criteria = list(w.desk.criteria.all())
    return w


def _submit_all(w, value: int = 6) -> None:
    for a in Assignment.objects.select_related("judge__user"):
        judging.scores_save(
            actor=a.judge.user,
            assignment=a,
            values={c.pk: (value, "") for c in w.criteria},
            submit=True,
        )


def test_the_pair_agrees_after_scoring_alone_and_the_stage_ranks_on_it(pw):
    a, b = Assignment.objects.filter(entry=pw.mine).select_related("judge__user")
    agreed = {c.pk: 9 for c in pw.criteria}
    with pytest.raises(ValidationError, match="scores alone first"):
        panel.consensus_propose(actor=a.judge.user, stage=pw.desk, entry=pw.mine, values=agreed)
    _submit_all(pw)
    with pytest.raises(PermissionDenied):
        panel.consensus_propose(actor=pw.panrb_admin, stage=pw.desk, entry=pw.mine, values=agreed)
    proposal = panel.consensus_propose(
        actor=a.judge.user, stage=pw.desk, entry=pw.mine, values=agreed, comment="Sepakat."
    )
    with pytest.raises(ValidationError, match="Another panellist"):
        panel.consensus_confirm(actor=a.judge.user, consensus=proposal)
    with pytest.raises(ValidationError, match="no agreed panel scores"):
        results.stage_close(actor=pw.panrb_admin, stage=pw.desk)
    panel.consensus_confirm(actor=b.judge.user, consensus=proposal)
    for assignment in Assignment.objects.filter(entry=pw.theirs).select_related("judge__user")[:1]:
        other = panel.consensus_propose(
            actor=assignment.judge.user,
            stage=pw.desk,
            entry=pw.theirs,
            values={c.pk: 4 for c in pw.criteria},
        )
    second = Assignment.objects.filter(entry=pw.theirs).exclude(judge=other.proposed_by).first()
    panel.consensus_confirm(actor=second.judge.user, consensus=other)
    results.stage_close(actor=pw.panrb_admin, stage=pw.desk)
    ranks = dict(Result.objects.values_list("entry_id", "rank"))
    assert ranks == {pw.mine.pk: 1, pw.theirs.pk: 2}
    # ranked on the agreed 9s and 4s, not on the judges' own 6s: (9-1)/9*100
    assert Result.objects.get(entry=pw.mine).raw == pytest.approx(800 / 9)
    with pytest.raises(ValidationError, match="closed"):
        panel.consensus_propose(actor=a.judge.user, stage=pw.desk, entry=pw.mine, values=agreed)


def test_a_proposal_is_refused_outside_the_scale_and_seen_only_by_the_panel(pw):
    _submit_all(pw)
    a = Assignment.objects.filter(entry=pw.mine).select_related("judge__user").first()
    with pytest.raises(ValidationError) as err:
        panel.consensus_propose(
            actor=a.judge.user, stage=pw.desk, entry=pw.mine, values={pw.criteria[0].pk: 11}
        )
    assert len(err.value.message_dict) == len(pw.criteria)
    assert not Consensus.objects.exists()
    panel.consensus_propose(
        actor=a.judge.user, stage=pw.desk, entry=pw.mine, values={c.pk: 7 for c in pw.criteria}
    )
    assert permitted(a.judge.user, "competition_consensus.view", Consensus.objects.all()).exists()
    assert permitted(pw.panrb_admin, "competition_consensus.view", Consensus.objects.all()).exists()
    for person in (pw.officer, pw.admin, None):
        assert not permitted(person, "competition_consensus.view", Consensus.objects.all()).exists()


def test_the_panel_agrees_on_the_scoring_page(client, pw):
    _submit_all(pw)
    a, b = Assignment.objects.filter(entry=pw.mine).select_related("judge__user")
    client.force_login(a.judge.user)
    page = client.get(reverse("competitions:score", args=[a.pk])).content.decode()
    assert "Propose the agreed scores" in page
    data = {f"agreed_{c.pk}": 8 for c in pw.criteria} | {"action": "propose"}
    client.post(reverse("competitions:consensus", args=[a.pk]), data)
    assert Consensus.objects.get().values == {str(c.pk): 8 for c in pw.criteria}
    client.force_login(b.judge.user)
    page = client.get(reverse("competitions:score", args=[b.pk])).content.decode()
    assert "I agree: confirm these scores" in page
    client.post(reverse("competitions:consensus", args=[b.pk]), {"action": "confirm"})
    assert Consensus.objects.get().is_agreed
