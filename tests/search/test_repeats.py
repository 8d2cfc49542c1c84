"""Results that repeat a result above them (copies that escaped their family) move below the
distinct answers, the group shown once by its member most worth copying."""

from __future__ import annotations

import pytest
from django.test import override_settings

from lumbung.search import repeats, selectors
from lumbung.search.models_family import FamilyMember
from lumbung.search.stats import index_stats
from tests.search.test_families import (
    _family_of,
    _published,
    _short_original_and_copy,
    _template_pair,
)

pytestmark = pytest.mark.django_db


def _world(world):
    original, copy = _short_original_and_copy(world)
    other = _published(
        world.sibling_unit,
        "Antrian Regol",
        "Pendaftaran pasien di puskesmas menumpuk sehingga antrean panjang setiap pagi di "
        "wilayah perbatasan.",
        "Pendaftaran pasien secara daring lewat aplikasi dengan nomor antrean.",
    )
    return original, other, copy


def _ids(rows):
    return [pk for pk, _score, _detail in rows]


def test_the_first_record_takes_its_copy_s_place_and_the_copy_follows_the_distinct_answers(world):
    original, other, copy = _world(world)
    rows = [(copy.pk, 3.0, None), (other.pk, 2.0, None), (original.pk, 1.0, None)]
    priors = {copy.pk: 0.4, other.pk: 0.3, original.pk: 0.3}
    assert _ids(repeats.repeats_later(rows, priors)) == [original.pk, other.pk, copy.pk]
    # a copy far more worth copying than the first record (+ its bonus) keeps the place
    priors[copy.pk] = 0.9
    assert _ids(repeats.repeats_later(rows, priors)) == [copy.pk, other.pk, original.pk]
    # nothing repeats: the order is kept
    distinct = [(other.pk, 2.0, None), (original.pk, 1.0, None)]
    assert _ids(repeats.repeats_later(distinct, priors)) == [other.pk, original.pk]


def test_two_profiles_sharing_only_a_template_sentence_do_not_repeat_each_other(world):
    work, school = _template_pair(world)
    rows = [(school.pk, 2.0, None), (work.pk, 1.0, None)]
    assert _ids(repeats.repeats_later(rows, {work.pk: 0.9})) == [school.pk, work.pk]


def test_only_the_window_is_compared_in_two_queries(world, django_assert_num_queries, monkeypatch):
    original, other, copy = _world(world)
    rows = [(copy.pk, 3.0, None), (other.pk, 2.0, None), (original.pk, 1.0, None)]
    index_stats()  # read by every search before (the ranking's statistics)
    with django_assert_num_queries(2):  # the window's texts, their words' frequencies
        repeats.repeats_later(rows, {})
    monkeypatch.setattr(repeats, "WINDOW", 2)  # the original beyond it: nothing to compare
    with django_assert_num_queries(2):
        assert _ids(repeats.repeats_later(rows, {})) == _ids(rows)
    with override_settings(SEARCH_REPEATS_LATER=False), django_assert_num_queries(0):
        assert _ids(repeats.repeats_later(rows, {})) == _ids(rows)


def test_a_search_shows_a_copy_that_escaped_its_family_after_the_distinct_answers(world):
    original, other, copy = _world(world)
    assert _family_of(copy) == _family_of(original)
    # as if the index had missed it (its word pairs shared no band with the family)
    FamilyMember.objects.filter(pk=copy.pk).update(family_id=copy.pk, lookalike=False, ranked=True)
    query = "wilayah perbatasan sulit menjangkau adminduk"
    mine = {original.pk, other.pk, copy.pk}

    def search() -> list[int]:
        return [
            h.innovation.pk
            for h in selectors.search_innovations(query).hits
            if h.innovation.pk in mine
        ]

    with override_settings(SEARCH_REPEATS_LATER=False):
        plain = search()
    shown = search()
    assert sorted(plain) == sorted(shown) == sorted(mine)  # nothing hidden
    assert plain.index(copy.pk) < plain.index(other.pk)  # the copy was in the way
    assert shown == [original.pk, other.pk, copy.pk]
    matched = [h.innovation.pk for h in selectors.match_innovations(query, limit=10).hits]
    assert matched.index(original.pk) < matched.index(other.pk) < matched.index(copy.pk)


def test_an_imported_catalog_joins_a_short_copy_and_the_api_never_counts_a_draft(db):
    """An empty instance fed through the product's importer (no demo loader): a short original,
    a short copy in another region (joined by its words in order), and another agency's draft
    copy, which the public neither sees nor counts."""
    import csv
    import io
    import json
    from pathlib import Path

    from django.test import Client

    from lumbung.catalog.importing import import_innovations
    from tests.search.test_families import SHORT_PROBLEM, SHORT_SOLUTION

    demo = Path(__file__).resolve().parents[2] / "src/lumbung/catalog/data/demo/innovations.csv"
    with demo.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, template = reader.fieldnames or [], next(reader)

    def sheet(*rows: dict[str, str]) -> bytes:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        writer.writerows({**template, "award": "", **row} for row in rows)
        return buffer.getvalue().encode()

    original = {
        "name": "Si Pelandukilat",
        "agency": "Pemerintah Kabupaten Nunukan",
        "problem": SHORT_PROBLEM,
        "solution": SHORT_SOLUTION,
    }
    copy = {
        "name": "Jemput Bola Perbatasan",
        "agency": "Pemerintah Kabupaten Malinau",
        "problem": "Penduduk di wilayah perbatasan Malinau sulit menjangkau layanan administrasi "
        "kependudukan.",
        "solution": "Petugas adminduk jemput bola ke wilayah terpencil.",
    }
    draft = {**copy, "name": "Draf Jemput Bola", "agency": "Pemerintah Kabupaten Bulungan"}
    assert import_innovations(sheet(original, copy), publish=True, filename="a.csv").ok
    assert import_innovations(sheet(draft), publish=False, filename="b.csv").ok

    def member(name: str) -> FamilyMember:
        return FamilyMember.objects.get(innovation__name=name)

    assert member(copy["name"]).family_id == member(original["name"]).family_id
    response = Client().get("/api/v1/search/", {"q": "adminduk wilayah perbatasan"})
    assert response.status_code == 200
    body = json.loads(response.content)
    names = [hit["name"] for hit in body["hits"]]
    assert names == [original["name"]]  # the family once, by its first record
    assert body["hits"][0]["family"]["members"] == 2  # the draft is not counted
    assert draft["name"] not in response.content.decode()
    # the facets (read through the index on PostgreSQL) count the two published, not the draft
    response = Client().get("/api/v1/search/", {"q": "adminduk wilayah perbatasan", "facets": True})
    assert response.status_code == 200
    facets = json.loads(response.content)["facets"]
    assert sum(v["count"] for v in facets["stage"]) == 2
    assert {v["label"]: v["count"] for v in facets["agency"]} == {
        original["agency"]: 1,
        copy["agency"]: 1,
    }
    page = Client().get("/cari/", {"q": "adminduk wilayah perbatasan"})
    assert page.status_code == 200
    assert original["name"] in page.content.decode()
    assert draft["name"] not in page.content.decode()
