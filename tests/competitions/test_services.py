"""Competition services: set-up, entering, the agency's and the organiser's decisions,
judging and results — rules, deadlines and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lumbung.catalog.models import Award, Innovation
from lumbung.competitions.models import (
    Assignment,
    Entry,
    Group,
    Result,
    Round,
    Score,
    Section,
    Stage,
)
from lumbung.competitions.services import entries, judging, results, rounds
from lumbung.core import audit
from lumbung.core.actors import SYSTEM
from lumbung.core.policies import can, permitted

from ..competition_world import YEAR, make_round
from ..factories import InnovationFactory, UnitFactory, UserFactory
from .conftest import submitted_entry

# --- set-up ---------------------------------------------------------------------------------


def test_a_new_group_section_and_criterion_need_no_code(cw):
    """Configuration, not code: a group added as rows takes entries with its own section."""
    group = Group.objects.create(round=cw.round, code="digital", name="Kelompok Digital", order=4)
    Section.objects.create(group=group, title="Teknologi", word_limit=5)
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=group, innovation=cw.published
    )
    with pytest.raises(ValidationError) as err:
        entries.entry_update(
            actor=cw.officer,
            entry=entry,
            answers={group.sections.get().pk: "satu dua tiga empat lima enam"},
        )
    assert "6 words; the limit is 5" in str(err.value)


def test_copying_last_years_round_copies_its_set_up_a_year_later(cw):
    copy = rounds.round_copy(actor=cw.panrb_admin, source=cw.round, year=YEAR + 1)
    assert copy.state == Round.State.DRAFT and copy.year == YEAR + 1
    assert copy.title == f"KIPP {YEAR + 1}"
    assert [g.code for g in copy.groups.all()] == ["umum", "replikasi", "khusus"]
    replication = copy.groups.get(code="replikasi")
    assert [(s.title, s.word_limit) for s in replication.sections.all()] == [
        ("Inspirasi", 100),
        ("Proses replikasi", 200),
        ("Perbedaan", 100),
    ]
    desk = copy.stages.get(kind=Stage.Kind.DESK)
    assert desk.ends_at.year == cw.desk.ends_at.year + 1
    assert desk.ends_at.month == cw.desk.ends_at.month and desk.ends_at.day == cw.desk.ends_at.day
    assert [(c.name, c.weight) for c in desk.criteria.all()] == [
        (c.name, c.weight) for c in cw.desk.criteria.all()
    ]
    quota = desk.quotas.get()
    assert quota.group.round_id == copy.pk and quota.top == 2
    assert not copy.entries.exists() and not copy.judges.exists()


def test_only_the_organisers_admins_copy_or_open_a_round(cw):
    for person in (cw.admin, cw.officer, cw.judge, cw.nobody):
        with pytest.raises(PermissionDenied):
            rounds.round_copy(actor=person, source=cw.round, year=YEAR + 1)
    assert Round.objects.count() == 1


def test_a_round_opens_only_when_set_up(cw):
    empty = rounds.round_create(
        actor=cw.panrb_admin, organiser=cw.panrb, title="Kosong", year=YEAR, level="national"
    )
    with pytest.raises(ValidationError) as err:
        rounds.round_open(actor=cw.panrb_admin, round_=empty)
    text = " ".join(err.value.messages)
    assert "Add at least one group" in text and "registration stage" in text
    assert Round.objects.get(pk=empty.pk).state == Round.State.DRAFT


def test_a_round_being_set_up_is_seen_by_its_organisers_only(cw):
    draft = rounds.round_copy(actor=cw.panrb_admin, source=cw.round, year=YEAR + 1)
    assert can(cw.panrb_admin, "competition_round.view", draft)
    for person in (cw.admin, cw.officer, cw.judge, None):
        assert not can(person, "competition_round.view", draft)
        assert can(person, "competition_round.view", cw.round)


# --- entering -------------------------------------------------------------------------------


def test_an_entry_freezes_the_profile_as_it_was_entered(cw):
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    assert entry.profile["name"] == "Baris Ditebas" and entry.agency_id == cw.agency.pk
    Innovation.objects.filter(pk=cw.published.pk).update(summary="Diubah setelah didaftarkan.")
    entry.refresh_from_db()
    assert entry.profile["summary"] != "Diubah setelah didaftarkan."
    assert list(entry.answers.values_list("section__title", flat=True)) == ["Ringkasan"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Innovation.Status.STOPPED}, "A stopped innovation cannot enter."),
        ({"start_date": None, "start_year": None}, "started"),
        ("recent", "at least 12 months"),
    ],
)
def test_eligibility_is_read_from_the_catalog(cw, change, message):
    if change == "recent":
        change = {"start_date": timezone.localdate() - dt.timedelta(days=100)}
    Innovation.objects.filter(pk=cw.published.pk).update(**change)
    cw.published.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        entries.entry_create(
            actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
        )
    assert message in " ".join(err.value.messages)
    assert not Entry.objects.exists()


def test_one_innovation_and_one_title_enter_once(cw):
    entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    with pytest.raises(ValidationError, match="already entered"):
        entries.entry_create(
            actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
        )
    twin = InnovationFactory(unit=cw.sibling_unit, name="baris ditebas ")
    Innovation.objects.filter(pk=twin.pk).update(start_date=cw.published.start_date)
    twin.refresh_from_db()
    with pytest.raises(ValidationError, match="title"):
        entries.entry_create(actor=SYSTEM, round_=cw.round, group=cw.general, innovation=twin)


def test_the_special_group_takes_past_winners_only(cw):
    with pytest.raises(ValidationError, match="past winners"):
        entries.entry_create(
            actor=cw.officer, round_=cw.round, group=cw.special, innovation=cw.published
        )
    Award.objects.create(innovation=cw.published, year=YEAR - 2, level=Award.Level.TOP_99)
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.special, innovation=cw.published
    )
    assert entry.group == cw.special


def test_a_replication_entry_names_its_inspiring_winner_from_the_lineage(cw):
    Award.objects.create(innovation=cw.published, year=YEAR - 3, level=Award.Level.TOP_99)
    replica = InnovationFactory(
        unit=cw.other_unit,
        name="Barista Disabilitas Kota",
        source=cw.published,
        replication_form="adaptation",
        generation=1,
    )
    Innovation.objects.filter(pk=replica.pk).update(start_date=cw.published.start_date)
    replica.refresh_from_db()
    entry = entries.entry_create(
        actor=cw.other_officer, round_=cw.round, group=cw.replication, innovation=replica
    )
    assert list(entry.inspirations.all()) == [cw.published]
    # without a named winner it cannot be sent: the lineage-less replica must name one
    entry.inspirations.clear()
    entries.entry_update(
        actor=cw.other_officer,
        entry=entry,
        answers={s.pk: "Kami meniru layanan ini." for s in cw.replication.sections.all()},
    )
    with pytest.raises(ValidationError, match="past winner"):
        entries.entry_send(actor=cw.other_officer, entry=entry)
    with pytest.raises(ValidationError, match="won the national competition"):
        entries.entry_update(actor=cw.other_officer, entry=entry, inspirations=[cw.other_published])
    entries.entry_update(actor=cw.other_officer, entry=entry, inspirations=[cw.published])
    assert entries.entry_send(actor=cw.other_officer, entry=entry).state == Entry.State.AT_AGENCY


def test_word_limits_are_enforced_and_a_refused_save_changes_nothing(cw):
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    section = cw.general.sections.get()
    entries.entry_update(actor=cw.officer, entry=entry, answers={section.pk: "kata " * 50})
    with pytest.raises(ValidationError) as err:
        entries.entry_update(
            actor=cw.officer,
            entry=entry,
            answers={section.pk: "kata " * 51},
            video_url="https://video.example/baru",
        )
    assert "51 words; the limit is 50" in str(err.value)
    entry.refresh_from_db()
    assert entries.count_words(entry.answers.get().text) == 50
    assert entry.video_url != "https://video.example/baru"


def test_the_flow_unit_agency_organiser_with_reasons(cw):
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    with pytest.raises(ValidationError, match="Fill in"):
        entries.entry_send(actor=cw.officer, entry=entry)
    entries.entry_update(
        actor=cw.officer, entry=entry, answers={cw.general.sections.get().pk: "Ringkas."}
    )
    entries.entry_send(actor=cw.officer, entry=entry)
    with pytest.raises(PermissionDenied):  # the unit cannot submit for its agency
        entries.entry_submit(actor=cw.officer, entry=entry)
    with pytest.raises(ValidationError, match="Say what"):
        entries.entry_return(actor=cw.admin, entry=entry, reason=" ")
    entries.entry_return(actor=cw.admin, entry=entry, reason="Tambahkan data manfaat.")
    entry.refresh_from_db()
    assert entry.state == Entry.State.RETURNED and entry.reason == "Tambahkan data manfaat."
    entries.entry_send(actor=cw.officer, entry=entry)
    entries.entry_submit(actor=cw.admin, entry=entry)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        entries.entry_update(actor=cw.officer, entry=entry, answers={})
    with pytest.raises(PermissionDenied):
        entries.entry_check(actor=cw.admin, entry=entry, passed=True)
    with pytest.raises(ValidationError, match="Say why"):
        entries.entry_check(actor=cw.panrb_admin, entry=entry, passed=False)
    entries.entry_check(
        actor=cw.panrb_admin, entry=entry, passed=False, reason="Surat pernyataan tidak ada."
    )
    entry.refresh_from_db()
    assert entry.state == Entry.State.INELIGIBLE and entry.reason == "Surat pernyataan tidak ada."
    assert can(cw.officer, "competition_entry.view", entry)


def test_an_agency_submits_no_more_than_its_quota(cw):
    cw.round.entries_per_agency = 1
    cw.round.save()
    submitted_entry(cw, cw.published)
    second = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.draft
    )
    entries.entry_update(
        actor=cw.officer, entry=second, answers={cw.general.sections.get().pk: "x"}
    )
    entries.entry_send(actor=cw.officer, entry=second)
    with pytest.raises(ValidationError, match="submitted its 1 entry"):
        entries.entry_submit(actor=cw.admin, entry=second)
    second.refresh_from_db()
    assert second.state == Entry.State.AT_AGENCY


def test_after_the_registration_deadline_a_save_is_refused_with_the_time_in_wib(cw):
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    registration = cw.round.stages.get(kind=Stage.Kind.REGISTRATION)
    registration.ends_at = timezone.now() - dt.timedelta(minutes=1)
    registration.save()
    with pytest.raises(ValidationError) as err:
        entries.entry_update(
            actor=cw.officer, entry=entry, answers={cw.general.sections.get().pk: "Terlambat."}
        )
    message = " ".join(err.value.messages)
    assert "Registration closed on" in message and "WIB" in message and "WIT)" in message
    assert entry.answers.get().text == ""


def test_a_unit_never_prepares_or_reads_another_agencys_entry(cw):
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    with pytest.raises(PermissionDenied):
        entries.entry_create(
            actor=cw.other_officer, round_=cw.round, group=cw.general, innovation=cw.draft
        )
    with pytest.raises(PermissionDenied):
        entries.entry_update(actor=cw.other_officer, entry=entry, answers={})
    with pytest.raises(PermissionDenied):
        entries.entry_send(actor=cw.sibling_officer, entry=entry)
    for person in (cw.other_officer, cw.other_admin, cw.judge, cw.panrb_admin, None):
        assert not can(person, "competition_entry.view", entry)
        assert entry not in permitted(person, "competition_entry.view", Entry.objects.all())
    assert can(cw.viewer, "competition_entry.view", entry)  # the agency's own viewer


# --- judging --------------------------------------------------------------------------------


def _entries_of_both_agencies(cw):
    mine = submitted_entry(cw, cw.published)
    theirs = submitted_entry(cw, cw.other_published)
    return mine, theirs


def test_assignment_skips_the_judges_agency_and_declared_conflicts(cw):
    mine, theirs = _entries_of_both_agencies(cw)
    judge_other, judge_a, judge_b = cw.judges
    judging.conflict_declare(actor=cw.judge_a, judge=judge_a, entry=mine, reason="Mantan staf.")
    outcome = judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    pairs = set(Assignment.objects.values_list("entry_id", "judge_id"))
    assert (theirs.pk, judge_other.pk) not in pairs  # own agency
    assert (mine.pk, judge_a.pk) not in pairs  # declared conflict
    assert {j for e, j in pairs if e == mine.pk} == {judge_other.pk, judge_b.pk}
    assert {j for e, j in pairs if e == theirs.pk} == {judge_a.pk, judge_b.pk}
    assert outcome.created == 4 and outcome.short == {}
    again = judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    assert again.created == 0 and Assignment.objects.count() == 4


def test_a_manual_assignment_obeys_the_same_rules(cw):
    mine, theirs = _entries_of_both_agencies(cw)
    judge_other, judge_a, _b = cw.judges
    with pytest.raises(ValidationError, match="own agency"):
        judging.assignment_create(
            actor=cw.panrb_admin, stage=cw.desk, entry=theirs, judge=judge_other
        )
    made = judging.assignment_create(actor=cw.panrb_admin, stage=cw.desk, entry=mine, judge=judge_a)
    assert made.manual
    with pytest.raises(ValidationError, match="already assigned"):
        judging.assignment_create(actor=cw.panrb_admin, stage=cw.desk, entry=mine, judge=judge_a)
    with pytest.raises(PermissionDenied):
        judging.assignment_create(actor=cw.admin, stage=cw.desk, entry=mine, judge=judge_a)


def _scores(stage, *values):
    return {c.pk: (v, "") for c, v in zip(stage.criteria.all(), values, strict=True)}


def test_scores_are_a_draft_until_submitted_once(cw):
    mine, _theirs = _entries_of_both_agencies(cw)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    assignment = Assignment.objects.filter(entry=mine).first()
    judge = assignment.judge.user
    first = cw.desk.criteria.first()
    judging.scores_save(actor=judge, assignment=assignment, values={first.pk: (7, "Baik")})
    with pytest.raises(ValidationError, match="Score every criterion"):
        judging.scores_save(actor=judge, assignment=assignment, values={}, submit=True)
    assert Score.objects.get(assignment=assignment).value == 7  # the draft is kept
    with pytest.raises(ValidationError, match="from 1 to 10"):
        judging.scores_save(actor=judge, assignment=assignment, values={first.pk: (11, "")})
    judging.scores_save(
        actor=judge, assignment=assignment, values=_scores(cw.desk, 7, 8, 6), submit=True
    )
    with pytest.raises(ValidationError, match="submitted"):
        judging.scores_save(actor=judge, assignment=assignment, values=_scores(cw.desk, 1, 1, 1))
    assert sorted(Score.objects.filter(assignment=assignment).values_list("value", flat=True)) == [
        6,
        7,
        8,
    ]


def test_a_judge_scores_and_sees_only_their_own_assignments(cw):
    mine, _theirs = _entries_of_both_agencies(cw)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    other, own = Assignment.objects.filter(entry=mine).select_related("judge__user")
    first, second = other.judge.user, own.judge.user
    judging.scores_save(actor=first, assignment=other, values=_scores(cw.desk, 9, 9, 9))
    with pytest.raises(PermissionDenied):
        judging.scores_save(actor=second, assignment=other, values=_scores(cw.desk, 1, 1, 1))
    with pytest.raises(PermissionDenied):
        judging.scores_save(actor=cw.panrb_admin, assignment=own, values=_scores(cw.desk, 1, 1, 1))
    seen = permitted(second, "competition_score.view", Score.objects.all())
    assert not seen.exists()  # the second judge sees none of the first one's scores
    assert permitted(first, "competition_score.view", Score.objects.all()).count() == 3
    assert permitted(cw.panrb_admin, "competition_score.view", Score.objects.all()).count() == 3
    for entrant in (cw.officer, cw.admin, cw.viewer):
        assert not permitted(entrant, "competition_score.view", Score.objects.all()).exists()
    for judge in (first, second):
        theirs = permitted(judge, "competition_assignment.view", Assignment.objects.all())
        assert {a.judge.user_id for a in theirs} == {judge.pk}
        assert can(judge, "competition_entry.view", mine)


def test_two_judges_scoring_one_entry_both_keep_their_scores(cw):
    mine, _theirs = _entries_of_both_agencies(cw)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    a, b = Assignment.objects.filter(entry=mine).select_related("judge__user")
    judging.scores_save(
        actor=a.judge.user, assignment=a, values=_scores(cw.desk, 5, 5, 5), submit=True
    )
    judging.scores_save(
        actor=b.judge.user, assignment=b, values=_scores(cw.desk, 8, 8, 8), submit=True
    )
    assert sorted(Score.objects.filter(assignment__entry=mine).values_list("value", flat=True)) == [
        5,
        5,
        5,
        8,
        8,
        8,
    ]


def test_after_the_stage_closes_or_its_deadline_passes_scores_are_refused(cw):
    mine, _theirs = _entries_of_both_agencies(cw)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    own = Assignment.objects.filter(entry=mine).select_related("judge__user").first()
    judge = own.judge.user
    Stage.objects.filter(pk=cw.desk.pk).update(ends_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="Scoring closed on"):
        judging.scores_save(actor=judge, assignment=own, values=_scores(cw.desk, 5, 5, 5))
    Stage.objects.filter(pk=cw.desk.pk).update(
        ends_at=timezone.now() + dt.timedelta(days=1), closed_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="stage is closed"):
        judging.scores_save(actor=judge, assignment=own, values=_scores(cw.desk, 5, 5, 5))
    assert not Score.objects.exists()


# --- results --------------------------------------------------------------------------------


def _judged_round(cw):
    """Three general entries, each scored by both active judges; returns them best first."""
    third_innovation = InnovationFactory(unit=UnitFactory(agency=cw.other_agency), name="Ketiga")
    Innovation.objects.filter(pk=third_innovation.pk).update(start_date=cw.published.start_date)
    third_innovation.refresh_from_db()
    mine, theirs = _entries_of_both_agencies(cw)
    third = submitted_entry(cw, third_innovation)
    # two judges score all three (a judge with a single entry says nothing about leniency)
    cw.judges[0].active = False
    cw.judges[0].save()
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    given = {mine.pk: (9, 9, 9), theirs.pk: (7, 7, 7), third.pk: (4, 4, 4)}
    for assignment in Assignment.objects.select_related("judge__user"):
        judging.scores_save(
            actor=assignment.judge.user,
            assignment=assignment,
            values=_scores(cw.desk, *given[assignment.entry_id]),
            submit=True,
        )
    return mine, theirs, third


def test_closing_a_stage_ranks_each_group_and_keeps_its_quota(cw):
    mine, theirs, third = _judged_round(cw)
    summary = results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    rows = {r.entry_id: r for r in Result.objects.filter(stage=cw.desk)}
    assert [rows[e.pk].rank for e in (mine, theirs, third)] == [1, 2, 3]
    assert [rows[e.pk].kept for e in (mine, theirs, third)] == [True, True, False]
    # (9-1)/9*100 = 88.89 for every criterion, whatever the weights
    assert rows[mine.pk].raw == pytest.approx(800 / 9)
    assert summary.ranked == 3 and summary.kept == 2
    assert summary.balance["agency_type"] == {"ministry": 1, "city": 1}
    with pytest.raises(ValidationError, match="already closed"):
        results.stage_close(actor=cw.panrb_admin, stage=cw.desk)


def test_results_are_hidden_until_published_then_written_back_as_awards_once(cw):
    mine, theirs, third = _judged_round(cw)
    results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    everyone = (cw.officer, cw.other_officer, cw.nobody, None)
    for person in everyone:
        assert not permitted(person, "competition_result.view", Result.objects.all()).exists()
    with pytest.raises(PermissionDenied):
        results.results_publish(actor=cw.admin, round_=cw.round)
    version = Innovation.objects.get(pk=mine.innovation_id).version
    assert results.results_publish(actor=cw.panrb_admin, round_=cw.round) == 2
    # written as the catalog writes an award: a new version, in the history, for search too
    awarded = Innovation.objects.get(pk=mine.innovation_id)
    assert awarded.version == version + 1
    assert audit.history(awarded).filter(action="award.add").exists()
    assert results.results_publish(actor=cw.panrb_admin, round_=cw.round) == 0
    awarded = Award.objects.filter(competition="KIPP", year=YEAR, level=Award.Level.TOP_99)
    assert set(awarded.values_list("innovation_id", flat=True)) == {
        mine.innovation_id,
        theirs.innovation_id,
    }
    public = permitted(None, "competition_result.view", Result.objects.all())
    assert set(public.values_list("entry_id", flat=True)) == {mine.pk, theirs.pk}
    own = permitted(cw.other_admin, "competition_result.view", Result.objects.all())
    assert set(own.values_list("entry_id", flat=True)) == {mine.pk, theirs.pk, third.pk}
    mine.refresh_from_db()
    third.refresh_from_db()
    assert can(None, "competition_entry.view", Entry.objects.get(pk=mine.pk))
    assert not can(None, "competition_entry.view", Entry.objects.get(pk=third.pk))


def test_an_internal_selection_feeds_the_national_round_without_retyping(cw):
    internal = make_round(cw.agency, title=f"Seleksi Internal Kemensos {YEAR}", level="internal")
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
    judge = judging.judge_add(actor=cw.admin, round_=internal, user=cw.judge)
    stage = internal.stages.get(kind=Stage.Kind.DESK)
    judging.stage_assign(actor=cw.admin, stage=stage)
    for assignment in Assignment.objects.filter(stage=stage):
        assert assignment.judge == judge
        judging.scores_save(
            actor=cw.judge, assignment=assignment, values=_scores(stage, 8, 8, 8), submit=True
        )
    results.stage_close(actor=cw.admin, stage=stage)
    carried = results.feed_entries(
        actor=cw.admin, source=internal, target=cw.round, groups={general.pk: cw.general}
    )
    assert len(carried) == 1
    national = carried[0]
    assert national.round == cw.round and national.state == Entry.State.AT_AGENCY
    assert national.answers.get().text == "Teks internal." and national.fed_from == entry
    assert national.profile == entry.profile
    with pytest.raises(PermissionDenied):
        results.feed_entries(
            actor=cw.other_admin, source=internal, target=cw.round, groups={general.pk: cw.general}
        )
    assert (
        results.feed_entries(
            actor=cw.admin, source=internal, target=cw.round, groups={general.pk: cw.general}
        )
        == []
    )


def test_a_judge_without_assignments_has_no_entries_to_read(cw):
    mine, _ = _entries_of_both_agencies(cw)
    newcomer = UserFactory(username="judge_new")
    judging.judge_add(actor=cw.panrb_admin, round_=cw.round, user=newcomer)
    assert not can(newcomer, "competition_entry.view", mine)
    assert can(newcomer, "competition_round.judge", cw.round)
    assert not can(cw.officer, "competition_round.judge", cw.round)
