"""Lists cost the same number of queries whatever their length: the organiser's page, the
judge's workspace and the API's entry list."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lumbung.catalog.models import Innovation
from lumbung.competitions.services import judging

from ..events.conftest import JsonClient
from ..factories import InnovationFactory, UnitFactory
from .conftest import submitted_entry


def _more_entries(cw, n: int) -> None:
    for i in range(n):
        innovation = InnovationFactory(
            unit=UnitFactory(agency=cw.other_agency, name=f"Unit Tambahan {i}"),
            name=f"Inovasi Tambahan {i}",
        )
        Innovation.objects.filter(pk=innovation.pk).update(start_date=cw.published.start_date)
        innovation.refresh_from_db()
        submitted_entry(cw, innovation)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_pages_and_lists_do_not_grow_with_the_number_of_entries(client, cw):
    submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    manage = reverse("competitions:manage", args=[cw.round.slug])
    api = JsonClient(cw.panrb_admin)

    def counts() -> tuple[int, int, int]:
        client.force_login(cw.panrb_admin)
        organiser = _count(lambda: client.get(manage))
        client.force_login(cw.judge_a)
        judge = _count(lambda: client.get(reverse("competitions:workspace")))
        entries = _count(lambda: api.get(f"/competitions/rounds/{cw.round.slug}/entries"))
        return organiser, judge, entries

    few = counts()
    _more_entries(cw, 4)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    assert counts() == few
