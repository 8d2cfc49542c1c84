"""Replication fixtures on top of the shared ``world``.

``rep``: a programme of Kemensos (facilitated by KemenPANRB) spreading the published "Baris
Ditebas" (unit Kartini of Kemensos) to units of another agency, and one project of
"Dinas Sosial Kota Contoh" (other agency) in preparation, with a person per role.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lumbung.core.actors import SYSTEM
from lumbung.organisations.models import Role
from lumbung.replication import services
from lumbung.replication.models import DocumentKind, Stage

from ..factories import AgencyFactory, UnitFactory, UserFactory, grant

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF
CORE = "Kader terlatih mendampingi peserta\nProduk dijual bersama mitra\nBerbasis komunitas"


def pdf(name: str = "dokumen.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def add_doc(project, kind: str, actor=None):
    return services.project_document_add(
        actor=actor or SYSTEM,
        project=project,
        kind=kind,
        title=str(kind),
        upload=pdf(),
    )


def move(project, to_stage: str, actor=None, note: str = ""):
    project.refresh_from_db()
    return services.project_transition(
        actor=actor or SYSTEM, project=project, to_stage=to_stage, note=note
    )


#: the documents each forward stage needs under the default gates
GATE_DOCS = {
    Stage.PLANNING: [DocumentKind.COMMITMENT],
    Stage.IMPLEMENTATION: [DocumentKind.ACTION_PLAN],
    Stage.EVALUATION: [],
    Stage.INSTITUTIONALISED: [DocumentKind.EVALUATION_REPORT, DocumentKind.SOP],
}


def advance(project, to_stage: str, actor=None):
    """Move a project forward to ``to_stage``, uploading each gate's documents on the way."""
    order = [Stage.PLANNING, Stage.IMPLEMENTATION, Stage.EVALUATION, Stage.INSTITUTIONALISED]
    project.refresh_from_db()
    if project.stage == to_stage:
        return project
    start = order.index(project.stage) + 1 if project.stage in order else 0
    for stage in order[start : order.index(to_stage) + 1]:
        for kind in GATE_DOCS[stage]:
            add_doc(project, kind)
        move(project, stage, actor)
    project.refresh_from_db()
    return project


def concurrency_supported() -> bool:
    """Threads need their own connections to one database: a file or PostgreSQL, not the
    in-memory SQLite database of the default test run."""
    from django.db import connection

    name = str(connection.settings_dict.get("NAME") or "")
    return connection.vendor != "sqlite" or not (name == ":memory:" or "mode=memory" in name)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and pages in English (the msgids), whatever the Indonesian catalog says; tests
    of the Indonesian pages set the language cookie."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def rep(world):
    w = world
    w.source = w.published
    w.source.core_components = CORE
    w.source.save()
    w.panrb = AgencyFactory(name="Kementerian PANRB", slug="kemenpanrb", kind="ministry")
    w.panrb_unit = UnitFactory(agency=w.panrb, name="Deputi Pelayanan Publik", kind="other")
    w.agency_facilitator = UserFactory(username="panrb_facilitator")
    grant(w.agency_facilitator, Role.FACILITATOR, agency=w.panrb)
    w.named_facilitator = UserFactory(username="named_facilitator")
    w.manager = UserFactory(username="programme_manager")
    w.third_unit = UnitFactory(agency=w.other_agency, name="UPT Rehabilitasi Kota Contoh")
    w.programme = services.programme_create(
        actor=SYSTEM,
        agency=w.agency,
        name="Replikasi Baris Ditebas",
        sources=[w.source],
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2025, 12, 31),
        coverage_target=3,
        facilitator_agency=w.panrb,
        managers=[w.manager],
    )
    # the other agency joins by its own admin's consent; then its units may be targets
    services.programme_join(actor=w.other_admin, programme=w.programme, agency=w.other_agency)
    services.programme_targets_add(
        actor=SYSTEM, programme=w.programme, units=[w.other_unit, w.third_unit]
    )
    w.project = services.project_start(
        actor=w.other_officer,
        source=w.source,
        adopting_unit=w.other_unit,
        declared_form="adaptation",
        programme=w.programme,
        team="Ibu Sari — ketua tim",
        notes="Catatan internal",
        facilitators=[w.named_facilitator],
    )
    return w
