"""The public agency and unit pages at national scale: an agency of tens of thousands of units is
shown a page of units at a time (its top units, or the units found by name; a unit's direct
children), never its whole tree, and a page costs the same queries whatever the tree's size."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumbung.organisations import selectors
from lumbung.organisations.models import Agency, Unit
from lumbung.organisations.views import UNITS_PER_PAGE
from tests.factories import AgencyFactory, InnovationFactory, UnitFactory
from tests.web.conftest import assert_accessible_markup, outline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English (the msgids), as in tests/web."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def bulk_units(
    agency: Agency, n: int, *, parent: Unit | None = None, prefix: str = "Satker"
) -> list[Unit]:
    """``n`` units of ``agency`` (under ``parent``), named ``<prefix> 000`` … in order."""
    key = f"{parent.pk}-" if parent else ""
    return Unit.objects.bulk_create(
        Unit(
            agency=agency,
            parent=parent,
            name=f"{prefix} {i:03d}",
            slug=f"{prefix.lower().replace(' ', '-')}-{key}{i:03d}",
            kind=Unit.Kind.SENTRA,
        )
        for i in range(n)
    )


def agency_of(top: int, children: int, slug: str) -> tuple[Agency, list[Unit]]:
    """An agency with ``top`` top units, the first with ``children`` units under it (each of
    those with one unit under it), and one published innovation in its first top unit."""
    agency = AgencyFactory(slug=slug)
    tops = bulk_units(agency, top)
    kids = bulk_units(agency, children, parent=tops[0], prefix="Balai")
    for kid in kids:
        bulk_units(agency, 1, parent=kid, prefix=f"Pos {kid.pk}")
    InnovationFactory(unit=tops[0], name=f"Inovasi {slug}", publication_state="published")
    return agency, tops


def unit_links(html: str, agency: Agency) -> list[str]:
    """The unit slugs the page's list of units links to (not the breadcrumb, not the meta)."""
    if 'class="tree"' not in html:
        return []
    section = html.split('class="tree"', 1)[1].split("</ul>", 1)[0]
    return re.findall(rf'href="/instansi/{agency.slug}/unit/([^/"]+)/"', section)


def queries(client, url: str, params: dict | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"unit_page": "2"}, {"unit_q": "satker"}, {"unit_q": "balai", "unit_page": "2"}],
    ids=["top units", "second page", "search", "search, second page"],
)
def test_agency_page_queries_do_not_grow_with_units(client, params):
    small, _ = agency_of(5, 5, "kecil")
    large, _ = agency_of(120, 120, "besar")  # 120 top units, 120 + 120 units below the first
    n_small, _ = queries(client, f"/instansi/{small.slug}/", params)
    n_large, html_large = queries(client, f"/instansi/{large.slug}/", params)
    assert n_small == n_large, (n_small, n_large)
    assert n_large <= 10
    assert unit_links(html_large, large)  # the large page did list units
    assert len(unit_links(html_large, large)) <= UNITS_PER_PAGE


def test_unit_page_queries_do_not_grow_with_children(client):
    small, small_tops = agency_of(5, 5, "kecil")
    large, large_tops = agency_of(120, 120, "besar")
    # as deep in both (a chain of three above the unit)
    for agency, tops in ((small, small_tops), (large, large_tops)):
        under = Unit.objects.filter(parent=tops[0]).order_by("name").first()
        deep = Unit.objects.get(parent=under)
        _, html = queries(client, f"/instansi/{agency.slug}/unit/{deep.slug}/")
        assert tops[0].name in html and under.name in html  # the lineage
    n_small, _ = queries(client, f"/instansi/{small.slug}/unit/{small_tops[0].slug}/")
    n_large, html = queries(client, f"/instansi/{large.slug}/unit/{large_tops[0].slug}/")
    assert n_small == n_large, (n_small, n_large)
    assert n_large <= 10
    assert len(unit_links(html, large)) == UNITS_PER_PAGE


def test_agency_page_has_a_total_unit_count_of_one_query(client):
    agency, _ = agency_of(3, 2, "hitung")
    _, html = queries(client, f"/instansi/{agency.slug}/")
    assert "7 units" in html  # 3 top + 2 below + 2 below those
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/instansi/{agency.slug}/")
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    # the total, the top units' page, the innovations' page: three counts, none per unit
    assert len(counts) == 3, counts


