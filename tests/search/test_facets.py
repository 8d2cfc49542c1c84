"""Facet counts of a search: the same numbers as counting every match the reader may see, read
in one statement whatever the number of matches."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from lumbung.catalog.models import Award, Innovation
from lumbung.catalog.selectors import CatalogFilters
from lumbung.search import selectors
from lumbung.search.backends import get_backend
from tests.factories import AgencyFactory, InnovationFactory, UnitFactory

STAGES = ["creation", "development", "institutionalisation"]
SECTORS = ["health", "social", "education"]
#: matches per agency: the tenth and eleventh agencies tie (2), so the name decides
COUNTS = [1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]


def _catalog(world, agencies: int = 12) -> list[Innovation]:
    """Agency i holds ``COUNTS[i]`` published innovations about "posyandu keliling" (names in
    the reverse order of the ids, so a tie decided by id would be caught), with mixed facet
    values and awards; the officer's unit holds a matching draft."""
    made = []
    for i in range(agencies):
        agency = AgencyFactory(name=f"Kabupaten Uji {chr(90 - i)}", slug=f"kab-uji-{i}")
        unit = UnitFactory(agency=agency, name=f"Puskesmas Uji {i}")
        for j in range(COUNTS[i]):
            innovation = InnovationFactory(
                unit=unit,
                name=f"Posyandu Keliling {i}-{j}",
                summary="Posyandu keliling menjemput balita dan ibu hamil di dusun.",
                sector=SECTORS[(i + j) % 3],
                stage=STAGES[j % 3],
                publication_state="published",
            )
            if j % 4 == 3:  # the status changes through its own record, not the profile
                Innovation.objects.filter(pk=innovation.pk).update(status="stopped")
            made.append(innovation)
    # one innovation with two awards of one level (counted once) and one of another level
    Award.objects.create(innovation=made[0], level="top_99", year=2019)
    Award.objects.create(innovation=made[0], level="top_99", year=2020)
    Award.objects.create(innovation=made[1], level="top_99", year=2021)
    Award.objects.create(innovation=made[1], level="top_45", year=2022)
    InnovationFactory(
        unit=world.unit,
        name="Posyandu Keliling Draf",
        summary="Posyandu keliling menjemput balita di dusun.",
        sector="health",
    )
    return made


def _expected(innovations: list[Innovation]) -> dict[str, dict[str, int]]:
    ids = [i.pk for i in innovations]
    rows = list(
        Innovation.objects.filter(pk__in=ids).values(
            "sector_id", "stage", "status", "agency__slug", "agency__name"
        )
    )
    by_agency = Counter((r["agency__slug"], r["agency__name"]) for r in rows)
    top = sorted(by_agency.items(), key=lambda kv: (-kv[1], kv[0][1]))[:10]
    awards: dict[str, set[int]] = {}
    for innovation_id, level in Award.objects.filter(innovation__in=ids).values_list(
        "innovation_id", "level"
    ):
        awards.setdefault(level, set()).add(innovation_id)
    return {
        "sector": dict(Counter(r["sector_id"] for r in rows)),
        "stage": dict(Counter(r["stage"] for r in rows)),
        "status": dict(Counter(r["status"] for r in rows)),
        "award": {level: len(found) for level, found in awards.items()},
        "agency": {slug: n for (slug, _name), n in top},
    }


def _counts(facets) -> dict[str, dict[str, int]]:
    return {name: {v.value: v.count for v in values} for name, values in facets.items()}


