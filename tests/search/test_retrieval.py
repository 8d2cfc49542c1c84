"""How candidates are fetched at scale: the index ranks its own matches before the catalog is
consulted, the total comes free when every match was seen, counting stops at a cap, and on
PostgreSQL a name tier (kept in step by a trigger) serves queries of very common words."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import override_settings

from lumbung.catalog import services
from lumbung.search import selectors
from lumbung.search.analysis import get_analyzer
from lumbung.search.backends import get_backend
from lumbung.search.backends import postgres as pg
from lumbung.search.indexing import rebuild
from lumbung.search.models import SearchHead, SearchMatch
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'")


def term(word: str) -> str:
    return get_analyzer().analyze(word)[0]


def tier_terms(pk: int, table: str = "search_searchhead") -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT array_to_string(tsvector_to_array(tsv), ' ') FROM {table} "
            "WHERE innovation_id = %s",
            [pk],
        )
        row = cursor.fetchone()
    return set(row[0].split()) if row else set()


def head_terms(pk: int) -> set[str]:
    return tier_terms(pk, "search_searchhead")


def full_terms(pk: int) -> set[str]:
    return tier_terms(pk, "search_searchmatch")


def document_vector(pk: int) -> str:
    """The vector of the document's four groups, computed from its text as migration 0009 does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (setweight(to_tsvector('simple', name), 'A') "
            "|| setweight(to_tsvector('simple', summary), 'B') "
            "|| setweight(to_tsvector('simple', body), 'C') "
            "|| setweight(to_tsvector('simple', meta), 'D'))::text, "
            "(SELECT tsv::text FROM search_searchmatch WHERE innovation_id = d.innovation_id) "
            "FROM search_searchdocument d WHERE innovation_id = %s",
            [pk],
        )
        expected, kept = cursor.fetchone()
    assert kept == expected
    return kept


def test_rare_word_total_needs_no_count_query(corpus, monkeypatch):
    def no_count(*args, **kwargs):
        raise AssertionError("counted")

    monkeypatch.setattr(type(get_backend()), "count", no_count)
    results = selectors.search_innovations("puskesmas", facets=False)
    assert results.total == len(results.hits) == 2
    assert results.total_exact


def test_drafts_are_neither_returned_nor_counted(world, corpus):
    draft = services.innovation_create(
        actor=world.officer,
        unit=world.unit,
        data={"name": "Puskesmas Keliling Draf", "summary": "Antrean puskesmas dipangkas."},
    )
    public = selectors.search_innovations("puskesmas", facets=False)
    assert draft.pk not in [h.innovation.pk for h in public.hits]
    assert public.total == 2
    own = selectors.search_innovations("puskesmas", user=world.officer, facets=False)
    assert draft.pk in [h.innovation.pk for h in own.hits]
    assert own.total == 3


def test_capped_count_counts_only_what_the_queryset_holds(world, corpus):
    backend = get_backend()
    expression = backend.expression(
        [selectors.prepare_query("puskesmas").plan.concepts[0].alternatives]
    )
    services.innovation_create(
        actor=world.officer, unit=world.unit, data={"name": "Puskesmas Draf", "summary": "x"}
    )
    assert backend.count(selectors.visible_base(None), expression, cap=100) == 2
    assert backend.count(selectors.visible_base(world.officer), expression, cap=100) == 3
    assert backend.count(selectors.visible_base(world.officer), expression, cap=2) == 2
    assert backend.count(selectors.visible_base(None), expression) == 2


@override_settings(SEARCH_FAMILIES=False)  # the cap itself; families count their own total
def test_many_matches_report_at_least_the_cap(world, corpus, monkeypatch):
    services.innovation_create(
        actor=world.officer, unit=world.unit, data={"name": "Puskesmas Draf", "summary": "x"}
    )
    # the candidate query stops at the window (1), so the total has to be counted, up to the cap
    monkeypatch.setattr(type(get_backend()), "ranked_matches_sql", lambda self: None)
    monkeypatch.setattr(selectors, "RERANK_WINDOW", 1)
    monkeypatch.setattr(selectors, "TOTAL_CAP", 2)
    capped = selectors.search_innovations(
        "puskesmas", user=world.officer, page_size=1, facets=False
    )
    assert (capped.total, capped.total_exact, len(capped.hits)) == (2, False, 1)
    monkeypatch.setattr(selectors, "TOTAL_CAP", 10)
    exact = selectors.search_innovations("puskesmas", user=world.officer, page_size=1, facets=False)
    assert (exact.total, exact.total_exact) == (3, True)


