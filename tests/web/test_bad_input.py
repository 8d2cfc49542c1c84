"""Bad query parameters on public pages answer a page, never a server error.

A whole number too large for the database's 64-bit integers used to reach the query and answer
500 ("Python int too large to convert to SQLite INTEGER"; "out of range" on PostgreSQL). The
parameters are parsed in one place (``CatalogFilters.from_mapping``, ``lumbung.core.params``);
values that cannot be parsed, or that lie outside a sane range, are dropped as if not given.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lumbung.catalog.selectors import CatalogFilters
from lumbung.core.actors import SYSTEM
from lumbung.core.params import MAX_ID, bounded_int, id_param

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
BAD_VALUES = [
    HUGE,
    "-" + HUGE,
    str(MAX_ID + 1),  # just past a 64-bit signed integer
    str(-(2**63) - 1),
    "-1",
    "0",
    "abc",
    "1.5",
    "1e400",
    "²",  # a digit to str.isdigit(), not to int()
    "9" * 5000,  # longer than Python converts from text
]
PAGES = ["/inovasi/", "/cari/"]
PARAMS = ["unit", "sdg", "award_year", "page"]


@pytest.fixture
def anonymous(client):
    """An anonymous reader whose request errors become responses (as in production)."""
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("value", BAD_VALUES)
def test_bad_number_is_ignored_not_a_server_error(anonymous, world, path, param, value):
    response = anonymous.get(path, {param: value})
    assert response.status_code == 200, (
        f"{path}?{param}={value[:30]} answered {response.status_code}"
    )
    html = response.content.decode()
    assert world.draft.name not in html
    if param != "page":  # (a page past the end of the search results is empty)
        # the bad filter is dropped, not applied: every published innovation is still listed
        assert world.published.name in html and world.other_published.name in html


@pytest.mark.parametrize("path", PAGES)
def test_all_bad_numbers_at_once_on_the_indonesian_default(anonymous, world, indonesian, path):
    response = anonymous.get(
        path, {"unit": HUGE, "sdg": "-" + HUGE, "award_year": HUGE, "page": HUGE}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert world.draft.name not in html


@pytest.mark.parametrize("path", PAGES)
def test_values_in_range_still_filter(anonymous, world, path):
    response = anonymous.get(path, {"unit": str(world.other_unit.pk)})
    html = response.content.decode()
    assert response.status_code == 200
    assert world.other_published.name in html and world.published.name not in html


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    ("param", "value"), [("sdg", "18"), ("award_year", "1899"), ("award_year", "2101")]
)
def test_values_outside_their_vocabulary_are_dropped(anonymous, world, path, param, value):
    response = anonymous.get(path, {param: value})
    assert response.status_code == 200
    assert world.published.name in response.content.decode()


def test_filters_parse_drops_out_of_range_numbers():
    filters = CatalogFilters.from_mapping(
        {"unit": HUGE, "sdg": "18", "award_year": "1899", "agency": "kemensos"}
    )
    assert (filters.unit, filters.sdg, filters.award_year) == (None, None, None)
    assert filters.agency == "kemensos"
    filters = CatalogFilters.from_mapping({"unit": str(MAX_ID), "sdg": "17", "award_year": "2024"})
    assert (filters.unit, filters.sdg, filters.award_year) == (MAX_ID, 17, 2024)
    # the API hands over already-parsed ints: the same ranges apply
    assert CatalogFilters.from_mapping({"unit": 5, "sdg": 0}).unit == 5
    assert CatalogFilters.from_mapping({"unit": 5, "sdg": 0}).sdg is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 42 ", 42),
        (42, 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("0", None),
        ("-3", None),
        ("", None),
        (None, None),
        ("²", None),
        ("4.0", None),
        (4.0, None),
        (True, None),
        ("9" * 5000, None),
    ],
)
def test_id_param(raw, expected):
    assert id_param(raw) == expected


def test_bounded_int_range_is_inclusive():
    assert bounded_int("1900", 1900, 2100) == 1900
    assert bounded_int("2100", 1900, 2100) == 2100
    assert bounded_int("2101", 1900, 2100) is None


# --- signed-in pages that read an id from the query string -------------------------------------


@pytest.mark.parametrize("value", [HUGE, "²", "-1", "abc"])
def test_project_new_unit_parameter(client, world, value):
    client.raise_request_exception = False
    client.force_login(world.officer)
    response = client.get("/replikasi/proyek/baru/", {"unit": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", [HUGE, "²", "-1", "abc"])
def test_programme_targets_agency_parameter(client, world, value):
    from lumbung.replication import services

    programme = services.programme_create(
        actor=SYSTEM,
        agency=world.agency,
        name="Program Uji",
        sources=[world.published],
        start_date=dt.date(2024, 1, 1),
        coverage_target=2,
    )
    client.raise_request_exception = False
    client.force_login(world.platform_admin)
    response = client.get(f"/replikasi/program/{programme.slug}/sasaran/", {"agency": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", [HUGE, "²", "-1", "abc"])
def test_event_invitations_agency_parameter(client, world, value):
    from lumbung.events import services

    starts = timezone.now() + dt.timedelta(days=7)
    event = services.event_create(
        actor=world.officer,
        host_unit=world.unit,
        title="Acara Uji",
        starts_at=starts,
        showcased=[world.published],
        venue="Aula Sentra",
    )
    client.raise_request_exception = False
    client.force_login(world.officer)
    response = client.get(f"/acara/{event.slug}/undangan/", {"agency": value})
    assert response.status_code == 200
