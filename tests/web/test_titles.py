"""Page titles: each names its record, and a form that came back with errors says so first.

The convention (web/base.html): ``<title>{% title_prefix %}{% block title %}…`` — pages fill the
block with the name of what they show; ``title_prefix`` adds "Error:" when a form or formset of
the page has errors, and the outcome of what was just done when there is a message.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from lumbung.core.actors import SYSTEM
from lumbung.events import services as event_services
from lumbung.replication import services as replication_services
from tests.replication.conftest import rep  # noqa: F401  (the replication fixture)

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
POST_FORM = re.compile(r'<form[^>]*method="post"', re.I)


def title(response: Any) -> str:
    match = TITLE.search(response.content.decode())
    assert match, f"{response.request['PATH_INFO']}: no <title>"
    return " ".join(match.group(1).split())


def _patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every route of the site as a path template (``/replikasi/proyek/<int:pk>/``)."""
    routes = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return routes


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _paths(route: str, values: dict[str, list[Any]]) -> list[str]:
    names = [m.group(2) for m in PARAM.finditer(route)]
    if any(name not in values for name in names):
        return []
    paths = []
    for combination in itertools.product(*(values[name] for name in names)):
        parts = PARAM.split(route)[::3]  # the text between the parameters
        values_ = [*map(str, combination), ""]
        paths.append("/" + "".join(a + b for a, b in zip(parts, values_, strict=True)))
    return paths


@pytest.fixture
def site(rep):  # noqa: F811
    w = rep
    starts = timezone.now() + dt.timedelta(days=7)
    w.event = event_services.event_create(
        actor=w.officer,
        host_unit=w.unit,
        title="Pembelajaran Replikasi Baris Ditebas",
        summary="Sentra memperagakan pelatihan barista.",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        showcased=[w.published],
        programme=w.programme,
        venue="Aula Sentra",
        capacity=10,
    )
    w.commitments = [
        replication_services.commitment_create(
            actor=SYSTEM,
            owner_unit=w.other_unit,
            description=text,
            due_date=dt.date(2030, 1, 1),
            project=w.project,
        )
        for text in ("Menyusun SOP layanan", "Melatih kader baru")
    ]
    return w


def test_every_form_says_error_in_its_title(site, client):
    """Walk the URL patterns: every page with a form, posted without its fields, that answers
    with its form and errors, has a title starting with "Error:" (and not before)."""
    w = site
    client.force_login(w.platform_admin)
    values = {
        "slug": [w.published.slug, w.programme.slug, w.event.slug, w.agency.slug],
        "pk": [w.project.pk, w.commitments[0].pk, w.unit.pk, w.agency.pk, w.platform_admin.pk],
        "agency": [w.agency.slug],
        "agency_slug": [w.agency.slug],
        "unit": [w.unit.slug],
        "unit_slug": [w.unit.slug],
    }
    checked = []
    for route in _patterns(get_resolver()):
        if route.startswith(("admin/", "api/", "static/", "media/")):
            continue
        for path in _paths(route, values):
            page = client.get(path)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            html = page.content.decode()
            if not POST_FORM.search(html.split('<main id="main"', 1)[-1]):
                break  # no form on the page for this record
            assert not title(page).startswith("Error:"), path
            # one unknown field: a form built on ``request.POST or None`` is bound too
            answer = client.post(path, {"unknown": ""})
            body = answer.content.decode()
            if answer.status_code in (200, 400, 409, 422) and 'aria-invalid="true"' in body:
                assert title(answer).startswith("Error: "), f"{path}: {title(answer)}"
                checked.append(path)
            break
    # the forms of every area of the site were posted with errors
    areas = {"/ruang-kerja/", "/replikasi/", "/acara/", "/kelola/", "/accounts/"}
    assert {a for a in areas if any(p.startswith(a) for p in checked)} == areas, checked
    assert len(checked) >= 15, checked


def test_records_have_titles_of_their_own(site, client):
    w = site
    client.force_login(w.platform_admin)
    first, second = (title(client.get(f"/replikasi/komitmen/{c.pk}/")) for c in w.commitments)
    listing = title(client.get("/replikasi/komitmen/"))
    assert len({first, second, listing}) == 3
    assert "Menyusun SOP layanan" in first and w.other_unit.name in first
    for path, name in [
        (f"/replikasi/proyek/{w.project.pk}/ubah/", w.other_unit.name),
        (f"/replikasi/proyek/{w.project.pk}/adaptasi/", w.other_unit.name),
        (f"/acara/{w.event.slug}/ubah/", w.event.title),
        (f"/replikasi/program/{w.programme.slug}/ubah/", w.programme.name),
    ]:
        assert name in title(client.get(path)), path


def test_the_outcome_of_an_action_is_in_the_title(site, client):
    w = site
    client.force_login(w.other_officer)
    response = client.post(
        f"/replikasi/proyek/{w.project.pk}/komentar/",
        {"text": "Rapat tim pekan depan"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    main = page.split('<main id="main"', 1)[1]
    assert 'class="messages"' in main  # inside the landmark the skip link leads to
    outcome = re.search(r'class="message message-\w+">(.*?)</p>', main).group(1)
    assert title(response).startswith(f"{outcome} — ")