def test_candidates_are_the_same_as_ranking_the_join(corpus):
    backend = get_backend()
    qs = selectors.visible_base(None)
    for query in ("puskesmas", "disabilitas", "akta kelahiran", "antrean pasien"):
        plan = selectors.prepare_query(query).plan
        expression = backend.expression([c.alternatives for c in plan.concepts])
        for limit in (1, 2, 5):
            fast = backend.candidate_runner(qs, limit)(expression)
            joined = backend._joined_runner(qs, limit)(expression)
            assert [pk for pk, _ in fast] == [pk for pk, _ in joined]


@postgres_only
def test_name_tier_follows_every_change(world):
    innovation = services.innovation_create(
        actor=world.officer, unit=world.unit, data={"name": "Kelas Perahu", "summary": "laut"}
    )
    assert term("perahu") in head_terms(innovation.pk)
    assert term("laut") not in head_terms(innovation.pk)  # the summary is not in the name tier
    services.innovation_update(
        actor=world.officer, innovation=innovation, data={"name": "Kelas Nelayan"}
    )
    terms = head_terms(innovation.pk)
    assert term("nelayan") in terms and term("perahu") not in terms
    pk = innovation.pk
    innovation.delete()
    assert not SearchHead.objects.filter(pk=pk).exists()


@postgres_only
def test_full_tier_follows_every_change(world):
    """The full text's tier (``search_searchmatch``): written, rewritten and deleted with its
    document, its vector always the document's four groups weighted A–D."""
    innovation = services.innovation_create(
        actor=world.officer, unit=world.unit, data={"name": "Kelas Perahu", "summary": "laut"}
    )
    assert {term("perahu"), term("laut")} <= full_terms(innovation.pk)
    # the summary weighs B
    assert re.search(rf"'{term('laut')}':\d+B", document_vector(innovation.pk))
    services.innovation_update(
        actor=world.officer, innovation=innovation, data={"summary": "sungai"}
    )
    terms = full_terms(innovation.pk)
    assert term("sungai") in terms and term("laut") not in terms
    document_vector(innovation.pk)
    pk = innovation.pk
    innovation.delete()
    assert not SearchMatch.objects.filter(pk=pk).exists()


@postgres_only
def test_rebuild_refills_both_tiers(corpus):
    SearchHead.objects.all().delete()
    SearchMatch.objects.all().delete()
    rebuild()
    assert SearchHead.objects.count() == len(corpus)
    assert SearchMatch.objects.count() == len(corpus)
    assert term("regol") in head_terms(corpus["regol"].pk)
    for innovation in corpus.values():
        document_vector(innovation.pk)
    with connection.cursor() as cursor:  # the triggers are back on after the bulk load
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger "
            "WHERE tgname IN ('search_head_sync', 'search_match_sync')"
        )
        assert dict(cursor.fetchall()) == {"search_head_sync": "O", "search_match_sync": "O"}
        cursor.execute("SELECT current_setting('lumbung.search_bulk_load', true)")
        assert cursor.fetchone()[0] == "off"


@postgres_only
def test_common_words_are_served_from_the_name_tier(corpus, monkeypatch):
    for i in range(3):
        InnovationFactory(
            name=f"Puskesmas Ramah {i}", summary="Layanan ramah.", publication_state="published"
        )
    backend = get_backend()
    qs = selectors.visible_base(None)
    expression = backend.expression(
        [selectors.prepare_query("puskesmas").plan.concepts[0].alternatives]
    )
    monkeypatch.setattr(pg, "HEAD_TIER_FROM", 1)
    with connection.cursor() as cursor:
        tier = backend.ranked_matches(cursor, expression, 2, estimate=10)
        full = backend.ranked_matches(cursor, expression, 2, estimate=None)
        few = backend.ranked_matches(cursor, expression, 50, estimate=10)  # tier too small
    names = dict(qs.values_list("pk", "name"))
    assert len(tier) == 2 and all("Puskesmas" in names[pk] for pk, _, _ in tier)
    assert len(full) == 2
    assert {pk for pk, _, _ in few} == set(
        qs.filter(pk__in=[pk for pk, _, _ in few]).values_list("pk", flat=True)
    )
    assert len(few) == 5  # all matches, from the full documents


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_outside_a_transaction_vacuums_what_it_replaced(corpus):
    rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL "
            "AND relname LIKE 'search_%'"
        )
        # the families too: their member counts are index-only scans once the rows are visible
        assert {row[0] for row in cursor.fetchall()} >= {
            "search_searchdocument",
            "search_searchhead",
            "search_searchmatch",
            "search_familymember",
            "search_familyband",
        }
