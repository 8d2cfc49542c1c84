"""Each family's number of published members (``FamilySize``) is kept by triggers on its members'
table: after every kind of write — indexing, publishing, a text that leaves its family, families
merging, a rebuild, a catalog record deleted with its rows taken by the cascade — the kept sizes
equal a count of the members, and the families' heads read them instead of counting."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from lumbung.catalog import hooks, services
from lumbung.catalog.models import Innovation
from lumbung.search import families
from lumbung.search.indexing import rebuild
from lumbung.search.models_family import FamilyMember, FamilySize
from tests.search.test_families import (
    PROBLEM,
    SOLUTION,
    _copies,
    _draft_look_alike,
    _family_of,
    _other_subject,
    _published,
)

pytestmark = pytest.mark.django_db


def _counted() -> dict[int, int]:
    """Every family's published members, counted from the members' table."""
    return dict(
        FamilyMember.objects.filter(published=True)
        .values("family_id")
        .annotate(n=Count("pk"))
        .values_list("family_id", "n")
    )


def _kept() -> dict[int, int]:
    return dict(FamilySize.objects.values_list("family_id", "published"))


def test_the_kept_sizes_follow_every_write_to_the_families(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    copies = _copies(world, 3, 0, 100)
    draft = _draft_look_alike(world, 7)
    family = _family_of(original)
    assert {_family_of(c) for c in copies} == {family} and _family_of(draft) == family
    # the draft is a member, not a published one
    assert _kept()[family] == 4
    assert _kept() == _counted()

    services.innovation_submit(actor=world.other_officer, innovation=draft)
    services.innovation_publish(actor=world.other_admin, innovation=draft, notify=False)
    assert _kept()[family] == 5
    assert _kept() == _counted()

    # a copy rewritten about something else leaves the family: one fewer, a family of its own
    leaver = copies[0]
    Innovation.objects.filter(pk=leaver.pk).update(
        problem="Antrean pendaftaran pasien puskesmas panjang dan lansia menunggu berjam-jam.",
        implementation="Pendaftaran daring dengan nomor antrean dan pemantauan waktu nyata.",
        summary="Pendaftaran daring puskesmas.",
    )
    hooks.innovation_changed(Innovation.objects.get(pk=leaver.pk))
    assert _family_of(leaver) != family
    assert _kept()[family] == 4 and _kept()[_family_of(leaver)] == 1
    assert _kept() == _counted()

    # a published copy deleted straight from the table (not through the catalog's hooks): the
    # cascade takes its member row, and the trigger its share of the size
    Innovation.objects.filter(pk=copies[1].pk).delete()
    assert _kept()[family] == 3
    assert _kept() == _counted()

    # taken out of its family through the index, then deleted (what the catalog's delete does)
    families.remove(copies[2].pk)
    Innovation.objects.filter(pk=copies[2].pk).delete()
    assert _kept()[family] == 2
    assert _kept() == _counted()

    rebuild()
    assert _kept() == _counted()
    assert _kept()[_family_of(original)] == 2


def test_families_merging_carry_their_sizes_and_the_merged_family_has_no_row_left(world):
    # two published records with different texts: two families
    original = _published(world.unit, "Sheltered Workshop Peduli")
    other = _other_subject(world.sibling_unit)
    assert _family_of(other) != _family_of(original)
    sizes = _kept()
    assert sizes[_family_of(original)] == 1 and sizes[_family_of(other)] == 1
    # the second record rewritten as a copy of the first: it joins, its old family is gone
    gone = _family_of(other)
    Innovation.objects.filter(pk=other.pk).update(
        problem=PROBLEM, implementation=SOLUTION, summary=PROBLEM[:120]
    )
    hooks.innovation_changed(Innovation.objects.get(pk=other.pk))
    assert _family_of(other) == _family_of(original)
    assert _kept()[_family_of(original)] == 2
    assert gone == _family_of(original) or gone not in _kept()
    assert _kept() == _counted()


def test_heads_read_the_kept_size_and_never_count_the_members(world):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    _copies(world, 3, 0, 100)
    family = _family_of(original)
    visible = Innovation.objects.filter(publication_state=Innovation.State.PUBLISHED)
    with CaptureQueriesContext(connection) as queries:
        found = families.heads([family], visible, unfiltered=True, published_only=True)
    assert found[family].members == 4
    counting = [
        q["sql"]
        for q in queries.captured_queries
        if "search_familymember" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]
    assert counting == []
    # one member left out (an innovation's page asks for the families like it, without it)
    without = families.heads(
        [family], visible.exclude(pk=original.pk), unfiltered=True, excluded=(original.pk,)
    )
    assert without[family].members == 3


def _ranked_lookalikes(family: int) -> set[int]:
    return set(
        FamilyMember.objects.filter(family_id=family, ranked=True, lookalike=True).values_list(
            "pk", flat=True
        )
    )


@pytest.mark.parametrize("copies", [2, families.SMALL_FAMILY + 3])
def test_settling_a_family_marks_the_head_heads_choose_in_as_many_statements_whatever_its_size(
    world, copies
):
    original = _published(world.unit, "Sheltered Workshop Peduli")
    members = _copies(world, copies, 0, 100)
    family = _family_of(original)
    assert {_family_of(c) for c in members} == {family}
    visible = Innovation.objects.filter(publication_state=Innovation.State.PUBLISHED)

    def head() -> int:
        return families.heads([family], visible, unfiltered=True, published_only=True)[family].head

    assert head() == original.pk  # the earliest record, its bonus
    assert _ranked_lookalikes(family) == set()  # the look-alikes are not ranked
    # a look-alike becomes the member most worth copying: settling makes it the ranked head
    best = members[-1]
    FamilyMember.objects.filter(pk=best.pk).update(prior=5.0, worth=5.0)
    with CaptureQueriesContext(connection) as queries:
        families.settle([family])
    assert head() == best.pk
    assert _ranked_lookalikes(family) == {best.pk}
    # the same statements for a family of 3 or of 12 (the head is read, not searched for)
    assert len(queries.captured_queries) == 4
    FamilyMember.objects.filter(pk=best.pk).update(prior=0.0, worth=0.0)
    families.settle([family])
    assert head() == original.pk and _ranked_lookalikes(family) == set()
