"""Families (an original, its replicas, its near-duplicates) and quality priors in search.

A national catalog is full of look-alikes: profiles in other regions that repeat an original's
text. Search shows each family once, under the member most worth copying, with an exact count
of the rest, and mixes the catalog's own facts (awards, stage, continuing…) into the ranking.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from django.db import connection
from django.test import Client, override_settings

from lumbung.catalog import hooks
from lumbung.catalog.models import Award, Innovation
from lumbung.search import families, selectors
from lumbung.search.indexing import rebuild
from lumbung.search.models import SearchDocument
from lumbung.search.models_family import FamilyBand, FamilyMember, FamilySize
from tests.factories import InnovationFactory, UnitFactory

pytestmark = pytest.mark.django_db

PROBLEM = (
    "Penyandang disabilitas intelektual di panti sering distigma, tidak memiliki keterampilan "
    "kerja dan sulit bersaing di pasar kerja sehingga bergantung pada bantuan keluarga."
)
SOLUTION = (
    "Sentra membangun wadah kerja terlindung berbasis komunitas bersama bengkel kerja warga dan "
    "mitra perusahaan: pelatihan menjahit, membatik dan mengolah kopi, pendampingan harian, "
    "upah sesuai hasil kerja, lalu penempatan kerja di mitra usaha."
)
FILLER = ["warga", "petugas", "desa", "layanan", "kota", "program", "daerah", "kabupaten"]


def _look_alike(text: str, seed: int, share: float = 0.15) -> str:
    """``text`` with ``share`` of its words swapped, as the benchmark's generator does."""
    rng = random.Random(seed)
    words = text.split()
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = rng.choice(FILLER)
    return " ".join(words) + f" di Kabupaten Contoh {seed}"


def _published(unit, name, problem=PROBLEM, implementation=SOLUTION, **extra):
    return InnovationFactory(
        unit=unit,
        name=name,
        summary=problem[:120],
        problem=problem,
        implementation=implementation,
        publication_state="published",
        **extra,
    )


def _other_subject(unit):
    """A published innovation on another subject (queues at a health centre)."""
    return _published(
        unit,
        "Antrian Regol",
        "Pendaftaran pasien di puskesmas menumpuk sehingga antrean dan waktu tunggu panjang "
        "setiap pagi, terutama bagi lansia yang datang dari desa jauh tanpa kendaraan umum.",
        "Pendaftaran pasien secara daring lewat aplikasi dengan nomor antrean dan pemantauan "
        "antrean waktu nyata, sehingga pasien datang tepat waktu dan tidak menunggu lama.",
    )


def _copies(world, n, problem_seed, solution_seed, name="Rumah Karya {i}", **extra):
    """``n`` published look-alikes of the test original, each in a new unit of another agency."""
    return [
        _published(
            UnitFactory(agency=world.other_agency),
            name.format(i=i),
            _look_alike(PROBLEM, problem_seed + i),
            _look_alike(SOLUTION, solution_seed + i),
            **extra,
        )
        for i in range(n)
    ]


def _draft_look_alike(world, seed):
    """A draft look-alike of the test original in another agency's unit (not for strangers)."""
    return InnovationFactory(
        unit=world.other_unit,
        name="Draf Rumah Karya",
        summary=_look_alike(PROBLEM, seed)[:120],
        problem=_look_alike(PROBLEM, seed),
        implementation=_look_alike(SOLUTION, seed + 1),
    )


def _family_of(innovation) -> int:
    return FamilyMember.objects.get(pk=innovation.pk).family_id


def test_near_duplicates_form_one_family_and_a_different_innovation_does_not(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    copies = _copies(world, 3, 0, 100, name="Rumah Karya Mandiri {i}")
    other = _other_subject(world.sibling_unit)
    assert {_family_of(c) for c in copies} == {_family_of(original)}
    assert _family_of(other) != _family_of(original)
    # the whole index rebuilt finds the same families
    rebuild()
    assert {_family_of(c) for c in copies} == {_family_of(original)}
    assert _family_of(other) == other.pk


def test_a_rebuild_writes_every_band_of_every_signature_and_keeps_the_band_indexes(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 3, 0, 100, name="Rumah Karya Mandiri {i}")
    table = FamilyBand._meta.db_table

    def indexes() -> dict[str, list[str]]:
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, table)
        return {name: info["columns"] for name, info in found.items() if info["index"]}

    before = indexes()
    bands_before = set(FamilyBand.objects.values_list("innovation_id", "key"))
    rebuild()
    assert indexes() == before  # dropped for the load on SQLite, built again by their names
    texts = dict(
        (pk, families.document_terms(summary, body))
        for pk, summary, body in SearchDocument.objects.values_list("pk", "summary", "body")
    )
    expected = {
        (pk, key)
        for pk, sig in FamilyMember.objects.values_list("pk", "signature")
        for key in families.profile_band_keys(bytes(sig), texts[pk])
    }
    rows = list(FamilyBand.objects.values_list("innovation_id", "key"))
    bands = families.BANDS + families.WORD_BANDS  # the word pairs' and the words'
    assert len(rows) == len(expected) == FamilyMember.objects.count() * bands
    assert set(rows) == expected == bands_before
    assert FamilyMember.objects.get(pk=original.pk).family_id == original.pk


