"""The region picker in Chromium: chosen with the keyboard alone (an ARIA combobox over the
search), clean for axe-core, and the same field without JavaScript.

No page of the product has a region field yet (the organisation management pages will), so this
module brings a tiny form page of its own: its URLconf is the product's plus that page."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from lumbung.organisations.region_picker import RegionField
from lumbung.platform import urls as platform_urls

from .conftest import axe_violations, describe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

PAGE = "/uji/wilayah/"
LISTBOX = "#id_region_listbox"
OPEN_OPTIONS = f"{LISTBOX}:not([hidden]) [role='option']"
SAVE = "main button[type=submit]"


class PickerForm(forms.Form):
    region = RegionField(label="Region of the agency")


TEMPLATE = """{% extends "web/base.html" %}
{% block title %}Region picker{% endblock %}
{% block content %}
<h1>Region picker</h1>
{% if chosen %}<p id="chosen">{{ chosen.code }} {{ chosen.name }}</p>{% endif %}
{% include "web/includes/form_errors.html" %}
<form method="post" novalidate>
  {% csrf_token %}
  {% include "web/includes/field.html" with field=form.region %}
  <p>Something after the field, which the list of options covers while it is open.</p>
  <div class="form-actions"><button type="submit">Save</button></div>
</form>
{% endblock %}"""


def picker_page(request: HttpRequest) -> HttpResponse:
    form = PickerForm(request.POST or None)
    chosen = form.cleaned_data["region"] if request.method == "POST" and form.is_valid() else None
    template = engines["django"].from_string(TEMPLATE)
    return HttpResponse(template.render({"form": form, "chosen": chosen}, request))


urlpatterns = [path(PAGE.strip("/") + "/", picker_page), *platform_urls.urlpatterns]


def _active_id(page: Any) -> str:
    return page.evaluate("() => document.activeElement.id")


def _tab_to(page: Any, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _active_id(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def _attr(page: Any, selector: str, name: str) -> str | None:
    return page.get_attribute(selector, name)


def _highlighted(page: Any) -> str:
    return page.locator(f"{LISTBOX} [aria-selected='true']").inner_text()


def test_choose_a_region_with_the_keyboard_alone(tab):
    tab.goto(PAGE)
    _tab_to(tab, "id_region")
    # the script made the input a combobox over a listbox
    assert _attr(tab, "#id_region", "role") == "combobox"
    assert _attr(tab, "#id_region", "aria-autocomplete") == "list"
    assert _attr(tab, "#id_region", "aria-controls") == "id_region_listbox"
    assert _attr(tab, "#id_region", "aria-expanded") == "false"
    label_id = _attr(tab, LISTBOX, "aria-labelledby")
    assert label_id and "Region of the agency" in tab.inner_text(f"#{label_id}")

    tab.keyboard.type("blitar")
    tab.wait_for_selector(OPEN_OPTIONS)
    assert _attr(tab, "#id_region", "aria-expanded") == "true"
    options = tab.locator(OPEN_OPTIONS)
    assert options.all_inner_texts() == [
        "Kabupaten Blitar (35.05), Jawa Timur",
        "Kota Blitar (35.72), Jawa Timur",
    ]
    assert "2 regions found" in tab.inner_text("#id_region_status")
    assert _active_id(tab) == "id_region"  # focus stays in the input

    tab.keyboard.press("ArrowDown")
    first = options.nth(0).get_attribute("id")
    assert _attr(tab, "#id_region", "aria-activedescendant") == first
    assert options.nth(0).get_attribute("aria-selected") == "true"
    tab.keyboard.press("ArrowDown")
    second = options.nth(1).get_attribute("id")
    assert _attr(tab, "#id_region", "aria-activedescendant") == second
    assert options.nth(0).get_attribute("aria-selected") == "false"
    tab.keyboard.press("ArrowDown")  # wraps round to the first
    assert _attr(tab, "#id_region", "aria-activedescendant") == first
    tab.keyboard.press("ArrowUp")
    assert _attr(tab, "#id_region", "aria-activedescendant") == second

    violations = axe_violations(tab)  # with the list open and an option highlighted
    assert not violations, describe(violations)

    tab.keyboard.press("Enter")  # chooses; does not submit the form
    assert tab.input_value("#id_region") == "Kota Blitar (35.72), Jawa Timur"
    assert _attr(tab, "#id_region", "aria-expanded") == "false"
    assert tab.locator(LISTBOX).is_hidden()
    assert _attr(tab, "#id_region", "aria-activedescendant") is None
    assert tab.locator("#chosen").count() == 0

    _tab_to(tab, "")  # past the field: the Save button has no id
    assert tab.evaluate("() => document.activeElement.textContent.trim()") == "Save"
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#chosen")
    assert tab.inner_text("#chosen") == "35.72 Kota Blitar"
    # the chosen region comes back as its label, ready to be changed
    assert tab.input_value("#id_region") == "Kota Blitar (35.72), Jawa Timur"


def test_escape_closes_the_list_and_keeps_what_was_typed(tab):
    tab.goto(PAGE)
    _tab_to(tab, "id_region")
    tab.keyboard.type("kupang")
    tab.wait_for_selector(OPEN_OPTIONS)
    tab.keyboard.press("Escape")
    assert tab.locator(LISTBOX).is_hidden()
    assert _attr(tab, "#id_region", "aria-expanded") == "false"
    assert tab.input_value("#id_region") == "kupang"
    # Down opens it again on the first option; Up from closed picks the last
    tab.keyboard.press("ArrowDown")
    tab.wait_for_selector(OPEN_OPTIONS)
    assert _highlighted(tab).startswith("Kabupaten Kupang (53.01)")
    tab.keyboard.press("Escape")
    tab.keyboard.press("ArrowUp")
    tab.wait_for_selector(OPEN_OPTIONS)
    assert _highlighted(tab).startswith("Kota Kupang (53.71)")
    tab.keyboard.press("Enter")
    assert tab.input_value("#id_region") == "Kota Kupang (53.71), Nusa Tenggara Timur"


def test_nothing_found_is_said_and_the_server_still_checks(tab):
    tab.goto(PAGE)
    _tab_to(tab, "id_region")
    tab.keyboard.type("atlantis")
    tab.wait_for_function(
        "() => document.getElementById('id_region_status').textContent.includes('No region')"
    )
    assert tab.locator(LISTBOX).is_hidden()
    tab.keyboard.press("Enter")  # nothing highlighted: Enter submits the form
    tab.wait_for_selector(".error-summary")
    assert "Unknown region" in tab.inner_text(".error-summary")
    assert _attr(tab, "#id_region", "aria-invalid") == "true"
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_in_indonesian_with_the_pointer(new_tab):
    page = new_tab(language="id")
    page.goto(PAGE)
    page.click("#id_region")
    page.keyboard.type("sukabumi")
    # the list opens at the first letters typed: wait for the answer to the whole word
    page.wait_for_function(
        "() => document.getElementById('id_region_status').textContent"
        ".includes('2 wilayah ditemukan')"
    )
    page.wait_for_selector(OPEN_OPTIONS)
    page.click(f"{LISTBOX} [data-code='32.72']")
    assert page.input_value("#id_region") == "Kota Sukabumi (32.72), Jawa Barat"
    assert _active_id(page) == "id_region"  # the click did not take the focus away
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_without_javascript_a_code_or_a_name_is_typed(new_tab):
    page = new_tab(java_script_enabled=False, language="id")
    page.goto(PAGE)
    assert _attr(page, "#id_region", "role") is None  # a plain text input, honestly labelled
    assert page.locator(LISTBOX).is_hidden()

    page.fill("#id_region", "Atlantis")
    page.click(SAVE)
    assert "Wilayah tidak dikenal" in page.inner_text(".error-summary")
    assert page.input_value("#id_region") == "Atlantis"

    page.fill("#id_region", "Blitar")
    page.click(SAVE)
    errors = page.inner_text(".error-summary")
    assert "Kabupaten Blitar (35.05)" in errors and "Kota Blitar (35.72)" in errors

    page.fill("#id_region", "kabupaten blitar")
    page.click(SAVE)
    assert page.inner_text("#chosen") == "35.05 Kabupaten Blitar"

    page.fill("#id_region", "5371")
    page.click(SAVE)
    assert page.inner_text("#chosen") == "53.71 Kota Kupang"
