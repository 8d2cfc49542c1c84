"""The portfolio summary stays equal to counting the catalog live, whatever the services do
(create, publish, status, award, delete, import) — for the public, an officer, another agency
and a platform admin — and a year filter counts live."""

import datetime as dt

import pytest

from lumbung.catalog import hooks
from lumbung.catalog import selectors as catalog_selectors
from lumbung.catalog import services as catalog_services
from lumbung.core.actors import ANONYMOUS, SYSTEM
from lumbung.insights import selectors, summary
from lumbung.insights.models import PortfolioCount
from tests.factories import InnovationFactory


def live(actor, agency=None):
    """The portfolio as a live GROUP BY over what the person may see."""
    qs = catalog_selectors.visible_innovations(actor)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return {d: summary.counts(qs, d) for d in summary.DIMENSIONS}


def from_summary(actor, agency=None):
    scope = selectors._Scope(actor, agency, None)
    return {d: scope.counts(d) for d in summary.DIMENSIONS}


def agree(world):
    for who in (None, world.officer, world.other_officer, world.admin, world.platform_admin):
        actor = who if who is not None else ANONYMOUS
        for agency in (None, world.agency):
            got = {
                d: {k: n for k, n in c.items() if n} for d, c in from_summary(actor, agency).items()
            }
            want = {d: {k: n for k, n in c.items() if n} for d, c in live(actor, agency).items()}
            assert got == want, (who, agency)


def test_the_summary_follows_every_catalog_write(world):
    agree(world)
    extra = InnovationFactory(unit=world.unit, name="Baru", publication_state="published")
    agree(world)
    catalog_services.innovation_set_status(
        actor=world.officer,
        innovation=extra,
        status="stopped",
        date=dt.date(2025, 1, 1),
        reason="Dana habis",
    )
    catalog_services.award_grant_unchecked(
        actor=SYSTEM, innovation=extra, competition="KIPP", year=2024, level="top_99"
    )
    agree(world)
    catalog_services.innovation_delete(actor=world.officer, innovation=world.draft)
    agree(world)
    with hooks.bulk():
        for i in range(3):
            InnovationFactory(
                unit=world.other_unit, name=f"Impor {i}", publication_state="published"
            )
    agree(world)
    assert PortfolioCount.objects.filter(dimension="status").exists()


def test_a_rebuild_gives_the_same_rows(world):
    before = sorted(
        PortfolioCount.objects.values_list("agency_id", "published", "dimension", "key", "count")
    )
    assert summary.rebuild() == len(before)
    after = sorted(
        PortfolioCount.objects.values_list("agency_id", "published", "dimension", "key", "count")
    )
    assert after == before


def test_a_year_filter_counts_live(world):
    from lumbung.catalog.models import Innovation

    Innovation.objects.filter(pk=world.published.pk).update(start_year=2019)
    found = selectors.portfolio(world.officer, year=2019)
    assert found.total == 1
    assert selectors.portfolio(world.officer, year=2018).total == 0


@pytest.mark.parametrize("who", ["nobody", "other_officer"])
def test_drafts_of_another_agency_are_never_counted(world, who):
    person = getattr(world, who)
    mine = selectors.portfolio(person, agency=world.agency)
    assert mine.total == 1  # the published one; the unit's draft stays hidden
