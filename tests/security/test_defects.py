"""Regression tests for the access defects found on a hand-built instance and on the demo, each
through the API and the pages. (Defect 1 — the fail-open unit tree — is covered for units made
through the admin, the API, the importer and a migration in ``test_handmade_worlds.py``; defects
5 and 6 in ``tests/web/test_bad_input.py`` and the catalog's export and import tests.)"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.core.actors import SYSTEM
from lumbung.events import services as event_services
from lumbung.events.models import Event, Intent
from lumbung.organisations.models import Role
from lumbung.replication import services as rep_services
from lumbung.replication.models import (
    Commitment,
    ProgrammeTarget,
    ReplicaLinkRequest,
    ReplicationProject,
)
from tests.factories import AgencyFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, path: str, body: dict) -> object:
    return c.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def scoped(world):
    """Kemensos (``world.agency``) with a programme manager; a city (``world.other_agency``)."""
    w = world
    w.pm = UserFactory(username="pm_kemensos")
    grant(w.pm, Role.PROGRAMME_MANAGER, agency=w.agency)
    w.panrb = AgencyFactory(name="Kementerian PANRB", slug="kemenpanrb")
    w.facilitator = UserFactory(username="fasilitator_panrb")
    grant(w.facilitator, Role.FACILITATOR, agency=w.panrb)
    w.programme = rep_services.programme_create(
        actor=w.pm,
        agency=w.agency,
        name="Replikasi Baris Ditebas",
        sources=[w.published],
        start_date=dt.date(2024, 1, 1),
        coverage_target=3,
    )
    return w


# --- defect 2: a programme manager rewrites another agency's published innovation ---------------


def test_programme_targets_of_another_agency_are_refused_without_its_consent(scoped):
    c = _client(scoped.pm)
    response = _post(
        c,
        "/programmes",
        {
            "agency": scoped.agency.pk,
            "name": "Program Lintas Instansi",
            "sources": [scoped.published.slug],
            "start_date": "2024-01-01",
            "coverage_target": 2,
            "targets": [scoped.other_unit.pk],
        },
    )
    assert response.status_code == 422
    assert "units" in {e["field"] for e in response.json()["errors"]}
    response = _post(
        c, f"/programmes/{scoped.programme.slug}/targets", {"units": [scoped.other_unit.pk]}
    )
    assert response.status_code == 422
    assert not ProgrammeTarget.objects.filter(unit=scoped.other_unit).exists()
    # the page says the same, and adds nothing
    page = c.post(
        f"/replikasi/program/{scoped.programme.slug}/sasaran/?agency={scoped.other_agency.pk}",
        {"units": [scoped.other_unit.pk]},
    )
    assert page.status_code in (200, 400)
    assert not ProgrammeTarget.objects.filter(unit=scoped.other_unit).exists()


def test_a_manager_cannot_start_a_project_for_another_agencys_unit(scoped):
    c = _client(scoped.pm)
    body = {
        "source": scoped.published.slug,
        "adopting_unit": scoped.other_unit.pk,
        "declared_form": "adoption",
        "programme": scoped.programme.slug,
    }
    assert _post(c, "/projects", body).status_code == 403
    page = c.post(
        f"/replikasi/proyek/baru/?programme={scoped.programme.slug}",
        {
            "programme": scoped.programme.slug,
            "source": scoped.published.slug,
            "adopting_unit": scoped.other_unit.pk,
            "declared_form": "adoption",
        },
    )
    assert page.status_code in (400, 403)
    assert not ReplicationProject.objects.filter(adopting_unit=scoped.other_unit).exists()


def test_linking_another_agencys_innovation_waits_for_that_agency(scoped):
    """Even inside a programme the other agency joined, a project's people only *ask*; the
    innovation's agency admin decides, and until then its public page is unchanged."""
    rep_services.programme_join(
        actor=scoped.other_admin, programme=scoped.programme, agency=scoped.other_agency
    )
    rep_services.programme_targets_add(
        actor=scoped.pm, programme=scoped.programme, units=[scoped.other_unit]
    )
    project = rep_services.project_start(
        actor=scoped.pm,
        source=scoped.published,
        adopting_unit=scoped.other_unit,
        declared_form="adaptation",
        programme=scoped.programme,
    )
    theirs = scoped.other_published
    response = _post(
        _client(scoped.pm), f"/projects/{project.pk}/replica", {"innovation": theirs.slug}
    )
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    theirs.refresh_from_db()
    assert theirs.source_id is None
    assert scoped.published.name not in Client().get(f"/inovasi/{theirs.slug}/").content.decode()
    # the page asks too, and says so
    c = _client(scoped.pm)
    page = c.post(f"/replikasi/proyek/{project.pk}/replika/", {"innovation": theirs.slug})
    assert page.status_code in (200, 302, 400)
    theirs.refresh_from_db()
    assert theirs.source_id is None
    # the manager cannot answer their own request
    link = ReplicaLinkRequest.objects.get(project=project)
    assert _post(c, f"/replica-link-requests/{link.pk}/answer", {"accept": True}).status_code in (
        403,
        404,
    )
    # the innovation's agency admin accepts (page), and only then the lineage is written
    admin = _client(scoped.other_admin)
    assert admin.get("/replikasi/permintaan-replika/").status_code == 200
    done = admin.post(
        f"/replikasi/permintaan-replika/{link.pk}/jawab/", {"decision": "accept", "note": ""}
    )
    assert done.status_code == 302
    theirs.refresh_from_db()
    assert theirs.source_id == scoped.published.pk


