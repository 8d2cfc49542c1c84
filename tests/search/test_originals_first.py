"""A replica never ranks above its own original: replicas copy the original's text, often word
for word, and the proven original is what a reader looking for something worth copying wants
first; its result says how many replicas it has."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from lumbung.catalog.models import Innovation
from lumbung.search import selectors
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db

TEXT = "Sheltered workshop bagi penyandang disabilitas intelektual: pelatihan kerja dan upah."
# (not the factory's texts, which every other innovation of the test world shares)
PROBLEM = "Lulusan panti sulit bersaing di pasar kerja dan bergantung pada keluarga."
WAY = "Bengkel kerja komunitas dengan mitra perusahaan, pendampingan harian dan upah borongan."


def _family(world):
    original = InnovationFactory(
        unit=world.unit,
        name="Sheltered Workshop Peduli",
        summary=TEXT,
        problem=PROBLEM,
        implementation=WAY,
        publication_state="published",
    )
    copies = []
    for i, unit in enumerate((world.sibling_unit, world.other_unit)):
        copy = InnovationFactory(
            unit=unit,
            name=f"Sheltered Workshop Disabilitas Intelektual {i}",
            # the copy repeats the words the reader types, more than the original does
            summary=f"{TEXT} Sheltered workshop penyandang disabilitas intelektual. {TEXT}",
            problem=PROBLEM,
            implementation=WAY,
            publication_state="published",
        )
        Innovation.objects.filter(pk=copy.pk).update(source=original, generation=1)
        copies.append(copy)
    return original, copies


@override_settings(SEARCH_FAMILIES=False)
def test_the_original_comes_before_its_replicas_and_says_how_many(world):
    original, copies = _family(world)
    results = selectors.search_innovations("sheltered workshop disabilitas intelektual")
    order = [hit.innovation.pk for hit in results.hits]
    assert order.index(original.pk) < min(order.index(c.pk) for c in copies)
    first = next(hit for hit in results.hits if hit.innovation.pk == original.pk)
    assert first.replica_count == 2
    assert all(hit.replica_count == 0 for hit in results.hits if hit.innovation.pk != original.pk)
    page = Client().get("/cari/", {"q": "sheltered workshop disabilitas intelektual"})
    assert "and 2 replicas in other units" in page.text


def test_with_families_the_original_stands_for_its_replicas(world):
    original, _copies = _family(world)
    results = selectors.search_innovations("sheltered workshop disabilitas intelektual")
    assert [hit.innovation.pk for hit in results.hits] == [original.pk]
    family = results.hits[0].family
    assert (family.members, family.replicas, family.similar) == (3, 2, 0)
    assert (results.total, results.matches) == (1, 3)
    page = Client().get("/cari/", {"q": "sheltered workshop disabilitas intelektual"})
    assert "and 2 replicas in other units" in page.text


def test_matching_puts_the_original_first_too(world):
    original, copies = _family(world)
    results = selectors.match_innovations("pelatihan kerja penyandang disabilitas intelektual")
    order = [hit.innovation.pk for hit in results.hits]
    assert original.pk in order
    assert not {c.pk for c in copies} & set(order)  # they are its family, folded under it
    hit = results.hits[order.index(original.pk)]
    assert hit.family is not None and hit.family.members == 3


def test_everything_else_keeps_its_order_and_a_broken_lineage_is_safe(world):
    a, b, c, d = (InnovationFactory(unit=world.unit, name=f"Inovasi {n}") for n in "abcd")
    Innovation.objects.filter(pk=c.pk).update(source=a)  # c is a's replica
    Innovation.objects.filter(pk=a.pk).update(source=c)  # and, broken, a is c's
    ordered = [(b.pk, 4.0, None), (c.pk, 3.0, None), (d.pk, 2.0, None), (a.pk, 1.0, None)]
    result = [pk for pk, _s, _d in selectors.originals_first(ordered)]
    assert sorted(result) == sorted(pk for pk, _s, _d in ordered)  # nobody lost or doubled
    assert result[0] == b.pk and result[-1] == d.pk
    Innovation.objects.filter(pk=a.pk).update(source=None)
    result = [pk for pk, _s, _d in selectors.originals_first(ordered)]
    assert result == [b.pk, a.pk, c.pk, d.pk]


def test_the_result_page_costs_one_query_more_whatever_its_size(
    world, django_assert_max_num_queries
):
    _family(world)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.search_innovations("sheltered workshop", page_size=size, facets=False)
        return len(ctx.captured_queries)

    count(20)  # warm the index statistics' cache
    assert count(1) == count(20)
