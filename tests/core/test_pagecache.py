"""Public pages kept for anonymous visitors (lumbung.core.pagecache): served again without a query,
never to signed-in people, and never stale after a committed change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from lumbung.catalog import services as catalog_services
from lumbung.core import pagecache
from lumbung.core.actors import SYSTEM

from ..factories import AgencyFactory, InnovationFactory, UnitFactory, UserFactory
from ..policy_world import PDF, indicator_with_a_figure

# transactional: a change counts once committed, as in production
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.LUMBUNG_PUBLIC_PAGE_SECONDS = 60


@pytest.fixture
def world():
    agency = AgencyFactory(name="Kementerian Sosial")
    unit = UnitFactory(agency=agency, name="Sentra Terpadu Kartini")
    innovation = InnovationFactory(
        unit=unit, name="Sheltered Workshop Peduli", publication_state="published"
    )
    return {"agency": agency, "unit": unit, "innovation": innovation}


def _pages(world) -> list[str]:
    return [
        "/",
        "/inovasi/",
        f"/inovasi/{world['innovation'].slug}/",
        "/cari/?q=workshop",
        "/instansi/",
        f"/instansi/{world['agency'].slug}/",
    ]


def test_an_anonymous_page_is_served_again_without_a_query(
    client, world, django_assert_num_queries
):
    for path in _pages(world):
        first = client.get(path)
        assert first.status_code == 200, path
        assert not first.cookies, f"{path} sets {list(first.cookies)}: it could not be kept"
        with django_assert_num_queries(0):
            again = client.get(path)
        assert again.status_code == 200
        assert again.content == first.content, path
        assert again["Content-Type"] == first["Content-Type"]


def test_a_committed_change_shows_at_once(client, world):
    innovation = world["innovation"]
    assert b"Sheltered Workshop Peduli" in client.get("/inovasi/").content

    catalog_services.innovation_update(
        actor=SYSTEM, innovation=innovation, data={"name": "Bengkel Kerja Terlindung"}
    )

    page = client.get("/inovasi/").content
    assert b"Bengkel Kerja Terlindung" in page
    assert b"Sheltered Workshop Peduli" not in page
    assert b"Bengkel Kerja Terlindung" in client.get(f"/inovasi/{innovation.slug}/").content


def test_a_draft_published_later_is_no_longer_404(client, world):
    draft = InnovationFactory(unit=world["unit"], name="Baris Ditebas")
    assert client.get(f"/inovasi/{draft.slug}/").status_code == 404
    assert b"Baris Ditebas" not in client.get("/inovasi/").content

    catalog_services.innovation_publish(actor=SYSTEM, innovation=draft)

    assert client.get(f"/inovasi/{draft.slug}/").status_code == 200
    assert b"Baris Ditebas" in client.get("/inovasi/").content


def test_signed_in_people_get_their_own_page(client, world):
    client.get("/")  # kept for anonymous visitors
    person = UserFactory(display_name="Sari Petugas")
    client.force_login(person)

    page = client.get("/")

    assert b"Sari Petugas" in page.content
    assert b'action="/accounts/logout/"' in page.content


def test_a_visitor_with_a_session_is_not_served_a_kept_page(world, settings):
    anonymous = Client()
    anonymous.get("/inovasi/")
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = with_session.get("/inovasi/")
    assert response.status_code == 200
    assert len(queries) > 0  # rendered for this visitor


def test_each_language_has_its_own_page(client, world, settings):
    settings.LANGUAGE_CODE = "en"  # the tests' default language (no choice made)
    default_first = client.get("/inovasi/").content  # kept under the default language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    chosen_indonesian = client.get("/inovasi/").content
    default_again = Client().get("/inovasi/").content

    assert b'lang="id"' in chosen_indonesian  # not the page kept in English
    assert b'lang="en"' in default_first
    assert default_again == default_first  # the same key: default language, no cookie


def test_one_transaction_starts_one_generation(world, monkeypatch):
    started = []
    real = pagecache.start_generation

    def counted() -> None:
        started.append(1)
        real()

    monkeypatch.setattr(pagecache, "start_generation", counted)
    before = pagecache.generation()
    with transaction.atomic():
        for n in range(5):
            InnovationFactory(
                unit=world["unit"], name=f"Inovasi {n}", publication_state="published"
            )
        assert started == []  # not before the commit
    assert started == [1]
    assert pagecache.generation() != before


def test_a_rolled_back_change_starts_no_generation(world):
    before = pagecache.generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        InnovationFactory(unit=world["unit"], name="Tidak jadi", publication_state="published")
        raise RuntimeError
    assert pagecache.generation() == before


def test_nothing_is_kept_when_turned_off(client, world, settings):
    settings.LUMBUNG_PUBLIC_PAGE_SECONDS = 0
    client.get("/inovasi/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/inovasi/")
    assert len(queries) > 0


def test_the_language_switch_needs_no_token():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "en", "next": "/inovasi/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_saving_a_draft_never_published_keeps_the_pages(client, world):
    draft = InnovationFactory(unit=world["unit"], name="Draf Baru")
    before = pagecache.generation()

    catalog_services.innovation_update(
        actor=SYSTEM, innovation=draft, data={"summary": "Ringkasan yang diperbaiki."}
    )

    assert pagecache.generation() == before


def _records_of(innovation) -> None:
    """What an officer adds to an innovation besides its profile: evidence, a team, an outcome
    indicator and a figure of it — through the services, as the pages and the API do."""
    catalog_services.evidence_add(
        actor=SYSTEM,
        innovation=innovation,
        kind="implementation",
        title="Laporan kegiatan",
        upload=SimpleUploadedFile("laporan.pdf", PDF, content_type="application/pdf"),
    )
    catalog_services.team_set(
        actor=SYSTEM, innovation=innovation, members=[{"name": "Sri", "role_title": "Ketua"}]
    )
    indicator_with_a_figure(innovation, dt.date(2025, 3, 31))


def test_the_records_of_a_draft_never_published_keep_the_pages(client, world):
    draft = InnovationFactory(unit=world["unit"], name="Draf Baru")
    before = pagecache.generation()

    _records_of(draft)

    assert draft.evidence.count() == 1 and draft.team.count() == 1
    assert draft.measurements.count() == 1
    assert pagecache.generation() == before


@pytest.mark.parametrize("withdrawn", [False, True])
def test_the_records_of_an_innovation_ever_published_start_a_generation(world, withdrawn):
    innovation = world["innovation"]
    if withdrawn:  # published once, back to a draft: its page and its records may be cached
        innovation.publication_state = "draft"
        innovation.save()
    for add in (
        lambda: catalog_services.team_set(
            actor=SYSTEM, innovation=innovation, members=[{"name": "Sri", "role_title": "Ketua"}]
        ),
        lambda: _records_of(innovation),
    ):
        before = pagecache.generation()
        add()
        assert pagecache.generation() != before


def test_a_deleted_public_record_starts_a_generation_and_others_delete_in_one_statement(world):
    from django.db.models.deletion import Collector

    from lumbung.catalog.models import Award
    from lumbung.search.models_family import FamilyBand

    award = Award.objects.create(innovation=world["innovation"], level="top_99", year=2024)
    before = pagecache.generation()
    award.delete()
    assert pagecache.generation() != before  # the innovation's public page changed
    # a model outside the public apps has no delete listener, so Django deletes its rows in one
    # statement instead of loading and deleting each (``lumbung reindex`` replaces millions of
    # family bands); a public app's model is listened to
    assert Collector(using="default").can_fast_delete(FamilyBand.objects.all())
    assert not Collector(using="default").can_fast_delete(Award.objects.all())


def test_a_team_named_in_bulk_shows_at_once_on_the_public_page(client, world):
    innovation = world["innovation"]
    path = f"/inovasi/{innovation.slug}/"
    assert b"Sri Rahayu" not in client.get(path).content  # kept from now on

    catalog_services.team_set(
        actor=SYSTEM, innovation=innovation, members=[{"name": "Sri Rahayu", "role_title": "Ketua"}]
    )

    assert b"Sri Rahayu" in client.get(path).content
