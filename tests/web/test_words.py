"""Looks and words: what pages say about records, sizes, dates, tokens; the API docs' language;
one log line per refused request."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import formats, translation

from lumbung.core.files.sizes import file_size
from tests.factories import InnovationFactory
from tests.replication.conftest import rep  # noqa: F401  (the replication fixture)


def test_the_acronym_is_not_repeated_when_the_name_says_it(client, world):
    swp = InnovationFactory(
        unit=world.unit,
        name="Sheltered Workshop Peduli (SWP)",
        acronym="SWP",
        publication_state="published",
    )
    page = client.get(f"/inovasi/{swp.slug}/").content.decode()
    assert "(SWP) (SWP)" not in page
    assert 'class="acronym">(' not in page.split("<h1", 1)[1].split("</h1>", 1)[0]
    listing = client.get("/inovasi/").content.decode()
    assert "(SWP) (SWP)" not in listing
    other = InnovationFactory(
        unit=world.unit, name="Layanan Antar", acronym="LAJU", publication_state="published"
    )
    assert (
        '<span class="acronym">(LAJU)</span>'
        in client.get(f"/inovasi/{other.slug}/").content.decode()
    )


def test_the_english_title_of_an_indonesian_innovation_has_no_markup(client, world):
    page = client.get(f"/inovasi/{world.published.slug}/").content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<span" not in title and "&lt;span" not in title
    assert world.published.name in title


def test_the_token_help_shows_the_header_whole(client, world):
    client.force_login(world.officer)
    page = client.get("/akun/profil/").content.decode()
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page


def test_file_sizes_say_byte_not_bita():
    with translation.override("id"):
        assert "bita" not in file_size(500)
        assert file_size(500).startswith("500 ")
        assert file_size(5000) == "4,9\xa0KB"  # Django's, with a no-break space
    with translation.override("en"):
        assert file_size(1) == "1 byte" and file_size(500) == "500 bytes"


def test_dates_use_one_month_abbreviation_in_each_language():
    august, september = dt.date(2024, 8, 5), dt.date(2024, 9, 5)
    with translation.override("id"):
        assert formats.date_format(august) == "5 Agu 2024"
        assert formats.date_format(september) == "5 Sep 2024"
        assert formats.date_format(dt.datetime(2024, 9, 5, 9, 30), "DATETIME_FORMAT") == (
            "5 Sep 2024, 09.30"
        )
    with translation.override("en"):
        assert formats.date_format(september) == "Sep 5, 2024"
        assert formats.date_format(august) == "Aug 5, 2024"


def test_the_api_docs_page_says_its_language(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert '<html lang="en">' in page


def test_a_refused_request_is_one_log_line(client, world, caplog):
    client.force_login(world.nobody)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/kelola/instansi/{world.agency.slug}/ubah/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info is None and not record.exc_text
    line = record.getMessage()
    assert line.startswith(f"Forbidden: GET /kelola/instansi/{world.agency.slug}/ubah/ ")
    assert f"user={world.nobody.pk}" in line and "reason=" in line
    assert "\n" not in logging.Formatter().format(record)


def test_indonesian_records_are_marked_in_the_english_interface(client, rep, settings):  # noqa: F811
    from lumbung.core.actors import SYSTEM
    from lumbung.replication import services

    rep.programme.description = "Menyebarkan pelatihan barista ke sentra lain."
    rep.programme.save()
    commitment = services.commitment_create(
        actor=SYSTEM,
        owner_unit=rep.other_unit,
        description="Menyusun SOP layanan",
        due_date=dt.date(2030, 1, 1),
        project=rep.project,
    )
    client.force_login(rep.manager)
    programme = client.get(f"/replikasi/program/{rep.programme.slug}/").content.decode()
    assert '<div class="prose" lang="id"><p>Menyebarkan pelatihan' in programme
    detail = client.get(f"/replikasi/komitmen/{commitment.pk}/").content.decode()
    assert '<dd lang="id">Menyusun SOP layanan</dd>' in detail
    # in the Indonesian interface the page's own language says it
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    programme = client.get(f"/replikasi/program/{rep.programme.slug}/").content.decode()
    assert '<div class="prose"><p>Menyebarkan pelatihan' in programme
