"""Sign in and out, password reset by e-mail, profile, API tokens, language switch."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from lumbung.web.views.accounts import token_services
from tests.factories import PASSWORD

from .conftest import assert_accessible_markup, text_of

pytestmark = pytest.mark.django_db


def test_login_page_is_accessible(client, world):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert 'autocomplete="current-password"' in html


def test_login_with_wrong_password_shows_the_error(client, world):
    response = client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'value="officer"' in html  # what the person typed is kept
    assert "_auth_user_id" not in client.session


def test_login_and_logout(client, world):
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/ruang-kerja/"
    html = client.get("/").content.decode()
    assert "Sign out" in html and "Workspace" in html
    assert client.get("/accounts/logout/").status_code == 405  # logging out needs a POST
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Sign in" in client.get("/").content.decode()


def test_login_returns_to_next(client, world):
    response = client.post(
        "/accounts/login/?next=/akun/profil/",
        {"username": "officer", "password": PASSWORD, "next": "/akun/profil/"},
    )
    assert response["Location"] == "/akun/profil/"


def test_password_reset_by_email(client, world):
    response = client.get("/accounts/password_reset/")
    assert response.status_code == 200
    assert_accessible_markup(response.content.decode())
    response = client.post("/accounts/password_reset/", {"email": world.officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "officer" in message.body
    link = re.search(r"https?://[^\s]+/accounts/reset/[^\s]+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert "new_password1" in html
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "kata-sandi-baru-77", "new_password2": "kata-sandi-baru-77"}
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert client.login(username="officer", password="kata-sandi-baru-77")


def test_password_reset_for_unknown_address_sends_nothing(client, world):
    response = client.post("/accounts/password_reset/", {"email": "nobody@nowhere.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0
    assert client.get(response["Location"]).status_code == 200


def test_bad_reset_link_says_so(client, world):
    response = client.get("/accounts/reset/MQ/bad-token/")
    assert response.status_code == 200
    assert "does not work" in response.content.decode()


def test_password_change(client, world, login):
    login(world.officer)
    response = client.get("/accounts/password_change/")
    assert response.status_code == 200
    assert_accessible_markup(response.content.decode())
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "kata-sandi-baru-77",
            "new_password2": "kata-sandi-baru-77",
        },
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_profile_needs_login(client, world):
    response = client.get("/akun/profil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/akun/profil/")


def test_profile_lists_memberships(client, world, login):
    login(world.officer)
    response = client.get("/akun/profil/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    text = text_of(html)
    assert "Unit innovation officer" in text
    assert world.unit.name in text and world.agency.name in text


def test_profile_without_memberships(client, world, login):
    login(world.nobody)
    assert "You have no role" in client.get("/akun/profil/").content.decode()


@pytest.mark.skipif(token_services() is None, reason="lumbung.core.http.tokens has no tokens")
def test_api_tokens_are_made_shown_once_and_revoked(client, world, login):
    login(world.officer)
    response = client.post("/akun/token/", {"token-name": "skrip impor"})
    assert response.status_code == 200
    html = response.content.decode()
    key = re.search(r'id="new-token-key" value="([^"]+)"', html).group(1)
    assert key.startswith("lmb_")
    assert response["Cache-Control"] == "no-store"
    again = client.get("/akun/profil/").content.decode()
    assert "skrip impor" in again and key not in again  # shown once only
    token = world.officer.api_tokens.get()
    response = client.post(f"/akun/token/{token.pk}/cabut/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.skipif(token_services() is None, reason="lumbung.core.http.tokens has no tokens")
def test_api_token_needs_a_name_and_others_tokens_cannot_be_revoked(client, world, login):
    login(world.officer)
    response = client.post("/akun/token/", {"token-name": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    _token, _key = token_services().token_create(
        actor=world.admin, user=world.admin, name="milik admin"
    )
    other = world.admin.api_tokens.get()
    assert client.post(f"/akun/token/{other.pk}/cabut/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_indonesian_is_the_default_language(client, world, indonesian):
    html = client.get("/inovasi/").content.decode()
    assert '<html lang="id">' in html
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html


def test_language_switch_to_english(client, world, indonesian):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/inovasi/"})
    assert response.status_code == 302 and response["Location"] == "/inovasi/"
    html = client.get("/inovasi/").content.decode()
    assert '<html lang="en">' in html
    assert "Innovation catalog" in html and "Filters" in html and "Skip to main content" in html
    assert '<button type="submit" name="language" value="en" lang="en" aria-current="true">' in html
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert '<html lang="id">' in client.get("/").content.decode()


def test_signed_in_person_on_the_login_page_is_sent_on_not_looped(client, world, login):
    login(world.officer)
    response = client.get("/accounts/login/", {"next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/ruang-kerja/"
    assert client.get("/accounts/login/")["Location"] == "/ruang-kerja/"


def test_sign_in_link_returns_to_the_page(client, world):
    assert 'href="/accounts/login/?next=/inovasi/"' in client.get("/inovasi/").content.decode()
    assert 'href="/accounts/login/"' in client.get("/accounts/login/").content.decode()
