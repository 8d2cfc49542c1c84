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
