"""API tokens over their life: expiry (default and chosen), rotation (service, API, the profile
page's button), and revocation of all of a person's tokens when their password changes (their own
change, a reset link, an admin, a command)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lumbung.core.audit import AuditEntry
from lumbung.core.http import tokens as services
from lumbung.core.http.models import ApiToken
from tests.factories import PASSWORD

from .conftest import BASE, assert_error

pytestmark = pytest.mark.django_db


def call(key: str, path: str = "/innovations", method: str = "get", ip: str = "10.20.0.1"):
    client = Client(REMOTE_ADDR=ip)
    return getattr(client, method)(
        BASE + path, HTTP_AUTHORIZATION=f"Bearer {key}", content_type="application/json"
    )


def actions_on(token: ApiToken) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(token.pk), action__startswith="apitoken.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- expiry ---------------------------------------------------------------------------------


def test_a_new_token_lasts_the_default_days(world, settings):
    settings.LUMBUNG_API_TOKEN_DAYS = 90
    before = timezone.now()
    token, _key = services.token_create(actor=world.officer, user=world.officer, name="ci")
    assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)


def test_a_person_may_choose_a_shorter_life_but_not_a_longer_one(world, settings):
    settings.LUMBUNG_API_TOKEN_DAYS = 30
    token, _key = services.token_create(actor=world.officer, user=world.officer, name="ci", days=7)
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)
    for days in (0, 31, -1):
        with pytest.raises(ValidationError) as err:
            services.token_create(actor=world.officer, user=world.officer, name="ci", days=days)
        assert "days" in err.value.message_dict


def test_an_expired_token_is_refused_with_its_reason(world):
    token, key = services.token_create(actor=world.officer, user=world.officer, name="ci")
    assert call(key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = call(key)
    body = assert_error(response, 401)
    assert "expired" in body["detail"]
    token.refresh_from_db()
    assert not token.is_active and token.is_expired


def test_the_command_takes_days(world, settings):
    settings.LUMBUNG_API_TOKEN_DAYS = 90
    out, err = StringIO(), StringIO()
    call_command("apitoken", "officer", "--name", "skrip", "--days", "3", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=world.officer, name="skrip")
    assert timedelta(days=2, hours=23) < token.expires_at - timezone.now() <= timedelta(days=3)
    assert "valid until" in err.getvalue()
    assert call(key).status_code == 200
    listing = StringIO()
    call_command("apitoken", "officer", "--list", stdout=listing)
    assert "active until" in listing.getvalue()
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("apitoken", "officer", "--days", "91", stdout=StringIO(), stderr=StringIO())


def test_the_profile_form_takes_days(world, client):
    client.force_login(world.officer)
    response = client.post("/akun/token/", {"token-name": "laptop", "token-days": "5"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.officer, name="laptop")
    assert token.expires_at - timezone.now() <= timedelta(days=5)
    html = response.content.decode()
    assert "expires" in html
    response = client.post("/akun/token/", {"token-name": "lama", "token-days": "400"})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(name="lama").exists()


# --- rotation -------------------------------------------------------------------------------


def test_rotate_through_the_api_old_key_401_new_key_200(world):
    token, old_key = services.token_create(
        actor=world.officer, user=world.officer, name="ci", days=30
    )
    response = call(old_key, f"/tokens/{token.pk}/rotate", method="post")
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    new_key = body["key"]
    assert new_key != old_key and new_key.startswith("lmb_")
    assert body["token"]["name"] == "ci" and body["token"]["is_active"]
    assert_error(call(old_key), 401)
    assert call(new_key).status_code == 200
    new = ApiToken.objects.get(pk=body["token"]["id"])
    # the same lifetime, from now
    assert timedelta(days=29, hours=23) < new.expires_at - timezone.now() <= timedelta(days=30)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert actions_on(token) == ["apitoken.create", "apitoken.rotate"]
    assert actions_on(new) == ["apitoken.create"]
    rotate = AuditEntry.objects.get(object_id=str(token.pk), action="apitoken.rotate")
    assert rotate.actor == world.officer
    assert rotate.changes["replaced_by"] == [None, new.prefix]


def test_nobody_rotates_another_persons_token(world):
    token, _key = services.token_create(actor=world.officer, user=world.officer, name="ci")
    _other, other_key = services.token_create(actor=world.viewer, user=world.viewer, name="x")
    assert_error(call(other_key, f"/tokens/{token.pk}/rotate", method="post"), 404)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_revoked_token_cannot_be_rotated(world):
    token, _key = services.token_create(actor=world.officer, user=world.officer, name="ci")
    services.token_revoke(actor=world.officer, token=token)
    with pytest.raises(ValidationError):
        services.token_rotate(actor=world.officer, token=token)


def test_the_token_list_shows_the_callers_own(world):
    token, key = services.token_create(actor=world.officer, user=world.officer, name="ci")
    services.token_create(actor=world.viewer, user=world.viewer, name="bukan")
    response = call(key, "/tokens")
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == [token.pk]
    assert rows[0]["expires_at"] and rows[0]["is_active"] is True


def test_rotate_button_on_the_profile(world, client):
    token, old_key = services.token_create(actor=world.officer, user=world.officer, name="ci")
    client.force_login(world.officer)
    page = client.get("/akun/profil/").content.decode()
    assert f'action="/akun/token/{token.pk}/ganti/"' in page
    response = client.post(f"/akun/token/{token.pk}/ganti/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new_key = re.search(r'id="new-token-key" value="([^"]+)"', response.content.decode()).group(1)
    assert_error(call(old_key), 401)
    assert call(new_key).status_code == 200
    # another person's token: 404, untouched
    other, _ = services.token_create(actor=world.viewer, user=world.viewer, name="x")
    assert client.post(f"/akun/token/{other.pk}/ganti/").status_code == 404


# --- a new password revokes every token -----------------------------------------------------


def _two_tokens(user) -> list[str]:
    return [services.token_create(actor=user, user=user, name=n)[1] for n in ("a", "b")]


def _all_revoked_for_password(user, keys: list[str]) -> None:
    for key in keys:
        assert_error(call(key), 401)
    tokens = ApiToken.objects.filter(user=user)
    assert all(t.revoked_at is not None for t in tokens)
    for token in tokens:
        assert actions_on(token)[-1] == "apitoken.revoke_password"


def test_changing_ones_password_revokes_every_token(world, client):
    keys = _two_tokens(world.officer)
    untouched = services.token_create(actor=world.viewer, user=world.viewer, name="x")[1]
    client.force_login(world.officer)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "kata-sandi-baru-77",
            "new_password2": "kata-sandi-baru-77",
        },
    )
    assert response.status_code == 302
    _all_revoked_for_password(world.officer, keys)
    assert call(untouched).status_code == 200  # someone else's tokens keep working
    # a token made after the change works
    fresh = services.token_create(actor=world.officer, user=world.officer, name="baru")[1]
    assert call(fresh).status_code == 200


def test_a_password_reset_revokes_every_token(world, client):
    keys = _two_tokens(world.officer)
    client.post("/accounts/password_reset/", {"email": world.officer.email})
    link = re.search(r"https?://[^\s]+/accounts/reset/[^\s]+/", mail.outbox[0].body).group(0)
    response = client.get(link.split("testserver", 1)[1], follow=True)
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "kata-sandi-baru-77", "new_password2": "kata-sandi-baru-77"}
    )
    assert response.status_code == 302
    _all_revoked_for_password(world.officer, keys)


def test_an_admin_setting_the_password_revokes_every_token(world, client):
    keys = _two_tokens(world.officer)
    client.force_login(world.platform_admin)
    response = client.post(
        f"/admin/organisations/user/{world.officer.pk}/password/",
        {"password1": "kata-sandi-baru-77", "password2": "kata-sandi-baru-77"},
    )
    assert response.status_code == 302, response.content
    _all_revoked_for_password(world.officer, keys)


def test_saving_a_person_without_a_new_password_keeps_the_tokens(world):
    key = services.token_create(actor=world.officer, user=world.officer, name="ci")[1]
    world.officer.display_name = "Nama Baru"
    world.officer.save()
    assert call(key).status_code == 200


# --- the migration --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_tokens_made_before_expiry_get_now_plus_the_default(settings):
    """Existing tokens are not left eternal: the migration gives each now + the default days."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    settings.LUMBUNG_API_TOKEN_DAYS = 90
    executor = MigrationExecutor(connection)
    before, after = [("lumbung_api", "0001_initial")], [("lumbung_api", "0002_token_expiry")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    User = old_apps.get_model("organisations", "User")
    OldToken = old_apps.get_model("lumbung_api", "ApiToken")
    user = User.objects.create(username="lama")
    OldToken.objects.create(user=user, name="lama", prefix="lmb_lama0000", key_hash="0" * 64)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    token = ApiToken.objects.get(name="lama")
    left = token.expires_at - timezone.now()
    assert timedelta(days=89, hours=23) < left <= timedelta(days=90)
