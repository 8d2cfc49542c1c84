"""Bad input gets a 4xx in the API's error format, field by field; never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from lumbung.catalog.models import Innovation

from .conftest import BASE, assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(world, make_api):
    return make_api(world.officer)


def test_malformed_json_is_400(world, officer):
    body = assert_error(officer.post("/innovations", '{"unit": 1, "name": '), 400)
    assert body["errors"] == []


@pytest.mark.parametrize(
    "raw",
    ["[1, 2, 3]", '"a string"', "null", "42", "[" * 5000 + "]" * 5000, b"\xff\xfe\x00{"],
    ids=["array", "string", "null", "number", "deeply-nested", "not-utf8"],
)
def test_body_that_is_not_an_object(world, officer, raw):
    response = officer.post("/innovations", raw)
    if raw in {"[1, 2, 3]", '"a string"', "42"}:
        body = assert_error(response, 422, None)  # valid JSON, but not an object
        assert [e["field"] for e in body["errors"]] == [None]
    else:
        assert_error(response, 400 if raw != "null" else 422)


def test_wrong_types_are_reported_per_field(world, officer):
    body = assert_error(
        officer.post(
            "/innovations",
            {"unit": "abc", "name": 5, "sdgs": "1,2", "start_date": "2020-13-45", "stage": "x"},
        ),
        422,
        "unit",
        "name",
        "sdgs",
        "start_date",
        "stage",
    )
    assert len(body["errors"]) == 5


def test_missing_required_fields(world, officer):
    assert_error(officer.post("/innovations", {}), 422, "unit", "name")


def test_unknown_fields_are_refused(world, officer):
    body = assert_error(
        officer.post(
            "/innovations",
            {"unit": world.unit.pk, "name": "x", "publication_state": "published", "is_staff": 1},
        ),
        422,
        "publication_state",
        "is_staff",
    )
    assert body["detail"]
    assert_error(
        officer.patch(f"/innovations/{world.draft.slug}", {"agency": 3, "slug": "baru"}),
        422,
        "agency",
        "slug",
    )
    assert not Innovation.objects.filter(name="x").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "N" * 201}, "name"),
        ({"name": "N" * 100_000}, "name"),
        ({"summary": "S" * 1_000_000}, "summary"),
        ({"name": "nul\x00byte"}, "name"),
        ({"acronym": "A" * 61}, "acronym"),
        ({"budget_idr": 10**30}, "budget_idr"),
        ({"budget_idr": -5}, "budget_idr"),
        ({"start_year": 99999}, "start_year"),
        ({"sdgs": [0, 18]}, "sdgs.0"),
        ({"sdgs": list(range(1, 40))}, "sdgs"),
        ({"sector": "no-such-sector"}, "sector"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"start_date": "2999-01-01", "start_year": 2000}, "start_date"),
        ({"start_date": "2999-01-01"}, "start_year"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"stage": "legendary"}, "stage"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_hostile_profile_values(world, officer, payload, field):
    before = Innovation.objects.values().get(pk=world.draft.pk)
    assert_error(officer.patch(f"/innovations/{world.draft.slug}", payload), 422, field)
    assert Innovation.objects.values().get(pk=world.draft.pk) == before


def test_lone_surrogate_in_json(world, officer):
    response = officer.patch(f"/innovations/{world.draft.slug}", '{"name": "\\ud800"}')
    assert_error(response, 422, "name")


def test_huge_unit_id(world, officer):
    assert_error(officer.post("/innovations", {"unit": 10**30, "name": "x"}), 422, "unit")
    assert_error(officer.post("/innovations", {"unit": 987654, "name": "x"}), 422, "unit")


@pytest.mark.parametrize(
    "path",
    [
        "/innovations/..%2F..%2Fetc%2Fpasswd",
        "/innovations/%00",
        "/innovations/%C3%BCnicode",
        "/innovations/" + "a" * 5000,
        "/innovations/a%20b/publish",
        "/units/abc",
        "/units/99999999999999999999999999",
        "/agencies/%3Cscript%3E",
        "/no/such/endpoint",
    ],
)
def test_bad_paths_are_json_404(world, path):
    assert_error(Client().get(BASE + path), 404)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "-1"}, "page_size"),
        ({"page_size": "1e3"}, "page_size"),
        ({"unit": "abc"}, "unit"),
        ({"sdg": "18"}, "sdg"),
        ({"award_year": "tahun"}, "award_year"),
        ({"stage": "nope"}, "stage"),
        ({"sort": "random"}, "sort"),
        ({"state": "deleted"}, "state"),
        ({"q": "x" * 500}, "q"),
        ({"q": "a\x00b"}, "q"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_query_parameters(world, api, params, field):
    assert_error(api.get("/innovations", params), 422, field)


def test_page_beyond_the_end_is_empty_and_page_size_is_capped(world, api):
    body = api.get("/innovations", {"page": str(10**30)}).json()
    assert body["items"] == [] and body["count"] == 2
    body = api.get("/agencies", {"page_size": "100000"}).json()
    assert body["page_size"] == 100


def test_broken_multipart_is_400(world, officer):
    response = officer.client.post(
        f"{BASE}/innovations/{world.draft.slug}/evidence",
        data=b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nab',
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code in {400, 422}
    assert_error(response, response.status_code)


def test_messages_follow_the_language(world):
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"{BASE}/innovations", {"page": "abc"})
    indonesian = Client(HTTP_ACCEPT_LANGUAGE="id").get(f"{BASE}/innovations", {"page": "abc"})
    assert english.json()["errors"][0]["message"] == "Enter a whole number."
    assert indonesian.json()["errors"][0]["message"] != "Enter a whole number."


def test_service_validation_errors_keep_their_fields(world, officer):
    body = assert_error(
        officer.post(
            f"/innovations/{world.published.slug}/status",
            {"status": "continuing"},
        ),
        422,
        "status",
    )
    assert len(body["errors"]) == 1


def test_method_not_allowed_is_not_a_500(world, api):
    response = api.client.delete(f"{BASE}/innovations/{world.published.slug}")
    assert_error(response, 405)
    assert "GET" in response["Allow"]
