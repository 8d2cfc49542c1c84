"""The portfolio summary (:class:`.models.PortfolioCount`), kept in step with the catalog.

``catalog.hooks`` tells us an innovation changed (created, edited, published, its status or an
award changed) or is about to be deleted: its agency's rows are computed again from that
agency's innovations — a few indexed ``GROUP BY`` over one agency — inside the same transaction.
An import defers this to the end of its bulk block, once per agency it touched.
``lumbung insights_summary`` (and the demo loader) rebuilds every agency, after writes that went
around the services (bulk inserts, ``QuerySet.update``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, Substr

from lumbung.catalog import hooks
from lumbung.catalog.models import Award, Innovation

from .models import PortfolioCount

PUBLISHED = Innovation.State.PUBLISHED

#: dimension → the innovation's field (or annotation) it counts
FIELDS = {
    "status": "status",
    "stage": "stage",
    "sector": "sector_id",
    "year": "start_year",
    "province": "province",
}
AWARD_YEAR = "award_year"
DIMENSIONS = (*FIELDS, AWARD_YEAR)


def with_province(qs: QuerySet[Innovation]) -> QuerySet[Innovation]:
    """The province code ("33") of the unit's region, else of the agency's."""
    return qs.annotate(province=Substr(Coalesce("unit__region_id", "agency__region_id"), 1, 2))


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def counts(qs: QuerySet[Innovation], dimension: str) -> dict[str, int]:
    """Key → innovations of ``qs`` (live, for what the summary does not hold)."""
    rows: Any
    if dimension == AWARD_YEAR:
        rows = (
            Award.objects.filter(innovation__in=qs.values("pk"), year__isnull=False)
            .order_by()
            .values_list("year")
            .annotate(n=Count("pk"))
        )
    else:
        field = FIELDS[dimension]
        source = with_province(qs) if dimension == "province" else qs
        rows = source.order_by().values_list(field).annotate(n=Count("pk"))
    out: dict[str, int] = {}
    for value, n in rows:
        out[_key(value)] = out.get(_key(value), 0) + n
    return out


def _rows(
    agency_ids: Iterable[int],
    exclude: int | None = None,
    *,
    models: tuple[Any, Any, Any] = (Innovation, Award, PortfolioCount),
) -> list[PortfolioCount]:
    """The rows of the agencies; ``models`` (innovation, award, count) are a migration's
    historical models when it fills the summary of an existing catalog."""
    innovation_model, award_model, count_model = models
    base = innovation_model.objects.filter(agency_id__in=list(agency_ids))
    if exclude is not None:
        base = base.exclude(pk=exclude)
    out: list[PortfolioCount] = []
    for dimension in DIMENSIONS:
        if dimension == AWARD_YEAR:
            grouped = (
                award_model.objects.filter(innovation__in=base.values("pk"), year__isnull=False)
                .order_by()
                .values_list("innovation__agency_id", "innovation__publication_state", "year")
                .annotate(n=Count("pk"))
            )
        else:
            source = with_province(base) if dimension == "province" else base
            grouped = (
                source.order_by()
                .values_list("agency_id", "publication_state", FIELDS[dimension])
                .annotate(n=Count("pk"))
            )
        merged: dict[tuple[int, bool, str], int] = {}
        for agency_id, state, value, n in grouped:
            key = (agency_id, state == PUBLISHED, _key(value))
            merged[key] = merged.get(key, 0) + n
        out.extend(
            count_model(agency_id=a, published=p, dimension=dimension, key=k, count=n)
            for (a, p, k), n in merged.items()
        )
    return out


def refresh(agency_ids: Iterable[int], *, exclude: int | None = None) -> None:
    """Compute the agencies' rows again (``exclude``: an innovation about to be deleted)."""
    ids = sorted(set(agency_ids))
    if not ids:
        return
    PortfolioCount.objects.filter(agency_id__in=ids).delete()
    PortfolioCount.objects.bulk_create(_rows(ids, exclude), batch_size=2000)


def rebuild(models: tuple[Any, Any, Any] = (Innovation, Award, PortfolioCount)) -> int:
    """Every agency's rows, from scratch; how many rows were written."""
    innovation_model, _award, count_model = models
    count_model.objects.all().delete()
    agencies = innovation_model.objects.order_by().values_list("agency_id", flat=True).distinct()
    rows = _rows(list(agencies), models=models)
    count_model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- the catalog's hooks --------------------------------------------------------------------
_pending = hooks.BulkQueue()  # agency ids


def innovation_changed(innovation: Innovation) -> None:
    if hooks.in_bulk():
        _pending.add(innovation.agency_id)
        return
    refresh([innovation.agency_id])


def innovation_deleted(innovation: Innovation) -> None:
    if hooks.in_bulk():  # deleted before the block ends: its agency is counted then
        _pending.add(innovation.agency_id)
        return
    refresh([innovation.agency_id], exclude=innovation.pk)


def flush_pending(completed: bool) -> None:
    ids = _pending.take()
    if completed:
        refresh(ids)


def load_demo() -> None:
    """The demo loaders write a few facts around the services (``QuerySet.update``): count the
    demo catalog once they are done (the last of ``LUMBUNG_DEMO_LOADERS``)."""
    rebuild()
