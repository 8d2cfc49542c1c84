"""Notifications of replication work: a project started from your innovation, stage moves,
replica link requests — who is told, with which link, and who is not."""

from __future__ import annotations

import pytest

from lumbung.core.actors import SYSTEM
from lumbung.notifications.models import Notification
from lumbung.organisations.models import Membership, Role
from lumbung.replication import services
from lumbung.replication.models import DocumentKind, Stage

from ..factories import InnovationFactory, UserFactory, grant
from .conftest import add_doc, move

pytestmark = pytest.mark.django_db


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_a_project_started_from_an_innovation_tells_its_units_officers(rep):
    # the fixture's project: "Dinas Sosial Kota Contoh" replicates Kartini's "Baris Ditebas"
    assert _told("project.started") == {"officer"}
    note = Notification.objects.get(kind="project.started")
    assert note.url == f"/replikasi/proyek/{rep.project.pk}/"
    assert "Dinas Sosial Kota Contoh" in note.text and "Baris Ditebas" in note.text
    # the officer who started it is not told of their own action
    assert not Notification.objects.filter(user=rep.other_officer).exists()


def test_a_stage_move_tells_owners_and_facilitators_not_the_mover(rep):
    add_doc(rep.project, DocumentKind.COMMITMENT)
    move(rep.project, Stage.PLANNING, actor=rep.named_facilitator)
    assert _told("project.stage") == {"other_officer"}  # the mover (facilitator) is left out
    note = Notification.objects.get(kind="project.stage")
    assert note.url == f"/replikasi/proyek/{rep.project.pk}/"
    assert "“preparation” to “planning and development”" in note.text

    move(rep.project, Stage.STOPPED, actor=rep.other_officer, note="Anggaran dialihkan.")
    stopped = Notification.objects.filter(kind="project.stage", user=rep.named_facilitator).get()
    assert "Anggaran dialihkan." in stopped.text
    assert not Notification.objects.filter(kind="project.stage", user=rep.other_officer).count() > 1


def test_without_named_facilitators_the_facilitating_agencys_facilitators_are_told(rep):
    rep.project.facilitators.clear()
    add_doc(rep.project, DocumentKind.COMMITMENT)
    move(rep.project, Stage.PLANNING, actor=SYSTEM)
    assert _told("project.stage") == {"other_officer", "panrb_facilitator"}


def test_nobody_is_told_of_a_project_they_may_no_longer_see(rep):
    # the person who started it lost their role: their link would be a 404, so no notification
    starter = UserFactory(username="former_officer")
    grant(starter, Role.UNIT_OFFICER, unit=rep.third_unit)
    project = services.project_start(
        actor=starter, source=rep.source, adopting_unit=rep.third_unit, declared_form="adoption"
    )
    Membership.objects.filter(user=starter).delete()
    add_doc(project, DocumentKind.COMMITMENT)
    move(project, Stage.PLANNING, actor=SYSTEM)
    assert not Notification.objects.filter(user=starter).exists()
    assert "former_officer" not in _told("project.stage")


def test_a_replica_link_request_tells_the_agencys_admins(rep):
    existing = InnovationFactory(unit=rep.other_unit, name="Kafe Inklusif Kota Contoh")
    services.replica_link_request(actor=rep.other_officer, project=rep.project, innovation=existing)
    assert _told("replica_link") == {"other_admin"}
    request = rep.project.link_requests.get()
    services.replica_link_answer(actor=rep.other_admin, link_request=request, accept=True)
    answer = Notification.objects.filter(kind="replica_link", user=rep.other_officer).get()
    assert "accepted" in answer.text
    assert answer.url == f"/replikasi/proyek/{rep.project.pk}/"


def test_reminders_follow_the_preference_digest_sends_them_later(rep):
    import datetime as dt

    from django.core import mail

    from lumbung.notifications import services as notification_services

    notification_services.preferences_set(actor=rep.other_officer, values={"commitments": "digest"})
    services.commitment_create(
        actor=SYSTEM,
        owner_unit=rep.other_unit,
        project=rep.project,
        description="Menyusun SOP layanan",
        due_date=dt.date(2024, 3, 1),
    )
    report = services.commitment_reminders_send(today=dt.date(2024, 3, 6))
    assert (report.overdue, report.emails) == (1, 0)
    assert not mail.outbox
    digest = notification_services.digest_send()
    # the officer's reminder, and the news of the project started from Kartini's innovation
    # (replication news goes to the digest by default)
    assert digest.notifications == 2
    to_officer = [m for m in mail.outbox if m.to == [rep.other_officer.email]]
    assert len(to_officer) == 1 and "Menyusun SOP layanan" in to_officer[0].body
    started = [m for m in mail.outbox if m.to == [rep.officer.email]]
    assert len(started) == 1 and "started a replication project" in started[0].body
    # the reminder is not sent again by the next reminder run, nor the digest
    assert services.commitment_reminders_send(today=dt.date(2024, 3, 6)).sent == 0
    assert notification_services.digest_send().notifications == 0
