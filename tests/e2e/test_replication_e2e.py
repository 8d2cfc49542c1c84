"""Replication in the browser: start a project, hit a gate, upload the evidence, pass the gate;
the project, programme and workspace pages are axe-core clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lumbung.replication.models import ReplicationProject, Stage
from tests.replication.conftest import advance, rep  # noqa: F401  (the replication fixture)

from .conftest import axe_violations, describe, sign_in
from .data import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def _clean(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}\n{describe(violations)}"


def test_start_a_project_and_move_it_through_a_gate(tab, rep, live_server):  # noqa: F811
    page = tab
    sign_in(page, live_server.url, rep.other_admin)
    page.goto(f"/replikasi/proyek/baru/?source={rep.source.slug}")
    _clean(page, "new project form")
    page.get_by_label("Adopting unit").select_option(str(rep.third_unit.pk))
    page.get_by_label("adaptation (adaptasi)").check()
    page.get_by_label("Team").fill("Andi — koordinator")
    page.get_by_role("button", name="Start the project").click()
    page.wait_for_url("**/replikasi/proyek/*/")
    assert page.get_by_role("heading", level=1).inner_text().endswith(rep.third_unit.name)
    project = ReplicationProject.objects.get(adopting_unit=rep.third_unit)
    _clean(page, "project page")

    # the gate: without the signed commitment the project does not move
    page.get_by_label("planning and development").check()
    page.get_by_role("button", name="Move the project").click()
    summary = page.locator("#transition-errors")
    summary.wait_for()
    assert "signed replication commitment" in summary.inner_text()
    _clean(page, "project page with a gate error")
    project.refresh_from_db()
    assert project.stage == Stage.PREPARATION

    # upload the evidence, then move
    page.goto(f"/replikasi/proyek/{project.pk}/")
    page.get_by_label("Kind of document").select_option("commitment")
    page.get_by_label("Title").fill("Komitmen replikasi")
    page.get_by_label("File").set_input_files(
        {"name": "komitmen.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**#documents")
    expect(page.get_by_role("link", name="Komitmen replikasi")).to_be_visible()
    assert "uploaded" in page.locator(".checklist").inner_text()
    page.get_by_label("planning and development").check()
    page.get_by_label("Note", exact=True).fill("Komitmen ditandatangani kepala unit")
    page.get_by_role("button", name="Move the project").click()
    page.wait_for_url("**#stage")
    assert "The project moved" in page.locator(".messages").inner_text()
    project.refresh_from_db()
    assert project.stage == Stage.PLANNING
    assert page.locator(".steps [aria-current=step]").inner_text().startswith("Planning")
    _clean(page, "project page after the move")


def test_programme_and_workspace_pages_are_clean(new_tab, rep, live_server):  # noqa: F811
    public = new_tab()
    public.goto(f"/replikasi/program/{rep.programme.slug}/")
    expect(public.locator("figure.chart svg[role=img]")).to_be_visible()
    public.get_by_text("Show the figures as a table").click()
    expect(public.get_by_role("table", name="Target units by stage, by month")).to_be_visible()
    _clean(public, "public programme page")
    public.goto("/replikasi/program/")
    _clean(public, "programme list")
    indonesian = new_tab(language="id")
    indonesian.goto(f"/replikasi/program/{rep.programme.slug}/")
    assert indonesian.locator("html").get_attribute("lang") == "id"
    _clean(indonesian, "programme page in Indonesian")

    manager = new_tab()
    sign_in(manager, live_server.url, rep.manager)
    for path in (
        f"/replikasi/program/{rep.programme.slug}/",
        f"/replikasi/program/{rep.programme.slug}/sasaran/",
        "/replikasi/",
        "/replikasi/komitmen/",
        f"/replikasi/proyek/{rep.project.pk}/adaptasi/",
        f"/replikasi/proyek/{rep.project.pk}/pendampingan/",
        "/notifikasi/",
    ):
        response = manager.goto(path)
        assert response is not None and response.ok, path
        _clean(manager, path)


def test_a_small_screen_has_no_sideways_scroll(new_tab, rep, live_server):  # noqa: F811
    page = new_tab(viewport={"width": 320, "height": 640})
    sign_in(page, live_server.url, rep.other_officer)
    for path in (
        f"/replikasi/proyek/{rep.project.pk}/",
        f"/replikasi/program/{rep.programme.slug}/",
    ):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (path, overflow)


def test_an_agency_admin_answers_a_replica_request_by_keyboard(new_tab, rep, live_server):  # noqa: F811
    """The request page and the programme's participants section are clean; the admin of the
    innovation's agency accepts with the keyboard alone, and the lineage is written."""
    from lumbung.replication import services
    from lumbung.replication.models import ReplicaLinkRequest
    from tests.factories import InnovationFactory

    existing = InnovationFactory(unit=rep.other_unit, name="Kafe Barista Kota Contoh")
    services.replica_link_request(actor=rep.other_officer, project=rep.project, innovation=existing)
    page = new_tab(language="en")
    sign_in(page, live_server.url, rep.other_admin)
    page.goto(f"/replikasi/program/{rep.programme.slug}/")
    _clean(page, "programme page with participants")
    expect(page.locator("#participants").get_by_text(rep.other_agency.name)).to_be_visible()
    page.goto("/replikasi/permintaan-replika/")
    _clean(page, "replica requests page")
    accept = page.get_by_label("Accept")
    accept.focus()
    page.keyboard.press("Space")
    assert accept.is_checked()
    page.get_by_role("button", name="Send the answer").focus()
    page.keyboard.press("Enter")
    page.get_by_text("The request was accepted").wait_for()
    _clean(page, "replica requests page after the answer")
    existing.refresh_from_db()
    assert existing.source_id == rep.source.pk
    assert ReplicaLinkRequest.objects.get().status == "accepted"


