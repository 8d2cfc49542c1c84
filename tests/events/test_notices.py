"""Notifications of learning events: invitations and confirmed registrations — who is told,
with which link, and who is not."""

from __future__ import annotations

import pytest

from lumbung.core.actors import SYSTEM
from lumbung.events import services
from lumbung.notifications.models import Notification
from lumbung.organisations.models import Role

from ..factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_invited_units_officers_are_told_with_the_registration_link(ev):
    # the fixture: the host's officer invited Wyata Guna, the other agency's Dinas Sosial and a
    # partner (partners have no accounts)
    assert _told("event.invited") == {"sibling_officer", "other_officer"}
    note = Notification.objects.get(kind="event.invited", user=ev.other_officer)
    assert note.url == f"/acara/{ev.event.slug}/daftar/"
    assert "Pembelajaran Replikasi Baris Ditebas" in note.text
    assert "Sentra Terpadu Kartini Temanggung" in note.text  # the host
    assert not Notification.objects.filter(user=ev.officer).exists()  # the actor


def test_inviting_again_tells_only_the_new_ones(ev):
    third = UnitFactory(agency=ev.other_agency, name="UPT Kota Contoh")
    third_officer = UserFactory(username="third_officer")
    grant(third_officer, Role.UNIT_OFFICER, unit=third)
    services.invitations_add(actor=ev.facilitator, event=ev.event, units=[ev.other_unit, third])
    assert Notification.objects.filter(kind="event.invited", user=ev.other_officer).count() == 1
    assert Notification.objects.filter(kind="event.invited", user=third_officer).count() == 1
    assert not Notification.objects.filter(user=ev.facilitator).exists()


def test_a_registration_by_the_host_tells_the_invited_units_officers(ev):
    services.registrations_create(
        actor=ev.officer,  # the host registers a walk-in of Dinas Sosial
        event=ev.event,
        invitation=ev.inv_other,
        attendees=[{"name": "Budi"}, {"name": "Sari"}],
    )
    assert _told("event.registered") == {"other_officer"}
    note = Notification.objects.get(kind="event.registered")
    assert note.url == f"/acara/{ev.event.slug}/daftar/"
    assert "2 people of Dinas Sosial Kota Contoh are registered" in note.text


def test_registering_ones_own_people_tells_nobody_else_but_fellow_officers(ev):
    colleague = UserFactory(username="colleague")
    grant(colleague, Role.UNIT_OFFICER, unit=ev.other_unit)
    services.registrations_create(
        actor=ev.other_officer, event=ev.event, invitation=ev.inv_other, attendees=[{"name": "A"}]
    )
    assert _told("event.registered") == {"colleague"}
    # the person who registered is told when someone else confirms them (here: the system)
    services.registrations_create(
        actor=SYSTEM, event=ev.event, invitation=ev.inv_sibling, attendees=[{"name": "B"}]
    )
    assert "sibling_officer" in _told("event.registered")
    assert "other_officer" not in _told("event.registered")
