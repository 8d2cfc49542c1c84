"""Catalog services: validation, the review workflow, status, evidence, awards, atomicity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from lumbung.catalog import services
from lumbung.catalog.models import Evidence, Innovation
from lumbung.core.models import AuditEntry

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF
PNG = bytes.fromhex(  # a real 1×1 grey PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a4944415478da6368000000820081da45083b0000000049454e44ae426082"
)


def test_create_sets_agency_slug_sdgs_and_year(world):
    innovation = services.innovation_create(
        actor=world.officer,
        unit=world.unit,
        data={
            "name": "Rumah Kinasih",
            "acronym": "RK",
            "start_date": dt.date(2019, 5, 1),
            "sector": "social",
            "sdgs": [1, 8, 10],
        },
    )
    assert innovation.agency == world.agency
    assert innovation.slug == "rk"
    assert innovation.start_year == 2019
    assert sorted(innovation.sdgs.values_list("number", flat=True)) == [1, 8, 10]
    assert innovation.publication_state == Innovation.State.DRAFT


def test_create_in_another_unit_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.innovation_create(actor=world.officer, unit=world.other_unit, data={"name": "X"})
    assert not Innovation.objects.filter(name="X").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"name": ""}, "name", id="empty-name"),
        pytest.param({"name": "A", "sector": "nope"}, "sector", id="unknown-sector"),
        pytest.param({"name": "A", "sdgs": [18]}, "sdgs", id="sdg-18"),
        pytest.param({"name": "A", "start_year": 2999}, "start_year", id="future-year"),
        pytest.param({"name": "A", "video_url": "not a url"}, "video_url", id="bad-url"),
        pytest.param({"name": "A", "stage": "flying"}, "stage", id="bad-stage"),
        pytest.param(
            {"name": "A", "publication_state": "published"},
            "publication_state",
            id="state-not-settable",
        ),
    ],
)
def test_create_rejects_bad_input_and_writes_nothing(world, data, field):
    count = Innovation.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.innovation_create(actor=world.officer, unit=world.unit, data=data)
    assert field in exc.value.message_dict
    assert Innovation.objects.count() == count


def test_review_workflow_submit_return_resubmit_publish(world):
    draft = world.draft
    services.innovation_submit(actor=world.officer, innovation=draft)
    draft.refresh_from_db()
    assert draft.publication_state == "submitted"
    with pytest.raises(PermissionDenied):
        services.innovation_publish(actor=world.officer, innovation=draft)
    with pytest.raises(PermissionDenied):
        services.innovation_publish(actor=world.other_admin, innovation=draft)
    with pytest.raises(ValidationError):
        services.innovation_return(actor=world.admin, innovation=draft, reason="  ")
    services.innovation_return(actor=world.admin, innovation=draft, reason="Lengkapi bukti.")
    draft.refresh_from_db()
    assert draft.publication_state == "returned"
    assert draft.review_note == "Lengkapi bukti."
    services.innovation_submit(actor=world.officer, innovation=draft)
    services.innovation_publish(actor=world.admin, innovation=draft)
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None and draft.review_note == ""
    actions = [e.action for e in draft_history(draft)]
    assert actions[:4] == [
        "innovation.publish",
        "innovation.submit",
        "innovation.return",
        "innovation.submit",
    ]


def draft_history(innovation):
    from lumbung.core.audit import history

    return list(history(innovation))


def test_submit_requires_core_sections(world):
    services.innovation_update(actor=world.officer, innovation=world.draft, data={"summary": ""})
    with pytest.raises(ValidationError) as exc:
        services.innovation_submit(actor=world.officer, innovation=world.draft)
    assert "summary" in " ".join(exc.value.messages)


def test_status_stopped_needs_reason_and_is_kept_over_time(world):
    with pytest.raises(ValidationError):
        services.innovation_set_status(
            actor=world.officer,
            innovation=world.published,
            status="stopped",
            date=dt.date(2024, 1, 1),
        )
    services.innovation_set_status(
        actor=world.officer,
        innovation=world.published,
        status="stopped",
        date=dt.date(2024, 1, 1),
        reason="Anggaran dihentikan",
    )
    services.innovation_set_status(
        actor=world.officer,
        innovation=world.published,
        status="continuing",
        date=dt.date(2024, 6, 1),
    )
    world.published.refresh_from_db()
    assert world.published.status == "continuing" and world.published.stop_reason == ""
    assert [c.status for c in world.published.status_changes.all()] == ["continuing", "stopped"]


def test_record_status_keeps_the_current_status_since_a_date(world):
    """An import records "continuing since" a date, which innovation_set_status refuses."""
    with pytest.raises(ValidationError):
        services.innovation_set_status(
            actor=world.officer,
            innovation=world.draft,
            status="continuing",
            date=dt.date(2021, 7, 1),
        )
    change = services.innovation_record_status(
        actor=world.officer, innovation=world.draft, status="continuing", date=dt.date(2021, 7, 1)
    )
    assert change is not None and (change.status, change.date) == (
        "continuing",
        dt.date(2021, 7, 1),
    )
    world.draft.refresh_from_db()
    assert (world.draft.status, world.draft.status_since) == ("continuing", dt.date(2021, 7, 1))
    assert AuditEntry.objects.filter(
        object_id=str(world.draft.pk), action="innovation.status"
    ).exists()
    # without a date: nothing to record for the current status, refused for another
    assert (
        services.innovation_record_status(
            actor=world.officer, innovation=world.draft, status="continuing", date=None
        )
        is None
    )
    with pytest.raises(ValidationError) as exc:
        services.innovation_record_status(
            actor=world.officer, innovation=world.draft, status="stopped", date=None, reason="X"
        )
    assert "date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.innovation_record_status(
            actor=world.officer, innovation=world.draft, status="stopped", date=dt.date(2022, 1, 1)
        )
    assert "reason" in exc.value.message_dict
    # only whoever may change the innovation
    for outsider in (world.other_officer, world.viewer):
        with pytest.raises(PermissionDenied):
            services.innovation_record_status(
                actor=outsider, innovation=world.draft, status="continuing", date=None
            )
    assert world.draft.status_changes.count() == 1


def test_evidence_type_is_read_from_content_not_name(world):
    fake = SimpleUploadedFile(
        "laporan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(
            actor=world.officer, innovation=world.draft, kind="other", title="Laporan", upload=fake
        )
    assert "file" in exc.value.message_dict
    png_named_pdf = SimpleUploadedFile("foto.pdf", PNG, content_type="application/pdf")
    evidence = services.evidence_add(
        actor=world.officer, innovation=world.draft, kind="photo", title="", upload=png_named_pdf
    )
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(".png")
    assert evidence.title == "foto"


def test_evidence_size_limit(world, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    big = SimpleUploadedFile("besar.pdf", PDF + b"0" * 200)
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=world.officer, innovation=world.draft, kind="other", title="Besar", upload=big
        )
    assert not Evidence.objects.exists()


def test_evidence_by_other_unit_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            actor=world.sibling_officer,
            innovation=world.draft,
            kind="other",
            title="x",
            upload=SimpleUploadedFile("a.pdf", PDF),
        )


def test_awards_validate_level_and_year(world):
    award = services.award_add(
        actor=world.officer,
        innovation=world.published,
        level="top_99",
        year=2019,
        label="Top 99 KIPP 2019",
    )
    assert str(award) == "Top 99 KIPP 2019"
    with pytest.raises(ValidationError):
        services.award_add(actor=world.officer, innovation=world.published, level="gold", year=2019)
    with pytest.raises(ValidationError):
        services.award_add(
            actor=world.officer, innovation=world.published, level="top_45", year=1890
        )


@pytest.mark.django_db(transaction=True)
def test_update_rolls_back_with_the_outer_transaction(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.innovation_update(
            actor=world.officer, innovation=world.draft, data={"summary": "akan dibatalkan"}
        )
        raise RuntimeError("boom")
    world.draft.refresh_from_db()
    assert world.draft.summary != "akan dibatalkan"


def test_delete_only_unpublished(world):
    with pytest.raises(ValidationError):
        services.innovation_delete(actor=world.officer, innovation=world.published)
    services.innovation_delete(actor=world.officer, innovation=world.draft)
    assert not Innovation.objects.filter(pk=world.draft.pk).exists()


def test_localized_falls_back_to_indonesian(world):
    from django.utils import translation

    world.draft.summary_en = "Sheltered workshops run by communities."
    with translation.override("en"):
        assert world.draft.localized("summary") == "Sheltered workshops run by communities."
        assert world.draft.localized("problem") == world.draft.problem
    with translation.override("id"):
        assert world.draft.localized("summary") == world.draft.summary


def test_team_set_replaces_members(world):
    services.team_set(
        actor=world.officer,
        innovation=world.draft,
        members=[{"name": "Ani", "role_title": "Ketua"}, {"name": " "}],
    )
    assert list(world.draft.team.values_list("name", flat=True)) == ["Ani"]
