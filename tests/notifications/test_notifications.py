"""In-app notifications: one person's messages, read and unread."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lumbung.notifications import selectors, services

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_list_and_mark_read():
    alice, bob = UserFactory(), UserFactory()
    first = services.notify(user=alice, text="Komitmen jatuh tempo", url="/replikasi/komitmen/1/")
    services.notify(user=alice, text="x" * 900, kind="commitment.overdue")
    services.notify(user=bob, text="Untuk Bob")
    assert selectors.unread_count(alice) == 2
    assert len(selectors.notifications_for(alice)[0].text) == 500  # long texts are cut
    assert list(selectors.notifications_for(bob).values_list("text", flat=True)) == ["Untuk Bob"]

    services.notification_mark_read(actor=alice, notification=first)
    assert selectors.unread_count(alice) == 1
    assert first.is_read
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(actor=bob, notification=first)
    assert services.notification_mark_all_read(actor=alice) == 1
    assert selectors.unread_count(alice) == 0
    assert selectors.notifications_for(alice, unread_only=True).count() == 0


def test_nobody_has_no_notifications():
    from django.contrib.auth.models import AnonymousUser

    assert selectors.unread_count(AnonymousUser()) == 0
    assert selectors.notifications_for(None).count() == 0
    assert services.notification_mark_all_read(actor=AnonymousUser()) == 0


def test_the_list_page_needs_sign_in(client):
    response = client.get("/notifikasi/")
    assert response.status_code == 302 and "login" in response["Location"]
