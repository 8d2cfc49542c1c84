"""Search in the browser: results with highlighted words, a facet that narrows them, the problem
matching page, and no serious or critical axe-core violation on either page."""

from __future__ import annotations

import pytest

from tests.factories import InnovationFactory

from .conftest import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def searchable(world):
    InnovationFactory(
        unit=world.other_unit,
        name="Antrian Regol",
        summary="Pendaftaran pasien puskesmas secara online dengan pemantauan antrean.",
        problem="Antrean di puskesmas panjang.",
        sector="health",
        publication_state="published",
    )
    InnovationFactory(
        unit=world.sibling_unit,
        name="Kerja Terlindung",
        summary="Penyandang disabilitas bekerja di bengkel kerja terlindung.",
        problem="Penyandang disabilitas sulit mendapat kerja.",
        sector="social",
        publication_state="published",
    )
    InnovationFactory(
        unit=world.other_unit,
        name="Sekolah Inklusif",
        summary="Anak penyandang disabilitas belajar di sekolah reguler.",
        problem="Anak disabilitas sulit mendapat sekolah.",
        sector="education",
        publication_state="published",
    )
    return world


def test_search_with_a_facet(tab, searchable):
    tab.goto("/cari/?q=difabel")
    assert tab.get_by_role("heading", level=1).count() == 1
    results = tab.locator("ol.results > li")
    assert results.count() == 2  # "difabel" finds "disabilitas"; the draft stays hidden
    assert tab.locator("ol.results mark").count() >= 2
    violations = axe_violations(tab)
    assert not violations, describe(violations)

    facet = tab.locator('ul[aria-labelledby="facet-sector"] a[href*="sector=education"]')
    facet.click()
    tab.wait_for_url("**sector=education**")
    assert tab.locator("ol.results > li").count() == 1
    assert "Sekolah Inklusif" in tab.locator("ol.results").inner_text()
    selected = tab.locator('ul[aria-labelledby="facet-sector"] a[aria-current="true"]')
    assert selected.count() == 1
    violations = axe_violations(tab)
    assert not violations, describe(violations)

    selected.click()  # following the selected value removes the filter again
    tab.wait_for_url(lambda url: "sector=" not in url)
    assert tab.locator("ol.results > li").count() == 2


def test_search_by_keyboard(tab, searchable):
    tab.goto("/cari/")
    tab.get_by_label("What are you looking for?").fill("antrian puskesmsa")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**q=antrian**")
    assert "Antrian Regol" in tab.locator("ol.results").inner_text()
    assert tab.locator(".correction").count() == 1  # the typo was corrected


def test_match_page(tab, searchable):
    tab.goto("/cari/masalah/")
    violations = axe_violations(tab)
    assert not violations, describe(violations)
    tab.get_by_label("Describe the problem").fill("Penyandang disabilitas sulit dapat kerja")
    tab.get_by_label("Sector").select_option("social")
    tab.get_by_role("button", name="Find innovations").click()
    tab.wait_for_url("**problem=**")
    first = tab.locator("ol.match-results > li").first
    assert "Kerja Terlindung" in first.inner_text()
    assert first.locator(".reasons li").count() >= 1
    assert tab.get_by_role("heading", level=1).count() == 1
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_pages_at_320_px(new_tab, searchable):
    page = new_tab(viewport={"width": 320, "height": 640})
    page.goto("/cari/?q=disabilitas")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
