"""The sign-in lockout page and the token section of the profile in Chromium: reached by typing
wrong passwords into the real form, axe-core clean (WCAG 2.2 AA), at a wide and a phone width."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from lumbung.core.http import tokens
from tests.factories import PASSWORD

from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    cache.clear()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_lockout_page_is_accessible(new_tab, world, width):
    page = new_tab(viewport={"width": width, "height": 900})
    page.set_default_navigation_timeout(60_000)  # the first page of a cold live server
    for i in range(3):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill(f"salah-{i}")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Signing in is paused"
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/accounts/login/")) as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 429
    assert "15 minutes" in page.content()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_token_section_with_expiry_and_a_new_key(new_tab, world, live_server):
    tokens.token_create(actor=world.officer, user=world.officer, name="skrip impor", days=30)
    page = new_tab()
    sign_in(page, live_server.url, world.officer)
    page.goto("/akun/profil/")
    assert "expires" in page.locator("#tokens").inner_text()
    page.get_by_role("button", name="New key skrip impor").click()
    page.wait_for_load_state("load")
    assert page.locator("#new-token-key").input_value().startswith("lmb_")
    violations = axe_violations(page)
    assert not violations, describe(violations)
