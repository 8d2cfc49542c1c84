"""The OpenAPI document says which errors each operation can answer, all with one error schema,
and every address under /api/ answers in that format, even one that no route matches."""

from __future__ import annotations

import pytest
from django.test import Client

from lumbung.core.http.errors import common_error_codes

from .conftest import BASE, assert_error

pytestmark = pytest.mark.django_db

ERROR_SCHEMAS = {"#/components/schemas/ErrorOut", "#/components/schemas/ConflictOut"}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get(f"{BASE}/openapi.json").json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_the_common_errors(document):
    seen = 0
    for path, method, operation in operations(document):
        codes = {int(code) for code in operation["responses"]}
        expected = {401, 429}
        if "requestBody" in operation:
            expected |= {400, 413, 422}
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected.add(404)
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            expected.add(422)
        if method != "get":
            expected |= {403, 422}
        assert expected <= codes, (method, path, sorted(expected - codes))
        seen += 1
    assert seen > 100  # the whole API, not a part of it


def test_every_error_answer_has_the_one_error_schema(document):
    for path, method, operation in operations(document):
        for code, response in operation["responses"].items():
            if int(code) < 400:
                continue
            schema = response["content"]["application/json"]["schema"]
            assert schema["$ref"] in ERROR_SCHEMAS, (method, path, code, schema)
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "errors"}


def test_an_operation_keeps_what_it_declares_itself(document):
    patch = document["paths"]["/api/v1/innovations/{slug}"]["patch"]["responses"]
    assert patch["412"]["content"]["application/json"]["schema"]["$ref"].endswith("ConflictOut")
    assert set(map(int, patch)) >= {200, 400, 401, 403, 404, 409, 412, 413, 422, 429}


def test_common_error_codes_by_the_shape_of_an_operation():
    assert common_error_codes({}, "get") == [401, 429]
    assert common_error_codes({"parameters": [{"in": "query"}]}, "get") == [401, 422, 429]
    assert common_error_codes({"parameters": [{"in": "path"}]}, "get") == [401, 404, 429]
    assert common_error_codes({}, "post") == [401, 403, 422, 429]
    assert common_error_codes({"requestBody": {}}, "patch") == [400, 401, 403, 413, 422, 429]


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/innovations/a%0Ab/revision",  # a newline: no route, not even the API's catch-all
        f"{BASE}/no/such/thing",
        "/api/",
        "/api/v2/innovations",
    ],
)
def test_an_address_under_api_that_matches_nothing_is_a_json_404(path):
    assert_error(Client().get(path), 404)
    assert_error(Client().post(path, "{}", content_type="application/json"), 404)


def test_other_addresses_keep_the_404_page():
    response = Client().get("/no-such-page-at-all/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_operation_does_not_have_is_a_json_405():
    response = Client().delete(f"{BASE}/sectors")
    body = assert_error(response, 405)
    assert body["detail"]
    assert "GET" in response["Allow"]


def test_a_body_that_is_not_json_is_a_documented_400(api, world, token_for):
    response = api.with_token(token_for(world.officer)).post("/innovations", "{not json")
    body = assert_error(response, 400)
    assert "JSON" in body["detail"]
