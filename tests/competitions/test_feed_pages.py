"""An internal selection feeds the national round on pages and through the API: created with
the round it feeds, its kept entries carried over without retyping."""

from __future__ import annotations

from django.urls import reverse

from lumbung.competitions.models import Assignment, Entry, Round, Stage
from lumbung.competitions.services import entries, judging, results

from ..competition_world import YEAR, make_round
from ..events.conftest import JsonClient


def _closed_selection(cw) -> Round:
    internal = make_round(cw.agency, title=f"Seleksi Kemensos {YEAR}", level="internal")
    internal.feeds = cw.round
    internal.save()
    general = internal.groups.get(code="umum")
    entry = entries.entry_create(
        actor=cw.officer, round_=internal, group=general, innovation=cw.published
    )
    entries.entry_update(
        actor=cw.officer, entry=entry, answers={general.sections.get().pk: "Teks internal."}
    )
    entries.entry_send(actor=cw.officer, entry=entry)
    entries.entry_submit(actor=cw.admin, entry=entry)
    entries.entry_check(actor=cw.admin, entry=entry, passed=True)
    judging.judge_add(actor=cw.admin, round_=internal, user=cw.judge)
    stage = internal.stages.get(kind=Stage.Kind.DESK)
    judging.stage_assign(actor=cw.admin, stage=stage)
    for a in Assignment.objects.filter(stage=stage):
        judging.scores_save(
            actor=cw.judge,
            assignment=a,
            values={c.pk: (8, "") for c in stage.criteria.all()},
            submit=True,
        )
    results.stage_close(actor=cw.admin, stage=stage)
    return internal


def test_the_new_round_form_names_the_round_it_feeds(client, cw):
    client.force_login(cw.admin)
    client.post(
        reverse("competitions:new"),
        {
            "organiser": cw.agency.pk,
            "title": "Seleksi Internal",
            "year": YEAR,
            "level": "internal",
            "time_zone": "Asia/Jakarta",
            "feeds": cw.round.pk,
        },
    )
    assert Round.objects.get(title="Seleksi Internal").feeds == cw.round


def test_carrying_the_kept_entries_over_on_the_organisers_page(client, cw):
    internal = _closed_selection(cw)
    client.force_login(cw.admin)
    page = client.get(reverse("competitions:manage", args=[internal.slug])).content.decode()
    assert "Carry the kept entries over" in page
    group = internal.groups.get(code="umum")
    client.post(
        reverse("competitions:manage_action", args=[internal.slug]),
        {"action": "feed", f"group_{group.pk}": cw.general.pk},
    )
    carried = Entry.objects.get(round=cw.round)
    assert carried.state == Entry.State.AT_AGENCY and carried.answers.get().text == "Teks internal."
    client.force_login(cw.other_admin)
    refused = client.post(
        reverse("competitions:manage_action", args=[internal.slug]), {"action": "feed"}
    )
    assert refused.status_code in (403, 404)


def test_carrying_over_through_the_api(cw):
    internal = _closed_selection(cw)
    made = JsonClient(cw.admin).post(
        f"/competitions/rounds/{internal.slug}/feed", {"groups": {"umum": "umum"}}
    )
    assert made.status_code == 201, made.content
    assert [e["state"] for e in made.json()] == ["at_agency"]
    again = JsonClient(cw.admin).post(
        f"/competitions/rounds/{internal.slug}/feed", {"groups": {"umum": "umum"}}
    )
    assert again.json() == []
