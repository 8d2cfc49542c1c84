"""A unit or its agency withdraws an entry until the results are published: its judges'
unsubmitted work goes, the stage closes without it; nobody else may withdraw it."""

from __future__ import annotations

from django.urls import reverse

from lumbung.competitions.models import Assignment, Entry, Result
from lumbung.competitions.services import judging, results

from ..events.conftest import JsonClient, error_body
from .conftest import submitted_entry


def test_the_unit_withdraws_on_the_entry_page_and_the_stage_closes_without_it(client, cw):
    mine = submitted_entry(cw, cw.published)
    theirs = submitted_entry(cw, cw.other_published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    url = reverse("competitions:entry_decide", args=[mine.pk])
    client.force_login(cw.other_officer)
    assert client.post(url, {"action": "withdraw"}).status_code == 404
    client.force_login(cw.officer)
    page = client.get(reverse("competitions:entry", args=[mine.pk])).content.decode()
    assert "Withdraw from the round" in page
    client.post(url, {"action": "withdraw", "reason": "Belum siap."})
    mine.refresh_from_db()
    assert mine.state == Entry.State.WITHDRAWN and mine.reason == "Belum siap."
    assert not Assignment.objects.filter(entry=mine).exists()
    for a in Assignment.objects.select_related("judge__user"):
        judging.scores_save(
            actor=a.judge.user,
            assignment=a,
            values={c.pk: (7, "") for c in cw.desk.criteria.all()},
            submit=True,
        )
    results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    assert list(Result.objects.values_list("entry_id", flat=True)) == [theirs.pk]


def test_withdrawing_through_the_api(cw):
    entry = submitted_entry(cw, cw.published)
    error_body(JsonClient(cw.other_admin).post(f"/competitions/entries/{entry.pk}/withdraw"), 404)
    done = JsonClient(cw.admin).post(f"/competitions/entries/{entry.pk}/withdraw", {"reason": "x"})
    assert done.json()["state"] == "withdrawn"
    error_body(JsonClient(cw.admin).post(f"/competitions/entries/{entry.pk}/withdraw"), 422)


def test_a_judge_taken_out_of_the_pool_frees_their_entries_for_another(client, cw):
    entry = submitted_entry(cw, cw.other_published)  # judged by judge_a and judge_b only
    cw.desk.judges_per_entry = 1
    cw.desk.save()
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    gone = Assignment.objects.get(entry=entry).judge
    client.force_login(cw.panrb_admin)
    action = reverse("competitions:manage_action", args=[cw.round.slug])
    client.post(action, {"action": "remove_judge", "judge": gone.pk})
    gone.refresh_from_db()
    assert not gone.active and not Assignment.objects.exists()
    client.post(action, {"action": "assign", "stage": cw.desk.pk})
    replacement = Assignment.objects.get(entry=entry).judge
    assert replacement != gone and replacement.active
    client.force_login(cw.admin)
    assert (
        client.post(action, {"action": "remove_judge", "judge": replacement.pk}).status_code == 403
    )