# --- the agency page ------------------------------------------------------------------------


def test_agency_page_lists_top_units_with_their_numbers(client):
    agency = AgencyFactory(slug="kemensos")
    dg = UnitFactory(agency=agency, name="Direktorat Jenderal Rehabilitasi Sosial")
    secretariat = UnitFactory(agency=agency, name="Sekretariat Jenderal", kind="secretariat")
    for name in ("Sentra Handayani", "Sentra Terpadu Kartini"):
        UnitFactory(agency=agency, parent=dg, name=name)
    InnovationFactory(unit=dg, publication_state="published")
    InnovationFactory(unit=dg, publication_state="published")
    InnovationFactory(unit=dg)  # a draft is not counted
    response = client.get(f"/instansi/{agency.slug}/")
    html = response.content.decode()
    assert_accessible_markup(html)
    assert "4 units" in html
    assert unit_links(html, agency) == [dg.slug, secretariat.slug]  # top units, by name
    assert "Sentra Handayani" not in html
    dg_item = html.split(dg.name, 1)[1].split("</li>", 1)[0]
    assert "2 published innovations" in dg_item and "2 units below" in dg_item
    secretariat_item = html.split(secretariat.name, 1)[1].split("</li>", 1)[0]
    assert "0 published innovations" in secretariat_item and "below" not in secretariat_item
    # the search form: a labelled input, sent to this page
    assert '<label for="unit-q">' in html and 'name="unit_q"' in html


def test_agency_page_of_120_top_units_shows_one_page_of_them(client):
    agency = AgencyFactory(slug="besar")
    tops = bulk_units(agency, 120)
    html = client.get(f"/instansi/{agency.slug}/").content.decode()
    assert "120 units" in html
    assert unit_links(html, agency) == [u.slug for u in tops[:UNITS_PER_PAGE]]
    assert tops[UNITS_PER_PAGE].name not in html
    assert 'href="?unit_page=2"' in html and 'aria-label="Pages of units"' in html
    html = client.get(f"/instansi/{agency.slug}/", {"unit_page": "3"}).content.decode()
    assert unit_links(html, agency) == [u.slug for u in tops[2 * UNITS_PER_PAGE :]]
    assert 'aria-current="page"><span class="visually-hidden">Page </span>3<' in html


def test_units_and_innovations_are_paged_apart(client, settings):
    settings.CATALOG_PAGE_SIZE = 1
    agency = AgencyFactory(slug="dua-daftar")
    tops = bulk_units(agency, 60)
    first = InnovationFactory(unit=tops[0], name="Inovasi Pertama", publication_state="published")
    second = InnovationFactory(unit=tops[0], name="Inovasi Kedua", publication_state="published")
    html = client.get(f"/instansi/{agency.slug}/", {"page": "2", "unit_page": "2"}).content.decode()
    assert_accessible_markup(html)
    assert unit_links(html, agency) == [u.slug for u in tops[UNITS_PER_PAGE:]]
    shown = {first.name, second.name} & set(re.findall(r"Inovasi (?:Pertama|Kedua)", html))
    assert len(shown) == 1  # one innovation a page: the second
    # each list's links change its own page and keep the other's
    assert 'href="?page=2&amp;unit_page=1"' in html  # units: back to the first page
    assert 'href="?page=1&amp;unit_page=2"' in html  # innovations: back to the first page
    labels = re.findall(r'<nav class="pagination" aria-label="([^"]+)"', html)
    assert sorted(labels) == ["Pages", "Pages of units"]  # two navigations, told apart


@pytest.mark.parametrize("page", ["abc", "", "2.5", "0", "-1", "999"])
def test_a_bad_unit_page_number_gives_the_first_or_last_page(client, page):
    """Not a number: the first page; out of range (below 1 or past the end): the last, as
    Django's ``Paginator.get_page`` does everywhere else."""
    agency = AgencyFactory(slug="halaman")
    tops = bulk_units(agency, 60)
    response = client.get(f"/instansi/{agency.slug}/", {"unit_page": page})
    assert response.status_code == 200
    links = unit_links(response.content.decode(), agency)
    expected = tops[UNITS_PER_PAGE:] if page in {"0", "-1", "999"} else tops[:UNITS_PER_PAGE]
    assert links == [u.slug for u in expected]


