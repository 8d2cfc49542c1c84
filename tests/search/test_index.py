"""The index follows every catalog write in the same transaction: create, update, publish,
delete, rollback; the vocabulary's document frequencies stay exact; ``reindex`` rebuilds."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from lumbung.catalog import services
from lumbung.catalog.models import Innovation
from lumbung.search import selectors
from lumbung.search.indexing import rebuild
from lumbung.search.models import FIELD_GROUPS, SearchDocument, SearchTerm
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def found(query, user=None):
    return [h.innovation.pk for h in selectors.search_innovations(query, None, user).hits]


def assert_vocabulary_exact():
    expected: Counter[str] = Counter()
    for row in SearchDocument.objects.values_list(*FIELD_GROUPS):
        expected.update({t for text in row for t in text.split()})
    actual = {t: df for t, df in SearchTerm.objects.filter(df__gt=0).values_list("term", "df")}
    assert actual == dict(expected)
    # the name field's own statistics too
    names: Counter[str] = Counter()
    for name in SearchDocument.objects.values_list("name", flat=True):
        names.update(set(name.split()))
    actual_names = dict(SearchTerm.objects.filter(name_df__gt=0).values_list("term", "name_df"))
    assert actual_names == dict(names)


def fts_count(word):
    """Rows the back end's own index finds for one term (bypassing the ORM tables)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH %s", [f'"{word}"']
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM search_searchmatch WHERE tsv @@ to_tsquery('simple', %s)",
                [word],
            )
        return cursor.fetchone()[0]


def test_create_indexes_in_the_same_transaction(world):
    innovation = services.innovation_create(
        actor=world.officer,
        unit=world.unit,
        data={"name": "Kelas Perahu", "summary": "Guru membekali siswa nelayan lembar kerja."},
    )
    assert SearchDocument.objects.filter(pk=innovation.pk).exists()
    assert fts_count("nelayan") == 1
    assert innovation.pk in found("nelayan", world.officer)
    assert innovation.pk not in found("nelayan")  # a draft: not for the public
    assert_vocabulary_exact()


def test_update_replaces_old_terms(world):
    innovation = world.draft
    services.innovation_update(
        actor=world.officer, innovation=innovation, data={"summary": "Layanan garam beryodium."}
    )
    assert innovation.pk in found("garam", world.officer)
    assert innovation.pk not in found("jemput bola", world.officer)
    assert fts_count("garam") == 1
    assert_vocabulary_exact()


def test_publication_changes_who_finds_it(world):
    innovation = world.draft
    services.innovation_update(
        actor=world.officer,
        innovation=innovation,
        data={"implementation": "Bengkel kerja terlindung.", "summary": "Wadah kerja terlindung."},
    )
    services.innovation_submit(actor=world.officer, innovation=innovation)
    assert innovation.pk not in found("terlindung")
    services.innovation_publish(actor=world.admin, innovation=innovation)
    assert innovation.pk in found("terlindung")


def test_delete_removes_from_index(world):
    innovation = services.innovation_create(
        actor=world.officer, unit=world.unit, data={"name": "Rumah Singgah Zebra"}
    )
    assert fts_count("zebra") == 1
    services.innovation_delete(actor=world.officer, innovation=innovation)
    assert not SearchDocument.objects.filter(pk=innovation.pk).exists()
    assert fts_count("zebra") == 0
    assert innovation.pk not in found("zebra", world.officer)
    assert_vocabulary_exact()


def test_rollback_rolls_the_index_back(world):
    innovation = world.published
    with pytest.raises(RuntimeError), transaction.atomic():
        services.innovation_update(
            actor=world.admin, innovation=innovation, data={"summary": "Kapibara lucu."}
        )
        assert fts_count("kapibara") == 1
        raise RuntimeError("something later in the request failed")
    assert fts_count("kapibara") == 0
    assert innovation.pk not in found("kapibara", world.officer)
    assert_vocabulary_exact()


def test_failed_service_leaves_index_unchanged(world):
    before = SearchDocument.objects.get(pk=world.published.pk).summary
    with pytest.raises(Exception):  # noqa: B017  (a validation error of the service)
        services.innovation_update(
            actor=world.officer,
            innovation=world.published,
            data={"summary": "Okapi belang.", "start_year": 3000},
        )
    assert SearchDocument.objects.get(pk=world.published.pk).summary == before
    assert fts_count("okapi") == 0


def test_a_bulk_write_indexes_each_innovation_once_at_its_end(world, monkeypatch):
    from lumbung.catalog import hooks
    from lumbung.search import indexing

    indexed: list[int] = []
    real = indexing._index_one
    monkeypatch.setattr(
        indexing, "_index_one", lambda pk, *rest: (indexed.append(pk), real(pk, *rest))
    )
    with transaction.atomic(), hooks.bulk():
        created = services.innovation_create(
            actor=world.officer, unit=world.unit, data={"name": "Kelas Perahu Nelayan"}
        )
        services.innovation_update(
            actor=world.officer, innovation=created, data={"summary": "Lembar kerja siswa."}
        )
        gone = services.innovation_create(
            actor=world.officer, unit=world.unit, data={"name": "Rumah Singgah Zebra"}
        )
        services.innovation_delete(actor=world.officer, innovation=gone)
        assert indexed == []  # queued, not yet written
    assert indexed == [created.pk]  # once, though written twice; the deleted one not at all
    assert created.pk in found("lembar kerja nelayan", world.officer)
    _assert_vocabulary_counts_its_documents()


