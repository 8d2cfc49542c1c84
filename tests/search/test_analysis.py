"""The Indonesian analyser: folding, stemming with overrides, stop words, synonyms and spelling
variants, acronyms both ways, English glossary, and query concepts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lumbung.search.analysis import fold, get_analyzer, iter_words
from lumbung.search.stats import Vocabulary, osa_distance

A = get_analyzer()


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("pelayanan", "layan"),
        ("kesehatan", "sehat"),
        ("pendaftaran", "daftar"),
        ("mendaftar", "daftar"),
        ("kemiskinan", "miskin"),
        ("perizinan", "izin"),
    ],
)
def test_snowball_indonesian_stemming(word, stem):
    assert A.analyze(word) == [stem]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        # the stemmer alone would give sabilitas, gitalisasi, ita, seko, masa, api
        ("disabilitas", "disabilitas"),
        ("digitalisasi", "digital"),
        ("berita", "berita"),
        ("sekolah", "sekolah"),
        ("bersekolah", "sekolah"),
        ("masalah", "masalah"),
        ("terapi", "terapi"),
        ("diagnosis", "diagnosis"),
    ],
)
def test_override_list_fixes_bad_stems(word, stem):
    assert A.stem(word) == stem


def test_folding_case_diacritics_apostrophes():
    assert fold("Rêhabilitasi ÇAFÉ") == "rehabilitasi cafe"
    assert A.analyze("Dottoro'ta") == A.analyze("dottorota")


def test_stop_words_removed():
    assert A.analyze("layanan yang cepat dan tepat untuk warga") == [
        "layan",
        "cepat",
        "tepat",
        "warga",
    ]


def test_hyphenated_and_camel_case_words_give_parts_and_joined_form():
    terms = A.analyze("SIKS-NG PetaBencana")
    assert {"siks", "ng", "peta", "bencana"} <= set(terms)
    assert A.term("siksng") in terms
    assert [w.parts for w in iter_words("KTP-el")] == [("ktp", "el")]


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("antrian", "antrean"),
        ("mengantri", "antrean"),
        ("difabel", "disabilitas"),
        ("tunanetra", "netra"),
        ("akte", "akta"),
        ("ijin", "izin"),
        ("propinsi", "provinsi"),
        ("online", "daring"),
    ],
)
def test_synonyms_and_spelling_variants_meet(variant, canonical):
    assert A.analyze(variant) == A.analyze(canonical)


def test_several_word_synonym_adds_the_canonical_term():
    assert "lansia" in A.analyze("warga lanjut usia")
    assert "disabilitas" in A.analyze("penyandang cacat")


def test_acronyms_both_ways():
    # the expansion in a text adds the acronym ...
    assert "odgj" in A.analyze("orang dengan gangguan jiwa")
    assert "puskesmas" in A.analyze("pusat kesehatan masyarakat")
    # ... and the acronym adds its expansion
    assert {"orang", "ganggu", "jiwa"} <= set(A.analyze("ODGJ"))
    assert {"kartu", "keluarga"} <= set(A.analyze("KK"))


def test_added_terms_come_after_the_text_so_phrases_stay_whole():
    terms = A.analyze("pusat kesehatan masyarakat desa")
    assert terms[:4] == ["pusat", "sehat", "masyarakat", "desa"]
    assert terms[4:] == ["puskesmas"]


def _alternatives(query):
    return [{alt.terms for alt in c.alternatives} for c in A.parse_query(query).concepts]


def test_query_concepts_one_per_word():
    plan = A.parse_query("antrean puskesmas panjang")
    assert [c.label for c in plan.concepts] == ["antrean", "puskesmas", "panjang"]


def test_query_phrase_of_an_acronym_becomes_one_concept_with_the_acronym():
    concepts = _alternatives("orang dengan gangguan jiwa")
    assert ("odgj",) in concepts[0]
    assert ("orang", "ganggu", "jiwa") in concepts[0]


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        ("queue", ("antre",)),
        ("queues", ("antre",)),
        ("birth certificate", ("akta", "lahir")),
        ("disability", ("disabilitas",)),
        ("health center", ("puskesmas",)),
        ("elderly", ("lansia",)),
        ("waste bank", ("bank", "sampah")),
        # the official term is "perizinan berusaha"; a profile often says only "perizinan"
        ("business licensing", ("izin", "usaha")),
        ("business licensing", ("izin",)),
    ],
)
def test_english_glossary(english, indonesian):
    concepts = _alternatives(english)
    assert any(indonesian in alts for alts in concepts)


def test_query_stop_words_and_empty_queries():
    assert not A.parse_query("")
    assert not A.parse_query("   ")
    assert not A.parse_query("🙂🚑 !!! ???")
    assert not A.parse_query("yang dan di ke")
    assert [c.label for c in A.parse_query("cari inovasi untuk masalah stunting").concepts] == [
        "stunting"
    ]


def test_very_long_query_is_bounded():
    plan = A.parse_query("antrean " * 5000 + " ".join(f"kata{i}" for i in range(500)))
    assert 0 < len(plan.concepts) <= 32


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("puskesmas", "puskesmas", 0),
        ("puskesmsa", "puskesmas", 1),
        ("puskemas", "puskesmas", 1),
        ("pyskesmas", "puskesmas", 1),
        ("psukesams", "puskesmas", 2),
        ("abc", "xyz", 3),
    ],
)
def test_edit_distance(a, b, distance):
    assert osa_distance(a, b, 3) == distance


def test_vocabulary_corrects_typos_by_distance_then_frequency():
    vocab = Vocabulary({"puskesmas": 10, "antre": 5, "disabilitas": 7, "pusaka": 1})
    assert vocab.corrections("puskesmsa")[0] == ("puskesmas", 1)
    assert vocab.corrections("disabilitsa")[0] == ("disabilitas", 1)
    assert vocab.corrections("dsiabilitas")[0] == ("disabilitas", 1)
    assert vocab.corrections("xyz") == []  # too short to correct
    assert vocab.corrections("zzzzzzzz") == []
    big = Vocabulary({**{f"kata{i:05d}": 2 for i in range(20_001)}, "lansia": 1})
    assert big.corrections("lansai") == []  # in a large index, single-document terms are left out


@given(st.text(max_size=300))
def test_analyser_never_fails_and_emits_plain_terms(text):
    for term in A.analyze(text):
        assert term and " " not in term and '"' not in term and "'" not in term
    plan = A.parse_query(text)
    for concept in plan.concepts:
        for alt in concept.alternatives:
            assert all(t and '"' not in t and "'" not in t for t in alt.terms)


def test_a_problem_description_s_filler_words_are_no_concepts():
    """Matching explains its hits by the words of the problem; negations and "punya"/"bisa" of
    every description ("tidak punya pekerjaan dan tidak bisa mandiri") are not among them."""
    plan = A.parse_query("penyandang disabilitas tidak punya pekerjaan dan tidak bisa mandiri")
    labels = {concept.label for concept in plan.concepts}
    assert {"tidak", "punya", "bisa"}.isdisjoint(labels)
    assert {"pekerjaan", "mandiri"} <= labels
