"""Keyboard only: the skip link, and the catalog filter used and submitted without a mouse."""

from __future__ import annotations

import pytest

from .conftest import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True)


def _active(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, cls: document.activeElement.className,"
        " tag: document.activeElement.tagName, name: document.activeElement.name || ''})"
    )


def _tab_to(page, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _active(page)["id"] == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_skip_link_is_first_and_moves_focus_to_main(tab, world):
    tab.goto("/inovasi/")
    tab.keyboard.press("Tab")
    active = _active(tab)
    assert "skip-link" in active["cls"]
    # the skip link becomes visible when focused
    assert tab.locator(".skip-link").bounding_box()["y"] >= 0
    tab.keyboard.press("Enter")
    assert _active(tab)["id"] == "main"
    # the next Tab continues inside the main content, past the header
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.getElementById('main').contains(document.activeElement)")


def _filter_by_keyboard(page, agency_slug: str) -> None:
    page.goto("/inovasi/")
    _tab_to(page, "filter_q")
    page.keyboard.type("baris")
    _tab_to(page, "filter_agency")
    # a closed <select> takes arrow keys; find the agency by stepping through the options
    for _ in range(10):
        if page.locator("#filter_agency").input_value() == agency_slug:
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("#filter_agency").input_value() == agency_slug
    page.keyboard.press("Tab")
    for _ in range(30):
        if page.evaluate("document.activeElement.textContent.trim()") == "Show results":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")


def test_catalog_filter_by_keyboard_with_htmx(tab, world):
    _filter_by_keyboard(tab, world.agency.slug)
    tab.wait_for_url(lambda url: "q=baris" in url and f"agency={world.agency.slug}" in url)
    tab.wait_for_function("document.activeElement.id === 'results-title'")
    assert tab.locator("#results-title").inner_text() == "1 innovation"
    assert tab.get_by_role("link", name="Baris Ditebas").is_visible()
    assert not tab.get_by_role("link", name="Layanan Kota Contoh").is_visible()
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_catalog_filter_without_javascript(new_tab, world):
    page = new_tab(java_script_enabled=False)
    _filter_by_keyboard(page, world.agency.slug)
    page.wait_for_url(lambda url: "q=baris" in url)
    assert page.locator("#results-title").inner_text() == "1 innovation"
    assert page.get_by_role("link", name="Baris Ditebas").is_visible()


def test_focus_is_visible(tab, world):
    tab.goto("/")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")  # the first link after the skip link
    style = tab.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"
    )
    assert style["outline"] != "none" and style["width"] != "0px"
