"""From a learning event to a replica, in a browser, by the web UI alone — and at each step the
person who must act next finds a notification that links to the place to act.

The host unit's officer creates the event (capacity 2) showing an innovation of her unit, invites
two sentra and publishes it; each invited officer opens the invitation from their notifications
and registers; the second unit's attendee goes on the wait-list and is given the place when the
first unit cancels one (its officer is told); the host checks people in at the door; the first
unit records its follow-up (adapt, with a due date, project started) and the host hears of the
project; the event's facilitator hears when it moves; the second unit starts its own project from
the innovation page's "Replicate this innovation" and moves it to implementation through both
gates, and the replica exists.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.events.models import Event, Registration
from lumbung.organisations.models import Role
from lumbung.replication.models import Commitment, ReplicationProject, Stage
from tests.factories import UnitFactory, UserFactory, grant

from .conftest import axe_violations, describe, sign_in
from .data import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def _clean(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}\n{describe(violations)}"


def _open_notification(page, containing: str) -> None:
    """From the notifications page, open the notification whose text contains ``containing``."""
    page.goto("/notifikasi/")
    item = page.locator("li", has_text=containing).first
    item.wait_for()
    with page.expect_navigation():
        item.get_by_role("button", name="Open").click()


def _upload(page, kind: str, title: str) -> None:
    page.get_by_label("Kind of document").select_option(kind)
    page.get_by_label("Title").fill(title)
    page.get_by_label("File").set_input_files(
        {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**#documents")


def _move(page, stage_label: str) -> None:
    page.get_by_label(stage_label).check()
    page.get_by_role("button", name="Move the project").click()
    page.wait_for_url("**#stage")
    assert "The project moved" in page.locator("main").inner_text()


def test_a_learning_event_to_a_replica_with_a_notification_at_each_step(
    new_tab, world, live_server
):
    third_unit = UnitFactory(agency=world.agency, name="Sentra Dharma Guna Bengkulu", kind="sentra")
    third = UserFactory(username="officer_bengkulu")
    grant(third, Role.UNIT_OFFICER, unit=third_unit)
    facilitator = UserFactory(username="fasilitator")
    grant(facilitator, Role.FACILITATOR, agency=world.agency)
    innovation = world.published  # Baris Ditebas, of the host unit
    tabs = {}
    for who in (world.officer, world.sibling_officer, third, facilitator):
        tabs[who.username] = new_tab()
        sign_in(tabs[who.username], live_server.url, who)
    host, first, second, fac = (
        tabs["officer"],
        tabs["sibling_officer"],
        tabs["officer_bengkulu"],
        tabs["fasilitator"],
    )

    # 1. the host unit creates the event, invites two sentra and publishes it
    host.goto("/acara/baru/")
    starts = timezone.localtime() + dt.timedelta(days=3)
    host.locator("#id_title").fill("Belajar Baris Ditebas")
    assert host.locator("#id_host_unit").input_value() == str(world.unit.pk)  # the only choice
    host.get_by_label(innovation.name, exact=False).first.check()
    host.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT09:00"))
    host.locator("#id_ends_at").fill(starts.strftime("%Y-%m-%dT15:00"))
    host.locator("#id_venue").fill("Kafe Sentra Wyata Guna")
    host.locator("#id_capacity").fill("2")
    host.locator("#id_facilitators").fill("fasilitator")
    host.get_by_role("button", name="Create the event").click()
    host.wait_for_url("**/undangan/")  # straight on to the invitations
    event = Event.objects.get(title="Belajar Baris Ditebas")
    host.get_by_label(world.sibling_unit.name).check()
    host.get_by_label(third_unit.name).check()
    with host.expect_navigation():
        host.get_by_role("button", name="Invite").click()
    host.goto(f"/acara/{event.slug}/kelola/")
    with host.expect_navigation():
        host.get_by_role("button", name="Publish the public page (news item)").click()
    assert event.invitations.count() == 2

    # 2. each invited officer opens the invitation from their notifications and registers
    _open_notification(first, "Belajar Baris Ditebas")
    assert first.url.endswith(f"/acara/{event.slug}/daftar/")
    _clean(first, "registration page")
    for name in ("Ani Lestari", "Budi Santoso"):
        first.locator("#id_name").fill(name)
        with first.expect_navigation():
            first.get_by_role("button", name="Register", exact=True).click()
    _open_notification(second, "Belajar Baris Ditebas")
    assert second.url.endswith(f"/acara/{event.slug}/daftar/")
    assert "The event is full" in second.locator("main").inner_text()
    second.locator("#id_name").fill("Dewi Kartika")
    with second.expect_navigation():
        second.get_by_role("button", name="Register", exact=True).click()
    dewi = Registration.objects.get(name="Dewi Kartika")
    assert dewi.is_waitlisted
    assert "on the wait-list, number 1" in second.locator("main").inner_text()

    # 3. the first unit cancels one place: Dewi is given it, and her officer is told
    first.goto(f"/acara/{event.slug}/daftar/")
    with first.expect_navigation():
        first.get_by_role("button", name="Cancel registration Budi Santoso").click()
    dewi.refresh_from_db()
    assert dewi.is_active and not dewi.is_waitlisted and dewi.promoted_at is not None
    _open_notification(second, "is registered for")
    assert second.url.endswith(f"/acara/{event.slug}/daftar/")
    assert "on the wait-list, number" not in second.locator("main").inner_text()

    # 4. at the door, the host checks everyone in
    host.goto(f"/acara/{event.slug}/kehadiran/")
    for registration in Registration.objects.filter(event=event, status="registered"):
        host.locator(f"#reg-{registration.pk}").check()
    with host.expect_navigation():
        host.locator("#bulk-check-in").click()
    assert not Registration.objects.filter(
        event=event, status="registered", checked_in_at__isnull=True
    ).exists()

    # 5. the first unit's follow-up: adapt, by a date, start the project now
    first.goto(f"/acara/{event.slug}/tindak-lanjut/")
    section = first.locator("section.intent-item").first
    section.get_by_label("Adapt", exact=False).check()
    section.get_by_label("Due date").fill(
        (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    )
    section.get_by_label("Start the replication project now").check()
    with first.expect_navigation():
        first.get_by_role("button", name="Save the follow-up").click()
    project = ReplicationProject.objects.get(adopting_unit=world.sibling_unit)
    assert Commitment.objects.filter(owner_unit=world.sibling_unit).exists()
    # the source unit hears of it, with a link to the project
    _open_notification(host, world.sibling_unit.name)
    assert host.url.endswith(f"/replikasi/proyek/{project.pk}/")

    # 6. the first unit moves its project; the event's facilitator is told
    first.goto(f"/replikasi/proyek/{project.pk}/")
    _upload(first, "commitment", "Komitmen replikasi")
    _move(first, "planning and development")
    _open_notification(fac, world.sibling_unit.name)
    assert fac.url.endswith(f"/replikasi/proyek/{project.pk}/")
    _clean(fac, "project page for the facilitator")

    # 7. the second unit starts its own project from the innovation page and reaches implementation
    second.goto(f"/inovasi/{innovation.slug}/")
    second.get_by_role("link", name="Replicate this innovation").click()
    second.wait_for_url("**/replikasi/proyek/baru/?source=*")
    assert second.locator("#id_adopting_unit").input_value() == str(third_unit.pk)
    second.get_by_label("adoption (adopsi)").check()
    with second.expect_navigation():
        second.get_by_role("button", name="Start the project").click()
    errors = second.locator(".error-summary")
    assert errors.count() == 0, errors.inner_text()
    second.wait_for_url("**/replikasi/proyek/*/")
    own = ReplicationProject.objects.get(adopting_unit=third_unit)
    _upload(second, "commitment", "Komitmen kepala sentra")
    _move(second, "planning and development")
    _upload(second, "action_plan", "Rencana aksi")
    _move(second, "implementation")
    own.refresh_from_db()
    assert own.stage == Stage.IMPLEMENTATION
    replica = Innovation.objects.get(unit=third_unit)
    assert replica.source_id == innovation.pk and replica.generation == innovation.generation + 1
    _clean(second, "project page in implementation")
    # the host heard of this project too, with its link
    _open_notification(host, third_unit.name)
    assert host.url.endswith(f"/replikasi/proyek/{own.pk}/")