def _assert_vocabulary_counts_its_documents() -> None:
    """Every term's document frequency (whole document and name) is what the documents say."""
    df: Counter[str] = Counter()
    name_df: Counter[str] = Counter()
    for row in SearchDocument.objects.values_list(*FIELD_GROUPS):
        df.update({t for text in row for t in text.split()})
        name_df.update(set(row[0].split()))
    stored = {t: (d, n) for t, d, n in SearchTerm.objects.values_list("term", "df", "name_df")}
    assert {t: v for t, v in stored.items() if v != (0, 0)} == {t: (df[t], name_df[t]) for t in df}


def test_an_import_of_many_rows_counts_each_term_once_per_document(world):
    # an import writes the vocabulary's counts once per batch of documents, not per document
    from lumbung.catalog import hooks

    with transaction.atomic(), hooks.bulk():
        for i in range(7):
            services.innovation_create(
                actor=world.officer,
                unit=world.unit,
                data={"name": f"Perahu Nelayan {i}", "summary": "Kelas nelayan di pesisir."},
            )
    _assert_vocabulary_counts_its_documents()
    first = Innovation.objects.get(name="Perahu Nelayan 0")
    services.innovation_update(
        actor=world.officer, innovation=first, data={"name": "Kapal Pesisir"}
    )
    _assert_vocabulary_counts_its_documents()  # one document at a time, as before
    assert fts_count("zebra") == 0
    assert_vocabulary_exact()


def test_a_failed_bulk_write_indexes_nothing(world):
    from lumbung.catalog import hooks

    with pytest.raises(RuntimeError), transaction.atomic(), hooks.bulk():
        services.innovation_create(
            actor=world.officer, unit=world.unit, data={"name": "Kapibara Keliling"}
        )
        raise RuntimeError("a row of the import failed")
    assert fts_count("kapibara") == 0
    with transaction.atomic(), hooks.bulk():  # and nothing is left queued for the next block
        pass
    assert fts_count("kapibara") == 0
    assert_vocabulary_exact()


def test_rebuild_restores_a_damaged_index(corpus):
    SearchDocument.objects.filter(pk=corpus["regol"].pk).delete()
    SearchTerm.objects.all().delete()
    assert corpus["regol"].pk not in found("antrean")
    result = rebuild(batch_size=3)
    assert result["documents"] == len(corpus)
    assert corpus["regol"].pk in found("antrean")
    assert_vocabulary_exact()
    rebuild()  # running it again changes nothing
    assert_vocabulary_exact()
    assert SearchDocument.objects.count() == len(corpus)


def test_reindex_command(corpus, capsys):
    SearchDocument.objects.all().delete()
    call_command("reindex", "--quiet")
    assert "10" in capsys.readouterr().out
    assert SearchDocument.objects.count() == len(corpus)
    call_command("reindex")  # with the progress bar
    assert SearchDocument.objects.count() == len(corpus)


def test_hooks_follow_factories_too(db):
    innovation = InnovationFactory(name="Inovasi Kapal Layar")
    assert SearchDocument.objects.filter(pk=innovation.pk).exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_uses_a_gin_index(corpus):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'search_searchmatch' "
            "AND indexname = 'search_match_tsv_gin'"
        )
        assert "gin" in cursor.fetchone()[0].lower()
        # one copy of each vector: the documents keep their text, not a second vector
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'search_searchdocument' AND column_name = 'tsv'"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_fts5_table_exists(corpus):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_fts")
        assert cursor.fetchone()[0] == len(corpus)


def test_reindex_help_lists_its_options():
    from lumbung.search.management.commands.reindex import Command

    text = Command().create_parser("lumbung", "reindex").format_help()
    assert "--no-semantic" in text and "--force-semantic" in text


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_rebuild_removes_orphan_documents_with_an_anti_join_at_any_size(corpus):
    """``NOT IN (SELECT …)`` becomes a per-row scan of every innovation once the ids outgrow
    ``work_mem`` (500,000 innovations: a reindex stuck for hours); the anti-join never does."""
    from lumbung.search.indexing import ORPHANS_SQL

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64kB'")
        cursor.execute("SET LOCAL enable_hashjoin = off")  # as when the ids outgrow work_mem
        cursor.execute("EXPLAIN " + ORPHANS_SQL)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Anti Join" in plan
    assert "SubPlan" not in plan


def test_a_rebuild_keeps_every_document_of_an_innovation_that_exists(corpus):
    from lumbung.search.indexing import ORPHANS_SQL

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(ORPHANS_SQL)
        assert cursor.rowcount == 0
    assert SearchDocument.objects.count() == len(corpus)


def test_frequencies_of_many_terms_are_read_exactly(world, django_assert_num_queries):
    """The vocabulary's counts, read for more terms than one statement takes (500 a statement,
    the back end's list condition: one array parameter on PostgreSQL, ``IN`` on SQLite): each
    known term's document and name frequency, 0 for an unknown one, two statements."""
    from lumbung.search.stats import document_frequencies, name_frequencies

    SearchTerm.objects.bulk_create(
        SearchTerm(term=f"kata{i:04d}", df=i + 1, name_df=i % 3) for i in range(700)
    )
    asked = [f"kata{i:04d}" for i in range(0, 700, 2)] + [f"tiada{i}" for i in range(300)]
    with django_assert_num_queries(2):
        dfs = document_frequencies([*asked, "", *asked])
    assert len(dfs) == 650
    assert dfs["kata0000"] == 1 and dfs["kata0698"] == 699 and dfs["tiada7"] == 0
    assert all(dfs[f"kata{i:04d}"] == i + 1 for i in range(0, 700, 2))
    names = name_frequencies(asked)
    assert all(names[f"kata{i:04d}"] == i % 3 for i in range(0, 700, 2))
    assert sum(names.values()) == sum(i % 3 for i in range(0, 700, 2))
