"""The whole way of an innovation: an officer creates it, adds a PDF, submits; the agency admin
publishes; an anonymous visitor finds it in the catalog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lumbung.catalog.models import Evidence, Innovation
from tests.factories import PASSWORD

from .data import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/ruang-kerja/")


def _log_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)  # the home page


def test_create_upload_submit_publish_and_find(tab, world, tmp_path):
    page = tab
    # the officer creates a draft
    _log_in(page, "officer")
    page.get_by_role("link", name="New innovation").click()
    page.get_by_label("Name (required)").fill("Kafe Inklusif Temanggung")
    page.get_by_label("Acronym", exact=True).fill("KAIN")
    page.get_by_label("Sector").select_option("social")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url("**/ubah/")
    assert "The innovation was created as a draft" in page.locator(".messages").inner_text()

    # completes the profile
    page.locator("#id_summary").fill("Kafe tempat penyandang disabilitas bekerja.")
    page.locator("#id_problem").fill("Sedikit lapangan kerja bagi penyandang disabilitas.")
    page.locator("#id_implementation").fill("Pelatihan barista dan kafe di sentra.")
    page.get_by_text("English version: Summary").click()
    page.locator("#id_summary_en").fill("A café where people with disabilities work.")
    page.get_by_label("8. Decent Work and Economic Growth").check()
    page.locator("#id_team-0-name").fill("Sri Wahyuni")
    page.get_by_role("button", name="Save the profile").click()
    page.wait_for_url(lambda url: url.endswith("/ruang-kerja/inovasi/kain/"))
    assert "The profile was saved." in page.locator(".messages").inner_text()

    # uploads a PDF
    pdf = tmp_path / "pernyataan.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Kind of evidence").select_option("implementation")
    page.get_by_label("Title").fill("Surat pernyataan pelaksanaan")
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("text=The evidence was uploaded.")
    expect(page.get_by_role("link", name="Surat pernyataan pelaksanaan")).to_be_visible()

    # submits
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_selector("text=The innovation was submitted.")
    innovation = Innovation.objects.get(slug="kain")
    assert innovation.publication_state == "submitted"
    assert Evidence.objects.filter(innovation=innovation).count() == 1
    _log_out(page)

    # not public yet
    assert page.goto("/inovasi/kain/").status == 404

    # the agency admin publishes
    _log_in(page, "agency_admin")
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("link", name="Kafe Inklusif Temanggung").click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_selector("text=is published")
    _log_out(page)

    # anyone finds it
    page.goto("/")
    page.get_by_label("Search innovations").fill("inklusif")
    page.get_by_label("Search innovations").press("Enter")
    page.wait_for_url("**/cari/?q=inklusif")
    page.get_by_role("link", name="Kafe Inklusif Temanggung").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kafe Inklusif Temanggung")
    expect(page.get_by_text("A café where people with disabilities work.")).to_be_visible()
    link = page.get_by_role("link", name="Surat pernyataan pelaksanaan")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "surat-pernyataan-pelaksanaan.pdf"