def test_the_empty_agency(client):
    agency = AgencyFactory(slug="kosong")
    n, html = queries(client, f"/instansi/{agency.slug}/")
    assert_accessible_markup(html)
    assert "0 units" in html and "No unit is recorded." in html
    assert 'name="unit_q"' not in html and "pagination" not in html
    assert n <= 10
    # a search of an empty agency (an address typed by hand) is an empty page, not an error
    html = client.get(f"/instansi/{agency.slug}/", {"unit_q": "x", "unit_page": "2"}).content
    assert b"No unit is recorded." in html


# --- the unit search ------------------------------------------------------------------------


def test_unit_search_finds_names_and_short_names_of_this_agency_only(client):
    agency = AgencyFactory(slug="kemensos")
    other = AgencyFactory(slug="kemenkes")
    dg = UnitFactory(agency=agency, name="Direktorat Jenderal Rehabilitasi Sosial")
    handayani = UnitFactory(agency=agency, parent=dg, name="Sentra Handayani")
    deep = UnitFactory(agency=agency, parent=handayani, name="Rumah Aman", short_name="RPSA")
    UnitFactory(agency=other, name="Sentra Handayani Lain")
    url = f"/instansi/{agency.slug}/"

    html = client.get(url, {"unit_q": "  HANDAYANI "}).content.decode()
    assert_accessible_markup(html)
    assert unit_links(html, agency) == [handayani.slug]
    assert "1 unit matches “HANDAYANI”" in html
    assert f"under {dg.name}" in html  # its parent, for context
    assert 'value="HANDAYANI"' in html  # the form keeps the words
    assert "Sentra Handayani Lain" not in html

    html = client.get(url, {"unit_q": "rpsa"}).content.decode()  # the short name
    assert unit_links(html, agency) == [deep.slug] and f"under {handayani.name}" in html

    html = client.get(url, {"unit_q": "direktorat"}).content.decode()  # a top unit: no parent
    assert unit_links(html, agency) == [dg.slug] and "under " not in html.split("tree", 1)[1]

    html = client.get(url, {"unit_q": "puskesmas"}).content.decode()
    assert_accessible_markup(html)
    assert "0 units match “puskesmas”" in html and unit_links(html, agency) == []
    assert f'href="{url}">Clear</a>' in html

    html = client.get(url, {"unit_q": "   "}).content.decode()  # blank: the top units
    assert unit_links(html, agency) == [dg.slug] and "Top-level units" in html


def test_unit_search_is_paginated(client):
    agency = AgencyFactory(slug="cari")
    tops = bulk_units(agency, 2, prefix="Kantor")
    below = bulk_units(agency, 60, parent=tops[1], prefix="Balai")
    bulk_units(agency, 30, prefix="Gudang")
    url = f"/instansi/{agency.slug}/"
    html = client.get(url, {"unit_q": "balai"}).content.decode()
    assert "60 units match “balai”" in html
    assert unit_links(html, agency) == [u.slug for u in below[:UNITS_PER_PAGE]]
    assert html.count(f"under {tops[1].name}") == UNITS_PER_PAGE
    assert 'href="?unit_q=balai&amp;unit_page=2"' in html
    html = client.get(url, {"unit_q": "balai", "unit_page": "2"}).content.decode()
    assert unit_links(html, agency) == [u.slug for u in below[UNITS_PER_PAGE:]]


def test_a_long_search_is_cut_not_refused(client):
    agency = AgencyFactory(slug="panjang")
    response = client.get(f"/instansi/{agency.slug}/", {"unit_q": "x" * 5000})
    assert response.status_code == 200


# --- the unit page --------------------------------------------------------------------------


