"""At 320 CSS pixels wide the pages reflow: no horizontal scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import pytest

from lumbung.replication.models import Stage
from tests.replication.conftest import advance, rep  # noqa: F401  (the replication fixture)

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


#: a phone (390 CSS px) and a 1366 px screen zoomed to 200 % (683 CSS px at twice the density)
REFLOW_VIEWPORTS = {
    "phone-390": {"viewport": {"width": 390, "height": 844}},
    "zoom-200": {"viewport": {"width": 683, "height": 384}, "device_scale_factor": 2},
}


@pytest.mark.parametrize("screen", sorted(REFLOW_VIEWPORTS))
def test_replication_and_internal_pages_reflow(new_tab, rep, live_server, screen):  # noqa: F811
    """Project and programme pages (wide tables with visually-hidden text in their cells) and the
    internal innovation page (its history table) scroll inside their tables, not the page."""
    from .conftest import sign_in

    rich_profile(rep)  # a change history on the internal innovation page
    advance(rep.project, Stage.IMPLEMENTATION)  # a stage history, documents, a checklist
    pages = {
        rep.manager: [
            f"/replikasi/program/{rep.programme.slug}/",
            f"/replikasi/proyek/{rep.project.pk}/",
        ],
        rep.other_officer: [f"/replikasi/proyek/{rep.project.pk}/", "/replikasi/"],
        rep.officer: [f"/inovasi/{rep.source.slug}/", "/replikasi/komitmen/"],
    }
    for person, paths in pages.items():
        page = new_tab(**REFLOW_VIEWPORTS[screen])
        sign_in(page, live_server.url, person)
        for path in paths:
            _no_horizontal_scroll(page, path)
