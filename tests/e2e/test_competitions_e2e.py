"""Competitions in the browser: a judge scores an entry by keyboard alone; a unit sees its word
count while typing; every competition page is axe-core clean (1366 px and 390 px)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lumbung.competitions.models import Assignment, Score, Stage
from lumbung.competitions.services import entries, judging, results
from tests.competitions.conftest import cw, submitted_entry  # noqa: F401  (the fixture)

from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _clean(page: Any, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}\n{describe(violations)}"


def _focus_id(page: Any) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.textContent")


def _tab_until(page: Any, predicate: Any, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if predicate(page):
            return
    raise AssertionError("Tab never reached the element")


def test_a_judge_scores_an_entry_by_keyboard(new_tab, cw, live_server):  # noqa: F811
    entry = submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    assignment = Assignment.objects.filter(entry=entry).select_related("judge__user").first()
    judge = assignment.judge.user
    page = new_tab(viewport={"width": 1366, "height": 900})
    sign_in(page, live_server.url, judge)

    page.goto("/kompetisi/penilaian/")
    _clean(page, "judge's workspace")
    expect(page.get_by_text("1 entry left to score.")).to_be_visible()
    link = page.get_by_role("link", name=entry.title)
    _tab_until(
        page, lambda p: p.evaluate("() => document.activeElement.textContent") == entry.title
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/kompetisi/penilaian/{assignment.pk}/")
    _clean(page, "scoring page")
    assert link is not None

    criteria = list(cw.desk.criteria.all())
    first_input = f"id_criterion_{criteria[0].pk}"
    _tab_until(page, lambda p: _focus_id(p) == first_input)
    for i, criterion in enumerate(criteria):
        if i:
            _tab_until(page, lambda p, c=criterion: _focus_id(p) == f"id_criterion_{c.pk}")
        page.keyboard.type(str(7 + i))
        page.keyboard.press("Tab")
        assert _focus_id(page) == f"id_comment_{criterion.pk}"
        page.keyboard.type("Bukti kuat.")
    _tab_until(
        page, lambda p: p.evaluate("() => document.activeElement.textContent") == "Submit my scores"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your scores were submitted.")).to_be_visible()
    _clean(page, "scoring page after submitting")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert sorted(Score.objects.filter(assignment=assignment).values_list("value", flat=True)) == [
        7,
        8,
        9,
    ]
    for other in Assignment.objects.filter(submitted_at__isnull=True).select_related("judge__user"):
        judging.scores_save(
            actor=other.judge.user,
            assignment=other,
            values={c.pk: (6, "") for c in criteria},
            submit=True,
        )
    results.stage_close(actor=cw.panrb_admin, stage=cw.desk)
    Stage.objects.create(
        round=cw.round,
        kind=Stage.Kind.OBJECTION,
        name="Masa sanggah",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(days=5),
        order=4,
    )
    page.goto(f"/kompetisi/{cw.round.slug}/")
    _clean(page, "round page in the objection period")
    page.get_by_role("link", name=f"Object to “{entry.title}”").click()
    _clean(page, "objection form")
    page.get_by_label("What you object to, and why").fill("Data tidak benar.")
    page.get_by_role("button", name="Send the objection").click()
    expect(page.get_by_text("Your objection was sent to the organiser.")).to_be_visible()
    sign_in(page, live_server.url, cw.panrb_admin)
    page.goto(f"/kompetisi/{cw.round.slug}/kelola/")
    _clean(page, "organiser's page with a ranked stage and an objection")


@pytest.mark.parametrize("width", [1366, 390])
def test_competition_pages_are_clean_and_the_word_count_is_live(
    new_tab,
    cw,  # noqa: F811
    live_server,
    width,
):
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    page = new_tab(viewport={"width": width, "height": 900})
    page.goto("/kompetisi/")
    _clean(page, "round list")
    page.goto(f"/kompetisi/{cw.round.slug}/")
    _clean(page, "round page")

    sign_in(page, live_server.url, cw.officer)
    page.goto(f"/kompetisi/entri/{entry.pk}/")
    _clean(page, "entry page")
    section = cw.general.sections.get()
    area = page.locator(f"#id_section_{section.pk}")
    area.focus()
    page.keyboard.type("satu dua tiga")
    count = page.locator(f"#id_section_{section.pk}_words")
    expect(count).to_have_text("3 of 50 words")
    assert f"id_section_{section.pk}_words" in (area.get_attribute("aria-describedby") or "")
    area.fill("kata " * 51)
    area.dispatch_event("input")
    expect(count).to_have_text("51 of 50 words — over the limit")
    _clean(page, "entry page over the limit")

    sign_in(page, live_server.url, cw.panrb_admin)
    page.goto(f"/kompetisi/{cw.round.slug}/kelola/")
    _clean(page, "organiser's page")
    page.goto("/kompetisi/baru/")
    _clean(page, "new round")
    page.goto(f"/kompetisi/{cw.round.slug}/pengaturan/")
    _clean(page, "set-up page")


def test_the_panel_consensus_section_is_clean(new_tab, cw, live_server):  # noqa: F811
    cw.desk.consensus = True
    cw.desk.save()
    entry = submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    pair = list(Assignment.objects.filter(entry=entry).select_related("judge__user"))
    for a in pair:
        judging.scores_save(
            actor=a.judge.user,
            assignment=a,
            values={c.pk: (6, "") for c in cw.desk.criteria.all()},
            submit=True,
        )
    page = new_tab(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, pair[0].judge.user)
    page.goto(f"/kompetisi/penilaian/{pair[0].pk}/")
    _clean(page, "scoring page with the panel's consensus form")
    for c in cw.desk.criteria.all():
        page.locator(f"#id_agreed_{c.pk}").fill("7")
    page.get_by_role("button", name="Propose the agreed scores").click()
    expect(page.get_by_text("Proposed: your fellow panellist confirms it.")).to_be_visible()
    _clean(page, "scoring page with a proposal")
