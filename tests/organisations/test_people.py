"""People: invitations by e-mail with a set-password link, and deactivation that keeps history
(services and API)."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lumbung.core import audit
from lumbung.core.actors import as_actor
from lumbung.organisations import people
from lumbung.organisations.models import Membership, Role, User
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def _post(c: Client, path: str, body: dict) -> object:
    return c.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def test_an_invited_person_chooses_a_password_and_signs_in(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = people.person_invite(
            actor=world.admin,
            email="Sari@Kemensos.go.id",
            agency=world.agency,
            role=Role.UNIT_OFFICER,
            unit=world.unit,
            display_name="Ibu Sari",
        )
    user = invitation.user
    assert invitation.created and user.email == "sari@kemensos.go.id"
    assert not user.has_usable_password()
    assert as_actor(user).units(Role.UNIT_OFFICER) >= {world.unit.pk}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sari@kemensos.go.id"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    c = Client()
    response = c.get("/" + path, follow=True)  # Django redirects to the set-password form
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = c.post(
        form_url, {"new_password1": "Kata-sandi-baru-9", "new_password2": "Kata-sandi-baru-9"}
    )
    assert response.status_code == 302
    assert c.login(username=user.username, password="Kata-sandi-baru-9")
    assert audit.history(user).filter(action="person.invite").exists()
    assert audit.history(user).filter(action="membership.grant").exists()


def test_inviting_someone_who_has_an_account_only_gives_the_role(world):
    world.other_officer.email = "pejabat@kota.go.id"
    world.other_officer.save()
    invitation = people.person_invite(
        actor=world.admin, email="PEJABAT@kota.go.id", agency=world.agency, role=Role.VIEWER
    )
    assert invitation.user == world.other_officer and not invitation.created
    assert world.other_officer.memberships.filter(agency=world.agency, role=Role.VIEWER).exists()
    assert world.other_officer.has_usable_password()


def test_only_the_agencys_admins_invite(world):
    with pytest.raises(PermissionDenied):
        people.person_invite(
            actor=world.other_admin, email="x@y.id", agency=world.agency, role=Role.VIEWER
        )
    with pytest.raises(PermissionDenied):
        people.person_invite(
            actor=world.officer, email="x@y.id", agency=world.agency, role=Role.VIEWER
        )
    with pytest.raises(ValidationError):
        people.person_invite(
            actor=world.admin, email="bukan-email", agency=world.agency, role=Role.VIEWER
        )
    with pytest.raises(ValidationError):  # a unit of another agency
        people.person_invite(
            actor=world.admin,
            email="x@y.id",
            agency=world.agency,
            role=Role.UNIT_OFFICER,
            unit=world.other_unit,
        )
    assert not User.objects.filter(email="x@y.id").exists()


def test_deactivation_keeps_the_account_and_its_history(world):
    people.person_deactivate(actor=world.admin, user=world.officer, reason="Pindah tugas")
    world.officer.refresh_from_db()
    assert not world.officer.is_active
    assert Membership.objects.filter(user=world.officer).exists()
    assert as_actor(User.objects.get(pk=world.officer.pk)).is_authenticated is False
    entry = audit.history(world.officer).get(action="person.deactivate")
    assert entry.note == "Pindah tugas"
    assert not Client().login(username="officer", password="x")
    people.person_reactivate(actor=world.admin, user=world.officer)
    world.officer.refresh_from_db()
    assert world.officer.is_active


def test_deactivation_is_the_agencys_own_and_needs_a_reason(world):
    with pytest.raises(PermissionDenied):
        people.person_deactivate(actor=world.other_admin, user=world.officer, reason="x")
    with pytest.raises(ValidationError):
        people.person_deactivate(actor=world.admin, user=world.officer, reason=" ")
    both = UserFactory(username="dua_instansi")
    grant(both, Role.VIEWER, agency=world.agency)
    grant(both, Role.VIEWER, agency=world.other_agency)
    with pytest.raises(ValidationError, match="another agency"):
        people.person_deactivate(actor=world.admin, user=both, reason="x")
    people.person_deactivate(actor=world.platform_admin, user=both, reason="x")
    with pytest.raises(ValidationError):
        people.person_deactivate(actor=world.admin, user=world.admin, reason="x")


def test_people_through_the_api(world):
    c = Client()
    c.force_login(world.admin)
    response = _post(
        c,
        "/people/invitations",
        {
            "email": "budi@kemensos.go.id",
            "agency": world.agency.pk,
            "role": "unit_officer",
            "unit": world.sibling_unit.pk,
        },
    )
    assert response.status_code == 201 and response.json()["created"] is True
    person_id = response.json()["person"]["id"]
    listed = c.get("/api/v1/people", {"agency": world.agency.slug}).json()["items"]
    assert "budi" in {p["username"] for p in listed}
    assert "other_officer" not in {p["username"] for p in listed}
    response = _post(c, f"/people/{person_id}/deactivate", {"reason": "Salah undang"})
    assert response.status_code == 200 and response.json()["is_active"] is False
    # another agency's admin neither sees nor deactivates this person
    other = Client()
    other.force_login(world.other_admin)
    assert (
        _post(other, f"/people/{world.officer.pk}/deactivate", {"reason": "x"}).status_code == 404
    )
    refused = _post(
        other,
        "/people/invitations",
        {"email": "c@d.id", "agency": world.agency.pk, "role": "viewer"},
    )
    assert refused.status_code == 403
