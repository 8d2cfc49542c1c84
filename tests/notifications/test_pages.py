"""The notifications page and the preferences page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumbung.notifications import selectors, services

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.go.id")


def test_the_list_shows_kind_and_links_to_the_preferences(client, alice):
    services.notify(user=alice, text="Undangan acara", url="/acara/x/daftar/", kind="event.invited")
    client.force_login(alice)
    html = client.get("/notifikasi/").content.decode()
    assert "Invitation to a learning event" in html and "Undangan acara" in html
    assert 'href="/notifikasi/pengaturan/"' in html


def test_the_list_costs_the_same_queries_whatever_the_number_shown(client, alice):
    client.force_login(alice)
    services.notify(user=alice, text="Satu", kind="event.invited")
    client.get("/notifikasi/")  # warm up (session, sites)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/notifikasi/").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for i in range(20):
        services.notify(user=alice, text=f"Lagi {i}", kind="project.stage")
    assert count() == one


def test_opening_anothers_notification_is_404(client, alice):
    bob = UserFactory(username="bob")
    bobs = services.notify(user=bob, text="Untuk Bob", url="/acara/")
    client.force_login(alice)
    assert client.post(f"/notifikasi/{bobs.pk}/buka/").status_code == 404
    mine = services.notify(user=alice, text="Untuk Alice", url="/acara/")
    response = client.post(f"/notifikasi/{mine.pk}/buka/")
    assert response.status_code == 302 and response["Location"] == "/acara/"
    assert selectors.unread_count(alice) == 0


def test_the_preferences_page_saves_each_group(client, alice):
    client.force_login(alice)
    html = client.get("/notifikasi/pengaturan/").content.decode()
    assert "<legend>Review and publication of innovations" in html
    assert "Submitted for review" in html  # the kinds of the group, in its help
    response = client.post(
        "/notifikasi/pengaturan/",
        {
            "review": "digest",
            "replication": "off",
            "commitments": "immediate",
            "events": "immediate",
            "competitions": "immediate",
            "other": "immediate",
        },
    )
    assert response.status_code == 302
    prefs = selectors.preferences_of(alice)
    assert (prefs["review"], prefs["replication"]) == ("digest", "off")
    page = client.get("/notifikasi/pengaturan/").content.decode()
    assert re.search(r'name="review" value="digest"[^>]*checked', page)
    assert not re.search(r'name="review" value="immediate"[^>]*checked', page)


def test_a_bad_choice_is_400_with_the_reason(client, alice):
    client.force_login(alice)
    response = client.post("/notifikasi/pengaturan/", {"review": "hourly"})
    assert response.status_code == 400
    assert "Error:" in response.content.decode()
    assert selectors.preferences_of(alice)["review"] == "immediate"


def test_the_profile_links_to_the_settings(client, alice):
    client.force_login(alice)
    assert 'href="/notifikasi/pengaturan/"' in client.get("/akun/profil/").content.decode()


def test_the_preferences_page_needs_sign_in(client):
    response = client.get("/notifikasi/pengaturan/")
    assert response.status_code == 302 and "login" in response["Location"]