def test_the_programme_chart_fits_a_phone_and_is_clean(new_tab, rep, live_server):  # noqa: F811
    """At 390 px the chart, its legend and its table (opened) make no sideways scroll, axe finds
    nothing; the chart has an accessible name and the table the same figures."""
    advance(rep.project, Stage.IMPLEMENTATION)
    for width in (390, 1366):
        page = new_tab(viewport={"width": width, "height": 844})
        page.goto(f"/replikasi/program/{rep.programme.slug}/")
        chart = page.get_by_role("img", name="Target units by stage over time")
        expect(chart).to_be_visible()
        page.get_by_text("Show the figures as a table").click()
        table = page.get_by_role("table", name="Target units by stage, by month")
        expect(table).to_be_visible()
        last = table.locator("tbody tr").last
        assert "(today)" in last.inner_text()
        assert last.locator("td").all_inner_texts()[:4] == ["0", "1", "0", "0"]
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (width, widths)
        box = chart.bounding_box()
        assert box is not None and box["width"] <= width
        _clean(page, f"programme page with its chart at {width} px")


@pytest.mark.parametrize("width", [1366, 390])
def test_finished_stages_fold_away_and_open_by_keyboard(new_tab, rep, live_server, width):  # noqa: F811
    """The project page at 1366 and 390 px: finished stages are closed, the current one open;
    a finished stage opens with the keyboard; axe finds nothing, nothing scrolls sideways."""
    advance(rep.project, Stage.EVALUATION)
    page = new_tab(viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, rep.other_officer)
    page.goto(f"/replikasi/proyek/{rep.project.pk}/")
    periods = page.locator("#stage details.stage-period")
    assert periods.count() == 4
    assert [periods.nth(i).get_attribute("open") is not None for i in range(4)] == [
        False,
        False,
        False,
        True,
    ]
    expect(page.get_by_role("button", name="Move the project")).to_be_visible()
    first = periods.first
    expect(first.get_by_role("link", name="commitment")).not_to_be_visible()
    _clean(page, f"project page at {width} px, stages closed")
    summary = first.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert first.get_attribute("open") is not None
    expect(first.get_by_text("Moved to “planning and development”")).to_be_visible()
    expect(first.get_by_role("link", name="commitment")).to_be_visible()  # its gate document
    _clean(page, f"project page at {width} px, a stage opened")
    page.keyboard.press("Space")  # closes again
    assert first.get_attribute("open") is None
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
