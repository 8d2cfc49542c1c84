from __future__ import annotations

import pytest
from django.utils import translation

from lumbung.organisations.models import Role

from .factories import AgencyFactory, InnovationFactory, UnitFactory, UserFactory, grant


@pytest.fixture
def indonesian(client, settings):
    """The product's real default: Indonesian for a reader who made no choice."""
    settings.LANGUAGE_CODE = "id"
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    with translation.override("id"):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests read messages in English (the msgids) whatever the Indonesian catalog says; tests of
    # the Indonesian default use the `indonesian` fixture.
    settings.LANGUAGE_CODE = "en"
    # fast hashing: the suite creates many users; production keeps Django's defaults
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # no embeddings unless a test asks for them (tests/search/test_semantic.py turns them on)
    settings.LUMBUNG_SEMANTIC = "off"
    # background tasks run at once, in the test (tests/web/test_imports.py runs the database
    # queue and its worker too)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LUMBUNG_IMPORT_PROGRESS_CACHE = "default"  # in memory, not the data folder's files
    # a cache of the test's own (sign-in failures, rate limits, fitted curves start from nothing)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{tmp_path.name}",
        },
    }
    # pages rendered afresh for every request (tests/core/test_pagecache.py keeps them)
    settings.LUMBUNG_PUBLIC_PAGE_SECONDS = 0
    settings.LUMBUNG_PAGE_CACHE = "default"
    # the fixtures' learning events start a week ahead and check people in: open check-in a
    # month ahead (tests/events/test_paths_events.py checks the default of one day)
    settings.EVENT_CHECK_IN_OPENS_HOURS = 24 * 30


def _uses_transactional_db(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _seeded_vocabularies(request):
    """Put back the rows that data migrations seed (regions, sectors, SDGs): a transactional test
    empties every table when it ends, and the next one would find them gone."""
    if not _uses_transactional_db(request):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    for module in (
        "lumbung.organisations.migrations.0005_official_regions",  # all regions, in bulk
        "lumbung.catalog.migrations.0003_vocabularies",
    ):
        importlib.import_module(module).load(apps, None)


@pytest.fixture
def world(db):
    """Two agencies, each with a unit; one person per role; a draft and a published innovation
    in each unit."""

    class World:
        pass

    w = World()
    w.agency = AgencyFactory(name="Kementerian Sosial", slug="kemensos")
    w.other_agency = AgencyFactory(name="Pemerintah Kota Contoh", slug="kota-contoh", kind="city")
    w.unit = UnitFactory(agency=w.agency, name="Sentra Terpadu Kartini Temanggung")
    w.sibling_unit = UnitFactory(agency=w.agency, name="Sentra Wyata Guna Bandung")
    w.other_unit = UnitFactory(agency=w.other_agency, name="Dinas Sosial Kota Contoh", kind="dinas")

    w.officer = UserFactory(username="officer")
    grant(w.officer, Role.UNIT_OFFICER, unit=w.unit)
    w.sibling_officer = UserFactory(username="sibling_officer")
    grant(w.sibling_officer, Role.UNIT_OFFICER, unit=w.sibling_unit)
    w.other_officer = UserFactory(username="other_officer")
    grant(w.other_officer, Role.UNIT_OFFICER, unit=w.other_unit)
    w.admin = UserFactory(username="agency_admin")
    grant(w.admin, Role.AGENCY_ADMIN, agency=w.agency)
    w.other_admin = UserFactory(username="other_admin")
    grant(w.other_admin, Role.AGENCY_ADMIN, agency=w.other_agency)
    w.viewer = UserFactory(username="viewer")
    grant(w.viewer, Role.VIEWER, agency=w.agency)
    w.judge = UserFactory(username="judge")
    grant(w.judge, Role.JUDGE, agency=w.other_agency)
    w.platform_admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    w.nobody = UserFactory(username="nobody")

    w.draft = InnovationFactory(unit=w.unit, name="Sheltered Workshop Peduli", acronym="SWP")
    w.published = InnovationFactory(
        unit=w.unit, name="Baris Ditebas", publication_state="published"
    )
    w.other_draft = InnovationFactory(unit=w.other_unit, name="Draf Kota Contoh")
    w.other_published = InnovationFactory(
        unit=w.other_unit, name="Layanan Kota Contoh", publication_state="published"
    )
    return w
