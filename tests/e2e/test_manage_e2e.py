"""The management pages in Chromium: every page clean for axe-core (WCAG 2.2 AA), a unit added
under a parent chosen with the keyboard alone through the unit picker, a person invited and a
role taken away by keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from lumbung.organisations.models import Membership, Role, Unit

from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PARENT_LISTBOX = "#id_parent_listbox:not([hidden]) [role='option']"


def _clean(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe(violations)}"


def _active_id(page: Any) -> str:
    return page.evaluate("() => document.activeElement.id")


def _tab_to(page: Any, test: Any, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(
            "() => ({id: document.activeElement.id,"
            " text: document.activeElement.textContent.trim()})"
        )
        if test(active):
            return
    raise AssertionError("Tab never reached the element")


def test_every_management_page_passes_axe(tab, world, live_server):
    sign_in(tab, live_server.url, world.platform_admin)
    membership = Membership.objects.get(user=world.officer)
    for path in [
        "/kelola/",
        "/kelola/instansi/baru/",
        "/kelola/instansi/kemensos/",
        f"/kelola/instansi/kemensos/?induk={world.unit.pk}",
        "/kelola/instansi/kemensos/?q=sentra",
        "/kelola/instansi/kemensos/ubah/",
        "/kelola/instansi/kemensos/unit/baru/",
        f"/kelola/instansi/kemensos/unit/{world.unit.pk}/",
        "/kelola/instansi/kemensos/orang/",
        "/kelola/instansi/kemensos/orang/undang/",
        f"/kelola/instansi/kemensos/orang/{world.officer.pk}/",
        "/kelola/mitra/",
        "/kelola/mitra/baru/",
    ]:
        response = tab.goto(path)
        assert response.status == 200, path
        _clean(tab)
    assert membership.pk  # the person page above listed this role


def test_errors_on_a_management_form_pass_axe(tab, world, live_server):
    sign_in(tab, live_server.url, world.admin)
    tab.goto("/kelola/instansi/kemensos/orang/undang/")
    tab.get_by_role("button", name="Invite").click()
    tab.locator(".error-summary").wait_for()
    _clean(tab)


def test_a_unit_is_added_under_a_parent_chosen_by_keyboard(tab, world, live_server):
    sign_in(tab, live_server.url, world.admin)
    tab.goto("/kelola/instansi/kemensos/unit/baru/")
    _tab_to(tab, lambda a: a["id"] == "id_name")
    tab.keyboard.type("Sentra Baru Kupang")
    _tab_to(tab, lambda a: a["id"] == "id_kind")
    tab.keyboard.press("s")  # a select moves to the first option starting with the letter
    _tab_to(tab, lambda a: a["id"] == "id_parent")
    assert tab.get_attribute("#id_parent", "role") == "combobox"
    tab.keyboard.type("wyata")
    tab.wait_for_selector(PARENT_LISTBOX)
    assert tab.locator(PARENT_LISTBOX).all_inner_texts() == ["Sentra Wyata Guna Bandung"]
    _clean(tab)  # with the list open
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    assert tab.input_value("#id_parent") == "Sentra Wyata Guna Bandung"
    _tab_to(tab, lambda a: a["id"] == "id_region")
    tab.keyboard.type("Kota Kupang")
    _tab_to(tab, lambda a: a["text"] == "Save")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/kelola/instansi/kemensos/?induk=*")
    unit = Unit.objects.get(name="Sentra Baru Kupang")
    assert unit.parent == world.sibling_unit and unit.region_id == "53.71"
    expect(tab.get_by_role("rowheader", name="Sentra Baru Kupang")).to_be_visible()


def test_a_role_is_given_and_taken_away_by_keyboard(tab, world, live_server):
    sign_in(tab, live_server.url, world.admin)
    tab.goto(f"/kelola/instansi/kemensos/orang/{world.officer.pk}/")
    _tab_to(tab, lambda a: a["id"] == "id_role")
    tab.select_option("#id_role", "viewer")  # what the arrow keys do in an open select
    _tab_to(tab, lambda a: a["text"] == "Give the role")
    tab.keyboard.press("Enter")
    tab.get_by_text("The role was given.").wait_for()
    assert Membership.objects.filter(user=world.officer, role=Role.VIEWER).exists()
    _tab_to(tab, lambda a: a["text"].startswith("Take away") and "viewer" in a["text"])
    tab.keyboard.press("Enter")
    tab.get_by_text("was taken away").wait_for()
    assert not Membership.objects.filter(user=world.officer, role=Role.VIEWER).exists()
    _clean(tab)
