"""The competitions API: a round set up in one document, entries, judging and results with the
same rules as the pages; JSON errors, nothing 500s on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lumbung.catalog.models import Award
from lumbung.competitions.models import Assignment, Entry, Round, Stage
from lumbung.competitions.services import judging

from ..competition_world import YEAR
from ..events.conftest import JsonClient, error_body
from .conftest import submitted_entry

pytestmark = pytest.mark.django_db


def _setup_document() -> dict:
    now = timezone.now()
    return {
        "groups": [
            {
                "code": "umum",
                "name": "Kelompok Umum",
                "sections": [{"title": "Ringkasan", "word_limit": 20}],
            },
            {
                "code": "replikasi",
                "name": "Kelompok Replikasi",
                "kind": "replication",
                "requires_inspiration": True,
                "sections": [
                    {"title": "Inspirasi", "word_limit": 100},
                    {"title": "Proses replikasi", "word_limit": 200},
                    {"title": "Perbedaan", "word_limit": 100},
                ],
            },
        ],
        "stages": [
            {
                "kind": "registration",
                "name": "Pendaftaran",
                "starts_at": (now - dt.timedelta(days=1)).isoformat(),
                "ends_at": (now + dt.timedelta(days=20)).isoformat(),
            },
            {
                "kind": "desk",
                "name": "Evaluasi",
                "starts_at": (now - dt.timedelta(days=1)).isoformat(),
                "ends_at": (now + dt.timedelta(days=40)).isoformat(),
                "blind": True,
                "criteria": [
                    {"name": "Kebaruan", "weight": "40"},
                    {"name": "Manfaat", "weight": "60", "scale_min": 0, "scale_max": 100},
                ],
                "quotas": [{"group": "umum", "top": 1, "award_level": "top_99"}],
            },
        ],
    }


def test_an_organiser_sets_up_opens_and_runs_a_round_through_the_api(cw):
    organiser = JsonClient(cw.panrb_admin)
    body = {
        "organiser": cw.panrb.pk,
        "title": "KIPP Baru",
        "year": YEAR,
        "level": "national",
        "time_zone": "Asia/Makassar",
    } | _setup_document()
    created = organiser.post("/competitions/rounds", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == "draft" and [g["code"] for g in data["groups"]] == ["umum", "replikasi"]
    assert data["stages"][1]["criteria"][1]["scale_max"] == 100
    assert data["stages"][0]["ends_label"].count("WITA") == 1
    slug = data["slug"]
    assert JsonClient(cw.officer).get(f"/competitions/rounds/{slug}").status_code == 404
    assert organiser.post(f"/competitions/rounds/{slug}/open").status_code == 200

    unit = JsonClient(cw.officer)
    started = unit.post(
        f"/competitions/rounds/{slug}/entries", {"group": "umum", "innovation": cw.published.slug}
    )
    assert started.status_code == 201, started.content
    entry = started.json()
    section = entry["answers"][0]["section"]
    too_long = unit.patch(
        f"/competitions/entries/{entry['id']}",
        {"answers": [{"section": section, "text": "kata " * 21}]},
    )
    assert "21 words; the limit is 20" in str(error_body(too_long, 422))
    fine = unit.patch(
        f"/competitions/entries/{entry['id']}",
        {"answers": [{"section": section, "text": "Barista tuli melayani pelanggan."}]},
    )
    assert fine.json()["answers"][0]["words"] == 4
    assert unit.post(f"/competitions/entries/{entry['id']}/send").json()["state"] == "at_agency"
    error_body(unit.post(f"/competitions/entries/{entry['id']}/submit"), 403)
    agency = JsonClient(cw.admin)
    assert agency.post(f"/competitions/entries/{entry['id']}/submit").json()["state"] == "submitted"
    checked = organiser.post(f"/competitions/entries/{entry['id']}/check", {"passed": True})
    assert checked.json()["state"] == "eligible"

    added = organiser.post(f"/competitions/rounds/{slug}/judges", {"user": cw.judge.pk})
    assert added.status_code == 201
    desk = Stage.objects.get(round__slug=slug, kind="desk")
    desk.judges_per_entry = 1
    desk.save()
    assert organiser.post(f"/competitions/stages/{desk.pk}/assign").json()["created"] == 1
    judge = JsonClient(cw.judge)
    mine = judge.get("/competitions/assignments").json()["items"]
    assert len(mine) == 1 and mine[0]["entry_title"] is None  # a blind stage
    blinded = judge.get(f"/competitions/entries/{entry['id']}").json()
    assert blinded["title"] == "" and blinded["agency"] is None and blinded["answers"]
    criteria = [c["id"] for c in data["stages"][1]["criteria"]]
    scores = {
        "scores": [{"criterion": criteria[0], "value": 8}, {"criterion": criteria[1], "value": 75}]
    }
    error_body(
        JsonClient(cw.judge_a).send(
            "put", f"/competitions/assignments/{mine[0]['id']}/scores", scores
        ),
        404,
    )
    saved = judge.send(
        "put", f"/competitions/assignments/{mine[0]['id']}/scores", scores | {"submit": True}
    )
    assert saved.status_code == 200 and saved.json()["submitted_at"]
    closed = organiser.post(f"/competitions/stages/{desk.pk}/close").json()
    assert closed["ranked"] == 1 and closed["kept"] == 1
    assert closed["agreement"] == {str(c): None for c in criteria}  # one judge: not computable
    assert JsonClient().get(f"/competitions/rounds/{slug}/results").json() == []
    assert organiser.post(f"/competitions/rounds/{slug}/publish").json() == {"awards_written": 1}
    public = JsonClient().get(f"/competitions/rounds/{slug}/results").json()
    assert [r["title"] for r in public] == ["Baris Ditebas"]
    assert Award.objects.filter(innovation=cw.published, level="top_99", year=YEAR).exists()


def test_a_set_up_with_mistakes_is_refused_whole(cw):
    organiser = JsonClient(cw.panrb_admin)
    document = _setup_document()
    document["stages"][1]["quotas"][0]["group"] = "tidak-ada"
    document["stages"][1]["criteria"][0]["scale_max"] = 1  # not above the lowest (1)
    body = {"organiser": cw.panrb.pk, "title": "Salah", "year": YEAR, "level": "national"}
    refused = organiser.post("/competitions/rounds", body | document)
    errors = error_body(refused, 422)["errors"]
    fields = {e["field"] for e in errors}
    assert "stages.1.quotas.0.group" in fields and "stages.1.criteria.0.scale_max" in fields
    assert not Round.objects.filter(title="Salah").exists()


@pytest.mark.parametrize(
    "body",
    ["{", [], {"organiser": 1}, {"organiser": 10**30, "title": "x", "year": 2026, "level": "x"}],
)
def test_malformed_round_documents_get_4xx(cw, body):
    response = JsonClient(cw.panrb_admin).post("/competitions/rounds", body)
    assert 400 <= response.status_code < 500


def test_other_people_cannot_act_on_a_round_or_read_others_entries(cw):
    entry = submitted_entry(cw, cw.published)
    slug = cw.round.slug
    for person in (cw.admin, cw.officer, cw.other_admin, cw.judge):
        api = JsonClient(person)
        error_body(api.post(f"/competitions/rounds/{slug}/publish"), 403)
        error_body(api.post(f"/competitions/stages/{cw.desk.pk}/assign"), 403)
        error_body(
            api.send("put", f"/competitions/rounds/{slug}/setup", {"groups": [], "stages": []}), 403
        )
    for person in (cw.other_officer, cw.other_admin, cw.judge, None):
        api = JsonClient(person)
        error_body(api.get(f"/competitions/entries/{entry.pk}"), 404)
        items = api.get(f"/competitions/rounds/{slug}/entries").json().get("items", [])
        assert entry.pk not in {i["id"] for i in items}
    organiser_items = JsonClient(cw.panrb_admin).get(f"/competitions/rounds/{slug}/entries").json()
    assert [i["id"] for i in organiser_items["items"]] == [entry.pk]


def test_a_judge_reads_only_their_own_assignments_and_scores(cw):
    entry = submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    a, b = Assignment.objects.filter(entry=entry).select_related("judge__user")
    first, second = JsonClient(a.judge.user), JsonClient(b.judge.user)
    scores = {"scores": [{"criterion": c.pk, "value": 6} for c in cw.desk.criteria.all()]}
    assert first.send("put", f"/competitions/assignments/{a.pk}/scores", scores).status_code == 200
    error_body(second.get(f"/competitions/assignments/{a.pk}"), 404)
    assert [x["id"] for x in second.get("/competitions/assignments").json()["items"]] == [b.pk]
    assert second.get(f"/competitions/assignments/{b.pk}").json()["scores"] == []
    progress = JsonClient(cw.panrb_admin).get(f"/competitions/stages/{cw.desk.pk}/progress").json()
    assert sorted(p["assigned"] for p in progress) == [1, 1]
    error_body(first.get(f"/competitions/stages/{cw.desk.pk}/progress"), 403)
    assert Entry.objects.get(pk=entry.pk).state == Entry.State.ELIGIBLE
