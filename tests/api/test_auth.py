"""Token authentication (valid, revoked, wrong), the session with CSRF, the token services and
the ``apitoken`` command."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from lumbung.catalog.models import Innovation
from lumbung.core.http import tokens as services
from lumbung.core.http.models import ApiToken

from .conftest import BASE, ApiClient, assert_error

pytestmark = pytest.mark.django_db


def create(client: ApiClient, world, name: str = "Lewat token"):
    return client.post("/innovations", {"unit": world.unit.pk, "name": name})


# --- tokens ----------------------------------------------------------------------------------


def test_valid_token_authenticates_writes_and_reads(world, api, token_for):
    key = token_for(world.officer)
    api.with_token(key)
    response = create(api, world)
    assert response.status_code == 201, response.content
    assert Innovation.objects.get(slug=response.json()["slug"]).created_by == world.officer
    # reads with the token see the officer's drafts
    drafts = api.get("/innovations", {"state": "draft"}).json()
    assert world.draft.slug in {i["slug"] for i in drafts["items"]}
    token = ApiToken.objects.get(user=world.officer)
    assert token.last_used_at is not None


def test_only_the_hash_and_a_prefix_are_stored(world):
    token, key = services.token_create(actor=world.officer, user=world.officer, name="ci")
    assert key.startswith("lmb_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12]
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(v) for v in stored.values()}


def test_revoked_token_is_refused(world, api, token_for):
    key = token_for(world.officer)
    token = ApiToken.objects.get(user=world.officer)
    services.token_revoke(actor=world.officer, token=token)
    api.with_token(key)
    assert_error(create(api, world), 401)
    assert_error(api.get("/innovations"), 401)  # a bad token is never silently anonymous
    assert not Innovation.objects.filter(name="Lewat token").exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer lmb_this-is-not-a-real-key",
        "Bearer ",
        "Bearer",
        "bearer " + "x" * 5000,
        "Bearer lmb_\u00e9\u00e9",
    ],
    ids=["unknown", "empty", "no-key", "huge", "non-ascii"],
)
def test_wrong_token_is_refused(world, client, header):
    response = client.post(
        f"{BASE}/innovations",
        {"unit": world.unit.pk, "name": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=header,
    )
    assert_error(response, 401)
    assert_error(client.get(f"{BASE}/innovations", HTTP_AUTHORIZATION=header), 401)


def test_token_of_an_inactive_person_is_refused(world, api, token_for):
    key = token_for(world.officer)
    world.officer.is_active = False
    world.officer.save()
    assert_error(create(api.with_token(key), world), 401)


def test_other_schemes_are_ignored_not_trusted(world, client):
    headers = {"HTTP_AUTHORIZATION": "Basic b2ZmaWNlcjpyYWhhc2lh"}
    assert client.get(f"{BASE}/innovations", **headers).status_code == 200
    response = client.post(
        f"{BASE}/innovations", {"name": "x"}, content_type="application/json", **headers
    )
    assert_error(response, 401)


def test_token_services_check_permission(world):
    with pytest.raises(PermissionDenied):
        services.token_create(actor=world.admin, user=world.officer, name="x")
    with pytest.raises(PermissionDenied):
        services.token_create(actor=None, user=world.officer, name="x")
    token, _key = services.token_create(actor=world.platform_admin, user=world.officer, name="x")
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=world.other_officer, token=token)
    services.token_revoke(actor=world.officer, token=token)
    with pytest.raises(ValidationError):
        services.token_revoke(actor=world.officer, token=token)
    with pytest.raises(ValidationError):
        services.token_create(actor=world.officer, user=world.officer, name="  ")


# --- the session -----------------------------------------------------------------------------


def test_session_write_needs_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer)
    body = {"unit": world.unit.pk, "name": "Dari peramban"}
    response = client.post(f"{BASE}/innovations", body, content_type="application/json")
    assert_error(response, 403)
    client.get(f"{BASE}/docs")  # renders the CSRF token, which sets the cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"{BASE}/innovations", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201, response.content


def test_session_reads_need_no_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer)
    response = client.get(f"{BASE}/innovations/{world.draft.slug}")
    assert response.status_code == 200


def test_anonymous_write_is_401_not_a_csrf_error(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{BASE}/innovations", {"name": "x"}, content_type="application/json")
    assert_error(response, 401)


def test_token_works_without_csrf(world, token_for):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"{BASE}/innovations",
        {"unit": world.unit.pk, "name": "Mesin"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(world.officer)}",
    )
    assert response.status_code == 201, response.content


# --- the command -----------------------------------------------------------------------------


def test_apitoken_command_prints_a_working_key_once(world, client):
    out, err = StringIO(), StringIO()
    call_command("apitoken", "officer", "--name", "integrasi", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("lmb_")
    assert "cannot be shown again" in err.getvalue()
    token = ApiToken.objects.get(user=world.officer)
    assert token.name == "integrasi"
    response = client.post(
        f"{BASE}/innovations",
        {"unit": world.unit.pk, "name": "Dari skrip"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201

    listed = StringIO()
    call_command("apitoken", "officer", "--list", stdout=listed)
    assert token.prefix in listed.getvalue() and key not in listed.getvalue()

    call_command("apitoken", "officer", "--revoke", token.prefix, stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_apitoken_command_default_name_and_unknown_user(world):
    call_command("apitoken", "viewer", stdout=StringIO(), stderr=StringIO())
    assert ApiToken.objects.get(user=world.viewer).name.startswith("token ")
    with pytest.raises(CommandError):
        call_command("apitoken", "no-such-person", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("apitoken", "viewer", "--revoke", "lmb_nothing", stdout=StringIO())


# --- the admin -------------------------------------------------------------------------------


def test_admin_lists_and_revokes_tokens(world, client):
    token, key = services.token_create(actor=world.officer, user=world.officer, name="skrip")
    client.force_login(world.platform_admin)
    changelist = client.get("/admin/lumbung_api/apitoken/")
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert token.prefix in html and key not in html and token.key_hash not in html
    assert client.get("/admin/lumbung_api/apitoken/add/").status_code == 403
    response = client.post(
        "/admin/lumbung_api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
