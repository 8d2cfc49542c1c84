"""Field weighting with per-field statistics: a word found in many names ("Layanan …",
"Program …") weighs little in the name field, so it no longer outranks rare query words found
in the text."""

from __future__ import annotations

import pytest

from lumbung.search import selectors
from lumbung.search.analysis import get_analyzer
from lumbung.search.ranking import DocTerms, name_specificity, rank
from lumbung.search.stats import IndexStats
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def test_a_word_common_in_names_counts_less_in_a_name():
    alt = get_analyzer().parse_query("layanan").concepts[0].alternatives[0]
    term = alt.terms[0]
    assert name_specificity(alt, {term: 1}, 1000) == 1.0
    assert name_specificity(alt, {term: 300}, 1000) < 0.5
    assert name_specificity(alt, {term: 1000}, 1000) == pytest.approx(0.4)
    assert name_specificity(alt, None, 1000) == 1.0  # no statistics: as before


def test_one_common_word_in_a_name_no_longer_outranks_two_rare_words_in_the_text():
    plan = get_analyzer().parse_query("layanan posyandu lansia")
    common, rare1, rare2 = (c.alternatives[0].terms[0] for c in plan.concepts)
    filler = ["isi"] * 100
    docs = {
        1: DocTerms({"name": [common, "prima"], "summary": [], "body": filler, "meta": []}),
        2: DocTerms(
            {"name": ["kartu", "sehat"], "summary": [], "body": [rare1, rare2, *filler], "meta": []}
        ),
    }
    stats = IndexStats(documents=1000, avg_len={"name": 3, "summary": 10, "body": 20, "meta": 5})
    dfs = {common: 100, rare1: 60, rare2: 60}
    names = {common: 100, rare1: 1, rare2: 1}  # "layanan" begins one name in ten

    def order(name_dfs):
        return [pk for pk, _ in rank(plan, [(1, 0), (2, 0)], docs, stats, dfs, name_dfs=name_dfs)]

    assert order(None) == [1, 2]  # without the name field's statistics, the name word wins
    assert order(names) == [2, 1]


def test_two_rare_words_in_the_text_beat_one_common_word_in_a_name(world):
    for i, topic in enumerate(["Prima", "Cepat", "Ramah", "Terpadu", "Mandiri", "Desa"]):
        InnovationFactory(
            unit=world.unit,
            name=f"Layanan {topic}",
            summary=f"Pelayanan administrasi kependudukan nomor {i} di kantor kecamatan.",
            publication_state="published",
        )
    wanted = InnovationFactory(
        unit=world.other_unit,
        name="Kartu Sehat Warga",
        summary="Pemeriksaan kesehatan lansia di posyandu setiap bulan oleh kader.",
        publication_state="published",
    )
    hits = selectors.search_innovations("layanan posyandu lansia").hits
    assert hits[0].innovation.pk == wanted.pk
