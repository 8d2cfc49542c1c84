"""Rules a review found missing, each shown to hold: blind judges never reach the entrant's page,
saving the set-up keeps untouched parts, internal selections take their own agency's entries,
published rounds are frozen, stages close in order and only when every entry was judged, a group
without a quota keeps its entries, fed entries meet the national group's rules, bad set-up lines
are refused, the workspace counts criteria right, a deactivated judge no longer scores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lumbung.competitions.models import Assignment, Entry, Result, Round, Stage
from lumbung.competitions.services import entries, judging, results
from lumbung.competitions.setup_forms import parse_criteria

from ..competition_world import YEAR, make_round
from ..events.conftest import JsonClient
from .conftest import submitted_entry
from .test_setup_pages import LOCAL, _management


def _score_all(stage, value=7):
    for a in Assignment.objects.filter(stage=stage, submitted_at__isnull=True).select_related(
        "judge__user"
    ):
        judging.scores_save(
            actor=a.judge.user,
            assignment=a,
            values={c.pk: (value, "") for c in stage.criteria.all()},
            submit=True,
        )


def test_a_blind_judge_never_reaches_the_entry_page_or_its_documents(client, cw):
    cw.desk.blind = True
    cw.desk.save()
    entry = submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    assignment = Assignment.objects.filter(entry=entry).select_related("judge__user").first()
    client.force_login(assignment.judge.user)
    assert client.get(reverse("competitions:entry", args=[entry.pk])).status_code == 404
    assert client.get(reverse("competitions:score", args=[assignment.pk])).status_code == 200
    redacted = JsonClient(assignment.judge.user).get(f"/competitions/entries/{entry.pk}").json()
    assert redacted["title"] == "" and redacted["unit"] is None


def test_saving_the_set_up_page_keeps_the_parts_nobody_touched(client, cw):
    draft = make_round(cw.panrb, title="KIPP Salinan", level="national")
    Round.objects.filter(pk=draft.pk).update(state=Round.State.DRAFT)
    client.force_login(cw.panrb_admin)
    url = reverse("competitions:setup", args=[draft.slug])
    page = client.get(url)
    groups, stages = page.context["groups"], page.context["stages"]
    # the existing parts as the browser posts them back (the empty extra forms left out)
    data = _management("groups", groups.initial_form_count(), groups.initial_form_count())
    data |= _management("stages", stages.initial_form_count(), stages.initial_form_count())
    for prefix, formset in (("groups", groups), ("stages", stages)):
        for i, form in enumerate(formset.forms[: formset.initial_form_count()]):
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if isinstance(value, dt.datetime):
                    value = value.strftime(LOCAL)
                if value in (None, False):
                    continue
                if isinstance(value, list):
                    data[f"{prefix}-{i}-{name}"] = value
                else:
                    data[f"{prefix}-{i}-{name}"] = "on" if value is True else str(value)
    data["groups-0-name"] = "Kelompok Umum (baru)"
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["groups"].errors,
        response.context["stages"].errors,
        [str(m) for m in response.context["messages"]],
    )
    assert sorted(draft.groups.values_list("code", flat=True)) == ["khusus", "replikasi", "umum"]
    assert draft.groups.get(code="umum").name == "Kelompok Umum (baru)"
    assert draft.stages.count() == 3


def test_an_internal_selection_takes_its_own_agencys_innovations_only(cw):
    internal = make_round(cw.agency, title="Seleksi Kemensos", level="internal")
    with pytest.raises(ValidationError, match="organising agency"):
        entries.entry_create(
            actor=cw.other_officer,
            round_=internal,
            group=internal.groups.get(code="umum"),
            innovation=cw.other_published,
        )
    assert not Entry.objects.exists()


def test_stages_close_in_order_only_when_every_entry_was_judged(cw):
    entry = submitted_entry(cw, cw.published)
    now = timezone.now()
    final = Stage.objects.create(
        round=cw.round,
        kind=Stage.Kind.FINAL,
        name="Final",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=9),
        order=9,
    )
    with pytest.raises(ValidationError, match="before this one"):
        results.stage_close(actor=cw.panrb_admin, stage=final)
    with pytest.raises(ValidationError, match="no judge yet"):
        results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    with pytest.raises(ValidationError, match="not submitted yet"):
        results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    _score_all(cw.desk)
    results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    assert Result.objects.get(entry=entry).kept


def test_a_group_without_a_quota_keeps_its_entries(cw):
    from lumbung.catalog.models import Award, Innovation

    from ..factories import InnovationFactory

    Award.objects.create(innovation=cw.published, year=YEAR - 2, level=Award.Level.TOP_99)
    replica = InnovationFactory(
        unit=cw.other_unit, name="Replika", source=cw.published, replication_form="adoption"
    )
    Innovation.objects.filter(pk=replica.pk).update(start_date=cw.published.start_date)
    replica.refresh_from_db()
    submitted_entry(cw, cw.other_published)
    entry = entries.entry_create(
        actor=cw.other_officer, round_=cw.round, group=cw.replication, innovation=replica
    )
    entries.entry_update(
        actor=cw.other_officer,
        entry=entry,
        answers={s.pk: "Kami meniru." for s in cw.replication.sections.all()},
    )
    entries.entry_send(actor=cw.other_officer, entry=entry)
    entries.entry_submit(actor=cw.other_admin, entry=entry)
    entries.entry_check(actor=cw.panrb_admin, entry=entry, passed=True)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    _score_all(cw.desk)
    results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    assert Result.objects.get(entry=entry).kept  # the replication group has no quota


def test_a_published_round_is_frozen_and_publishing_again_changes_nothing(cw):
    entry = submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    _score_all(cw.desk)
    results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    assert results.results_publish(actor=cw.panrb_admin, round_=cw.round) == 1
    with pytest.raises(ValidationError, match="published"):
        entries.entry_check(actor=cw.panrb_admin, entry=entry, passed=False, reason="x")
    assert results.results_publish(actor=cw.panrb_admin, round_=cw.round) == 0


def test_fed_entries_meet_the_national_groups_rules(cw):
    internal = make_round(cw.agency, title="Seleksi Kemensos", level="internal")
    internal.feeds = cw.round
    internal.save()
    general = internal.groups.get(code="umum")
    entry = entries.entry_create(
        actor=cw.officer, round_=internal, group=general, innovation=cw.published
    )
    entries.entry_update(actor=cw.officer, entry=entry, answers={general.sections.get().pk: "x"})
    entries.entry_send(actor=cw.officer, entry=entry)
    entries.entry_submit(actor=cw.admin, entry=entry)
    entries.entry_check(actor=cw.admin, entry=entry, passed=True)
    judging.judge_add(actor=cw.admin, round_=internal, user=cw.judge)
    stage = internal.stages.get(kind="desk")
    judging.stage_assign(actor=cw.admin, stage=stage)
    _score_all(stage)
    results.stage_close(actor=cw.admin, stage=stage)
    with pytest.raises(ValidationError, match="past winners"):
        results.feed_entries(
            actor=cw.admin, source=internal, target=cw.round, groups={general.pk: cw.special}
        )
    assert not cw.round.entries.exists()


def test_bad_set_up_lines_are_refused_not_crashed(cw):
    with pytest.raises(ValidationError):
        parse_criteria("Kebaruan | NaN | 1-10")
    response = JsonClient(cw.panrb_admin).post(
        "/competitions/rounds",
        {
            "organiser": cw.panrb.pk,
            "title": "Dua kuota",
            "year": YEAR,
            "level": "national",
            "groups": [{"code": "umum", "name": "Umum"}],
            "stages": [
                {
                    "kind": "desk",
                    "name": "Evaluasi",
                    "starts_at": timezone.now().isoformat(),
                    "ends_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
                    "criteria": [{"name": "K"}],
                    "quotas": [{"group": "umum", "top": 1}, {"group": "umum", "top": 2}],
                }
            ],
        },
    )
    assert response.status_code == 422 and "one quota per stage" in response.content.decode()


def test_the_workspace_counts_scored_criteria_and_a_removed_judge_stops_scoring(client, cw):
    entry = submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    a = Assignment.objects.filter(entry=entry).select_related("judge__user").first()
    first = cw.desk.criteria.first()
    judging.scores_save(actor=a.judge.user, assignment=a, values={first.pk: (5, "")})
    client.force_login(a.judge.user)
    assert (
        "draft: 1 of 3 criteria" in client.get(reverse("competitions:workspace")).content.decode()
    )
    a.judge.active = False
    a.judge.save()
    with pytest.raises(PermissionDenied):
        judging.scores_save(actor=a.judge.user, assignment=a, values={first.pk: (6, "")})
