"""Records for the browser tests, made through the services as people would."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from lumbung.catalog import services
from lumbung.catalog.models import Innovation
from lumbung.organisations.models import Unit

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF


def rich_profile(world: Any) -> Innovation:
    """The published innovation of ``world`` with every section filled."""
    innovation = world.published
    # the agency's innovation admin writes a published profile at once (the unit's officer
    # would propose it for review: catalog.revisions)
    services.innovation_update(
        actor=world.admin,
        innovation=innovation,
        data={
            "acronym": "BARIS",
            "acronym_expansion": "Barista Disabilitas Terobos Stigma Keterbatasan",
            "summary_en": "Barista training for people with visual impairment.",
            "target_group": "Penyandang disabilitas netra",
            "novelty": "Keterampilan kerja baru selain pijat.",
            "significance": "Lulusan bekerja sebagai barista.",
            "impact_before": "0 lulusan bekerja",
            "impact_after": "3 lulusan bekerja",
            "adaptability": "Dapat diterapkan di sentra lain.",
            "core_components": "Instruktur berpengalaman\nKafe latihan di sentra",
            "adaptable_parts": "Menu\nJadwal pelatihan",
            "resources": "Anggaran sentra dan mitra CSR.",
            "budget_idr": 150_000_000,
            "staff_count": 6,
            "sustainability_institutional": "SK kepala sentra.",
            "source_urls": "https://kemensos.go.id/baris-ditebas",
            "sdgs": [4, 8, 10],
        },
    )
    services.team_set(
        actor=world.admin,
        innovation=innovation,
        members=[{"name": "Sri Wahyuni", "role_title": "Ketua"}],
    )
    services.award_add(actor=world.officer, innovation=innovation, level="top_99", year=2023)
    services.evidence_add(
        actor=world.officer,
        innovation=innovation,
        kind="implementation",
        title="Surat pernyataan pelaksanaan",
        upload=SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf"),
    )
    innovation.refresh_from_db()
    return innovation


def many_units(world: Any, top: int = 60, children: int = 55) -> None:
    """More top units in the world's agency, and more units under its first unit, than a page
    shows (in bulk: an agency's import would be slower and show nothing more)."""
    Unit.objects.bulk_create(
        Unit(agency=world.agency, name=f"Satker {i:03d}", slug=f"satker-{i:03d}", kind="sentra")
        for i in range(top)
    )
    Unit.objects.bulk_create(
        Unit(
            agency=world.agency,
            parent=world.unit,
            name=f"Pos {i:03d}",
            slug=f"pos-{i:03d}",
            kind="sentra",
        )
        for i in range(children)
    )
