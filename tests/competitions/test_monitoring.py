"""A monitoring round: past winners report whether they still run and which replications they
spawned (from the lineage); publishing writes the answers to the catalog's statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lumbung.catalog.models import Award, Innovation
from lumbung.competitions.models import Assignment, Entry, Group
from lumbung.competitions.services import entries, judging, results
from lumbung.competitions.services.entries import StatusReport

from ..competition_world import YEAR, make_round
from ..events.conftest import JsonClient
from ..factories import InnovationFactory


@pytest.fixture
def mw(cw):
    w = cw
    w.monitoring = make_round(w.panrb, title=f"Pemantauan {YEAR}", level="monitoring")
    w.sustain = w.monitoring.groups.get(code="khusus")  # past winners only
    for innovation in (w.published, w.other_published):
        Award.objects.create(innovation=innovation, year=YEAR - 3, level=Award.Level.TOP_99)
    w.replica = InnovationFactory(
        unit=w.other_unit,
        name="Barista Tuli Kota",
        source=w.published,
        replication_form="adaptation",
        generation=1,
        publication_state="published",
    )
    w.second = InnovationFactory(
        unit=w.other_unit,
        name="Barista Tuli Desa",
        source=w.replica,
        replication_form="adoption",
        generation=2,
        publication_state="published",
    )
    return w


def _report(w, innovation, status: StatusReport, actor) -> Entry:
    entry = entries.entry_create(
        actor=actor, round_=w.monitoring, group=w.sustain, innovation=innovation
    )
    entries.entry_update(actor=actor, entry=entry, status=status)
    return entry


def test_a_stopped_winner_reports_and_the_catalog_learns_it_when_published(mw):
    stopped_on = timezone.localdate() - dt.timedelta(days=40)
    entry = entries.entry_create(
        actor=mw.other_officer,
        round_=mw.monitoring,
        group=mw.sustain,
        innovation=mw.other_published,
    )
    with pytest.raises(ValidationError, match="still running"):
        entries.entry_send(actor=mw.other_officer, entry=entry)
    with pytest.raises(ValidationError) as err:
        entries.entry_update(
            actor=mw.other_officer, entry=entry, status=StatusReport(continuing=False)
        )
    assert {"stopped_on", "stop_reason"} <= set(err.value.message_dict)
    entries.entry_update(
        actor=mw.other_officer,
        entry=entry,
        status=StatusReport(continuing=False, stopped_on=stopped_on, reason="Anggaran dihentikan."),
    )
    running = _report(mw, mw.published, StatusReport(continuing=True), mw.officer)
    for e, unit_actor, agency_actor in (
        (entry, mw.other_officer, mw.other_admin),
        (running, mw.officer, mw.admin),
    ):
        entries.entry_send(actor=unit_actor, entry=e)
        entries.entry_submit(actor=agency_actor, entry=e)
        entries.entry_check(actor=mw.panrb_admin, entry=e, passed=True)
    for person in (mw.judge_a, mw.judge_b):
        judging.judge_add(actor=mw.panrb_admin, round_=mw.monitoring, user=person)
    judging.stage_assign(actor=mw.panrb_admin, stage=mw.monitoring.stages.get(kind="desk"))
    stage = mw.monitoring.stages.get(kind="desk")
    for a in Assignment.objects.filter(stage=stage).select_related("judge__user"):
        judging.scores_save(
            actor=a.judge.user,
            assignment=a,
            values={c.pk: (6, "") for c in stage.criteria.all()},
            submit=True,
        )
    results.stage_close(actor=mw.panrb_admin, stage=stage)
    assert Innovation.objects.get(pk=mw.other_published.pk).status == "continuing"
    results.results_publish(actor=mw.panrb_admin, round_=mw.monitoring)
    stopped = Innovation.objects.get(pk=mw.other_published.pk)
    assert stopped.status == "stopped" and stopped.status_since == stopped_on
    assert stopped.stop_reason == "Anggaran dihentikan."
    assert stopped.status_changes.get().status == "stopped"
    assert not Innovation.objects.get(pk=mw.published.pk).status_changes.exists()  # unchanged


def test_the_replications_it_spawned_come_from_the_lineage(mw, client):
    entry = _report(mw, mw.published, StatusReport(continuing=True), mw.officer)
    client.force_login(mw.officer)
    page = client.get(reverse("competitions:entry", args=[entry.pk])).content.decode()
    assert "Barista Tuli Kota" in page and "Barista Tuli Desa" in page
    data = JsonClient(mw.officer).get(f"/competitions/entries/{entry.pk}").json()
    assert data["replications"] == [mw.replica.slug, mw.second.slug]
    assert data["continuing"] is True


def test_the_status_question_belongs_to_monitoring_rounds_only(mw):
    entry = entries.entry_create(
        actor=mw.officer, round_=mw.round, group=mw.general, innovation=mw.published
    )
    with pytest.raises(ValidationError, match="Only a monitoring round"):
        entries.entry_update(actor=mw.officer, entry=entry, status=StatusReport(continuing=True))
    assert Group.objects.filter(round=mw.monitoring).count() == 3


def test_the_unit_answers_on_the_entry_page(mw, client):
    entry = entries.entry_create(
        actor=mw.officer, round_=mw.monitoring, group=mw.sustain, innovation=mw.published
    )
    client.force_login(mw.officer)
    url = reverse("competitions:entry", args=[entry.pk])
    refused = client.post(url, {"continuing": "0", "stopped_on": "", "stop_reason": ""})
    assert (
        refused.status_code == 200
        and "Say when the innovation stopped." in refused.content.decode()
    )
    client.post(
        url,
        {
            "continuing": "0",
            "stopped_on": str(timezone.localdate()),
            "stop_reason": "Tidak ada SDM.",
        },
    )
    entry.refresh_from_db()
    assert entry.continuing is False and entry.stop_reason == "Tidak ada SDM."
