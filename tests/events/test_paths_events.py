"""Paths between pages at learning events (issue 10): the host follows up its event, the links
of its report lead somewhere, the facilitator reaches the projects the event started; commitments
made at the event close when their project runs the replica."""

from __future__ import annotations

import datetime as dt

import pytest

from lumbung.core.actors import SYSTEM
from lumbung.events import services
from lumbung.replication import services as replication_services
from lumbung.replication.models import Commitment, Stage

from ..replication.conftest import advance


def _intent(ev, *, start_project=True):
    return services.intent_record(
        actor=ev.other_officer,
        event=ev.event,
        unit=ev.other_unit,
        innovation=ev.published,
        decision="adapt",
        due_date=(ev.starts + dt.timedelta(days=60)).date(),
        start_project=start_project,
    )


@pytest.mark.django_db
class TestHostFollowsUp:
    def test_the_host_sees_the_follow_up_of_its_event_instead_of_403(self, ev, client):
        intent = _intent(ev)
        client.force_login(ev.officer)  # the host unit's officer
        manage = client.get(f"/acara/{ev.event.slug}/kelola/").content.decode()
        assert f"/acara/{ev.event.slug}/tindak-lanjut/" in manage
        response = client.get(f"/acara/{ev.event.slug}/tindak-lanjut/")
        assert response.status_code == 200
        page = response.content.decode()
        assert ev.other_unit.name in page
        assert f"/replikasi/komitmen/{intent.commitment_id}/" in page

    def test_every_commitment_link_of_the_report_opens_for_the_host(self, ev, client):
        intent = _intent(ev)
        client.force_login(ev.officer)
        report = client.get(f"/acara/{ev.event.slug}/laporan/").content.decode()
        link = f"/replikasi/komitmen/{intent.commitment_id}/"
        assert link in report
        assert client.get(link).status_code == 200

    def test_the_hosts_do_not_read_other_commitments_of_the_unit(self, ev, client):
        other = replication_services.commitment_create(
            actor=SYSTEM,
            owner_unit=ev.other_unit,
            description="Komitmen lain, bukan dari acara",
            due_date=dt.date(2030, 1, 1),
        )
        client.force_login(ev.officer)
        assert client.get(f"/replikasi/komitmen/{other.pk}/").status_code == 404

    def test_someone_uninvolved_still_gets_403(self, ev, client):
        client.force_login(ev.judge)
        assert client.get(f"/acara/{ev.event.slug}/tindak-lanjut/").status_code in (403, 404)

    def test_the_events_facilitator_reaches_the_project_it_started(self, ev, client):
        intent = _intent(ev)
        project = intent.project
        assert project is not None
        assert ev.facilitator in project.facilitators.all()
        client.force_login(ev.facilitator)
        assert client.get(f"/replikasi/proyek/{project.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_events_commitment_closes_when_its_project_runs_the_replica(ev):
    intent = _intent(ev)
    commitment = intent.commitment
    assert commitment.for_stage == Stage.IMPLEMENTATION
    advance(intent.project, Stage.PLANNING)
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.OPEN
    advance(intent.project, Stage.INSTITUTIONALISED)
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DONE
    assert not commitment.is_overdue


@pytest.mark.django_db
def test_a_commitment_without_a_project_is_closed_by_hand(ev):
    intent = _intent(ev, start_project=False)
    assert intent.commitment.for_stage == ""


# --- the wait-list ---------------------------------------------------------------------------


def _register(ev, *names, waitlist=True, invitation=None):
    return services.registrations_create(
        actor=ev.sibling_officer,
        event=ev.event,
        invitation=invitation or ev.inv_sibling,
        attendees=[{"name": n} for n in names],
        waitlist=waitlist,
    )


@pytest.mark.django_db
class TestWaitList:
    def test_beyond_the_capacity_people_wait_in_order(self, ev):
        made = _register(ev, "Ani", "Budi", "Citra", "Dewi", "Eka", "Fajar")
        assert [r.status for r in made] == ["registered"] * 4 + ["waitlisted"] * 2
        from lumbung.events import selectors

        selectors.with_waitlist_positions(ev.event, made)
        assert [r.position_on_waitlist for r in made] == [None] * 4 + [1, 2]
        from lumbung.core import audit

        actions = [e.action for e in audit.history(ev.event)]
        assert "event.waitlist" in actions

    def test_without_the_wait_list_a_full_event_still_refuses_everyone(self, ev):
        from django.core.exceptions import ValidationError

        _register(ev, "Ani", "Budi", "Citra")
        with pytest.raises(ValidationError):
            _register(ev, "Dewi", "Eka", waitlist=False)
        assert ev.event.registrations.count() == 3

    def test_a_cancellation_promotes_the_first_waiting_atomically_and_is_audited(self, ev):
        made = _register(ev, "Ani", "Budi", "Citra", "Dewi", "Eka", "Fajar")
        services.registration_cancel(actor=ev.sibling_officer, registration=made[1])
        eka, fajar = (type(made[4]).objects.get(pk=r.pk) for r in made[4:])
        assert eka.status == "registered" and eka.promoted_at is not None
        assert fajar.status == "waitlisted"
        assert ev.event.registrations.filter(status="registered").count() == 4
        from lumbung.core import audit

        entry = audit.history(ev.event).filter(action="event.promote").get()
        assert entry.changes == {"registrations": [{"waitlisted": eka.pk}, {"id": eka.pk}]}
        assert entry.action_label == "registration promoted from the wait-list"

    def test_cancelling_a_waiting_registration_promotes_nobody(self, ev):
        made = _register(ev, "Ani", "Budi", "Citra", "Dewi", "Eka", "Fajar")
        services.registration_cancel(actor=ev.sibling_officer, registration=made[4])
        assert type(made[5]).objects.get(pk=made[5].pk).status == "waitlisted"

    def test_raising_the_capacity_promotes_the_waiting(self, ev):
        made = _register(ev, "Ani", "Budi", "Citra", "Dewi", "Eka", "Fajar")
        services.event_update(actor=ev.officer, event=ev.event, data={"capacity": 5})
        statuses = dict(ev.event.registrations.values_list("name", "status"))
        assert statuses["Eka"] == "registered" and statuses["Fajar"] == "waitlisted"
        assert made

    def test_the_managers_promote_by_hand_and_others_may_not(self, ev):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.registration_promote(actor=ev.sibling_officer, event=ev.event)
        assert services.registration_promote(actor=ev.officer, event=ev.event) == []

    def test_a_waiting_person_cannot_be_checked_in(self, ev):
        from django.core.exceptions import ValidationError

        made = _register(ev, "Ani", "Budi", "Citra", "Dewi", "Eka")
        with pytest.raises(ValidationError) as exc:
            services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[made[4]])
        assert "wait-list" in str(exc.value)

    def test_the_api_registers_onto_the_wait_list_and_lists_positions(self, ev, api_as):
        api = api_as(ev.sibling_officer)
        response = api.post(
            f"/events/{ev.event.slug}/registrations",
            {
                "invitation": ev.inv_sibling.pk,
                "attendees": [{"name": n} for n in ("A", "B", "C", "D", "E")],
                "waitlist": True,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert [r["status"] for r in body] == ["registered"] * 4 + ["waitlisted"]
        assert body[4]["waitlist_position"] == 1
        listed = api.get(f"/events/{ev.event.slug}/registrations").json()
        assert {r["name"]: r["waitlist_position"] for r in listed}["E"] == 1

    def test_the_registration_page_lists_without_a_query_per_person(
        self, ev, client, django_assert_max_num_queries
    ):
        _register(ev, "Ani", "Budi", "Citra", "Dewi", "Eka", "Fajar")
        client.force_login(ev.sibling_officer)
        client.get(f"/acara/{ev.event.slug}/daftar/")  # warm the caches
        with django_assert_max_num_queries(30) as few:
            client.get(f"/acara/{ev.event.slug}/daftar/")
        _register(ev, *[f"Orang {i}" for i in range(20)])
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get(f"/acara/{ev.event.slug}/daftar/").content.decode()
        assert "on the wait-list, number 22" in page


# --- inviting and checking in ----------------------------------------------------------------


@pytest.mark.django_db
def test_inviting_all_units_under_a_parent_says_the_host_was_left_out(ev, client):
    from ..factories import UnitFactory

    dg = UnitFactory(agency=ev.agency, name="Ditjen Rehsos", kind="directorate_general")
    ev.unit.parent = dg
    ev.unit.save()
    UnitFactory(agency=ev.agency, parent=dg, name="Sentra Bawah", kind="sentra")
    result = services.invitations_add(actor=ev.officer, event=ev.event, under=dg)
    assert result.host_left_out == ev.unit
    assert not ev.event.invitations.filter(unit=ev.unit).exists()
    client.force_login(ev.officer)
    response = client.post(
        f"/acara/{ev.event.slug}/undangan/", {"under": dg.pk, "kinds": ["sentra"]}, follow=True
    )
    assert "was left out: it hosts this event" in response.content.decode()


@pytest.mark.django_db
def test_check_in_opens_a_day_before_the_event_not_weeks_ahead(ev, settings, client):
    from django.core.exceptions import ValidationError

    settings.EVENT_CHECK_IN_OPENS_HOURS = 24  # the default; the event starts in a week
    (reg,) = services.registrations_create(
        actor=ev.sibling_officer,
        event=ev.event,
        invitation=ev.inv_sibling,
        attendees=[{"name": "A"}],
    )
    assert not ev.event.check_in_open
    with pytest.raises(ValidationError):
        services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[reg])
    client.force_login(ev.officer)
    page = client.get(f"/acara/{ev.event.slug}/kehadiran/").content.decode()
    assert "Check-in opens on" in page
    from django.utils import timezone

    ev.event.starts_at = timezone.now() + dt.timedelta(hours=2)
    ev.event.ends_at = ev.event.starts_at + dt.timedelta(hours=4)
    ev.event.save()
    assert ev.event.check_in_open
    result = services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[reg])
    assert [r.pk for r in result.checked_in] == [reg.pk]
