"""List endpoints cost the same number of queries whatever the page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lumbung.catalog.models import Award, Innovation
from tests.factories import InnovationFactory, PartnerFactory, UnitFactory

from .conftest import BASE

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_catalog(world):
    """60 published innovations, each with awards and SDGs, half of them replicas."""
    units = [world.unit, world.sibling_unit, world.other_unit]
    originals: list[Innovation] = []
    for i in range(60):
        source = originals[i % len(originals)] if i % 2 and originals else None
        lineage = {"source": source, "generation": 1, "replication_form": "adoption"}
        innovation = InnovationFactory(
            unit=units[i % 3],
            name=f"Inovasi {i:02d}",
            sdgs=[1 + i % 17, 1 + (i + 5) % 17],
            publication_state="published",
            **(lineage if source else {}),
        )
        if not source:
            originals.append(innovation)
        Award.objects.create(innovation=innovation, level="top_99", year=2015 + i % 8)
        Award.objects.create(innovation=innovation, level="top_45", year=2016 + i % 8)
    for i in range(60):
        UnitFactory(agency=world.agency, name=f"Unit {i:02d}")
        PartnerFactory(name=f"Mitra {i:02d}")
    return world


def count_queries(client: Client, path: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(BASE + path, params)
    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) == params["page_size"]
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/innovations", {}),
        ("/innovations", {"sort": "newest", "award": "top_99"}),
        ("/agencies", {}),
        ("/units", {}),
        ("/partners", {}),
        ("/regions", {}),
    ],
)
def test_list_queries_do_not_grow_with_page_size(big_catalog, path, params):
    client = Client()
    if path == "/agencies":  # only two agencies: compare 1 and 2 instead
        small, large = 1, 2
    else:
        small, large = 5, 50
    assert count_queries(client, path, {**params, "page_size": small}) == count_queries(
        client, path, {**params, "page_size": large}
    )


def test_innovation_list_query_budget(big_catalog, django_assert_max_num_queries):
    client = Client()
    # count, page, prefetch awards, prefetch SDGs
    with django_assert_max_num_queries(4):
        response = client.get(f"{BASE}/innovations", {"page_size": 50})
    body = response.json()
    assert body["count"] == 62 and len(body["items"]) == 50
    assert all(
        item["awards"] and len(item["sdgs"]) == 2
        for item in body["items"]
        if item["name"].startswith("Inovasi")
    )
    assert any(item["source"] for item in body["items"])


def test_signed_in_list_with_state_is_flat_too(big_catalog, make_api):
    officer = make_api(big_catalog.officer)
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            response = officer.get("/innovations", {"state": "all", "page_size": size})
        assert len(response.json()["items"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/innovations", {}),
        ("/innovations", {"sort": "newest", "award": "top_99"}),
        ("/units", {}),
        ("/partners", {}),
    ],
)
def test_a_page_past_the_first_reads_its_keys_first_and_keeps_the_order(big_catalog, path, params):
    """Past the first page the page's keys are read first, then only its rows with their joins:
    the pages, in order, hold every row of the first page's ordering once, and a later page costs
    one query more than the first whatever the page size."""
    client = Client()
    everything = client.get(BASE + path, {**params, "page_size": 100}).json()["items"]
    assert len(everything) > 30
    paged: list[dict] = []
    page = 1
    while True:
        body = client.get(BASE + path, {**params, "page_size": 7, "page": page}).json()
        if not body["items"]:
            break
        paged += body["items"]
        page += 1
    assert paged == everything
    first = count_queries(client, path, {**params, "page_size": 5})
    for size in (5, 15):
        later = count_queries(client, path, {**params, "page_size": size, "page": 2})
        assert later == first + 1


def test_later_pages_of_an_instance_built_through_the_api_show_each_reader_only_its_own(
    make_api, two_agencies
):
    """An empty instance: two agencies, their officers and admin, and innovations written,
    submitted and published through the API. Past the first page (keys first) every reader
    still sees exactly what the first page's query allows: the public the published ones, each
    officer its own drafts and never the other agency's."""
    world = two_agencies
    officer, other = world.officer, world.other
    own = [world.write(officer, world.unit, f"Layanan Keliling {n}") for n in range(7)]
    theirs = [world.write(other, world.other_unit, f"Draf Kota {n}") for n in range(5)]
    for slug in own[:3]:
        world.publish(slug)

    def every_page(api, params: dict) -> list[str]:
        slugs: list[str] = []
        page = 1
        while True:
            body = api.get("/innovations", {**params, "page_size": 2, "page": page}).json()
            if not body["items"]:
                return slugs
            slugs += [item["slug"] for item in body["items"]]
            page += 1

    assert every_page(make_api(None), {}) == own[:3]  # published, by name
    assert sorted(every_page(officer, {"state": "all"})) == sorted(own)
    assert sorted(every_page(other, {"state": "all"})) == sorted(theirs + own[:3])
    assert not set(every_page(other, {"state": "draft"})) & set(own)
