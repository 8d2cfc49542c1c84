"""Brute force and flooding: the sign-in lockout (our page and the admin's), the password reset
limits, the limit on wrong API tokens, and where the client's address comes from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory

from lumbung.core.http import throttling
from lumbung.core.http.clientip import client_ip
from tests.factories import PASSWORD, UserFactory
from tests.web.conftest import assert_accessible_markup

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
RESET = "/accounts/password_reset/"


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    cache.clear()
    yield
    cache.clear()


def browser(ip: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.cookies["django_language"] = "en"
    return client


def sign_in(client: Client, username: str, password: str, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- sign-in lockout ----------------------------------------------------------------------------


def test_forty_wrong_passwords_then_the_right_one_is_still_refused(world):
    client = browser()
    statuses = [sign_in(client, "officer", f"salah-{i}").status_code for i in range(40)]
    assert statuses[:4] == [200] * 4  # the form again, "wrong user name or password"
    assert set(statuses[4:]) == {429}  # the fifth failure locks
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    assert response["Retry-After"] == str(15 * 60)
    html = response.content.decode()
    assert "Signing in is paused" in html
    assert "15 minutes" in html
    assert_accessible_markup(html)  # the site's layout: one h1, lang, landmarks, labels


def test_the_admin_sign_in_is_locked_too(world):
    client = browser()
    for i in range(40):
        sign_in(client, "root", f"salah-{i}", url=ADMIN_LOGIN)
    response = sign_in(client, "root", PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert not signed_in(client)
    assert "Signing in is paused" in response.content.decode()
    # one count for both doors: the site's sign-in page is locked for root as well
    assert sign_in(browser("10.5.5.5"), "root", PASSWORD).status_code == 302  # another address: not
    assert sign_in(client, "root", PASSWORD).status_code == 429


def test_a_colleague_behind_the_same_address_still_signs_in(world):
    office = "10.0.0.7"
    attacker = browser(office)
    for i in range(10):
        sign_in(attacker, "officer", f"salah-{i}")
    assert sign_in(attacker, "officer", PASSWORD).status_code == 429
    colleague = browser(office)
    response = sign_in(colleague, "viewer", PASSWORD)
    assert response.status_code == 302
    assert signed_in(colleague)
    # and the locked person from another address
    elsewhere = browser("10.9.9.9")
    assert sign_in(elsewhere, "officer", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(world, settings):
    client = browser()
    for i in range(5):
        sign_in(client, "officer", f"salah-{i}")
    assert sign_in(client, "officer", PASSWORD).status_code == 429
    # the clock moves on: the recorded failures are now older than the cool-off
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_success_resets_the_count(world):
    client = browser()
    for i in range(4):
        sign_in(client, "officer", f"salah-{i}")
    assert sign_in(client, "officer", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post("/accounts/logout/")
    for i in range(4):  # four more: still under the limit, because the count started again
        assert sign_in(client, "officer", f"salah-lagi-{i}").status_code == 200
    assert sign_in(client, "officer", PASSWORD).status_code == 302


def test_the_limit_comes_from_the_settings(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = browser()
    assert sign_in(client, "officer", "salah-1").status_code == 200
    assert sign_in(client, "officer", "salah-2").status_code == 429


def test_the_lockout_page_speaks_indonesian(world, settings):
    settings.LANGUAGE_CODE = "id"
    client = Client(REMOTE_ADDR="10.0.0.1")
    for i in range(6):
        response = sign_in(client, "officer", f"salah-{i}")
    assert response.status_code == 429
    assert 'lang="id"' in response.content.decode()


# --- the client's address -------------------------------------------------------------------


def test_the_forwarded_header_is_ignored_without_a_trusted_proxy(settings):
    settings.LUMBUNG_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.1"


def test_behind_trusted_proxies_the_address_they_saw_counts(settings):
    settings.LUMBUNG_TRUSTED_PROXY_COUNT = 1
    # the client wrote "6.6.6.6" itself; our one proxy appended the address it saw
    request = RequestFactory().get(
        "/", REMOTE_ADDR="192.168.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert client_ip(request) == "203.0.113.9"
    settings.LUMBUNG_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="192.168.0.2")) == "192.168.0.2"


def test_a_spoofed_forwarded_header_does_not_escape_the_lockout(world, settings):
    settings.LUMBUNG_TRUSTED_PROXY_COUNT = 0
    client = browser()
    for i in range(5):
        client.post(
            LOGIN,
            {"username": "officer", "password": f"salah-{i}"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
    response = client.post(
        LOGIN, {"username": "officer", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
    assert response.status_code == 429


# --- password reset -------------------------------------------------------------------------


def test_password_reset_flooding_one_address_is_limited(world, settings):
    settings.LUMBUNG_PASSWORD_RESET_EMAIL_RATE = "3/h"
    client = browser()
    statuses = [client.post(RESET, {"email": world.officer.email}).status_code for _ in range(20)]
    assert statuses[:3] == [302] * 3
    assert set(statuses[3:]) == {429}
    assert len(mail.outbox) == 3  # nothing sent once limited
    response = client.post(RESET, {"email": world.officer.email})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Too many requests for a new password" in html
    assert_accessible_markup(html)
    # another person's e-mail address is not limited by it (from another address: this one has
    # now sent more than the 20 an hour allowed per address)
    other = browser("10.0.0.2")
    assert other.post(RESET, {"email": world.viewer.email}).status_code == 302


def test_password_reset_from_one_address_is_limited_across_e_mails(world, settings):
    settings.LUMBUNG_PASSWORD_RESET_IP_RATE = "5/h"
    client = browser("10.1.1.1")
    statuses = [client.post(RESET, {"email": f"orang{i}@example.id"}).status_code for i in range(8)]
    assert statuses == [302] * 5 + [429] * 3
    # the same e-mail from another address is not limited by the first address
    assert browser("10.1.1.2").post(RESET, {"email": world.officer.email}).status_code == 302


def test_an_unknown_address_is_limited_like_a_known_one(world, settings):
    """The answer must not tell whether an account has the address."""
    settings.LUMBUNG_PASSWORD_RESET_EMAIL_RATE = "2/h"
    client = browser()
    known = [client.post(RESET, {"email": world.officer.email}).status_code for _ in range(3)]
    unknown = [client.post(RESET, {"email": "tidak@ada.example"}).status_code for _ in range(3)]
    assert known == unknown == [302, 302, 429]


# --- wrong API tokens -----------------------------------------------------------------------


def test_a_hundred_wrong_tokens_get_429_after_the_limit(world, settings):
    settings.LUMBUNG_API_AUTH_FAILURE_LIMIT = 20
    settings.LUMBUNG_API_AUTH_FAILURE_WINDOW_MINUTES = 10
    client = Client(REMOTE_ADDR="10.2.2.2")
    responses = [
        client.get("/api/v1/innovations", HTTP_AUTHORIZATION=f"Bearer lmb_salah{i:04d}")
        for i in range(100)
    ]
    statuses = [r.status_code for r in responses]
    assert statuses[:20] == [401] * 20
    assert set(statuses[20:]) == {429}
    last = responses[-1]
    assert last["Content-Type"].startswith("application/json")
    body = last.json()
    assert set(body) == {"detail", "errors"}
    assert "wrong API token" in body["detail"]
    assert 0 < int(last["Retry-After"]) <= 10 * 60 + 5
    # another address is not blocked; reads without a token are not blocked either
    other = Client(REMOTE_ADDR="10.2.2.3")
    assert other.get("/api/v1/innovations", HTTP_AUTHORIZATION="Bearer lmb_x").status_code == 401
    assert client.get("/api/v1/innovations").status_code == 200


def test_a_valid_token_from_a_blocked_address_waits_too(world, settings, token_key):
    """Once blocked, an address is not told which keys are right (no oracle)."""
    settings.LUMBUNG_API_AUTH_FAILURE_LIMIT = 3
    key = token_key(world.officer)
    client = Client(REMOTE_ADDR="10.3.3.3")
    for i in range(3):
        client.get("/api/v1/innovations", HTTP_AUTHORIZATION=f"Bearer lmb_salah{i}")
    assert client.get("/api/v1/innovations", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 429
    fresh = Client(REMOTE_ADDR="10.3.3.4")
    assert fresh.get("/api/v1/innovations", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_the_api_block_ends_with_its_window(world, settings):
    settings.LUMBUNG_API_AUTH_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="10.4.4.4")
    for i in range(2):
        client.get("/api/v1/innovations", HTTP_AUTHORIZATION=f"Bearer lmb_salah{i}")
    assert client.get("/api/v1/innovations", HTTP_AUTHORIZATION="Bearer lmb_x").status_code == 429
    cache.clear()  # the window's counter expires (it is kept only for the window's length)
    assert client.get("/api/v1/innovations", HTTP_AUTHORIZATION="Bearer lmb_x").status_code == 401


def test_requests_per_person_are_limited(world, rf):
    throttle = throttling.PersonRateThrottle("3/m")
    request = rf.get("/api/v1/innovations")
    request.auth = world.officer
    assert [throttle.allow_request(request) for _ in range(4)] == [True, True, True, False]
    assert 0 < throttle.wait() <= 60
    other = rf.get("/api/v1/innovations")
    other.auth = world.viewer
    assert throttle.allow_request(other)
    anonymous = rf.get("/api/v1/innovations")
    assert all(throttle.allow_request(anonymous) for _ in range(10))  # reads by nobody: no limit


@pytest.fixture
def token_key(db):
    from lumbung.core.http import tokens

    def make(user, days=None):
        return tokens.token_create(actor=user, user=user, name="uji", days=days)[1]

    return make


def test_no_one_else_is_locked_by_a_stranger(db):
    """Locking is per user name and address: failures for a user name that does not exist do not
    lock a real person's user name."""
    UserFactory(username="nyata")
    client = browser()
    for i in range(10):
        sign_in(client, "tidak-ada", f"salah-{i}")
    assert sign_in(client, "nyata", PASSWORD).status_code == 302
