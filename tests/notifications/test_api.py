"""The notification API: the caller's own notifications only (others' are 404), unread filter,
pagination with a constant number of queries, mark read, mark all read, preferences."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lumbung.core.http import tokens
from lumbung.notifications import services

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/notifications"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client, method: str, path: str, body=None, **extra):
    return getattr(client, method)(
        BASE + path, json.dumps(body or {}), content_type="application/json", **extra
    )


@pytest.fixture
def people():
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    for i in range(3):
        services.notify(user=alice, text=f"Untuk Alice {i}", url=f"/x/{i}/", kind="event.invited")
    services.notify(user=bob, text="Untuk Bob", kind="commitment.overdue")
    return alice, bob


def test_nobody_gets_401(people):
    client = _client()
    assert client.get(BASE).status_code == 401
    assert client.get(BASE + "/preferences").status_code == 401
    assert _send(client, "post", "/read-all").status_code == 401
    response = _send(client, "patch", "/preferences", {"preferences": {"review": "off"}})
    assert response.status_code == 401 and set(response.json()) == {"detail", "errors"}


def test_the_list_is_the_callers_own_newest_first_with_unread_filter(people, settings):
    settings.LUMBUNG_SITE_URL = "https://lumbung.example.go.id"
    alice, _bob = people
    client = _client(alice)
    body = client.get(BASE).json()
    assert body["count"] == 3
    assert [n["text"] for n in body["items"]] == ["Untuk Alice 2", "Untuk Alice 1", "Untuk Alice 0"]
    first = body["items"][0]
    assert first["kind"] == "event.invited"
    assert first["kind_label"] == "Invitation to a learning event"
    assert first["url"] == "/x/2/" and first["link"] == "https://lumbung.example.go.id/x/2/"
    assert first["is_read"] is False and first["read_at"] is None

    response = _send(client, "post", f"/{first['id']}/read")
    assert response.status_code == 200 and response.json()["is_read"] is True
    unread = client.get(BASE, {"unread": "true"}).json()
    assert unread["count"] == 2 and all(not n["is_read"] for n in unread["items"])
    page = client.get(BASE, {"page_size": 2, "page": 2}).json()
    assert (page["count"], page["pages"], len(page["items"])) == (3, 2, 1)


def test_anothers_notification_is_404(people):
    alice, bob = people
    bobs = bob.notifications.get()
    client = _client(alice)
    assert client.get(f"{BASE}/{bobs.pk}").status_code == 404
    response = _send(client, "post", f"/{bobs.pk}/read")
    assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
    bobs.refresh_from_db()
    assert bobs.read_at is None
    assert _client(bob).get(f"{BASE}/{bobs.pk}").json()["text"] == "Untuk Bob"
    assert _send(client, "post", "/999999999/read").status_code == 404


def test_mark_all_read_touches_only_the_callers(people):
    alice, bob = people
    response = _send(_client(alice), "post", "/read-all")
    assert response.status_code == 200 and response.json() == {"marked": 3}
    assert bob.notifications.filter(read_at__isnull=True).count() == 1


def test_a_token_works_too(people):
    alice, _bob = people
    _token, key = tokens.token_create(actor=alice, user=alice, name="ponsel")
    response = Client().get(BASE, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["count"] == 3


def test_preferences_get_and_patch(people):
    alice, bob = people
    client = _client(alice)
    body = client.get(BASE + "/preferences").json()
    groups = {p["group"]: p for p in body["preferences"]}
    assert groups["review"]["delivery"] == "immediate"
    assert groups["replication"]["default"] == "digest"
    assert "innovation.submitted" in {k["kind"] for k in groups["review"]["kinds"]}

    response = _send(client, "patch", "/preferences", {"preferences": {"review": "digest"}})
    assert response.status_code == 200
    groups = {p["group"]: p["delivery"] for p in response.json()["preferences"]}
    assert groups["review"] == "digest"
    bobs = {
        p["group"]: p["delivery"]
        for p in _client(bob).get(BASE + "/preferences").json()["preferences"]
    }
    assert bobs["review"] == "immediate"  # only the caller's own


def test_bad_preferences_are_422_with_the_field(people):
    alice, _bob = people
    client = _client(alice)
    bad_value = _send(client, "patch", "/preferences", {"preferences": {"review": "hourly"}})
    assert bad_value.status_code == 422 and bad_value.json()["errors"]
    unknown = _send(client, "patch", "/preferences", {"preferences": {"nope": "off"}})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "nope"
    extra = _send(client, "patch", "/preferences", {"preferences": {}, "x": 1})
    assert extra.status_code == 422


def test_the_list_costs_the_same_queries_whatever_the_page_size(people):
    alice, _bob = people
    for i in range(30):
        services.notify(user=alice, text=f"Lagi {i}", kind="project.stage")
    client = _client(alice)

    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(BASE, {"page_size": size})
        assert len(response.json()["items"]) == size
        return len(ctx.captured_queries)

    assert count(2) == count(30)
