"""The events demo on top of the core and replication demos: the two learning events of
docs/domain.md, loaded once (a second load changes nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lumbung.events.demo import BARIS_TITLE, SWP_TITLE, WIB, load_events_demo
from lumbung.events.models import Event, Intent, Registration
from lumbung.events.models import Testimonial as EventTestimonial
from lumbung.events.selectors import event_report
from lumbung.platform.demo import load_demo
from lumbung.replication.demo import load_replication_demo
from lumbung.replication.models import Commitment, ReplicationProject

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    load_demo(accounts_file=tmp_path / "accounts.json")
    load_replication_demo()
    return load_events_demo()


def test_the_two_events(demo):
    assert demo.created == 0  # load_demo already ran it (settings.LUMBUNG_DEMO_LOADERS)
    assert Event.objects.count() == 2
    swp = Event.objects.get(title=SWP_TITLE)
    baris = Event.objects.get(title=BARIS_TITLE)
    assert swp.starts_at.astimezone(WIB).date() == dt.date(2024, 3, 6)
    assert baris.starts_at.astimezone(WIB).date() == dt.date(2024, 2, 27)
    assert swp.host_unit.name == "Sentra Terpadu Kartini Temanggung"
    assert baris.host_unit.name == "Sentra Wyata Guna Bandung"
    assert swp.is_published and baris.is_published
    assert swp.programme is not None and swp.facilitator_agency.short_name == "KemenPANRB"
    assert swp.showcased.get().name.startswith("Sheltered Workshop Peduli")
    assert baris.showcased.get().name.upper().startswith("BARIS DITEBAS")

    report = event_report(swp)
    assert 28 <= report.invited_units <= 32  # about 30 technical units
    assert report.invited_partners == 3  # two community workshops and a CSR partner
    assert report.attending_units == 22 and report.commitments >= 10
    assert report.projects >= 5  # the programme's running projects linked, two new ones
    assert EventTestimonial.objects.filter(event=swp, is_example=True).count() == 3
    _made_up_details_are_marked_as_example_data()
    _intents_link_running_projects_instead_of_duplicating()
    _the_public_pages_show_no_attendee()


def _made_up_details_are_marked_as_example_data():
    assert Registration.objects.exists()
    assert not Registration.objects.filter(is_example=False).exists()
    assert all(r.name.endswith("(contoh)") for r in Registration.objects.all())
    assert not EventTestimonial.objects.filter(is_example=False).exists()
    assert not Intent.objects.filter(is_example=False).exists()
    assert not Commitment.objects.filter(origin="event", is_example=False).exists()


def _intents_link_running_projects_instead_of_duplicating():
    swp = Event.objects.get(title=SWP_TITLE)
    for project in ReplicationProject.objects.filter(source__in=swp.showcased.all()):
        running = ReplicationProject.objects.filter(
            source=project.source, adopting_unit=project.adopting_unit
        ).exclude(stage="stopped")
        assert running.count() <= 1
    commitments = Commitment.objects.filter(origin="event", origin_ref=str(swp.pk))
    assert commitments.exists() and all(c.programme_id == swp.programme_id for c in commitments)


def test_loading_again_changes_nothing(demo):
    counts = (
        Event.objects.count(),
        Registration.objects.count(),
        Intent.objects.count(),
        Commitment.objects.count(),
        ReplicationProject.objects.count(),
    )
    again = load_events_demo()
    assert again.created == 0
    assert counts == (
        Event.objects.count(),
        Registration.objects.count(),
        Intent.objects.count(),
        Commitment.objects.count(),
        ReplicationProject.objects.count(),
    )


def _the_public_pages_show_no_attendee():
    client = Client()
    for event in Event.objects.all():
        html = client.get(f"/acara/{event.slug}/").content.decode()
        for reg in Registration.objects.filter(event=event)[:10]:
            assert reg.name not in html
    assert client.get("/acara/").status_code == 200
