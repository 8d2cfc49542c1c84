"""Browser tests in Debian's Chromium driven by Playwright's sync API.

Our own fixtures (no browser download): a session-wide Chromium at /usr/bin/chromium and a fresh
browser context per test pointed at pytest-django's live server. The whole folder is skipped,
with the reason shown, on machines without that Chromium.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (it is: the loop is Playwright's, not Django's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = (
    "browser tests need Debian's Chromium at /usr/bin/chromium "
    "(install it with: apt-get install chromium)"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent

#: axe-core rule tags for WCAG 2.2 level AA
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


def _context(browser: Any, live_server: Any, **options: Any) -> Any:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    options.setdefault("locale", "en-US")
    language = options.pop("language", "en")  # tests read the English msgids unless they ask
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(15_000)
    if language:
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
    return context


@pytest.fixture
def new_tab(chromium_browser: Any, live_server: Any) -> Iterator[Any]:
    """Open a page in a fresh context: ``new_tab(viewport=..., java_script_enabled=False)``."""
    contexts: list[Any] = []

    def _open(**options: Any) -> Any:
        context = _context(chromium_browser, live_server, **options)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def tab(new_tab: Any) -> Any:
    return new_tab()


def sign_in(page: Any, base_url: str, user: Any) -> None:
    """Give the page's context a signed-in session of ``user`` (without the login form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of WCAG 2.2 AA on the page."""
    import axe_playwright_python
    from playwright.sync_api import Error

    script = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    for attempt in range(3):
        # A click that navigates may still be loading the next page: check the page that
        # settles, not the document being replaced (axe then finds no documentElement).
        page.wait_for_load_state("load")
        try:
            page.evaluate(script)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                "resultTypes: ['violations']})",
                WCAG_TAGS,
            )
            break
        except Error:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
    return [v for v in result["violations"] if v.get("impact") in {"serious", "critical"}]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])[:5]]
        lines.append(f"{v['impact']}: {v['id']} — {v['help']} at {targets}")
    return "\n".join(lines)
