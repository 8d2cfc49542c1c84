"""Keyboard only: the skip link, and the catalog filter used and submitted without a mouse."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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
    tab.wait_for_function("() => document.activeElement.id === 'results-title'")
    assert tab.locator("#results-title").inner_text() == "1 innovation"
    expect(tab.get_by_role("link", name="Baris Ditebas")).to_be_visible()
    expect(tab.get_by_role("link", name="Layanan Kota Contoh")).not_to_be_visible()
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_catalog_filter_without_javascript(new_tab, world):
    page = new_tab(java_script_enabled=False)
    _filter_by_keyboard(page, world.agency.slug)
    page.wait_for_url(lambda url: "q=baris" in url)
    assert page.locator("#results-title").inner_text() == "1 innovation"
    expect(page.get_by_role("link", name="Baris Ditebas")).to_be_visible()


def test_focus_is_visible(tab, world):
    tab.goto("/")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")  # the first link after the skip link
    style = tab.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"
    )
    assert style["outline"] != "none" and style["width"] != "0px"


def test_a_confirmation_is_in_main_focused_and_in_the_title(tab, world, live_server):
    from .conftest import sign_in

    sign_in(tab, live_server.url, world.officer)
    tab.goto("/ruang-kerja/inovasi/baru/")
    tab.locator("#id_name").fill("Perpustakaan keliling braille")
    tab.get_by_role("button", name="Create the draft").click()
    tab.wait_for_url("**/ubah/")
    message = tab.locator("#messages")
    assert "created as a draft" in message.inner_text()
    # inside <main> (where the skip link leads), focused, and said by the title
    assert tab.evaluate(
        "document.querySelector('main').contains(document.getElementById('messages'))"
    )
    assert _active(tab)["id"] == "messages"
    assert tab.title().startswith(message.inner_text().strip())
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_the_duplicate_warning_is_focused_and_its_checkbox_is_beside_the_button(
    tab, world, live_server
):
    from tests.factories import InnovationFactory

    from .conftest import sign_in

    InnovationFactory(
        unit=world.other_unit,
        name="Sheltered Workshop Peduli Kota",
        summary="Bengkel kerja terlindung bagi penyandang disabilitas intelektual.",
        publication_state="published",
    )
    sign_in(tab, live_server.url, world.officer)
    tab.goto("/ruang-kerja/inovasi/baru/")
    tab.locator("#id_name").fill("Sheltered Workshop Peduli Kota")
    tab.locator("#id_summary").fill(
        "Bengkel kerja terlindung bagi penyandang disabilitas intelektual."
    )
    tab.get_by_role("button", name="Create the draft").click()
    tab.locator("#duplicates").wait_for()
    assert _active(tab)["id"] == "duplicates"
    assert tab.title().startswith("Is this innovation already in the catalog?")
    # from the warning, a few Tabs reach the checkbox (the links to the candidates come first)
    _tab_to(tab, "not_a_duplicate", limit=6)
    tab.keyboard.press("Space")
    tab.keyboard.press("Tab")
    assert _active(tab)["tag"] == "BUTTON"
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_the_problem_matcher_uses_the_shared_fields(tab, world):
    tab.goto("/cari/masalah/?problem=")
    summary = tab.locator(".error-summary")
    summary.wait_for()
    assert _active(tab)["cls"] == "error-summary"
    assert tab.title().startswith("Error:")
    # every aria-describedby names elements that exist
    missing = tab.evaluate(
        "() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>"
        " el.getAttribute('aria-describedby').split(/\\s+/)"
        ".filter(id => !document.getElementById(id)))"
    )
    assert missing == []
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_the_similar_fragment_visited_directly_is_a_page(tab, world):
    tab.goto(f"/cari/mirip/{world.published.slug}/")
    assert tab.title().startswith("Similar innovations")
    assert tab.evaluate("document.documentElement.lang") == "en"
    assert tab.locator("main h1").count() == 1
