"""The notifications page and the e-mail preferences, by keyboard only, axe-clean at 1366 px and
390 px: an agency admin finds the innovation submitted for review and opens the review from the
notification; then chooses the daily digest for reviews."""

from __future__ import annotations

import pytest

from lumbung.catalog import services as catalog_services
from lumbung.notifications.selectors import preferences_of

from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]


def _focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: (document.activeElement.textContent || '').trim(),"
        " href: document.activeElement.getAttribute('href') || ''})"
    )


def _tab_until(page, test, limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = _focused(page)
        if test(active):
            return active
    raise AssertionError("Tab never reached the element")


@pytest.mark.parametrize("viewport", WIDTHS, ids=["1366", "390"])
def test_notifications_and_preferences_by_keyboard(new_tab, live_server, world, viewport):
    catalog_services.innovation_submit(actor=world.officer, innovation=world.draft)
    page = new_tab(viewport=viewport)
    sign_in(page, live_server.url, world.admin)

    page.goto("/notifikasi/")
    assert page.locator("h1").inner_text() == "Notifications"
    assert "was submitted for review" in page.locator("main").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    _tab_until(page, lambda a: a["tag"] == "BUTTON" and a["text"].startswith("Open"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tinjauan/{world.draft.slug}/")
    assert "Sheltered Workshop Peduli" in page.locator("h1").inner_text()

    page.goto("/notifikasi/")
    assert "new" not in page.locator(".item-list").inner_text().split()  # now read
    _tab_until(page, lambda a: a["href"] == "/notifikasi/pengaturan/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifikasi/pengaturan/")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    _tab_until(page, lambda a: a["id"] == "id_review_0")
    page.keyboard.press("ArrowDown")  # radios: the arrow picks the next choice, the digest
    assert page.locator("#id_review_1").is_checked()
    _tab_until(page, lambda a: a["tag"] == "BUTTON" and a["text"] == "Save settings")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Your notification settings are saved." in page.locator("body").inner_text()
    assert page.locator("#id_review_1").is_checked()
    assert preferences_of(world.admin)["review"] == "digest"
    violations = axe_violations(page)
    assert not violations, describe(violations)