def test_the_awarded_original_stands_for_its_look_alikes_with_an_exact_count(world):
    original = _published(world.unit, "Sheltered Workshop Peduli", start_year=2016)
    Award.objects.create(innovation=original, level=Award.Level.TOP_45, year=2023)
    hooks.innovation_changed(original)
    _copies(world, 4, 0, 50, name="Wadah Kerja Terlindung {i}")
    results = selectors.search_innovations("wadah kerja terlindung disabilitas")
    assert results.hits[0].innovation.pk == original.pk
    family = results.hits[0].family
    assert family is not None
    assert (family.members, family.similar, family.replicas) == (5, 4, 0)
    assert [h.innovation.pk for h in results.hits] == [original.pk]
    assert (results.total, results.matches) == (1, 5)
    # expanded: every member, the one most worth copying first
    expanded = selectors.search_innovations("wadah kerja terlindung", family=family.id)
    assert expanded.total == 5 and expanded.hits[0].innovation.pk == original.pk
    assert all(hit.family is None for hit in expanded.hits)


def test_drafts_of_others_are_never_counted_or_shown(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    draft = _draft_look_alike(world, 7)
    assert _family_of(draft) == _family_of(original)
    public = selectors.search_innovations("wadah kerja terlindung disabilitas")
    assert [h.innovation.pk for h in public.hits] == [original.pk]
    assert public.hits[0].family is None  # alone in what the reader may see
    stranger = selectors.search_innovations(
        "wadah kerja terlindung disabilitas", user=world.officer
    )
    assert stranger.hits[0].family is None
    owner = selectors.search_innovations(
        "wadah kerja terlindung disabilitas", user=world.other_officer
    )
    assert owner.hits[0].family is not None and owner.hits[0].family.members == 2
    # expanding the family as a stranger shows only what they may see
    page = Client().get("/cari/", {"q": "wadah kerja", "family": _family_of(original)})
    assert page.status_code == 200 and "Draf Rumah Karya" not in page.text
    listed = Client().get("/api/v1/search/", {"q": "wadah", "family": _family_of(original)})
    assert [h["id"] for h in listed.json()["hits"]] == [original.pk]
    signed_in = Client()
    signed_in.force_login(world.officer)  # another agency's officer: the draft stays hidden
    page = signed_in.get("/cari/", {"q": "wadah kerja", "family": _family_of(original)})
    assert "Draf Rumah Karya" not in page.text
    signed_in.force_login(world.other_officer)  # its own unit's officer sees it in the family
    page = signed_in.get("/cari/", {"q": "wadah kerja", "family": _family_of(original)})
    assert "Draf Rumah Karya" in page.text


def test_a_replica_joins_its_original_by_lineage_even_with_other_words(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    replica = _published(
        world.other_unit,
        "Bengkel Kopi Inklusif",
        "Kafe kecil tempat lulusan pelatihan barista dengan hambatan penglihatan bekerja.",
        "Lulusan dilatih menyangrai dan menyeduh kopi lalu mengelola kafe di kantor dinas.",
    )
    assert _family_of(replica) != _family_of(original)
    Innovation.objects.filter(pk=replica.pk).update(source=original, generation=1)
    hooks.innovation_changed(Innovation.objects.get(pk=replica.pk))
    assert _family_of(replica) == _family_of(original)
    # the original's prior counts its replica now
    before = families.prior(families.facts_for([original.pk])[original.pk])
    assert FamilyMember.objects.get(pk=original.pk).prior == before
    # cut loose (the lineage removed, the text already different): it leaves the family
    Innovation.objects.filter(pk=replica.pk).update(source=None, generation=0)
    hooks.innovation_changed(Innovation.objects.get(pk=replica.pk))
    assert _family_of(replica) != _family_of(original)


def test_an_edit_that_changes_the_text_takes_it_out_of_the_family(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    copy = _published(
        world.other_unit, "Rumah Karya", _look_alike(PROBLEM, 1), _look_alike(SOLUTION, 2)
    )
    assert _family_of(copy) == _family_of(original)
    Innovation.objects.filter(pk=original.pk).update(
        problem="Antrean pendaftaran pasien puskesmas panjang dan lansia menunggu berjam-jam.",
        implementation="Pendaftaran daring dengan nomor antrean dan pemantauan waktu nyata.",
        summary="Pendaftaran daring puskesmas.",
    )
    hooks.innovation_changed(Innovation.objects.get(pk=original.pk))
    assert _family_of(copy) != _family_of(original)
    assert _family_of(copy) == copy.pk


@override_settings(SEARCH_FAMILIES=False)
def test_an_awarded_original_beats_an_identical_unawarded_copy(world):
    copy = _published(world.other_unit, "Wadah Kerja Terlindung")
    original = _published(world.unit, "Wadah Kerja Terlindung Peduli")
    Innovation.objects.filter(pk=original.pk).update(name="Wadah Kerja Terlindung")
    Award.objects.create(innovation=original, level=Award.Level.TOP_99, year=2024)
    hooks.innovation_changed(Innovation.objects.get(pk=original.pk))
    order = [h.innovation.pk for h in selectors.search_innovations("wadah kerja terlindung").hits]
    assert order.index(original.pk) < order.index(copy.pk)
    with override_settings(SEARCH_PRIOR_WEIGHT=0):  # text alone: the older record first
        order = [
            h.innovation.pk for h in selectors.search_innovations("wadah kerja terlindung").hits
        ]
        assert order.index(copy.pk) < order.index(original.pk)


@override_settings(SEARCH_FAMILIES=False)
def test_a_stopped_innovation_ranks_below_a_continuing_one_with_the_same_text(world):
    stopped = _published(world.unit, "Wadah Kerja Terlindung")
    continuing = _published(world.other_unit, "Wadah Kerja Terlindung")
    Innovation.objects.filter(pk=stopped.pk).update(status=Innovation.Status.STOPPED)
    hooks.innovation_changed(Innovation.objects.get(pk=stopped.pk))
    order = [h.innovation.pk for h in selectors.search_innovations("wadah kerja terlindung").hits]
    assert order.index(continuing.pk) < order.index(stopped.pk)


def test_prior_weighs_the_catalogs_facts():
    bare = families.Facts([], 0, "creation", "stopped", None, 0, True, 0.0)
    proven = families.Facts(
        [(Award.Level.OUTSTANDING, 2025)],
        3,
        "institutionalisation",
        "continuing",
        2016,
        5,
        False,
        1.0,
    )
    assert families.prior(bare, 2026) == 0.0
    assert families.prior(proven, 2026) == pytest.approx(0.99, abs=0.01)
    older_award = families.Facts(
        [(Award.Level.OUTSTANDING, 2016)],
        3,
        "institutionalisation",
        "continuing",
        2016,
        5,
        False,
        1.0,
    )
    assert families.prior(older_award, 2026) < families.prior(proven, 2026)


def test_the_duplicate_warning_names_a_family_once_with_its_size(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 3, 20, 30, name="Sheltered Workshop Kabupaten {i}")
    found = selectors.find_duplicates("Sheltered Workshop", PROBLEM[:200], PROBLEM)
    family = _family_of(original)
    in_family = [c for c in found if _family_of(c.innovation) == family]
    assert len(in_family) == 1 and in_family[0].family_size == 4
    response = Client().post(
        "/api/v1/search/duplicates",
        {"name": "Sheltered Workshop", "summary": PROBLEM[:200], "problem": PROBLEM},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [d["family_size"] for d in response.json()] == [c.family_size for c in found]


def test_the_api_returns_families_and_lists_one(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 2, 60, 70)
    client = Client()
    body = client.get("/api/v1/search/", {"q": "wadah kerja terlindung"}).json()
    # the family's look-alikes are not ranked, nor counted one by one: its size is exact
    assert body["total"] == 1 and body["matches"] is None
    faceted = client.get("/api/v1/search/", {"q": "wadah kerja terlindung", "facets": True})
    assert faceted.json()["matches"] == 3  # the facets count every match
    family = body["hits"][0]["family"]
    assert family["members"] == 3 and family["similar"] == 2
    members = client.get(
        "/api/v1/search/", {"q": "wadah kerja terlindung", "family": family["id"]}
    ).json()
    assert members["total"] == 3 and all(h["family"] is None for h in members["hits"])
    assert {h["id"] for h in members["hits"]} >= {original.pk}
    assert client.get("/api/v1/search/", {"q": "x", "family": "abc"}).status_code == 422


def test_the_result_page_shows_the_family_and_links_to_it(world):
    _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 2, 80, 90)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    page = client.get("/cari/", {"q": "wadah kerja terlindung"})
    assert "and 2 similar innovations" in page.text
    assert "3 matching innovations" in page.text
    assert "family=" in page.text
    assert client.get("/cari/", {"q": "wadah", "family": "x"}).status_code == 200


def test_the_earliest_record_stands_for_copies_the_prior_cannot_tell_apart(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")  # no year, creation stage
    copies = _copies(world, 3, 40, 45, start_year=2024, stage=Innovation.Stage.DEVELOPMENT)
    assert all(
        FamilyMember.objects.get(pk=c.pk).prior > FamilyMember.objects.get(pk=original.pk).prior
        for c in copies
    )
    hits = selectors.search_innovations("wadah kerja terlindung disabilitas").hits
    assert hits[0].innovation.pk == original.pk and hits[0].family.members == 4
    # an award outweighs being first
    Award.objects.create(innovation=copies[1], level=Award.Level.TOP_45, year=2025)
    hooks.innovation_changed(copies[1])
    hits = selectors.search_innovations("wadah kerja terlindung disabilitas").hits
    assert hits[0].innovation.pk == copies[1].pk


def test_heads_from_the_families_index_equal_heads_over_the_catalog(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 3, 120, 130, stage=Innovation.Stage.DEVELOPMENT)
    draft = _draft_look_alike(world, 140)
    family = _family_of(original)
    assert _family_of(draft) == family
    for user in (None, world.officer, world.other_officer, world.admin):
        qs = selectors.visible_base(user)
        fast = families.heads([family], qs, unfiltered=True)
        exact = families.heads([family], qs)
        assert fast == exact
    assert (
        families.heads([family], selectors.visible_base(None), unfiltered=True)[family].members == 4
    )
    assert (
        families.heads([family], selectors.visible_base(world.other_officer))[family].members == 5
    )
    # the earliest record loses its bonus when a merge puts an older one in its family
    rebuild()
    assert families.heads([family], selectors.visible_base(None), unfiltered=True) == (
        families.heads([family], selectors.visible_base(None))
    )


def test_the_total_is_never_below_the_results_shown(world, monkeypatch):
    # the loosest stage's expression can match fewer than the stages (or semantic matching)
    # found together: the count of families must not undercut the list
    _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 2, 150, 160)
    _published(world.other_unit, "Kerja Terlindung Kota", "Kerja terlindung.", "Bengkel kota.")
    from lumbung.search import grouping

    monkeypatch.setattr(selectors, "RERANK_WINDOW", 1)  # not every match in the window
    results = selectors.search_innovations("kerja terlindung", page_size=1, facets=False)
    assert results.total == 2 and len(results.hits) == 1  # 2 families
    faceted = selectors.search_innovations("kerja terlindung", page_size=1)
    assert faceted.total == 2 and faceted.matches == 4  # 4 innovations
    with override_settings(SEARCH_FAMILIES=True):  # every member ranked: a reader with drafts
        monkeypatch.setattr(selectors, "ranked_first", lambda qs, **kw: False)
        results = selectors.search_innovations("kerja terlindung", page_size=1, facets=False)
    assert results.total == 2 and results.matches == 4
    monkeypatch.setattr(
        grouping,
        "family_matches",
        lambda *args: grouping.Matches(best=[], counts={}, families=0, matching=0),
    )
    results = selectors.search_innovations("kerja terlindung", page_size=1, facets=False)
    assert len(results.hits) == 1 and results.total >= 1


def _imported_look_alikes(**extra) -> tuple[dict[str, str], bytes]:
    """The first demo row and two look-alikes of it, as a spreadsheet in the demo's columns."""
    import csv
    import io

    demo = Path(__file__).resolve().parents[2] / "src/lumbung/catalog/data/demo/innovations.csv"
    with demo.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        original = next(reader)
    rows = [original]
    for i in range(2):
        copy = {**original, "name": f"Rumah Karya Mandiri {i}", "award": "", "year": "2023"}
        copy.update(extra)
        copy["problem"] = _look_alike(original["problem"], 170 + i)
        copy["solution"] = _look_alike(original["solution"], 180 + i)
        rows.append(copy)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return original, out.getvalue().encode()


def test_families_form_from_a_catalog_imported_the_products_way(db):
    """An empty instance fed by a spreadsheet import (no demo loader): the imported look-alikes
    join their original's family, and search shows the awarded original for all three."""
    from lumbung.catalog.importing import import_innovations

    original, content = _imported_look_alikes()
    report = import_innovations(content, publish=True, filename="x.csv")
    assert report.ok, [str(p) for p in report.problems]
    results = selectors.search_innovations("wadah kerja terlindung disabilitas intelektual")
    assert [h.innovation.name for h in results.hits] == [original["name"]]
    assert results.hits[0].family is not None and results.hits[0].family.members == 3
    # the imported look-alikes are marked as such: the public search ranked the original only
    ranked = FamilyMember.objects.filter(ranked=True).values_list("innovation__name", flat=True)
    assert list(ranked) == [original["name"]]
    assert FamilyMember.objects.filter(lookalike=True).count() == 2
    # the family's kept size, written by the import's own saves: three published members
    family = FamilyMember.objects.get(innovation__name=original["name"]).family_id
    assert dict(FamilySize.objects.values_list("family_id", "published")) == {family: 3}
    # the public API reads that size for the family it shows
    listed = Client().get("/api/v1/search/", {"q": "wadah kerja terlindung disabilitas"})
    assert listed.status_code == 200
    assert [(h["family"]["id"], h["family"]["members"]) for h in listed.json()["hits"]] == [
        (family, 3)
    ]


def test_an_imported_catalog_groups_a_reworded_copy_and_keeps_another_innovation_apart(db):
    """An empty instance fed by one spreadsheet: an original, its look-alikes, one copy whose
    edits broke its word pairs (joined by its words) and another innovation of the catalog."""
    import csv
    import io

    from lumbung.catalog.importing import import_innovations

    demo = Path(__file__).resolve().parents[2] / "src/lumbung/catalog/data/demo/innovations.csv"
    with demo.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        rows = list(reader)
    original, other = rows[0], rows[1]
    out = [original, other]
    for i in range(6):
        out.append(
            {
                **original,
                "name": f"Rumah Karya Mandiri {i}",
                "award": "",
                "year": "2023",
                "problem": _look_alike(original["problem"], 170 + i),
                "solution": _look_alike(original["solution"], 180 + i),
            }
        )
    reworded = {
        **original,
        "name": "Rumah Karya Tertata",
        "award": "",
        "year": "2024",
        "problem": _look_alike(_reordered(original["problem"]), 3, 0.1),
        "solution": _look_alike(_reordered(original["solution"]), 53, 0.1),
    }
    out.append(reworded)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(out)
    report = import_innovations(buffer.getvalue().encode(), publish=True, filename="x.csv")
    assert report.ok, [str(p) for p in report.problems]

    def member(name: str) -> FamilyMember:
        return FamilyMember.objects.get(innovation__name=name)

    first, copy = member(original["name"]), member(reworded["name"])
    assert families.similarity(bytes(copy.signature), bytes(first.signature)) < (
        families.ROOT_THRESHOLD
    )  # not joined by the first record's word pairs alone
    earliest = [
        bytes(sig)
        for sig in FamilyMember.objects.filter(family_id=first.family_id)
        .exclude(pk=copy.pk)
        .order_by("pk")
        .values_list("signature", flat=True)[: families.CHECKS_PER_FAMILY]
    ]
    assert not families.joins_family(bytes(copy.signature), earliest)  # nor by the average
    assert copy.family_id == first.family_id and copy.lookalike and not copy.ranked
    assert member(other["name"]).family_id != first.family_id
    hits = selectors.search_innovations(original["name"], facets=False).hits
    assert hits[0].innovation.name == original["name"] and hits[0].family.members == 8


def test_an_import_indexes_at_its_end_only_what_it_wrote_and_drafts_stay_hidden(db):
    """An empty instance: a spreadsheet with a bad row writes nothing (not even to the index or
    the families); imported as drafts, nothing reaches the public, nor is counted in a family."""
    from lumbung.catalog.importing import import_innovations
    from lumbung.search.models import SearchDocument

    _original, broken = _imported_look_alikes(year="3000")  # a start year in the future
    report = import_innovations(broken, publish=True, filename="x.csv")
    assert not report.ok and not report.written
    assert not SearchDocument.objects.exists() and not FamilyMember.objects.exists()
    assert not FamilySize.objects.exists()
    original, content = _imported_look_alikes()
    report = import_innovations(content, publish=False, filename="x.csv")
    assert report.ok, [str(p) for p in report.problems]
    assert SearchDocument.objects.count() == FamilyMember.objects.count() == 3
    assert not FamilySize.objects.exists()  # drafts: no family has a published member
    public = selectors.search_innovations("wadah kerja terlindung disabilitas intelektual")
    assert public.hits == [] and public.total == 0
    page = Client().get("/cari/", {"q": "wadah kerja terlindung"})
    assert page.status_code == 200 and original["name"] not in page.text
    listed = Client().get("/api/v1/search/", {"q": "wadah kerja terlindung"})
    assert listed.status_code == 200 and listed.json()["hits"] == []


MASKER = (
    "Kelompok ibu rumah tangga tanpa penghasilan tetap belajar menjahit masker kain di balai "
    "desa, lalu menjual masker lewat koperasi dan pasar mingguan kecamatan."
)


def test_a_search_gathers_enough_families_not_only_enough_look_alikes(world, monkeypatch):
    # the strict stage (every query word) finds a window's worth of one original's look-alikes;
    # the stages go on until other families are found too, so another answer is not lost
    monkeypatch.setattr(selectors, "RERANK_WINDOW", 5)
    original = _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 7, 200, 210)
    masker = _published(world.sibling_unit, "Masker Pelita", MASKER, MASKER)
    strict = [
        i.pk
        for i in Innovation.objects.all()
        if {"menjahit", "disabilitas"} <= set(re.findall(r"\w+", f"{i.problem} {i.implementation}"))
    ]
    assert len(strict) >= 5 and masker.pk not in strict  # the window fills with one family
    hits = selectors.search_innovations("menjahit disabilitas", page_size=3, facets=False).hits
    assert [h.innovation.pk for h in hits] == [original.pk, masker.pk]


def test_a_family_weighs_as_much_as_the_member_it_shows(world):
    # the original holds the query's word once; a look-alike holds it twice (a doubled word
    # scores higher): the family ranks by the original, which it shows
    original = _published(world.unit, "Sheltered Workshop Peduli")
    copy = _published(
        UnitFactory(agency=world.other_agency),
        "Rumah Karya Ganda",
        _look_alike(PROBLEM, 220).replace("distigma", "distigma distigma"),
        _look_alike(SOLUTION, 221),
    )
    assert _family_of(copy) == _family_of(original)
    with override_settings(SEARCH_PRIOR_WEIGHT=0, SEARCH_FAMILIES=False):
        alone = {h.innovation.pk: h.score for h in selectors.search_innovations("distigma").hits}
    assert alone[copy.pk] > alone[original.pk]
    with override_settings(SEARCH_PRIOR_WEIGHT=0):
        hits = selectors.search_innovations("distigma").hits
    assert [h.innovation.pk for h in hits] == [original.pk]
    assert hits[0].score == pytest.approx(alone[original.pk], abs=1e-3)


def test_a_word_one_look_alike_mentions_in_passing_does_not_make_its_family_an_answer(world):
    # a family about sheltered work, one of whose eight look-alikes mentions "tuberkulosis" in
    # its summary; a smaller innovation about tuberculosis mentions it only in its long text
    original = _published(world.unit, "Sheltered Workshop Peduli")
    copies = _copies(world, 7, 230, 240)
    stray = copies[3]
    stray.summary = "Tuberkulosis " + stray.summary
    stray.save()
    hooks.innovation_changed(stray)
    assert _family_of(stray) == _family_of(original)
    tb = _published(
        world.sibling_unit,
        "Gerakan Batuk Sehat",
        "Warga desa yang batuk lama jarang memeriksakan diri ke puskesmas dan obat sering putus "
        "di tengah jalan karena jarak dan biaya perjalanan.",
        "Kader desa mendampingi penderita minum obat setiap hari, mengantar dahak ke puskesmas "
        "dan mencatat kemajuan pengobatan tuberkulosis di buku pemantauan keluarga.",
    )
    with override_settings(SEARCH_PRIOR_WEIGHT=0, SEARCH_FAMILIES=False):
        alone = [h.innovation.pk for h in selectors.search_innovations("tuberkulosis").hits]
    assert alone == [stray.pk, tb.pk]  # on its text alone, the stray mention ranks first
    with override_settings(SEARCH_PRIOR_WEIGHT=0):
        hits = selectors.search_innovations("tuberkulosis").hits
    # the look-alike's words are its family's: it is not ranked on its own (its family's head
    # does not speak of tuberculosis)
    assert [h.innovation.pk for h in hits] == [tb.pk]
    # where every member is ranked (a reader who sees drafts), the family comes second, weighed
    # by the share of its members that match
    with override_settings(SEARCH_PRIOR_WEIGHT=0):
        hits = selectors.search_innovations("tuberkulosis", user=world.admin).hits
    assert [h.innovation.pk for h in hits] == [tb.pk, stray.pk]
    assert hits[1].family is not None and hits[1].family.members == 8


def test_a_profile_joins_a_family_by_its_earliest_members_on_average_or_its_first_record():
    # single links chain families: in a family of hundreds, one member resembles a look-alike
    # of another original by chance. A profile joins a family when it resembles the family's
    # earliest members on average, or its first record (what copies are written from).
    def sig(text: str) -> bytes:
        return families.signature(families.document_terms(text, ""))

    me = sig(PROBLEM + " " + SOLUTION)
    copies = [sig(_look_alike(PROBLEM, i) + " " + _look_alike(SOLUTION, 50 + i)) for i in range(8)]
    assert families.joins_family(me, copies)
    others = [
        sig(
            f"Warga kecamatan {i} mengurus izin usaha mikro lewat gerai terpadu dan aplikasi "
            f"daring sehingga berkas selesai dalam {i + 2} hari tanpa calo dan tanpa biaya."
        )
        for i in range(7)
    ]
    alike_one = [others[0], copies[0], *others[1:]]  # one later member alike, the rest not
    assert families.similarity(me, copies[0]) >= families.ROOT_THRESHOLD
    assert not families.joins_family(me, alike_one)
    # the family's first record is what its copies were written from: alike to it is enough
    assert families.joins_family(me, [copies[0], *others])
    assert not families.joins_family(me, [])  # an empty family is no family
    assert not families.joins_family(sig("terlalu pendek"), copies)  # too short to tell


def _reordered(text: str) -> str:
    """``text`` with every fourth word swapped with the next: most word pairs break, the words
    stay (a rewrite of the same text, as a copy's editor makes)."""
    words = text.split()
    for i in range(0, len(words) - 1, 4):
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def test_a_copy_whose_word_pairs_broke_joins_by_its_words_a_same_subject_one_does_not(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 6, 0, 100, name="Rumah Karya Mandiri {i}")  # candidates come by shared bands
    copy = _published(
        world.sibling_unit,
        "Rumah Karya Tertata",
        _look_alike(_reordered(PROBLEM), 1, 0.05),
        _look_alike(_reordered(SOLUTION), 51, 0.05),
    )
    same_subject = _published(
        world.other_unit,
        "Braille Keliling",
        "Anak penyandang disabilitas netra sulit mendapat buku pelajaran dan bergantung pada "
        "bantuan keluarga untuk belajar di rumah.",
        "Sentra mengirim perpustakaan braille keliling ke sekolah dan rumah warga: pelatihan "
        "membaca braille bagi keluarga, pendampingan guru, lalu peminjaman buku audio.",
    )
    a, b, c = (
        bytes(FamilyMember.objects.get(pk=i.pk).signature) for i in (original, copy, same_subject)
    )
    # the word pairs alone cannot tell: under the thresholds, over the second look's floor
    assert families.SECOND_LOOK <= families.similarity(a, b) < families.THRESHOLD
    earliest = [
        bytes(sig)
        for sig in FamilyMember.objects.filter(family_id=_family_of(original))
        .exclude(pk=copy.pk)
        .order_by("pk")
        .values_list("signature", flat=True)[: families.CHECKS_PER_FAMILY]
    ]
    assert not families.joins_family(b, earliest)  # without the words: apart
    assert _family_of(copy) == _family_of(original)
    assert FamilyMember.objects.get(pk=copy.pk).lookalike
    assert _family_of(same_subject) != _family_of(original)
    assert families.similarity(a, c) < families.SECOND_LOOK or not families.joins_family(
        c, [a], words=lambda: 0.0
    )
    rebuild()  # ``lumbung reindex`` takes the same second look
    assert _family_of(copy) == _family_of(original) != _family_of(same_subject)


def test_word_bands_make_candidates_of_profiles_whose_word_pairs_share_no_band():
    terms = re.findall(r"\w+", (PROBLEM + " " + SOLUTION).lower())
    jumbled = terms[::-1]  # the same words, not one word pair in common
    other = re.findall(r"\w+", "antrean pasien puskesmas pagi daring nomor aplikasi".lower() * 3)
    sig, sig_jumbled = families.signature(terms), families.signature(jumbled)
    assert not set(families.band_keys(sig)) & set(families.band_keys(sig_jumbled))
    assert set(families.word_band_keys(terms)) == set(families.word_band_keys(jumbled))
    keys = families.profile_band_keys(sig, terms)
    assert len(keys) == families.BANDS + families.WORD_BANDS
    assert set(keys) & set(families.profile_band_keys(sig_jumbled, jumbled))
    assert not set(families.word_band_keys(terms)) & set(families.word_band_keys(other))
    # a text too short for a signature has no band of either kind
    assert families.profile_band_keys(b"", terms[:5]) == []


SHORT_PROBLEM = (
    "Warga di wilayah perbatasan Kaltara sulit menjangkau layanan administrasi kependudukan."
)
SHORT_SOLUTION = "Layanan adminduk jemput bola ke wilayah perbatasan."


def _short_original_and_copy(world):
    """A short profile, and a copy in another region with a few words changed."""
    original = _published(world.unit, "Si Pelandukilat", SHORT_PROBLEM, SHORT_SOLUTION)
    copy = _published(
        world.other_unit,
        "Jemput Bola Perbatasan",
        "Penduduk di wilayah perbatasan Nunukan sulit menjangkau layanan administrasi "
        "kependudukan.",
        "Petugas adminduk jemput bola ke wilayah terpencil.",
    )
    return original, copy


def _template_pair(world):
    """Two different short profiles with one sentence in common (agencies reuse sentences)."""
    template = "Petugas datang ke desa tiap pekan."
    work = _published(
        world.sibling_unit,
        "Kerja Terlindung",
        "Penyandang disabilitas sulit mendapat kerja.",
        "Penyandang disabilitas bekerja di bengkel kerja terlindung. " + template,
    )
    school = _published(
        world.other_unit,
        "Sekolah Inklusif",
        "Anak disabilitas sulit mendapat sekolah.",
        "Anak penyandang disabilitas belajar di sekolah reguler. " + template,
    )
    return work, school


def test_a_short_copy_that_keeps_its_original_s_words_in_order_joins_its_family(world):
    original, copy = _short_original_and_copy(world)
    a, b = (bytes(FamilyMember.objects.get(pk=i.pk).signature) for i in (original, copy))
    # two short texts: their word pairs cannot tell a copy from a shared template sentence
    assert max(families._pairs(a), families._pairs(b)) < families.SHORT_PAIRS
    assert families.SECOND_LOOK <= families.similarity(a, b) < families.SHORT_THRESHOLD
    look = families.SecondLook()
    words = lambda: look.shared(look.words(copy.pk), original.pk)  # noqa: E731
    order = lambda: look.order(look.terms(copy.pk), original.pk)  # noqa: E731
    assert words() >= families.ORDER_WORDS and order() >= families.SAME_ORDER
    assert not families.joins_family(b, [a], words=words)  # the words alone: apart
    assert families.joins_family(b, [a], words, order)
    assert _family_of(copy) == _family_of(original)
    rebuild()  # ``lumbung reindex`` joins it the same way
    assert _family_of(copy) == _family_of(original)


def test_a_profile_like_two_families_merges_them_only_when_their_first_records_are_alike():
    def sig(text: str) -> bytes:
        return families.signature(families.document_terms(text, ""))

    ktp = sig(PROBLEM + " " + SOLUTION)
    other = sig(
        "Warga lanjut usia dan penyandang disabilitas sulit datang ke kantor kependudukan untuk "
        "merekam KTP elektronik sehingga banyak yang belum memiliki dokumen. Petugas datang ke "
        "rumah dengan alat perekaman keliling, mencetak kartu dan mengantarnya kembali."
    )
    assert not families.joins_family(other, [ktp])  # two innovations on their own
    joined = {
        10: families.Joined(0.35, 1, ktp),
        20: families.Joined(0.33, 2, other),
    }
    # a profile resembling both joins the closest family only: the two stay apart
    assert families.closest_kin(joined, None) == {10}
    assert families.closest_kin({20: joined[20]}, None) == {20}
    # two families of one original (its copies split early) merge when a profile joins both
    copy = sig(_look_alike(PROBLEM, 3) + " " + _look_alike(SOLUTION, 53))
    assert families.joins_family(copy, [ktp])
    split = {10: families.Joined(0.35, 1, ktp), 30: families.Joined(0.4, 3, copy)}
    assert families.closest_kin(split, None) == {10, 30}
    assert families.closest_kin({}, None) == set()


def test_a_second_look_following_an_order_reads_ahead_and_keeps_what_it_is_asked_again(
    world, django_assert_num_queries, monkeypatch
):
    """A rebuild asks for every profile in turn: one statement reads the next ones too; and the
    profiles asked again and again (a family's first record) stay when others leave."""
    originals = [_published(world.unit, "Sheltered Workshop Peduli")]
    originals += _copies(world, 4, 120, 130)
    ids = sorted(i.pk for i in originals)
    look = families.SecondLook()
    look.follow(ids)
    monkeypatch.setattr(families, "READ_AHEAD", 3)
    with django_assert_num_queries(1):
        first = look.terms(ids[0])  # reads ids[0:3]
        assert look.terms(ids[1]) and look.terms(ids[2])
    with django_assert_num_queries(1):
        assert look.terms(ids[3]) and look.terms(ids[4])
    assert first == tuple(
        families.document_terms(
            *SearchDocument.objects.filter(pk=ids[0]).values_list("summary", "body").get()
        )
    )
    # an earlier profile (a family's first record) is read alone: nothing behind it is asked next
    behind = families.SecondLook()
    behind.follow(ids)
    with django_assert_num_queries(1):
        behind.terms(ids[2])  # reads ids[2:5]
    with django_assert_num_queries(1):
        behind.terms(ids[0])
    with django_assert_num_queries(1):
        behind.terms(ids[1])
    # the least recently asked leaves first: ids[0], asked again, stays
    monkeypatch.setattr(families, "WORDS_KEPT", 3)
    kept = families.SecondLook()
    for pk in (ids[0], ids[1], ids[2], ids[0], ids[3]):
        kept.terms(pk)  # not following an order: one statement each
    with django_assert_num_queries(0):
        kept.terms(ids[0])
    with django_assert_num_queries(1):
        kept.terms(ids[1])


def test_shared_words_weigh_rare_words_and_a_short_text_held_by_a_long_one_is_not_a_copy():
    dfs = {"kerja": 90, "disabilitas": 10, "bengkel": 2, "terlindung": 2, "batik": 1}
    long = {"kerja", "disabilitas", "bengkel", "terlindung", "batik"}
    assert families.shared_words(long, long, dfs, 100) == pytest.approx(1.0)
    # the common word weighs little: sharing only it is sharing almost nothing
    assert families.shared_words({"kerja", "batik"}, {"kerja", "bengkel"}, dfs, 100) < 0.05
    # a short text whose words the long one holds: the smaller share (of the long one's words)
    short = {"disabilitas", "kerja"}
    assert families.shared_words(short, long, dfs, 100) < 0.2
    assert families.shared_words(set(), long, dfs, 100) == 0.0


def test_short_profiles_sharing_a_template_sentence_stay_apart(world):
    work, school = _template_pair(world)
    a, b = (bytes(FamilyMember.objects.get(pk=i.pk).signature) for i in (work, school))
    assert families.similarity(a, b) >= families.THRESHOLD  # alike enough for long texts
    # the template repeats twice in each (summary and body): their word sequences are alike too,
    # but the words they share weigh little beside the words each has alone
    look = families.SecondLook()
    assert look.order(look.terms(school.pk), work.pk) >= families.SAME_ORDER
    assert look.shared(look.words(school.pk), work.pk) < families.ORDER_WORDS
    assert _family_of(work) != _family_of(school)
    rebuild()
    assert _family_of(work) != _family_of(school)
    hits = selectors.search_innovations("disabilitas sulit mendapat", facets=False).hits
    assert {work.pk, school.pk} <= {h.innovation.pk for h in hits}  # each shown


def test_heads_without_one_innovation_equal_heads_over_the_catalog_without_it(world):
    """An innovation's page lists the families like it, without it: read from the families'
    index (its best few members), the same heads and counts as over the catalog less it."""
    from lumbung.catalog.selectors import reads_published_only

    original = _published(world.unit, "Sheltered Workshop Peduli")
    copies = _copies(world, 3, 120, 130, stage=Innovation.Stage.DEVELOPMENT)
    _draft_look_alike(world, 140)
    family = _family_of(original)
    for left_out in (original, copies[0]):
        for user in (None, world.officer, world.other_officer, world.admin):
            qs = selectors.visible_base(user).exclude(pk=left_out.pk)
            fast = families.heads(
                [family],
                qs,
                unfiltered=True,
                excluded=(left_out.pk,),
                published_only=reads_published_only(user),
            )
            assert fast == families.heads([family], qs), (left_out, user)
            assert fast[family].head != left_out.pk
    public = families.heads(
        [family],
        selectors.visible_base(None).exclude(pk=original.pk),
        unfiltered=True,
        excluded=(original.pk,),
        published_only=True,
    )
    assert public[family].members == 3  # the three published copies


def test_only_band_keys_held_by_two_rows_or_more_are_kept_for_grouping():
    rows = [(1, 10), (2, 10), (3, 11), (1, 12), (4, 12), (4, 13)]
    shared = [[1, 10], [2, 10], [1, 12], [4, 12]]
    assert families._shared(rows).tolist() == shared
    assert families._shared(np.array(rows, dtype=np.int64)).tolist() == shared
    assert families._shared([]).tolist() == []


def test_a_profile_is_compared_with_the_families_holding_the_most_of_its_band_keys(monkeypatch):
    seen = {1: {10, 20, 30}, 2: {20, 30}, 3: {30}, 4: {40, 41}, 5: {50}}
    merged = {41: 40}  # family 41 joined family 40 since key 4 saw it

    def find(f: int) -> int:
        return merged.get(f, f)

    monkeypatch.setattr(families, "CANDIDATE_FAMILIES", 3)
    # 30 holds three keys, 20 two; 10 and 40 one each: the older (10) first
    assert families._most_shared([1, 2, 3, 4], seen, find) == [30, 20, 10]
    assert seen[4] == {40}  # a key's merged families are kept as their root
    monkeypatch.setattr(families, "CANDIDATE_FAMILIES", 1)
    assert families._most_shared([1, 2, 3, 4], seen, find) == [30]
    assert families._most_shared([5, 9], seen, find) == [50]  # a key no one holds adds none
    assert families._most_shared([], seen, find) == []


STRANGER_TOPICS = """
jalan lampu sampah air sungai pasar sekolah guru murid nelayan petani sawah pupuk benih kapal
pelabuhan bus terminal taman pohon banjir longsor gempa api pemadam arsip surat izin pajak
retribusi tanah sertifikat nikah akta bayi imunisasi gizi posyandu lansia ternak sapi kambing
"""


def test_saving_a_copy_compares_it_with_a_bounded_number_of_families(world):
    """Families met by chance (one shared band key each) do not make a save compare the copy
    with each of them: only ``CANDIDATE_FAMILIES`` are read, the copy's own first."""
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    original = _published(world.unit, "Sheltered Workshop Peduli")
    copy = _copies(world, 1, 0, 100, name="Rumah Karya Mandiri {i}")[0]
    assert _family_of(copy) == original.pk
    keys = list(FamilyBand.objects.filter(innovation_id=copy.pk).values_list("key", flat=True))
    strangers = families.CANDIDATE_FAMILIES + 8
    # the strangers' topics, far from a sheltered workshop
    words = STRANGER_TOPICS.split()
    rng = random.Random(7)
    others = [
        _published(
            UnitFactory(agency=world.other_agency),
            f"Layanan Lain {i}",
            " ".join(rng.choices(words, k=30)),
            " ".join(rng.choices(words, k=30)),
        )
        for i in range(strangers)
    ]
    # each stranger holds one of the copy's keys, as common word pairs do in a large catalog
    FamilyBand.objects.bulk_create(
        FamilyBand(innovation_id=o.pk, key=keys[i % len(keys)]) for i, o in enumerate(others)
    )
    assert len({_family_of(o) for o in others} - {original.pk}) == strangers
    document = SearchDocument.objects.get(pk=copy.pk)
    terms = families.document_terms(document.summary, document.body)
    sig = families.signature(terms)
    with CaptureQueriesContext(conn) as ctx:
        found = families._near_families(
            copy.pk, sig, families.profile_band_keys(sig, terms), terms, families.SecondLook()
        )
    assert set(found) == {original.pk}
    table = FamilyMember._meta.db_table
    earliest = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and table in q["sql"] and "LIMIT" in q["sql"]
    ]
    # one statement per family compared, never one per stranger; the keys counted once
    assert len(earliest) == families.CANDIDATE_FAMILIES
    assert sum("COUNT(DISTINCT" in q["sql"] for q in ctx.captured_queries) == 1
    # the whole index rebuilt chooses the same way and finds the same family
    rebuild()
    assert _family_of(copy) == original.pk
