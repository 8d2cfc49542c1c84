"""The workspace: dashboard, creating and editing innovations, evidence, awards, status,
submitting; forms show field errors, keep what was typed, and save nothing on error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lumbung.catalog.forms import InnovationProfileForm
from lumbung.catalog.models import Award, Evidence, Innovation
from lumbung.core.models import AuditEntry

from .conftest import assert_accessible_markup, text_of

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF
PNG = bytes.fromhex(  # a real 1×1 grey PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a4944415478da6368000000820081da45083b0000000049454e44ae426082"
)


def profile_data(innovation: Innovation, **changes) -> dict:
    """The edit form's data for an innovation as it is, with some changes."""
    form = InnovationProfileForm(instance=innovation)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "sdgs":
            data[name] = [str(v) for v in (value or [])]
        elif value is None:
            data[name] = ""
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = value
    data.update({"team-TOTAL_FORMS": "2", "team-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_dashboard_needs_login(client, world):
    response = client.get("/ruang-kerja/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_lists_the_units_innovations(client, world, login):
    login(world.officer)
    response = client.get("/ruang-kerja/")
    html = response.content.decode()
    assert_accessible_markup(html)
    assert "Sheltered Workshop Peduli" in html and "Baris Ditebas" in html
    assert "Draf Kota Contoh" not in html and "Layanan Kota Contoh" not in html
    assert "New innovation" in html
    assert "Review queue" not in html


def test_dashboard_for_agency_admin_links_the_review_queue(client, world, login):
    login(world.admin)
    html = client.get("/ruang-kerja/").content.decode()
    assert "Review queue: 0 waiting" in text_of(html)


@pytest.mark.parametrize("who", ["viewer", "judge", "nobody"])
def test_people_without_a_unit_to_write_in_cannot_create(client, world, login, who):
    login(getattr(world, who))
    assert "New innovation" not in client.get("/ruang-kerja/").content.decode()
    assert client.get("/ruang-kerja/inovasi/baru/").status_code == 403


def test_create_an_innovation(client, world, login):
    login(world.officer)
    response = client.get("/ruang-kerja/inovasi/baru/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert f'<option value="{world.unit.pk}" selected>' in html
    assert world.other_unit.name not in html and world.sibling_unit.name not in html
    response = client.post(
        "/ruang-kerja/inovasi/baru/",
        {"unit": world.unit.pk, "name": "Kafe Inklusif", "acronym": "KAIN", "sector": "social"},
    )
    assert response.status_code == 302
    innovation = Innovation.objects.get(name="Kafe Inklusif")
    assert innovation.unit == world.unit and innovation.publication_state == "draft"
    assert innovation.created_by == world.officer
    assert response["Location"] == f"/ruang-kerja/inovasi/{innovation.slug}/ubah/"


def test_create_shows_errors_and_saves_nothing(client, world, login):
    login(world.officer)
    before = Innovation.objects.count()
    response = client.post(
        "/ruang-kerja/inovasi/baru/", {"unit": world.unit.pk, "name": "", "acronym": "XYZ"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert_accessible_markup(html)
    assert 'id="id_name_error"' in html and 'aria-describedby="id_name_error"' in html
    assert 'value="XYZ"' in html
    assert Innovation.objects.count() == before


def test_create_in_another_agencys_unit_is_refused(client, world, login):
    login(world.officer)
    before = Innovation.objects.count()
    response = client.post(
        "/ruang-kerja/inovasi/baru/", {"unit": world.other_unit.pk, "name": "Penyusup"}
    )
    assert response.status_code == 400
    assert "id_unit_error" in response.content.decode()
    assert Innovation.objects.count() == before


def test_agency_admin_may_create_in_any_unit_of_the_agency(client, world, login):
    login(world.admin)
    html = client.get("/ruang-kerja/inovasi/baru/").content.decode()
    assert world.unit.name in html and world.sibling_unit.name in html
    assert world.other_unit.name not in html


def test_edit_form_groups_sections_and_offers_english(client, world, login):
    login(world.officer)
    response = client.get(f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    for legend in ("Name and identity", "Summary", "Sustainability", "Team"):
        assert f"<legend>{legend}</legend>" in html
    assert 'name="summary_en"' in html and 'lang="en"' in html
    assert '<details class="translation">' in html
    assert 'type="checkbox" name="sdgs"' in html
    assert 'name="team-0-name"' in html


def test_edit_saves_the_profile_sdgs_and_team(client, world, login):
    login(world.officer)
    data = profile_data(
        world.draft,
        summary="Ringkasan baru",
        summary_en="New summary",
        core_components="Kader\nKeluarga",
        sdgs=["1", "8"],
        start_date="2019-03-01",
        **{"team-0-name": "Sri Wahyuni", "team-0-role_title": "Ketua", "team-1-name": ""},
    )
    response = client.post(f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    world.draft.refresh_from_db()
    assert world.draft.summary == "Ringkasan baru" and world.draft.summary_en == "New summary"
    assert world.draft.start_date == dt.date(2019, 3, 1) and world.draft.start_year == 2019
    assert sorted(world.draft.sdgs.values_list("number", flat=True)) == [1, 8]
    assert list(world.draft.team.values_list("name", "role_title")) == [("Sri Wahyuni", "Ketua")]
    entry = AuditEntry.objects.filter(action="innovation.update").latest("id")
    assert "summary" in entry.changes and entry.actor == world.officer
    page = client.get(response["Location"], follow=True).content.decode()
    assert "The profile was saved." in page


def test_edit_errors_are_shown_by_their_fields_and_nothing_is_saved(client, world, login):
    login(world.officer)
    before = Innovation.objects.get(pk=world.draft.pk)
    data = profile_data(
        world.draft,
        name="",
        summary="Teks yang diketik",
        video_url="bukan alamat",
        budget_idr="-5",
        **{"team-0-role_title": "Ketua"},
    )
    response = client.post(f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert_accessible_markup(html)
    for field in ("name", "video_url", "budget_idr"):
        assert f'id="id_{field}_error"' in html
        assert 'aria-invalid="true"' in html
    assert 'id="id_team-0-name_error"' in html
    assert 'href="#id_name"' in html  # the error summary links to the field
    assert "Teks yang diketik" in html  # what the person typed is kept
    after = Innovation.objects.get(pk=world.draft.pk)
    assert after.summary == before.summary and after.name == before.name


def test_service_validation_errors_are_mapped_onto_fields(client, world, login):
    login(world.officer)
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = profile_data(world.draft, start_date=future, summary="Tidak tersimpan")
    response = client.post(f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/", data)
    assert response.status_code == 400
    html = response.content.decode()
    # a date 30 days ahead in December is next year: the start year (taken from the date) is
    # refused too, and its field is the one that says so
    mapped = 'id="id_start_date_error"' in html or (
        'id="id_start_year_error"' in html and future[:4] != str(timezone.localdate().year)
    )
    assert mapped and "future" in html
    world.draft.refresh_from_db()
    assert world.draft.summary != "Tidak tersimpan"


def test_upload_pdf_evidence(client, world, login):
    login(world.officer)
    upload = SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/ruang-kerja/inovasi/{world.draft.slug}/bukti/",
        {"evidence-kind": "implementation", "evidence-title": "", "evidence-file": upload},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(innovation=world.draft)
    assert evidence.title == "surat" and evidence.content_type == "application/pdf"
    page = client.get(f"/ruang-kerja/inovasi/{world.draft.slug}/").content.decode()
    assert f"/inovasi/{world.draft.slug}/bukti/{evidence.pk}/" in page
    assert "/media/" not in page


@pytest.mark.parametrize(
    "filename,content,message",
    [
        ("palsu.pdf", b"just text pretending", "Only PDF documents"),
        ("kosong.pdf", b"", "empty"),
    ],
)
def test_bad_evidence_is_refused_with_a_field_error(
    client, world, login, filename, content, message
):
    login(world.officer)
    upload = SimpleUploadedFile(filename, content, content_type="application/pdf")
    response = client.post(
        f"/ruang-kerja/inovasi/{world.draft.slug}/bukti/",
        {"evidence-kind": "photo", "evidence-title": "Foto kegiatan", "evidence-file": upload},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert_accessible_markup(html)
    assert 'id="id_evidence-file_error"' in html and message in html
    assert 'value="Foto kegiatan"' in html
    assert not Evidence.objects.filter(innovation=world.draft).exists()


def test_too_large_evidence_is_refused(client, world, login, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    login(world.officer)
    upload = SimpleUploadedFile("besar.png", PNG + b"\x00" * 200, content_type="image/png")
    response = client.post(
        f"/ruang-kerja/inovasi/{world.draft.slug}/bukti/",
        {"evidence-kind": "photo", "evidence-file": upload},
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Evidence.objects.exists()


def test_remove_evidence(client, world, login):
    login(world.officer)
    client.post(
        f"/ruang-kerja/inovasi/{world.draft.slug}/bukti/",
        {
            "evidence-kind": "photo",
            "evidence-file": SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        },
    )
    evidence = Evidence.objects.get()
    assert (
        client.get(
            f"/ruang-kerja/inovasi/{world.draft.slug}/bukti/{evidence.pk}/hapus/"
        ).status_code
        == 405
    )
    response = client.post(f"/ruang-kerja/inovasi/{world.draft.slug}/bukti/{evidence.pk}/hapus/")
    assert response.status_code == 302
    assert not Evidence.objects.exists()


def test_add_and_remove_award(client, world, login):
    login(world.officer)
    url = f"/ruang-kerja/inovasi/{world.draft.slug}/penghargaan/"
    response = client.post(
        url, {"award-level": "top_99", "award-year": "2023", "award-competition": "KIPP"}
    )
    assert response.status_code == 302
    award = Award.objects.get(innovation=world.draft)
    assert award.level == "top_99" and award.year == 2023
    response = client.post(url, {"award-level": "nonsense", "award-competition": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_award-level_error"' in html and 'id="id_award-competition_error"' in html
    assert Award.objects.count() == 1
    response = client.post(f"{url}{award.pk}/hapus/")
    assert response.status_code == 302
    assert not Award.objects.exists()


def test_status_change_needs_a_reason_to_stop(client, world, login):
    login(world.officer)
    url = f"/ruang-kerja/inovasi/{world.draft.slug}/status/"
    today = timezone.localdate().isoformat()
    response = client.post(
        url, {"status-status": "stopped", "status-date": today, "status-reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_status-reason_error"' in html
    world.draft.refresh_from_db()
    assert world.draft.status == "continuing"
    response = client.post(
        url, {"status-status": "stopped", "status-date": today, "status-reason": "Dana habis"}
    )
    assert response.status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.status == "stopped" and world.draft.stop_reason == "Dana habis"
    assert world.draft.status_changes.count() == 1


def test_submit_an_incomplete_innovation_says_what_is_missing(client, world, login):
    Innovation.objects.filter(pk=world.draft.pk).update(implementation="")
    login(world.officer)
    response = client.post(f"/ruang-kerja/inovasi/{world.draft.slug}/ajukan/")
    assert response.status_code == 400
    assert "implementation" in response.content.decode()
    world.draft.refresh_from_db()
    assert world.draft.publication_state == "draft"


def test_submit_for_review(client, world, login):
    login(world.officer)
    response = client.post(f"/ruang-kerja/inovasi/{world.draft.slug}/ajukan/")
    assert response.status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.publication_state == "submitted"
    page = client.get(response["Location"]).content.decode()
    assert "waiting for the agency" in page
    assert "Submit for review" not in page


def test_delete_a_draft(client, world, login):
    login(world.officer)
    url = f"/ruang-kerja/inovasi/{world.draft.slug}/hapus/"
    response = client.get(url)
    assert response.status_code == 200
    assert_accessible_markup(response.content.decode())
    response = client.post(url)
    assert response.status_code == 302
    assert not Innovation.objects.filter(pk=world.draft.pk).exists()


def test_published_innovation_cannot_be_deleted(client, world, login):
    login(world.officer)
    response = client.post(f"/ruang-kerja/inovasi/{world.published.slug}/hapus/")
    assert response.status_code == 400
    assert Innovation.objects.filter(pk=world.published.pk).exists()


def test_manage_page_is_accessible(client, world, login):
    login(world.officer)
    response = client.get(f"/ruang-kerja/inovasi/{world.draft.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert 'enctype="multipart/form-data"' in html


def test_returned_innovation_shows_the_reviewers_note(client, world, login):
    Innovation.objects.filter(pk=world.draft.pk).update(
        publication_state="returned", review_note="Lengkapi bukti."
    )
    login(world.officer)
    html = client.get(f"/ruang-kerja/inovasi/{world.draft.slug}/").content.decode()
    assert "Lengkapi bukti." in html and "Submit for review" in html
