"""Paths between pages in the browser (issue 10): from an innovation's page, "Replicate this
innovation" leads to the new-project form with the innovation chosen; another innovation is
picked by keyboard alone in the searchable picker; the project starts. Every page is axe-core
clean at 1366 px and 390 px wide."""

from __future__ import annotations

from typing import Any

import pytest

from lumbung.replication.models import ReplicationProject
from tests.factories import InnovationFactory
from tests.replication.conftest import rep  # noqa: F401  (the replication fixture)

from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LISTBOX = "#id_source_listbox"
OPEN_OPTIONS = f"{LISTBOX}:not([hidden]) [role='option']"


def _clean(page: Any, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}\n{describe(violations)}"


def _active_id(page: Any) -> str:
    return page.evaluate("() => document.activeElement.id")


def _tab_to(page: Any, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _active_id(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_replicate_this_innovation_then_pick_another_by_keyboard(
    new_tab, rep, live_server  # noqa: F811
):
    rep.project.delete()
    swp = InnovationFactory(
        unit=rep.unit,
        name="Sheltered Workshop Peduli",
        acronym="SWP",
        publication_state="published",
    )
    page = new_tab(viewport={"width": 1366, "height": 900})
    sign_in(page, live_server.url, rep.other_officer)

    page.goto(f"/inovasi/{rep.source.slug}/")
    _clean(page, "innovation page with its button and links")
    button = page.get_by_role("link", name="Replicate this innovation")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/replikasi/proyek/baru/?source=*")
    assert page.input_value("#id_source").startswith(rep.source.name)
    _clean(page, "new project form, innovation chosen")

    # change the innovation with the keyboard alone: type, arrow down, Enter
    _tab_to(page, "id_source")
    assert page.get_attribute("#id_source", "role") == "combobox"
    page.keyboard.press("Control+A")
    page.keyboard.type("swp")
    page.wait_for_selector(OPEN_OPTIONS)
    assert "1 innovation found" in page.inner_text("#id_source_status")
    page.keyboard.press("ArrowDown")
    _clean(page, "picker open, an option highlighted")
    page.keyboard.press("Enter")  # chooses; does not submit
    assert page.input_value("#id_source") == f"Sheltered Workshop Peduli (SWP) — {rep.unit.name}"
    assert "/replikasi/proyek/baru/" in page.url

    _tab_to(page, "id_adopting_unit")
    page.select_option("#id_adopting_unit", str(rep.other_unit.pk))
    _tab_to(page, "id_declared_form_0")
    page.keyboard.press("ArrowDown")  # the radio group: adaptation
    assert page.is_checked("#id_declared_form_1")
    page.get_by_role("button", name="Start the project").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/replikasi/proyek/*/")
    project = ReplicationProject.objects.get(adopting_unit=rep.other_unit)
    assert project.source == swp

    small = new_tab(viewport={"width": 390, "height": 844})
    sign_in(small, live_server.url, rep.other_officer)
    small.goto(f"/inovasi/{swp.slug}/")
    _clean(small, "innovation page at 390 px")
    small.goto(f"/replikasi/proyek/baru/?source={swp.slug}")
    _clean(small, "new project form at 390 px")
    width = small.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390


def test_no_button_for_a_role_that_may_not_start(tab, rep, live_server):  # noqa: F811
    sign_in(tab, live_server.url, rep.agency_facilitator)
    tab.goto(f"/inovasi/{rep.source.slug}/")
    assert tab.get_by_role("link", name="Replicate this innovation").count() == 0
    tab.goto("/replikasi/")
    assert tab.get_by_role("link", name="Start a replication project").count() == 0
