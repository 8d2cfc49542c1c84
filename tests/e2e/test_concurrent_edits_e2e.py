"""Two officers edit one innovation in two browsers: the second is shown the conflict (focused,
axe-clean at 1366 and 390 px), settles it by keyboard alone, and both changes are kept."""

from __future__ import annotations

import pytest

from lumbung.catalog import services
from lumbung.catalog.models import Innovation
from lumbung.organisations.models import Role

from ..factories import UserFactory, grant
from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _active(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent.trim()})"
    )


def _tab_until(page, test, limit: int = 400) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if test(_active(page)):
            return
    raise AssertionError("Tab never reached the element")


def test_the_second_officer_settles_a_conflict_by_keyboard(new_tab, live_server, world):
    colleague = UserFactory(username="budi", first_name="Budi", last_name="Santoso")
    grant(colleague, Role.UNIT_OFFICER, unit=world.unit)
    services.innovation_update(
        actor=world.officer, innovation=world.draft, data={"summary": "Ringkasan awal"}
    )
    url = f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/"
    first, second = new_tab(), new_tab(viewport={"width": 1366, "height": 900})
    sign_in(first, live_server.url, colleague)
    sign_in(second, live_server.url, world.officer)
    first.goto(url)
    second.goto(url)

    first.fill("#id_summary", "Ringkasan dari Budi")
    first.get_by_role("button", name="Save the profile").click()
    first.wait_for_url("**/ruang-kerja/inovasi/*/")

    second.fill("#id_summary", "Ringkasan dari petugas")
    second.fill("#id_problem", "Masalah dari petugas")
    second.get_by_role("button", name="Save the profile").click()
    second.wait_for_selector("#conflicts")
    assert second.title().startswith("Conflicting changes:")
    assert _active(second)["id"] == "conflicts"  # the summary is focused, so it is read out
    assert "What Budi Santoso saved at" in second.locator("#conflicts").inner_text()
    legend = second.locator("#conflict-summary > legend").inner_text()
    assert legend == "Changed by both: summary"
    assert Innovation.objects.get(pk=world.draft.pk).problem != "Masalah dari petugas"
    violations = axe_violations(second)
    assert not violations, describe(violations)
    second.set_viewport_size({"width": 390, "height": 844})
    violations = axe_violations(second)
    assert not violations, describe(violations)
    width = second.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width

    # by keyboard: the summary's link to the conflict, its first choice, then Save
    second.keyboard.press("Tab")
    assert _active(second)["text"] == "summary"
    second.keyboard.press("Enter")
    _tab_until(second, lambda a: a["id"] == "keep-summary-theirs", limit=5)
    second.keyboard.press("Space")
    assert second.locator("#keep-summary-theirs").is_checked()
    _tab_until(second, lambda a: a["tag"] == "BUTTON" and a["text"] == "Save the profile")
    second.keyboard.press("Enter")
    second.wait_for_url(lambda address: "/ubah/" not in address)
    assert "The profile was saved." in second.content()
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert (stored.summary, stored.problem) == ("Ringkasan dari Budi", "Masalah dari petugas")
