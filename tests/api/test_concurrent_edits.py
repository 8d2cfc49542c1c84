"""The API's answers to concurrent edits: an ETag on reads and writes, If-Match honoured (412),
a stale body ``version`` refused (409 with the fields changed), and without either the PATCH is
written as before."""

from __future__ import annotations

import pytest

from lumbung.catalog.models import Innovation

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def conflict(response, status: int, *fields: str) -> dict:
    """A 409/412 answer: the API's error format plus the current version and the fields changed."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors", "current_version", "changed"}
    assert body["detail"] and all(set(e) == {"field", "message"} for e in body["errors"])
    assert {e["field"] for e in body["errors"]} == set(body["changed"])
    for field in fields:
        assert field in body["changed"], (field, body)
    return body


def _etag(innovation: Innovation) -> str:
    return f'W/"{innovation.pk}-{innovation.version}"'


def test_get_gives_an_etag_and_the_version(world, make_api):
    response = make_api(world.officer).get(f"/innovations/{world.draft.slug}")
    assert response.status_code == 200
    draft = Innovation.objects.get(pk=world.draft.pk)
    assert response["ETag"] == _etag(draft)
    assert response.json()["version"] == draft.version


def test_matching_if_match_writes_and_answers_the_new_etag(world, make_api):
    api = make_api(world.officer)
    tag = api.get(f"/innovations/{world.draft.slug}")["ETag"]
    response = api.patch(
        f"/innovations/{world.draft.slug}", {"summary": "Ringkasan baru"}, HTTP_IF_MATCH=tag
    )
    assert response.status_code == 200, response.content
    draft = Innovation.objects.get(pk=world.draft.pk)
    assert draft.summary == "Ringkasan baru"
    assert response["ETag"] == _etag(draft) != tag
    assert response.json()["version"] == draft.version
    # the strong form of the same tag is accepted too (the version is what is compared)
    strong = response["ETag"].removeprefix("W/")
    again = api.patch(f"/innovations/{world.draft.slug}", {"problem": "x"}, HTTP_IF_MATCH=strong)
    assert again.status_code == 200


def test_a_stale_if_match_is_412_and_writes_nothing(world, make_api):
    alice, bob = make_api(world.officer), make_api(world.admin)
    tag = alice.get(f"/innovations/{world.draft.slug}")["ETag"]
    assert bob.patch(
        f"/innovations/{world.draft.slug}", {"summary": "Dari Bob"}, HTTP_IF_MATCH=tag
    ).status_code == 200
    response = alice.patch(
        f"/innovations/{world.draft.slug}", {"summary": "Dari Alice"}, HTTP_IF_MATCH=tag
    )
    body = conflict(response, 412, "summary")
    draft = Innovation.objects.get(pk=world.draft.pk)
    assert draft.summary == "Dari Bob"
    assert body["current_version"] == draft.version and body["changed"] == ["summary"]
    assert response["ETag"] == _etag(draft)
    assert "If-Match" in body["detail"]
    # an ETag of another innovation, or garbage, does not match either
    other = f'W/"{world.published.pk}-{draft.version}"'
    for value in (other, "nonsense"):
        response = alice.patch(
            f"/innovations/{world.draft.slug}", {"summary": "x"}, HTTP_IF_MATCH=value
        )
        assert response.status_code == 412
    assert Innovation.objects.get(pk=world.draft.pk).summary == "Dari Bob"


def test_if_match_star_or_absent_writes_as_before(world, make_api):
    api = make_api(world.officer)
    assert api.patch(
        f"/innovations/{world.draft.slug}", {"summary": "a"}, HTTP_IF_MATCH="*"
    ).status_code == 200
    response = api.patch(f"/innovations/{world.draft.slug}", {"summary": "b"})
    assert response.status_code == 200
    assert Innovation.objects.get(pk=world.draft.pk).summary == "b"


def test_a_stale_body_version_is_409_with_the_fields_changed(world, make_api):
    alice, bob = make_api(world.officer), make_api(world.admin)
    version = alice.get(f"/innovations/{world.draft.slug}").json()["version"]
    bob.patch(f"/innovations/{world.draft.slug}", {"summary": "Dari Bob", "novelty": "Baru"})
    response = alice.patch(
        f"/innovations/{world.draft.slug}", {"problem": "Dari Alice", "version": version}
    )
    body = conflict(response, 409, "novelty", "summary")
    assert sorted(body["changed"]) == ["novelty", "summary"]
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert world.admin.username in messages["summary"]
    draft = Innovation.objects.get(pk=world.draft.pk)
    assert draft.problem != "Dari Alice" and body["current_version"] == draft.version
    # with the current version the same change goes through
    response = alice.patch(
        f"/innovations/{world.draft.slug}", {"problem": "Dari Alice", "version": draft.version}
    )
    assert response.status_code == 200
    assert response.json()["version"] == draft.version + 1


def test_body_version_and_if_match_must_agree(world, make_api):
    api = make_api(world.officer)
    get = api.get(f"/innovations/{world.draft.slug}")
    response = api.patch(
        f"/innovations/{world.draft.slug}",
        {"summary": "x", "version": get.json()["version"] + 5},
        HTTP_IF_MATCH=get["ETag"],
    )
    assert_error(response, 422, "version")


def test_every_write_changes_the_etag(world, make_api):
    api = make_api(world.officer)
    before = api.get(f"/innovations/{world.draft.slug}")["ETag"]
    response = api.post(
        f"/innovations/{world.draft.slug}/awards", {"level": "top_99", "year": 2020}
    )
    assert response.status_code == 201
    assert api.get(f"/innovations/{world.draft.slug}")["ETag"] != before


def test_the_api_document_describes_if_match(api):
    schema = api.get("/openapi.json").json()
    patch = schema["paths"]["/api/v1/innovations/{slug}"]["patch"]
    assert {"409", "412"} <= set(patch["responses"])
    assert "If-Match" in patch["description"]
    body = schema["components"]["schemas"]["InnovationUpdateIn"]["properties"]
    assert "version" in body
