"""A grouped result list, by keyboard: a family shown once under its head, opened and left
again without a mouse, axe-core clean on both pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.search.test_families import _copies, _published

from .conftest import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True)


def _focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def _tab_to_text(page, starts: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused_text(page).startswith(starts):
            return
    raise AssertionError(f"Tab never reached a link starting with {starts!r}")


def test_a_family_opens_and_closes_by_keyboard(tab, world):
    original = _published(world.unit, "Sheltered Workshop Peduli", start_year=2016)
    _copies(world, 3, 0, 100, name="Rumah Karya Mandiri {i}")
    tab.goto("/cari/?q=wadah+kerja+terlindung")
    results = tab.locator("ol.results > li")
    expect(results).to_have_count(1)
    expect(results.first.get_by_role("link", name=original.name, exact=True)).to_be_visible()
    expect(tab.get_by_text("4 matching innovations", exact=False)).to_be_visible()
    violations = axe_violations(tab)
    assert not violations, describe(violations)

    _tab_to_text(tab, "and 3 similar innovations")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    expect(tab.locator("ol.results > li")).to_have_count(4)
    expect(
        tab.locator("ol.results > li").first.get_by_role("link", name=original.name, exact=True)
    ).to_be_visible()
    violations = axe_violations(tab)
    assert not violations, describe(violations)

    _tab_to_text(tab, "Back to all results")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    expect(tab.locator("ol.results > li")).to_have_count(1)
