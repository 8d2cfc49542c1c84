from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English: the UI's msgids are English, so assertions on page text hold whatever
    the Indonesian catalog says. Tests of the Indonesian default delete this cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def login(client):
    """Sign a user in on the test client: ``login(world.officer)``."""

    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


class _Outline(HTMLParser):
    """Collects what the accessibility checks need: headings, ids, labels, inputs, landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.inputs: list[dict[str, str]] = []
        self.tags: list[str] = []
        self.html_lang = ""
        self._label_depth = 0
        self.wrapped: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag == "h1":
            self.h1 += 1
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in {"input", "select", "textarea"}:
            if self._label_depth:
                a["_wrapped"] = "1"
            self.inputs.append(a)

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth = max(0, self._label_depth - 1)


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def assert_accessible_markup(html: str) -> _Outline:
    """One h1, main landmark, unique ids, every visible input labelled, every
    aria-describedby pointing at an element that exists."""
    o = outline(html)
    assert o.h1 == 1, f"expected one <h1>, found {o.h1}"
    assert "main" in o.tags and "nav" in o.tags and "header" in o.tags and "footer" in o.tags
    duplicates = {i for i in o.ids if o.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    for attrs in o.inputs:
        if attrs.get("type") in {"hidden", "submit", "button"} or "hidden" in attrs:
            continue
        labelled = (
            attrs.get("_wrapped")
            or attrs.get("id", "") in o.label_for
            or attrs.get("aria-label")
            or attrs.get("aria-labelledby")
        )
        assert labelled, f"input without a label: {attrs}"
        for ref in attrs.get("aria-describedby", "").split():
            assert ref in o.ids, f"aria-describedby points to a missing id {ref!r}"
    assert o.html_lang in {"id", "en"}
    return o


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
