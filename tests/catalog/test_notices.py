"""Notifications of an innovation's review: who is told, with which link, and who is not."""

from __future__ import annotations

import pytest

from lumbung.catalog import services
from lumbung.notifications.models import Notification
from lumbung.organisations.models import Role

from ..factories import UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def _of(kind: str) -> dict[str, Notification]:
    notes = Notification.objects.filter(kind=kind).select_related("user")
    return {n.user.username: n for n in notes}


def test_submitted_tells_the_agency_admins_not_the_submitter_nor_others(world):
    second_admin = UserFactory(username="second_admin")
    grant(second_admin, Role.AGENCY_ADMIN, agency=world.agency)
    services.innovation_submit(actor=world.officer, innovation=world.draft)
    told = _of("innovation.submitted")
    assert set(told) == {"agency_admin", "second_admin"}
    assert told["agency_admin"].url == f"/tinjauan/{world.draft.slug}/"
    assert "Sheltered Workshop Peduli" in told["agency_admin"].text
    assert "submitted for review" in told["agency_admin"].text
    # the other agency's admin, the officer who submitted, the viewer: nothing
    assert not Notification.objects.filter(
        user__in=[world.officer, world.other_admin, world.viewer, world.sibling_officer]
    ).exists()


def test_an_admin_submitting_is_not_told_of_it(world):
    services.innovation_submit(actor=world.admin, innovation=world.draft)
    assert not Notification.objects.filter(kind="innovation.submitted").exists()


def test_returned_tells_the_units_officers_with_the_reasons(world):
    above = UnitFactory(agency=world.agency, name="Ditjen Rehabilitasi Sosial")
    world.unit.parent = above
    world.unit.save()
    officer_above = UserFactory(username="officer_above")
    grant(officer_above, Role.UNIT_OFFICER, unit=above)
    services.innovation_submit(actor=world.officer, innovation=world.draft)
    services.innovation_return(
        actor=world.admin, innovation=world.draft, reason="Lengkapi bukti pelaksanaan."
    )
    told = _of("innovation.returned")
    assert set(told) == {"officer", "officer_above"}
    note = told["officer"]
    assert "Lengkapi bukti pelaksanaan." in note.text
    assert note.url == f"/ruang-kerja/inovasi/{world.draft.slug}/"
    assert "agency_admin" not in _of("innovation.returned")  # the reviewer did it
    assert not Notification.objects.filter(user=world.sibling_officer).exists()


def test_published_tells_the_units_officers_with_the_public_link(world):
    services.innovation_submit(actor=world.officer, innovation=world.draft)
    services.innovation_publish(actor=world.admin, innovation=world.draft)
    told = _of("innovation.published")
    assert set(told) == {"officer"}
    assert told["officer"].url == f"/inovasi/{world.draft.slug}/"


def test_an_inactive_officer_is_not_told(world):
    world.officer.is_active = False
    world.officer.save()
    services.innovation_submit(actor=world.admin, innovation=world.draft)
    services.innovation_publish(actor=world.admin, innovation=world.draft)
    assert not Notification.objects.filter(kind="innovation.published").exists()


def test_an_import_publishing_in_bulk_tells_nobody(world):
    services.innovation_publish(actor=world.admin, innovation=world.draft, notify=False)
    assert not Notification.objects.exists()
