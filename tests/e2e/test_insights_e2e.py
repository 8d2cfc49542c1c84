"""Outcomes and insights in the browser: the lineage graph walked by keyboard alone (arrow keys,
the live panel, Enter opens the innovation); a chart's table opened by keyboard; every outcome
and insight page axe-core clean at 1366 px and 390 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.outcomes import services as outcome_services
from lumbung.replication import services as rep_services
from tests.factories import InnovationFactory

from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def family(world):
    """The unit's published innovation (started 2022), two replicas in the other agency and a
    replica of a replica, an indicator with figures (one replica better), and a programme."""
    original = world.published
    Innovation.objects.filter(pk=original.pk).update(start_date=dt.date(2022, 1, 1))
    original.refresh_from_db()
    first = InnovationFactory(
        unit=world.other_unit,
        name="Replika Pertama",
        publication_state="published",
        source=original,
        replication_form="adaptation",
        generation=1,
    )
    second = InnovationFactory(
        unit=world.other_unit,
        name="Replika Kedua",
        publication_state="published",
        source=original,
        replication_form="adoption",
        generation=1,
    )
    grandchild = InnovationFactory(
        unit=world.sibling_unit,
        name="Replika Generasi Dua",
        publication_state="published",
        source=first,
        replication_form="modification",
        generation=2,
    )
    Innovation.objects.filter(pk__in=[first.pk, second.pk, grandchild.pk]).update(
        start_date=dt.date(2023, 1, 1)
    )
    indicator = outcome_services.indicator_create(
        actor=world.officer,
        innovation=original,
        name="Warga terlayani",
        unit_of_measure="orang",
        better="higher",
        frequency="quarterly",
    )
    for inn, start, values in (
        (original, dt.date(2022, 1, 1), (10, 20)),
        (first, dt.date(2023, 1, 1), (10, 40)),
    ):
        inn.refresh_from_db()
        for months, value in zip((0, 12), values, strict=True):
            outcome_services.measurement_record(
                actor=world.platform_admin,
                innovation=inn,
                indicator=indicator,
                period_end=start.replace(year=start.year + months // 12),
                kind="follow_up",
                value=value,
                evidence="Laporan",
            )
    programme = rep_services.programme_create(
        actor=world.platform_admin,
        agency=world.agency,
        name="Program Uji",
        start_date=timezone.localdate() - dt.timedelta(days=300),
        coverage_target=5,
        sources=[original],
    )
    return original, first, second, grandchild, programme


def _focused(page: Any) -> str:
    return page.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")


def test_the_lineage_graph_by_keyboard_alone(new_tab, family):
    original, _first, _second, _grandchild, _programme = family
    page = new_tab(viewport={"width": 1366, "height": 900})
    page.goto(f"/wawasan/difusi/{original.slug}/")
    for _ in range(80):  # the tree is one Tab stop
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.hasAttribute('data-lineage-node')"):
            break
    else:
        raise AssertionError("Tab never reached the lineage graph")
    assert original.name in _focused(page) and "the original" in _focused(page)
    page.keyboard.press("ArrowRight")  # its first replica
    child = _focused(page)
    assert "generation 1" in child and original.name in child
    panel = page.locator("[data-lineage-detail]")
    assert child.split(" — ")[0] in panel.inner_text()  # told in the live panel too
    page.keyboard.press("ArrowLeft")  # back to what it replicates
    assert original.name in _focused(page)
    page.keyboard.press("End")
    last = _focused(page)
    assert last != child and "generation" in last
    page.keyboard.press("Home")
    assert original.name in _focused(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # opens that innovation's outcomes
    page.wait_for_url("**/hasil/**")
    assert "/hasil/" in page.url


def test_a_charts_table_opens_by_keyboard(new_tab, family):
    page = new_tab(viewport={"width": 1366, "height": 900})
    page.goto("/wawasan/")
    summary = page.locator("details summary").first
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "SUMMARY":
            break
    else:
        raise AssertionError("Tab never reached a chart's table")
    page.keyboard.press("Enter")
    table = summary.locator("xpath=..").locator("table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() >= 1


@pytest.mark.parametrize("width", [1366, 390])
def test_outcome_and_insight_pages_are_axe_clean(new_tab, family, world, live_server, width):
    original, first, _second, _grandchild, programme = family
    page = new_tab(viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, world.officer)
    for path in (
        "/wawasan/",
        f"/wawasan/program/{programme.slug}/",
        f"/wawasan/difusi/{original.slug}/",
        "/wawasan/indeks/",
        f"/wawasan/indeks/{original.slug}/",
        f"/wawasan/indeks/?agency={world.agency.pk}",
        "/wawasan/fasilitasi/",
        "/wawasan/data-terbuka/",
        f"/hasil/{original.slug}/",
        f"/hasil/{first.slug}/",
        f"/hasil/{original.slug}/keluarga/",
        f"/inovasi/{original.slug}/",
    ):
        response = page.goto(path)
        assert response is not None and response.ok, path
        for details in page.locator("details").all():  # tables open too
            details.evaluate("d => d.open = true")
        violations = axe_violations(page)
        assert not violations, f"{path} at {width}px\n{describe(violations)}"
