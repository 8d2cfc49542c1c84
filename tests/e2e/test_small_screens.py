"""At 320 CSS pixels wide the pages reflow: no horizontal scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import pytest

from .data import many_units, rich_profile

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page, path: str) -> None:
    page.goto(path)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{path}: {widths}"


@pytest.mark.parametrize("width", [320, 1280])
def test_catalog_and_innovation_page_fit(new_tab, world, width):
    innovation = rich_profile(world)
    page = new_tab(viewport={"width": width, "height": 800})
    _no_horizontal_scroll(page, "/inovasi/?status=continuing")
    _no_horizontal_scroll(page, f"/inovasi/{innovation.slug}/")
    _no_horizontal_scroll(page, f"/instansi/{world.agency.slug}/")
    _no_horizontal_scroll(page, "/")


def test_pages_of_a_large_agency_fit_at_320(new_tab, world):
    many_units(world, top=400, children=120)  # many pages of units: a long row of page links
    page = new_tab(viewport={"width": 320, "height": 800})
    _no_horizontal_scroll(page, f"/instansi/{world.agency.slug}/?unit_page=4")
    _no_horizontal_scroll(page, f"/instansi/{world.agency.slug}/?unit_q=satker&unit_page=5")
    _no_horizontal_scroll(page, f"/instansi/{world.agency.slug}/unit/{world.unit.slug}/")
