"""Search, matching, similar innovations and duplicate warnings over a fixed corpus; the same
expectations hold on SQLite FTS5 and on PostgreSQL (CI runs this file on both)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from lumbung.catalog.selectors import CatalogFilters
from lumbung.search import selectors
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def names(results):
    hits = results.hits if hasattr(results, "hits") else results
    return [h.innovation.name for h in hits]


# the same top results are expected from every back end
@pytest.mark.parametrize(
    ("query", "top"),
    [
        ("antrean puskesmas panjang", {"Antrian Regol", "PUSTAKA"}),
        ("antrian puskesmas", {"Antrian Regol", "PUSTAKA"}),
        ("akta kelahiran terlambat", ["Si Bulan"]),
        ("akte kelahiran", ["Si Bulan"]),
        ("SWP", ["Sheltered Workshop Peduli (SWP)"]),
        ("sheltered workshop", ["Sheltered Workshop Peduli (SWP)"]),
        ("barista tunanetra", ["BARIS DITEBAS"]),
        ("bank sampah", ["Serbu Gass"]),
        ("waste bank", ["Serbu Gass"]),
        ("birth certificate", ["Si Bulan"]),
        ("stunting balita", ["GEMA PENTING"]),
        ("izin online", ["SAKPORE"]),
        ("tuberkulosis", ["Matras TBC"]),
        ("ODGJ", ["APDOL"]),
        ("difabel kerja", {"Sheltered Workshop Peduli (SWP)", "BARIS DITEBAS"}),
    ],
)
def test_top_results(corpus, query, top):
    results = selectors.search_innovations(query, None, AnonymousUser())
    found = names(results)[: len(top)]
    if isinstance(top, set):  # equally good answers, in either order
        found = set(found)
    assert found == top, (connection.vendor, names(results))


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("puskesmsa", "PUSTAKA"),
        ("disabilitsa netra", "BARIS DITEBAS"),
        ("stuntnig", "GEMA PENTING"),
    ],
)
def test_typos_are_forgiven(corpus, typo, expected):
    results = selectors.search_innovations(typo, None, AnonymousUser())
    assert expected in names(results)[:3]
    assert results.corrections


def test_snippets_highlight_matching_words_through_the_analyser(corpus):
    results = selectors.search_innovations("antrean", None, AnonymousUser())
    regol = next(h for h in results.hits if h.innovation.name == "Antrian Regol")
    assert "<mark>antrean</mark>" in str(regol.snippet)
    assert "<mark>Antrian</mark>" in str(regol.name_html)


def test_snippets_escape_html(corpus):
    InnovationFactory(
        unit=corpus["regol"].unit,
        name="<script>alert(1)</script> antrean",
        summary="<b>antrean</b> & <i>puskesmas</i>",
        publication_state="published",
    )
    results = selectors.search_innovations("antrean", None, AnonymousUser())
    html = "".join(str(h.snippet) + str(h.name_html) for h in results.hits)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_results_respect_catalog_filters_and_count_facets(corpus):
    everything = selectors.search_innovations("disabilitas", None, AnonymousUser())
    sectors = {v.value: v.count for v in everything.facets["sector"]}
    assert sectors["social"] == 2 and sectors["population-administration"] == 1
    narrowed = selectors.search_innovations(
        "disabilitas", CatalogFilters(sector="population-administration"), AnonymousUser()
    )
    assert names(narrowed) == ["APDOL"]
    assert narrowed.total == 1
    selected = [v for v in narrowed.facets["sector"] if v.selected]
    assert [v.value for v in selected] == ["population-administration"]


def test_pagination_and_total(corpus):
    first = selectors.search_innovations("puskesmas pendaftaran sampah", None, None, page_size=2)
    second = selectors.search_innovations(
        "puskesmas pendaftaran sampah", None, None, page=2, page_size=2
    )
    assert first.total == second.total >= 3
    assert len(first.hits) == 2
    assert not set(names(first)) & set(names(second))


def test_empty_query_lists_the_filtered_catalog(corpus):
    results = selectors.search_innovations("", CatalogFilters(sector="health"), None)
    assert not results.searched
    assert results.total == 4
    assert names(results) == sorted(names(results), key=str.lower) or results.hits


def test_drafts_show_only_to_people_who_may_see_them(world):
    # the world's draft "Sheltered Workshop Peduli" belongs to the officer's unit
    anonymous = names(selectors.search_innovations("sheltered workshop", None, AnonymousUser()))
    assert "Sheltered Workshop Peduli" not in anonymous
    assert "Sheltered Workshop Peduli" in names(
        selectors.search_innovations("sheltered workshop", None, world.officer)
    )
    assert "Sheltered Workshop Peduli" in names(
        selectors.search_innovations("sheltered workshop", None, world.admin)
    )
    assert "Sheltered Workshop Peduli" not in names(
        selectors.search_innovations("sheltered workshop", None, world.other_officer)
    )
    assert "Draf Kota Contoh" not in names(
        selectors.search_innovations("draf kota contoh", None, world.officer)
    )
    facets = selectors.search_innovations("sheltered", None, AnonymousUser()).facets
    assert sum(v.count for v in facets["sector"]) == 0


def test_match_explains_why(corpus):
    results = selectors.match_innovations(
        "Penyandang disabilitas sulit mendapat pekerjaan", sector="social", unit_size="small"
    )
    assert names(results)[:2] == ["Sheltered Workshop Peduli (SWP)", "BARIS DITEBAS"] or set(
        names(results)[:2]
    ) == {"Sheltered Workshop Peduli (SWP)", "BARIS DITEBAS"}
    top = results.hits[0]
    concepts = {m.label: m.sections for m in top.matched}
    assert "disabilitas" in concepts
    assert concepts["disabilitas"]  # the sections where it matched
    assert "same sector" in top.context
    assert top.evidence is not None and top.evidence.continuing
    assert top.replication is not None and top.replication.replicas == 0


def test_match_counts_replicas(corpus):
    original = corpus["swp"]
    InnovationFactory(
        unit=corpus["barista"].unit,
        name="SWP Disabilitas Mental Sentra Dharma Guna",
        summary="Replikasi sheltered workshop untuk disabilitas mental.",
        publication_state="published",
        source=original,
        replication_form="adaptation",
        generation=1,
    )
    results = selectors.match_innovations("sheltered workshop disabilitas")
    hit = next(h for h in results.hits if h.innovation.pk == original.pk)
    assert hit.replication.replicas == 1 and hit.replication.continuing == 1
    # the replica is in its original's family, under it
    assert hit.family is not None and hit.family.replicas == 1
    assert not [h for h in results.hits if h.innovation.source_id == original.pk]


def test_match_with_nothing_to_search(corpus):
    results = selectors.match_innovations("🙂 ???")
    assert not results.searched and results.hits == []


def test_similar_innovations(corpus):
    similar = names(selectors.similar_innovations(corpus["regol"], AnonymousUser()))
    assert similar[0] == "PUSTAKA"
    assert "Antrian Regol" not in similar


def test_similar_never_shows_drafts_to_the_public(world):
    similar = selectors.similar_innovations(world.published, AnonymousUser())
    assert all(h.innovation.is_published for h in similar)


def test_find_duplicates(corpus):
    found = selectors.find_duplicates(
        "Sheltered Workshop Peduli",
        "Bengkel kerja terlindung bagi penyandang disabilitas intelektual berbasis komunitas.",
        "Penyandang disabilitas intelektual sulit bekerja.",
    )
    assert found and found[0].innovation.pk == corpus["swp"].pk
    assert found[0].score >= 0.6
    assert selectors.find_duplicates(
        "Sheltered Workshop Peduli", exclude=corpus["swp"]
    ) == [] or all(
        c.innovation.pk != corpus["swp"].pk
        for c in selectors.find_duplicates("Sheltered Workshop Peduli", exclude=corpus["swp"])
    )
    unrelated = selectors.find_duplicates("Pajak kendaraan bermotor keliling", "", "")
    assert all(c.score < 0.6 for c in unrelated)
    assert selectors.find_duplicates("", "", "") == []
