"""Lumbung's open data: the public catalog, its lineage and aggregate outcomes, as CSV and JSON
described by a Frictionless Data Package (``datapackage.json`` with a field dictionary).

Only published innovations appear — the same rows the public reads on the pages; rows are
streamed from the database (``iterator``), never built whole in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.outcomes.models import Measurement

from .opendata import Field, ForeignKey, Table, descriptor

PUBLISHED = Innovation.State.PUBLISHED

INNOVATIONS = Table(
    name="innovations",
    title="Inovasi pelayanan publik",
    description="Published public-service innovations in Lumbung, one row each.",
    fields=(
        Field("id", "integer", "ID", "Lumbung's number of the innovation.", required=True),
        Field("slug", "string", "Alamat", "The name in the innovation's address.", required=True),
        Field("name", "string", "Nama", "The innovation's name.", required=True),
        Field("agency", "string", "Instansi", "The agency it belongs to."),
        Field("unit", "string", "Unit", "The unit that runs it."),
        Field("region_code", "string", "Kode wilayah", "Kemendagri code of the unit's region."),
        Field("sector", "string", "Sektor", "Sector code."),
        Field(
            "stage",
            "string",
            "Tahap",
            "Management stage.",
            enum=tuple(Innovation.Stage.values),
        ),
        Field(
            "status",
            "string",
            "Status",
            "Continuing or stopped.",
            enum=tuple(Innovation.Status.values),
        ),
        Field("start_year", "integer", "Tahun mulai", "The year it started."),
        Field("source_id", "integer", "Mereplikasi", "The innovation it replicated (id)."),
        Field(
            "replication_form",
            "string",
            "Bentuk replikasi",
            "adoption, adaptation or modification.",
        ),
        Field("generation", "integer", "Generasi", "0 for an original, 1 for its replicas, …"),
    ),
    primary_key=("id",),
    foreign_keys=(ForeignKey(("source_id",), "innovations", ("id",)),),
)

LINEAGE = Table(
    name="lineage",
    title="Silsilah replikasi",
    description="Who replicated whom: one row per published replica and its original.",
    fields=(
        Field("replica_id", "integer", "Replika", "The replica (innovation id).", required=True),
        Field("original_id", "integer", "Asal", "The innovation it replicated.", required=True),
        Field("form", "string", "Bentuk", "adoption, adaptation or modification."),
        Field("generation", "integer", "Generasi", "The replica's generation."),
        Field("same_agency", "boolean", "Instansi sama", "Whether both belong to one agency."),
    ),
    primary_key=("replica_id",),
    foreign_keys=(
        ForeignKey(("replica_id",), "innovations", ("id",)),
        ForeignKey(("original_id",), "innovations", ("id",)),
    ),
)

OUTCOMES = Table(
    name="outcomes",
    title="Capaian (agregat)",
    description=(
        "Per published innovation and outcome indicator: how many figures, the first and last "
        "dates measured, and the indicator's definition."
    ),
    fields=(
        Field(
            "innovation_id", "integer", "Inovasi", "The innovation that measured.", required=True
        ),
        Field("indicator", "string", "Indikator", "The indicator's name.", required=True),
        Field("unit_of_measure", "string", "Satuan", "Unit of measure."),
        Field("better", "string", "Lebih baik bila", "higher or lower", enum=("higher", "lower")),
        Field("per", "integer", "Per", "Normalised per this many of per_what (empty: as is)."),
        Field("per_what", "string", "Dinormalisasi dengan", "What the indicator is normalised by."),
        Field("figures", "integer", "Jumlah data", "Figures recorded.", required=True),
        Field("first_period", "date", "Pertama", "The first date measured."),
        Field("last_period", "date", "Terakhir", "The last date measured."),
    ),
    primary_key=("innovation_id", "indicator"),
    foreign_keys=(ForeignKey(("innovation_id",), "innovations", ("id",)),),
)

TABLES = {t.name: t for t in (INNOVATIONS, LINEAGE, OUTCOMES)}


def _published() -> QuerySet[Innovation]:
    return Innovation.objects.filter(publication_state=PUBLISHED)


def innovation_rows() -> Iterator[Sequence[Any]]:
    qs = (
        _published()
        .order_by("pk")
        .values_list(
            "pk",
            "slug",
            "name",
            "agency__name",
            "unit__name",
            "unit__region_id",
            "sector_id",
            "stage",
            "status",
            "start_year",
            "source_id",
            "source__publication_state",
            "replication_form",
            "generation",
        )
    )
    for row in qs.iterator(chunk_size=2000):
        source = row[10] if row[11] == PUBLISHED else None  # never point at an unpublished one
        yield (*row[:10], source, row[12] or None, row[13])


def lineage_rows() -> Iterator[Sequence[Any]]:
    qs = (
        _published()
        .filter(source__publication_state=PUBLISHED)
        .order_by("pk")
        .values_list(
            "pk", "source_id", "replication_form", "generation", "agency_id", "source__agency_id"
        )
    )
    for pk, source, form, generation, agency, source_agency in qs.iterator(chunk_size=2000):
        yield (pk, source, form or None, generation, agency == source_agency)


def outcome_rows() -> Iterator[Sequence[Any]]:
    qs = (
        Measurement.objects.filter(innovation__publication_state=PUBLISHED)
        .order_by("innovation_id", "indicator_id")
        .values(
            "innovation_id",
            "indicator__name",
            "indicator__unit_of_measure",
            "indicator__better",
            "indicator__per",
            "indicator__per_what",
        )
        .annotate(n=Count("pk"), first=Min("period_end"), last=Max("period_end"))
    )
    for r in qs.iterator(chunk_size=2000):
        yield (
            r["innovation_id"],
            r["indicator__name"],
            r["indicator__unit_of_measure"],
            r["indicator__better"],
            r["indicator__per"],
            r["indicator__per_what"] or None,
            r["n"],
            r["first"],
            r["last"],
        )


ROWS = {"innovations": innovation_rows, "lineage": lineage_rows, "outcomes": outcome_rows}


def package(homepage: str | None = None) -> dict[str, Any]:
    return descriptor(
        TABLES.values(),
        name="lumbung-open-data",
        title="Lumbung — data terbuka inovasi pelayanan publik",
        description=(
            "The public catalog of public-service innovations, who replicated whom, and "
            "aggregate outcome figures, from Lumbung."
        ),
        licence=(
            "CC-BY-4.0",
            "https://creativecommons.org/licenses/by/4.0/",
            "Creative Commons Attribution 4.0",
        ),
        created=timezone.now(),
        version="1.0.0",
        homepage=homepage,
    )