def test_unit_page_shows_its_lineage_and_a_page_of_its_children(client):
    agency = AgencyFactory(slug="kemensos")
    dg = UnitFactory(agency=agency, name="Direktorat Jenderal")
    directorate = UnitFactory(agency=agency, parent=dg, name="Direktorat Anak")
    sentra = UnitFactory(agency=agency, parent=directorate, name="Sentra Handayani")
    kids = bulk_units(agency, 55, parent=sentra, prefix="Pos")
    bulk_units(agency, 2, parent=kids[0], prefix="Cabang")
    InnovationFactory(unit=kids[0], publication_state="published")

    html = client.get(f"/instansi/{agency.slug}/unit/{sentra.slug}/").content.decode()
    assert_accessible_markup(html)
    breadcrumb = html.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert breadcrumb.index(agency.name) < breadcrumb.index(dg.name)
    assert breadcrumb.index(dg.name) < breadcrumb.index(directorate.name)
    assert sentra.name not in breadcrumb
    assert "55 units" in html
    assert unit_links(html, agency) == [u.slug for u in kids[:UNITS_PER_PAGE]]
    first = html.split(kids[0].name, 1)[1].split("</li>", 1)[0]
    assert "1 published innovation" in first and "2 units below" in first
    assert "Cabang" not in html  # never the subtree
    assert 'href="?unit_page=2"' in html

    html = client.get(f"/instansi/{agency.slug}/unit/{sentra.slug}/", {"unit_page": "x"}).content
    assert unit_links(html.decode(), agency) == [u.slug for u in kids[:UNITS_PER_PAGE]]
    html = client.get(f"/instansi/{agency.slug}/unit/{sentra.slug}/", {"unit_page": "9"}).content
    assert unit_links(html.decode(), agency) == [u.slug for u in kids[UNITS_PER_PAGE:]]


def test_a_leaf_unit_has_no_list_of_units(client):
    agency = AgencyFactory(slug="daun")
    leaf = UnitFactory(agency=agency, name="Puskesmas Sukamaju")
    html = client.get(f"/instansi/{agency.slug}/unit/{leaf.slug}/").content.decode()
    assert_accessible_markup(html)
    assert "Units under this one" not in html
    headings = [t for t in outline(html).tags if t in {"h1", "h2", "h3"}]
    assert headings[0] == "h1" and "h3" not in headings


def test_lineage_from_the_top_down():
    agency = AgencyFactory()
    chain = [UnitFactory(agency=agency, name="Akar")]
    for name in ("Cabang", "Ranting", "Daun"):
        chain.append(UnitFactory(agency=agency, parent=chain[-1], name=name))
    assert selectors.lineage(chain[0]) == []
    assert selectors.lineage(chain[-1]) == chain[:-1]
    assert selectors.lineage(chain[1]) == chain[:1]


def test_lineage_stops_at_another_agency_and_at_a_loop(client):
    agency, other = AgencyFactory(slug="satu"), AgencyFactory(slug="lain")
    foreign = UnitFactory(agency=other, name="Unit Lain")
    top = UnitFactory(agency=agency, name="Atas")
    middle = UnitFactory(agency=agency, parent=top, name="Tengah")
    bottom = UnitFactory(agency=agency, parent=middle, name="Bawah")
    # written behind the services' back, as a broken import might
    Unit.objects.filter(pk=top.pk).update(parent=foreign)
    bottom.refresh_from_db()
    assert selectors.lineage(bottom) == [top, middle]
    Unit.objects.filter(pk=top.pk).update(parent=middle)  # top ↔ middle: a loop
    bottom.refresh_from_db()
    assert selectors.lineage(bottom) == [top, middle]
    response = client.get(f"/instansi/{agency.slug}/unit/{bottom.slug}/")
    assert response.status_code == 200
    response = client.get(f"/instansi/{agency.slug}/")  # no top unit left, nothing breaks
    assert response.status_code == 200 and "3 units" in response.content.decode()


def test_children_counts_stay_within_the_agency():
    agency, other = AgencyFactory(), AgencyFactory()
    top = UnitFactory(agency=agency)
    child = UnitFactory(agency=agency, parent=top)
    stray = UnitFactory(agency=other)
    Unit.objects.filter(pk=stray.pk).update(parent=top)  # another agency's unit, wrongly linked
    (counted,) = selectors.with_unit_counts([top])
    assert counted.child_count == 1 and counted.published_count == 0
    assert list(selectors.child_units(top)) == [child]
    assert selectors.with_unit_counts([]) == []
