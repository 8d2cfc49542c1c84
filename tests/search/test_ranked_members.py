"""What search ranks of a family: its public head and its members with a text of their own.

Ranking every look-alike of an original costs a national catalog its speed (their words are
the original's); a family is found by its head, or by a member whose text is its own (a replica
that changed what it copied). These tests hold the marks to every way a catalog changes —
services, the admin, a rebuild — and the searches that use them to what a reader may see.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory, override_settings

from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Innovation
from lumbung.core.actors import SYSTEM
from lumbung.search import families, selectors
from lumbung.search.models_family import FamilyMember
from lumbung.search.selectors import CatalogFilters
from tests.factories import InnovationFactory
from tests.search.test_families import _copies, _published

pytestmark = pytest.mark.django_db

ADAPTED = (
    "Sentra mengubah bengkel kerja menjadi dapur produksi jamu bagi penyintas tuberkulosis: "
    "pelatihan meracik, pemeriksaan dahak berkala dan penjualan lewat koperasi desa."
)


def _marks() -> dict[int, tuple[int, bool, bool]]:
    """{innovation: (family, ranked, look-alike)}."""
    return {
        pk: (family, ranked, lookalike)
        for pk, family, ranked, lookalike in FamilyMember.objects.values_list(
            "innovation_id", "family_id", "ranked", "lookalike"
        )
    }


def _family(world):
    """An original, three look-alikes of it and a replica by lineage that changed its text."""
    original = _published(world.unit, "Sheltered Workshop Peduli")
    copies = _copies(world, 3, 10, 20)
    replica = _published(
        world.sibling_unit,
        "Dapur Jamu Penyintas",
        "Penyintas tuberkulosis kehilangan pekerjaan dan dijauhi tetangga setelah sembuh.",
        ADAPTED,
        source=original,
        replication_form="modification",
        generation=1,
    )
    return original, copies, replica


def test_a_family_ranks_its_head_and_its_members_with_a_text_of_their_own(world):
    original, copies, replica = _family(world)
    marks = _marks()
    family = marks[original.pk][0]
    assert {marks[c.pk][0] for c in [*copies, replica]} == {family}
    assert marks[original.pk][1:] == (True, False)  # head, its own text
    assert all(marks[c.pk][1:] == (False, True) for c in copies)  # look-alikes: not ranked
    assert marks[replica.pk][1:] == (True, False)  # joined by lineage, its own words


def test_an_adapted_replica_is_found_by_its_own_words_under_its_family(world):
    original, _, replica = _family(world)
    results = selectors.search_innovations("jamu penyintas tuberkulosis")
    assert [h.innovation.pk for h in results.hits] == [replica.pk]
    assert results.hits[0].family is not None and results.hits[0].family.members == 5
    # the original's own words find the family under the original, once
    hits = selectors.search_innovations("wadah kerja terlindung").hits
    assert [h.innovation.pk for h in hits] == [original.pk]
    # matching finds the family by the replica's words; its head holds some of them too
    match = selectors.match_innovations("penyintas tuberkulosis butuh pekerjaan")
    assert [h.innovation.pk for h in match.hits] == [original.pk]
    assert match.hits[0].family is not None and match.hits[0].family.replicas == 1


def test_the_head_moves_when_the_original_is_withdrawn_and_its_draft_never_shows(world):
    original, copies, replica = _family(world)
    catalog_services.innovation_return(actor=SYSTEM, innovation=original, reason="Diperbaiki.")
    marks = _marks()
    assert marks[original.pk][1] is False  # no longer public: not ranked
    heads = families.heads([marks[original.pk][0]], selectors.visible_base(None), unfiltered=True)
    head = next(iter(heads.values())).head
    assert head in {c.pk for c in copies} | {replica.pk} and marks[head][1] is True
    results = selectors.search_innovations("wadah kerja terlindung")
    shown = [h.innovation.pk for h in results.hits]
    assert original.pk not in shown and shown == [head]
    assert results.hits[0].family is not None and results.hits[0].family.members == 4
    body = Client().get("/api/v1/search/", {"q": "wadah kerja terlindung"}).json()
    assert [h["id"] for h in body["hits"]] == [head] and body["total"] == 1
    # published again: the original heads its family again
    catalog_services.innovation_publish(actor=SYSTEM, innovation=original, notify=False)
    assert _marks()[original.pk][1] is True and _marks()[head][1] is (head == replica.pk)


def test_deleting_the_head_in_the_admin_hands_the_family_to_the_next(world):
    original, copies, replica = _family(world)
    request = RequestFactory().post("/admin/")
    request.user = world.platform_admin
    model_admin = admin.site._registry[Innovation]
    original.replicas.update(source=None)  # the admin deletes what the services keep
    replica.refresh_from_db()
    model_admin.delete_model(request, original)
    marks = _marks()
    assert original.pk not in marks
    members = {c.pk for c in copies} | {replica.pk}
    ranked = {pk for pk in members if marks[pk][1]}
    assert ranked  # (the family may split without its original: each part has its head)
    hits = selectors.search_innovations("wadah kerja terlindung").hits
    assert [h.innovation.pk for h in hits] and hits[0].innovation.pk in ranked


def test_publishing_in_the_admin_makes_an_innovation_found(world):
    draft = InnovationFactory(
        unit=world.unit,
        name="Kebun Terapi Sentra",
        summary="Kebun terapi hortikultura.",
        problem="Penerima manfaat jenuh di asrama tanpa kegiatan di luar ruangan.",
        implementation="Sentra membuka kebun sayur organik yang dirawat penerima manfaat.",
    )
    assert not selectors.search_innovations("hortikultura").hits
    draft.publication_state = Innovation.State.PUBLISHED
    draft.save()
    request = RequestFactory().post("/admin/")
    request.user = world.platform_admin
    model_admin = admin.site._registry[Innovation]
    form = SimpleNamespace(instance=draft, save_m2m=lambda: None)
    model_admin.save_related(request, form, [], change=True)
    assert _marks()[draft.pk][1] is True
    assert [h.innovation.pk for h in selectors.search_innovations("hortikultura").hits] == [
        draft.pk
    ]


def test_a_rebuild_marks_what_saves_mark(world):
    _family(world)
    _copies(world, 2, 400, 410, name="Griya Karya {i}")
    saved = _marks()
    families.rebuild()
    assert _marks() == saved


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the rowid table is SQLite's")
def test_sqlite_keeps_the_ranked_ids_table_in_step_with_every_change(world):
    """The ids a SQLite search filters its matches by (``search_rankedid``, kept by triggers)
    are the ranked members after every kind of change."""

    def in_step() -> set[int]:
        ranked = set(FamilyMember.objects.filter(ranked=True).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("SELECT innovation_id FROM search_rankedid")
            assert {row[0] for row in cursor.fetchall()} == ranked
        return ranked

    original, copies, replica = _family(world)
    assert original.pk in in_step() and copies[0].pk not in in_step()
    catalog_services.innovation_return(actor=SYSTEM, innovation=original, reason="Diperbaiki.")
    assert original.pk not in in_step()
    catalog_services.innovation_publish(actor=SYSTEM, innovation=original, notify=False)
    assert original.pk in in_step()
    families.rebuild()
    assert original.pk in in_step()
    FamilyMember.objects.filter(pk=copies[0].pk).update(ranked=True)  # a raw update too
    assert copies[0].pk in in_step()
    replica.delete()
    assert replica.pk not in in_step()
    FamilyMember.objects.all().delete()
    assert in_step() == set()


def test_who_reads_published_innovations_only_is_told_by_the_policy_without_a_query(
    world, django_assert_num_queries, monkeypatch
):
    from lumbung.catalog.selectors import reads_published_only

    with django_assert_num_queries(0):
        assert reads_published_only(None)
    for reader in (world.nobody, world.judge):  # signed in, no role that reads drafts
        assert reads_published_only(reader)
    for reader in (world.officer, world.admin, world.viewer, world.platform_admin):
        assert not reads_published_only(reader)  # they read some unit's drafts
    public = selectors.visible_base(None)
    with django_assert_num_queries(0):
        assert selectors.ranked_first(public, unfiltered=True, published_only=True)
    # and a search by the public takes the ranked path without asking the database first
    calls = []
    real = selectors.ranked_first
    monkeypatch.setattr(
        selectors, "ranked_first", lambda qs, **kw: calls.append(kw) or real(qs, **kw)
    )
    selectors.search_innovations("disabilitas", facets=False)
    selectors.search_innovations("disabilitas", user=world.officer, facets=False)
    selectors.match_innovations("disabilitas sulit bekerja")
    assert [c["published_only"] for c in calls] == [True, False, True]


def test_only_the_public_without_filters_searches_ranked_members(world):
    _family(world)
    public = selectors.visible_base(None)
    assert selectors.ranked_first(public, unfiltered=True)
    assert not selectors.ranked_first(public, unfiltered=False)  # a filter may drop the head
    # the agency's admin sees its drafts: any of them may head a family for that reader
    assert not selectors.ranked_first(selectors.visible_base(world.admin), unfiltered=True)
    with override_settings(SEARCH_FAMILIES=False):
        assert not selectors.ranked_first(public, unfiltered=True)


def test_a_filtered_search_still_finds_a_look_alike_whose_head_is_filtered_out(world):
    original, copies, _replica = _family(world)
    filters = CatalogFilters(agency=world.other_agency.slug)
    results = selectors.search_innovations("wadah kerja terlindung", filters)
    shown = [h.innovation.pk for h in results.hits]
    assert original.pk not in shown and shown and set(shown) <= {c.pk for c in copies}


def test_ranked_and_full_searches_agree_for_the_public(world, monkeypatch):
    original, _, replica = _family(world)
    other = _published(
        world.other_unit,
        "Kerja Terlindung Kota",
        "Pekerja disabilitas kota sulit mendapat kerja terlindung.",
        "Bengkel kerja kota melatih menjahit.",
    )
    queries = ["wadah kerja terlindung", "menjahit disabilitas", "penyintas tuberkulosis"]
    ranked = {q: [h.innovation.pk for h in selectors.search_innovations(q).hits] for q in queries}
    monkeypatch.setattr(selectors, "ranked_first", lambda qs, **kw: False)
    full = {q: [h.innovation.pk for h in selectors.search_innovations(q).hits] for q in queries}
    assert ranked == full
    assert {original.pk, other.pk} <= set(ranked["wadah kerja terlindung"])
    assert replica.pk in ranked["penyintas tuberkulosis"]


def test_a_look_alike_is_found_by_its_own_name(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    (copy,) = _copies(world, 1, 10, 20, name="Griya Mandiri Karangasem {i}")
    assert _marks()[copy.pk][1:] == (False, True)  # a look-alike: its text is not ranked
    hits = selectors.search_innovations("griya mandiri karangasem").hits
    assert [h.innovation.pk for h in hits] == [copy.pk]
    assert hits[0].family is not None and hits[0].family.members == 2
    assert original.pk not in [h.innovation.pk for h in hits]


def test_an_innovation_indexed_before_families_is_found_after_the_upgrade(world):
    import importlib

    from django.apps import apps

    upgrade = importlib.import_module("lumbung.search.migrations.0006_family_ranked")
    kept = _published(world.unit, "Kebun Terapi Sentra", "Penerima manfaat jenuh.", "Kebun.")
    FamilyMember.objects.filter(pk__in=[kept.pk, world.draft.pk]).delete()  # never placed
    assert not selectors.search_innovations("penerima manfaat jenuh").hits
    upgrade.place_the_unplaced(apps, None)
    marks = _marks()
    assert marks[kept.pk] == (kept.pk, True, False)  # its own family, ranked
    assert marks[world.draft.pk] == (world.draft.pk, False, False)  # a draft: not ranked
    hits = selectors.search_innovations("penerima manfaat jenuh").hits
    assert [h.innovation.pk for h in hits] == [kept.pk]


def test_the_ranked_members_matching_are_counted_from_the_index_alone(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lumbung.search.backends import get_backend

    _original, copies, _replica = _family(world)
    draft = InnovationFactory(
        unit=world.other_unit, name="Draf Bengkel Kerja", summary="Bengkel kerja disabilitas."
    )
    backend = get_backend()
    plan = selectors.prepare_query("bengkel kerja disabilitas").plan
    expression = backend.expression([c.alternatives for c in plan.concepts])
    members = selectors.visible_base(None).filter(family_member__ranked=True)
    expected = backend.count(members, expression)
    assert expected >= 1  # the original (its look-alikes are not ranked, the draft is not public)
    with CaptureQueriesContext(connection) as ctx:
        assert backend.count_ranked(connection.alias, expression, 1000) == expected
        assert backend.count_ranked(connection.alias, expression, 1) == 1  # the cap
    assert not any("catalog_innovation" in q["sql"] for q in ctx.captured_queries)
    ranked = set(FamilyMember.objects.filter(ranked=True).values_list("pk", flat=True))
    assert draft.pk not in ranked and not {c.pk for c in copies} & ranked  # why no join is needed
    unpublished = Innovation.objects.filter(pk__in=ranked).exclude(publication_state="published")
    assert not unpublished.exists()
