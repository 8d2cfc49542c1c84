"""axe-core finds no serious or critical WCAG 2.2 AA violation on the main pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lumbung.catalog import services
from tests.factories import InnovationFactory

from .conftest import axe_violations, describe, sign_in
from .data import many_units, rich_profile

pytestmark = pytest.mark.django_db(transaction=True)


def _check(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, path
    violations = axe_violations(page)
    assert not violations, f"{path}\n{describe(violations)}"


def test_home_in_english(new_tab, world):
    page = new_tab(language="en")
    _check(page, "/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_home_in_indonesian_by_default_even_for_an_english_browser(new_tab, world, settings):
    settings.LANGUAGE_CODE = "id"  # the product's default (tests otherwise read English)
    page = new_tab(language=None, locale="en-US")
    _check(page, "/")
    assert page.locator("html").get_attribute("lang") == "id"
    expect(page.get_by_role("link", name="Katalog inovasi").first).to_be_visible()


def test_catalog_with_a_filter(tab, world):
    _check(tab, f"/inovasi/?agency={world.agency.slug}&status=continuing&sort=newest")
    assert tab.locator("#filter_agency").input_value() == world.agency.slug


def test_innovation_page(tab, world):
    innovation = rich_profile(world)
    _check(tab, f"/inovasi/{innovation.slug}/")
    assert tab.get_by_role("heading", level=1).count() == 1


def test_innovation_page_for_its_unit_with_history(tab, world, live_server):
    innovation = rich_profile(world)
    sign_in(tab, live_server.url, world.officer)
    _check(tab, f"/inovasi/{innovation.slug}/")
    expect(tab.locator("#history table")).to_be_visible()


def test_agency_page(tab, world):
    _check(tab, f"/instansi/{world.agency.slug}/")


def test_agency_and_unit_pages_of_a_large_agency(tab, world, settings):
    settings.CATALOG_PAGE_SIZE = 1  # the innovations are paged too: two navigations on a page
    many_units(world)
    InnovationFactory(unit=world.sibling_unit, publication_state="published")
    _check(tab, f"/instansi/{world.agency.slug}/?unit_page=2")
    expect(tab.get_by_role("navigation", name="Pages of units")).to_be_visible()
    tab.get_by_label("Find a unit by name").fill("pos")
    tab.get_by_role("button", name="Find", exact=True).click()
    tab.wait_for_url("**unit_q=pos**")
    violations = axe_violations(tab)
    assert not violations, describe(violations)
    expect(tab.get_by_role("heading", name="55 units match “pos”")).to_be_visible()
    _check(tab, f"/instansi/{world.agency.slug}/?unit_q=no-such-unit")
    _check(tab, f"/instansi/{world.agency.slug}/unit/{world.unit.slug}/?unit_page=2")
    expect(tab.get_by_role("navigation", name="Pages of units")).to_be_visible()


def test_login_page(tab, world):
    _check(tab, "/accounts/login/")


def test_login_with_errors(tab, world):
    tab.goto("/accounts/login/")
    tab.get_by_label("Username").fill("officer")
    tab.get_by_label("Password").fill("wrong")
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_selector(".error-summary")
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_workspace(tab, world, live_server):
    sign_in(tab, live_server.url, world.officer)
    _check(tab, "/ruang-kerja/")
    _check(tab, f"/ruang-kerja/inovasi/{world.draft.slug}/")


def test_edit_form_with_validation_errors(tab, world, live_server):
    sign_in(tab, live_server.url, world.officer)
    _check(tab, f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/")
    tab.locator("#id_name").fill("")
    tab.locator("#id_video_url").fill("not an address")
    tab.get_by_role("button", name="Save the profile").click()
    tab.wait_for_selector("#id_name_error")
    # focus moves to the summary of problems, whose links lead to the fields
    assert tab.evaluate("document.activeElement.id") == "error-summary"
    assert tab.locator("#id_name").get_attribute("aria-describedby") == "id_name_error"
    assert tab.locator("#id_name").get_attribute("aria-invalid") == "true"
    violations = axe_violations(tab)
    assert not violations, describe(violations)


def test_review_queue(tab, world, live_server):
    services.innovation_submit(actor=world.officer, innovation=world.draft)
    sign_in(tab, live_server.url, world.admin)
    _check(tab, "/tinjauan/")
    expect(tab.get_by_role("link", name=world.draft.name)).to_be_visible()
    _check(tab, f"/tinjauan/{world.draft.slug}/")


def test_profile(tab, world, live_server):
    sign_in(tab, live_server.url, world.officer)
    _check(tab, "/akun/profil/")


def test_the_checker_itself_finds_violations(tab, world):
    """Guard against a vacuous check: a page with known violations must fail it."""
    tab.set_content(
        '<html><body><main><input type="text"><img src="x.png">'
        '<p style="color:#aaa;background:#fff">faint</p></main></body></html>'
    )
    found = {v["id"] for v in axe_violations(tab)}
    assert {"label", "image-alt", "html-has-lang"} & found


def test_more_public_pages(tab, world):
    for path in (
        "/instansi/",
        f"/instansi/{world.agency.slug}/unit/{world.unit.slug}/",
        "/accounts/password_reset/",
        "/inovasi/no-such-innovation/",
    ):
        tab.goto(path)
        violations = axe_violations(tab)
        assert not violations, f"{path}\n{describe(violations)}"


def test_new_innovation_and_upload_errors(tab, world, live_server, tmp_path):
    sign_in(tab, live_server.url, world.officer)
    _check(tab, "/ruang-kerja/inovasi/baru/")
    tab.goto(f"/ruang-kerja/inovasi/{world.draft.slug}/")
    fake = tmp_path / "palsu.pdf"
    fake.write_bytes(b"this is not a PDF")
    tab.get_by_label("File").set_input_files(str(fake))
    tab.get_by_role("button", name="Upload").click()
    tab.wait_for_selector("#id_evidence-file_error")
    assert "Only PDF documents" in tab.locator("#id_evidence-file_error").inner_text()
    violations = axe_violations(tab)
    assert not violations, describe(violations)