def test_declining_needs_a_reason_and_changes_nothing(scoped):
    rep_services.programme_join(
        actor=scoped.other_admin, programme=scoped.programme, agency=scoped.other_agency
    )
    project = rep_services.project_start(
        actor=scoped.other_officer,
        source=scoped.published,
        adopting_unit=scoped.other_unit,
        declared_form="adaptation",
        programme=scoped.programme,
    )
    link = rep_services.replica_link_request(
        actor=scoped.pm, project=project, innovation=scoped.other_published
    )
    c = _client(scoped.other_admin)
    assert (
        _post(c, f"/replica-link-requests/{link.pk}/answer", {"accept": False}).status_code == 422
    )
    response = _post(
        c, f"/replica-link-requests/{link.pk}/answer", {"accept": False, "note": "Bukan replika"}
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    scoped.other_published.refresh_from_db()
    assert scoped.other_published.source_id is None


def test_an_agency_joins_a_programme_only_by_its_own_admin(scoped):
    slug = scoped.programme.slug
    # the programme's manager cannot make the other agency join
    response = _post(
        _client(scoped.pm), f"/programmes/{slug}/participants", {"agency": scoped.other_agency.pk}
    )
    assert response.status_code == 403
    page = _client(scoped.pm).post(
        f"/replikasi/program/{slug}/bergabung/", {"agency": scoped.other_agency.pk}
    )
    assert page.status_code == 302
    assert not scoped.programme.participants.exists()
    # its own admin can, on the page
    _client(scoped.other_admin).post(
        f"/replikasi/program/{slug}/bergabung/", {"agency": scoped.other_agency.pk}
    )
    assert scoped.programme.participants.filter(agency=scoped.other_agency).exists()


# --- defect 3: a facilitator acts for any unit of any agency ------------------------------------


def test_a_facilitator_cannot_create_an_event_for_an_agency_it_does_not_facilitate(scoped):
    start = (timezone.now() + dt.timedelta(days=3)).isoformat()
    body = {
        "host_unit": scoped.other_unit.pk,
        "title": "Acara orang lain",
        "showcased": [scoped.other_published.slug],
        "starts_at": start,
        "venue": "Aula",
    }
    c = _client(scoped.facilitator)
    assert _post(c, "/events", body).status_code == 403
    assert c.get("/acara/baru/").status_code == 403
    assert not Event.objects.filter(title="Acara orang lain").exists()


def test_a_facilitator_creates_events_within_a_programme_its_agency_facilitates(scoped):
    rep_services.programme_update(
        actor=scoped.pm, programme=scoped.programme, data={"facilitator_agency": scoped.panrb}
    )
    start = (timezone.now() + dt.timedelta(days=3)).isoformat()
    body = {
        "host_unit": scoped.unit.pk,
        "title": "Pembelajaran dalam program",
        "showcased": [scoped.published.slug],
        "programme": scoped.programme.slug,
        "starts_at": start,
        "venue": "Aula",
    }
    assert _post(_client(scoped.facilitator), "/events", body).status_code == 201
    # but not hosted by a unit outside the programme's scope
    body.update(host_unit=scoped.other_unit.pk, title="Di luar cakupan")
    assert _post(_client(scoped.facilitator), "/events", body).status_code in (403, 422)


def test_a_facilitator_records_no_intents_for_units_of_other_agencies(scoped):
    start = timezone.now() + dt.timedelta(days=3)
    event = event_services.event_create(
        actor=scoped.officer,
        host_unit=scoped.unit,
        title="Pembelajaran",
        summary="Ringkas",
        starts_at=start,
        showcased=[scoped.published],
        venue="Aula",
        facilitator_agency=scoped.panrb,
    )
    event_services.invitations_add(
        actor=scoped.officer, event=event, units=[scoped.other_unit, scoped.sibling_unit]
    )
    c = _client(scoped.facilitator)
    item = {
        "innovation": scoped.published.slug,
        "decision": "adopt",
        "due_date": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        "start_project": True,
    }
    foreign = _post(
        c, f"/events/{event.slug}/intents", {"unit": scoped.other_unit.pk, "items": [item]}
    )
    assert foreign.status_code == 403
    page = c.get(f"/acara/{event.slug}/tindak-lanjut/?unit={scoped.other_unit.pk}")
    assert scoped.other_unit.name not in page.content.decode() or page.status_code == 403
    assert not Intent.objects.filter(unit=scoped.other_unit).exists()
    assert not ReplicationProject.objects.filter(adopting_unit=scoped.other_unit).exists()
    assert not Commitment.objects.filter(owner_unit=scoped.other_unit).exists()
    # the host agency named PANRB on its event: its units' intents may be recorded on its behalf
    own = _post(
        c, f"/events/{event.slug}/intents", {"unit": scoped.sibling_unit.pk, "items": [item]}
    )
    assert own.status_code == 201


# --- defect 4: commitments assigned to any unit --------------------------------------------------


def test_a_projects_commitment_belongs_to_one_of_its_units(scoped):
    project = rep_services.project_start(
        actor=scoped.sibling_officer,
        source=scoped.published,
        adopting_unit=scoped.sibling_unit,
        declared_form="adoption",
    )
    c = _client(scoped.sibling_officer)
    body = {
        "owner_unit": scoped.other_unit.pk,
        "description": "Dibebankan ke unit lain",
        "due_date": timezone.localdate().isoformat(),
        "project": project.pk,
    }
    response = _post(c, "/commitments", body)
    assert response.status_code == 422
    assert "owner_unit" in {e["field"] for e in response.json()["errors"]}
    body.pop("project")
    assert _post(c, "/commitments", body).status_code == 403  # a unit of someone else
    page = c.post(
        f"/replikasi/proyek/{project.pk}/komitmen/",
        {"owner_unit": scoped.other_unit.pk, "description": "x", "due_date": "2030-01-01"},
    )
    assert page.status_code in (200, 400)
    assert not Commitment.objects.filter(owner_unit=scoped.other_unit).exists()
    # the origin unit may own one: it is one of the project's units
    body.update(owner_unit=scoped.unit.pk, project=project.pk)
    assert _post(c, "/commitments", body).status_code == 201


def test_a_programmes_commitment_belongs_to_a_unit_in_its_scope(scoped):
    with pytest.raises(Exception) as exc:
        rep_services.commitment_create(
            actor=SYSTEM,
            owner_unit=scoped.other_unit,
            description="Di luar cakupan",
            due_date=timezone.localdate(),
            programme=scoped.programme,
        )
    assert "owner_unit" in getattr(exc.value, "message_dict", {})
    assert Innovation.objects.filter(pk=scoped.other_published.pk, source__isnull=True).exists()