def test_facets_equal_the_counts_of_every_match_the_reader_may_see(world):
    made = _catalog(world)
    draft = Innovation.objects.get(name="Posyandu Keliling Draf")
    public = selectors.search_innovations("posyandu keliling", None, AnonymousUser())
    assert _counts(public.facets) == _expected(made)
    # agencies: most matches first, a tie by name, ten at most
    agencies = public.facets["agency"]
    assert len(agencies) == 10
    assert [v.label for v in agencies][-1] == "Kabupaten Uji X"  # not "… Y", which ties
    assert [(v.count, v.label) for v in agencies] == sorted(
        ((v.count, v.label) for v in agencies), key=lambda cv: (-cv[0], cv[1])
    )
    # the officer's own draft counts for the officer, not for the public or another unit
    own = selectors.search_innovations("posyandu keliling", None, world.officer)
    assert _counts(own.facets)["stage"] == _expected([*made, draft])["stage"]
    other = selectors.search_innovations("posyandu keliling", None, world.other_officer)
    assert _counts(other.facets)["stage"] == _expected(made)["stage"]
    # the empty query counts over the filtered catalog
    health = selectors.search_innovations("", CatalogFilters(sector="health"), AnonymousUser())
    in_health = [i for i in made if i.sector_id == "health"]
    assert _counts(health.facets)["stage"] == _expected(in_health)["stage"]
    assert [v.value for v in health.facets["sector"] if v.selected] == ["health"]


def test_facets_cost_the_same_number_of_statements_for_few_or_many_matches(world):
    _catalog(world, agencies=3)

    def statements(query: str) -> int:
        filtered = selectors.visible_base(AnonymousUser(), CatalogFilters())
        matched = selectors.get_backend().filter_matching(
            filtered, selectors.get_backend().expression([[a] for a in _alternatives(query)])
        )
        with CaptureQueriesContext(connection) as captured:
            facets = selectors.compute_facets(matched, CatalogFilters())
        assert sum(v.count for v in facets["stage"]) == matched.count()
        # statements reading data (not the planner setting around them, see ``through_index``)
        reads = [q for q in captured.captured_queries if q["sql"].startswith(("SELECT", "WITH"))]
        return len(reads)

    few = statements("posyandu")
    _catalog_more()
    assert statements("posyandu") == few <= 2


def _alternatives(query: str):
    plan = selectors.prepare_query(query).plan
    return [alt for concept in plan.concepts for alt in concept.alternatives]


def _catalog_more() -> None:
    agency = AgencyFactory(name="Kota Uji Banyak", slug="kota-uji-banyak")
    unit = UnitFactory(agency=agency, name="Dinas Uji Banyak")
    for j in range(30):
        InnovationFactory(
            unit=unit,
            name=f"Posyandu Banyak {j}",
            summary="Posyandu di setiap dusun.",
            sector=SECTORS[j % 3],
            publication_state="published",
        )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_facets_read_the_matches_through_the_index_and_leave_the_planner_as_it_was(world):
    _catalog(world, agencies=3)
    seen: dict[str, str] = {}

    def wrapper(execute, sql, params, many, context):
        if sql.startswith("WITH m "):
            raw = context["cursor"].cursor
            raw.execute("SHOW enable_seqscan")
            seen["setting"] = raw.fetchone()[0]
            raw.execute("EXPLAIN " + sql, params)
            seen["plan"] = "\n".join(row[0] for row in raw.fetchall())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        found = selectors.search_innovations("posyandu keliling", None, AnonymousUser())
    assert sum(v.count for v in found.facets["stage"]) > 0
    # the setting is what keeps a large catalog's plan off the sequential scan (on these few
    # rows the default plan does not scan the documents either: the plan check alone is weak)
    assert seen["setting"] == "off"
    assert "search_searchmatch" in seen["plan"]
    assert "Seq Scan on search_searchmatch" not in seen["plan"]
    # every facet counted in one pass over the matches (grouping sets), not a scan per facet
    assert seen["plan"].count("CTE Scan on m ") == 2  # the counts and the awards' join

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            return str(cursor.fetchone()[0])

    assert setting() == "on"
    # a failing statement: the rollback undoes the setting, and the error reaches the caller
    with (
        pytest.raises(DatabaseError),
        get_backend().through_index(connection.alias),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT 1 / 0")
    assert setting() == "on"
    with transaction.atomic():
        assert setting() == "on"
