"""The Content-Security-Policy in Chromium: the main pages, as the people who use them, run with
no violation of the policy (no inline script, event handler or inline style blocked; the header
allows no eval), and
what their scripts do still works under it: htmx's polling of an import, the search facets, a
chart's table, the lineage graph by keyboard, the live word count, the pickers and the admin's
own scripts.

The watch is installed in every document before its scripts run (an init script, which the
browser injects through the devtools protocol and the policy does not cover) and reports each
``securitypolicyviolation`` event to the test; the console's CSP complaints and uncaught errors
are collected too. A first test shows that the watch sees what the policy blocks."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from lumbung.catalog.models import Award
from lumbung.competitions.services import entries
from lumbung.core.imports import progress
from lumbung.core.imports.models import ImportJob
from tests.competitions.conftest import cw  # noqa: F401  (the competition fixture)
from tests.replication.conftest import rep  # noqa: F401  (the replication fixture)

from .conftest import sign_in
from .data import rich_profile
from .test_events_e2e import event  # noqa: F401  (the learning event fixture)
from .test_insights_e2e import family  # noqa: F401  (the lineage and outcomes fixture)
from .test_search_e2e import searchable  # noqa: F401  (three published innovations)

pytestmark = pytest.mark.django_db(transaction=True)

#: every document reports its policy violations to the test, before any of its scripts run
WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation({
    page: location.pathname + location.search,
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
    source: e.sourceFile,
    line: e.lineNumber,
    sample: e.sample,
  });
});
"""


class Watch:
    """What the policy blocked on a page, what the console said of it, and uncaught errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        page.set_default_timeout(60_000)  # many pages on a shared machine: patience, not flakes
        self.violations: list[dict[str, Any]] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.visited: list[str] = []
        page.expose_function("__cspViolation", self._violation)
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _violation(self, report: dict[str, Any]) -> None:
        self.violations.append(report)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> Any:
        response = self.page.goto(path)
        assert response is not None and response.ok, path
        header = response.header_value("content-security-policy") or ""
        assert "script-src 'self'" in header, (path, header)
        assert "unsafe-inline" not in header and "unsafe-eval" not in header, (path, header)
        self.page.wait_for_load_state("load")
        self.visited.append(path)
        return response

    def settle(self) -> None:
        """Let the reports of the last page reach the test (they travel asynchronously)."""
        self.page.wait_for_timeout(150)
        self.page.evaluate("1")

    def assert_clean(self) -> None:
        self.settle()
        assert not self.violations, "\n".join(map(str, self.violations))
        assert not self.console, "\n".join(self.console)
        assert not self.errors, "\n".join(self.errors)


@pytest.fixture
def watched(new_tab: Any) -> Any:
    def _open(**options: Any) -> Watch:
        return Watch(new_tab(**options))

    return _open


# --- the watch sees what the policy blocks ----------------------------------------------------


def test_the_policy_blocks_inline_code_and_the_watch_reports_it(watched, world):
    watch = watched()
    watch.visit("/")
    watch.assert_clean()
    page = watch.page
    # an inline script added to the page does not run
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.append(s); }"
    )
    # an inline style attribute is not applied, an event handler attribute does not run
    page.evaluate(
        "() => document.body.insertAdjacentHTML('beforeend',"
        ' \'<p id="styled" style="color: rgb(255, 0, 0)">x</p>'
        '<img id="handler" src="data:," onerror="window.__handled = true">\')'
    )
    watch.settle()
    assert page.evaluate("() => window.__ran === undefined && window.__handled === undefined")
    assert page.evaluate("() => getComputedStyle(styled).color") != "rgb(255, 0, 0)"
    directives = {v["directive"] for v in watch.violations}
    assert {"script-src-elem", "style-src-attr", "script-src-attr"} <= directives, watch.violations


# --- the pages ----------------------------------------------------------------------------------


def test_public_pages_catalog_and_search_with_facets(watched, searchable, live_server):  # noqa: F811
    world = searchable
    innovation = rich_profile(world)
    watch = watched()
    for path in (
        "/",
        "/inovasi/",
        f"/inovasi/?agency={world.agency.slug}&sort=newest",
        f"/inovasi/{innovation.slug}/",
        f"/instansi/{world.agency.slug}/",
        "/accounts/login/",
        "/cari/masalah/?problem=penyandang+disabilitas+sulit+bekerja",
        "/api/v1/docs",
    ):
        watch.visit(path)
    expect(watch.page.locator("#swagger-ui .info")).to_be_visible(timeout=60_000)  # it runs
    watch.assert_clean()

    # the search facets narrow and widen the results
    page = watch.page
    watch.visit("/cari/?q=difabel")
    found = page.locator("ol.results > li").count()
    assert found >= 2
    page.locator('ul[aria-labelledby="facet-sector"] a[href*="sector=education"]').click()
    page.wait_for_url("**sector=education**")
    assert page.locator("ol.results > li").count() == 1
    page.locator('ul[aria-labelledby="facet-sector"] a[aria-current="true"]').click()
    page.wait_for_url(lambda url: "sector=" not in url)
    assert page.locator("ol.results > li").count() == found
    watch.assert_clean()

    # the signed-in unit's own view of the innovation, with its history, and the workspace
    sign_in(page, live_server.url, world.officer)
    for path in (
        f"/inovasi/{innovation.slug}/",
        "/ruang-kerja/",
        f"/ruang-kerja/inovasi/{world.draft.slug}/",
        f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/",
        "/notifikasi/",
    ):
        watch.visit(path)
    watch.assert_clean()
    assert len(watch.visited) >= 14


def test_insights_charts_and_the_lineage_graph(watched, family, world, live_server):  # noqa: F811
    original, first, _second, _grandchild, programme = family
    watch = watched(viewport={"width": 1366, "height": 900})
    page = watch.page
    sign_in(page, live_server.url, world.officer)
    for path in (
        "/wawasan/",
        f"/wawasan/program/{programme.slug}/",
        "/wawasan/indeks/",
        f"/wawasan/indeks/{original.slug}/",
        "/wawasan/data-terbuka/",
        f"/hasil/{original.slug}/",
        f"/hasil/{first.slug}/",
        f"/hasil/{original.slug}/keluarga/",
        f"/inovasi/{original.slug}/",
    ):
        watch.visit(path)
    watch.assert_clean()

    # a chart's figures open as a table
    watch.visit("/wawasan/")
    details = page.locator("details").first
    details.locator("summary").click()
    expect(details.locator("table")).to_be_visible()

    # the lineage graph's script: the live panel follows the arrow keys
    watch.visit(f"/wawasan/difusi/{original.slug}/")
    node = page.locator("[data-lineage-node]").first
    node.focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label') || ''")
    assert "generation 1" in focused
    assert focused.split(" — ")[0] in page.locator("[data-lineage-detail]").inner_text()
    watch.assert_clean()


def test_replication_pages(watched, rep, live_server):  # noqa: F811
    watch = watched()
    page = watch.page
    watch.visit(f"/replikasi/program/{rep.programme.slug}/")
    page.get_by_text("Show the figures as a table").click()
    expect(page.get_by_role("table", name="Target units by stage, by month")).to_be_visible()
    sign_in(page, live_server.url, rep.manager)
    for path in (
        "/replikasi/",
        "/replikasi/program/",
        f"/replikasi/program/{rep.programme.slug}/",
        f"/replikasi/program/{rep.programme.slug}/sasaran/",
        f"/replikasi/proyek/{rep.project.pk}/",
        f"/replikasi/proyek/{rep.project.pk}/adaptasi/",
        f"/replikasi/proyek/{rep.project.pk}/pendampingan/",
        "/replikasi/komitmen/",
    ):
        watch.visit(path)
    watch.assert_clean()


def test_event_pages(watched, world, event, live_server):  # noqa: F811
    watch = watched()
    watch.visit("/acara/")
    watch.visit(f"/acara/{event.slug}/")
    sign_in(watch.page, live_server.url, world.officer)
    for path in ("", "kelola/", "kehadiran/", "undangan/", "materi/", "testimoni/"):
        watch.visit(f"/acara/{event.slug}/{path}")
    watch.assert_clean()


def test_competition_pages_and_the_live_word_count(watched, cw, live_server):  # noqa: F811
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    watch = watched()
    page = watch.page
    watch.visit("/kompetisi/")
    watch.visit(f"/kompetisi/{cw.round.slug}/")
    sign_in(page, live_server.url, cw.officer)
    watch.visit(f"/kompetisi/entri/{entry.pk}/")
    section = cw.general.sections.get()
    area = page.locator(f"#id_section_{section.pk}")
    area.focus()
    page.keyboard.type("satu dua tiga")
    expect(page.locator(f"#id_section_{section.pk}_words")).to_have_text("3 of 50 words")
    sign_in(page, live_server.url, cw.panrb_admin)
    for path in (
        f"/kompetisi/{cw.round.slug}/kelola/",
        "/kompetisi/baru/",
        f"/kompetisi/{cw.round.slug}/pengaturan/",
    ):
        watch.visit(path)
    watch.assert_clean()


def test_import_page_and_its_progress_polled_by_htmx(watched, world, live_server):
    units = "agency,name,kind\nKementerian Sosial,Sentra Handayani,sentra\n"
    job = ImportJob.objects.create(
        kind="units",
        status=ImportJob.Status.RUNNING,
        filename="unit.csv",
        content=units.encode(),
        size=len(units),
        language="en",
        created_by=world.admin,
        total=2,
    )
    progress.publish(job.pk, "write", 1, 2)
    watch = watched()
    page = watch.page
    sign_in(page, live_server.url, world.admin)
    watch.visit("/impor/")
    watch.visit(f"/impor/{job.pk}/")
    assert page.locator("progress").get_attribute("value") == "1"
    progress.publish(job.pk, "write", 3, 4)  # htmx asks again every second and swaps it in
    page.wait_for_function(  # a function: a string expression is eval'd, which the policy forbids
        "() => document.getElementById('import-announcer').textContent.includes('75 percent')"
    )
    assert page.locator("progress").get_attribute("value") == "3"
    # htmx added no <style> element of its own (its indicator rules are in our stylesheet)
    assert page.locator("head style").count() == 0
    watch.assert_clean()


def test_management_pages_and_the_pickers(watched, world, live_server):
    watch = watched()
    page = watch.page
    sign_in(page, live_server.url, world.admin)
    for path in ("/kelola/", "/kelola/instansi/kemensos/", "/kelola/instansi/kemensos/orang/"):
        watch.visit(path)
    watch.visit("/kelola/instansi/kemensos/unit/baru/")
    parent = page.locator("#id_parent")
    assert parent.get_attribute("role") == "combobox"  # the picker's script ran
    parent.fill("")
    parent.type("wyata")
    options = page.locator("#id_parent_listbox:not([hidden]) [role='option']")
    expect(options).to_have_text(["Sentra Wyata Guna Bandung"])
    watch.assert_clean()


def test_the_admin_under_the_policy(watched, world, live_server):
    watch = watched()
    page = watch.page
    sign_in(page, live_server.url, world.platform_admin)
    watch.visit("/admin/")
    # the navigation sidebar's filter (nav_sidebar.js)
    watch.visit("/admin/catalog/innovation/")
    page.locator("#nav-filter").fill("award")
    expect(page.locator("#nav-sidebar tr.model-innovation")).to_be_hidden()
    expect(page.locator("#nav-sidebar tr.model-award")).to_be_visible()

    # the change form: the two-box SDG chooser (SelectFilter2.js), adding an inline row
    # (inlines.js), the date hierarchy and calendar widgets (DateTimeShortcuts.js)
    watch.visit(f"/admin/catalog/innovation/{world.published.pk}/change/")
    expect(page.locator("#id_sdgs_from")).to_be_attached()
    expect(page.locator("#id_sdgs_filter")).to_be_attached()
    rows = page.locator("#team-group tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#team-group .add-row a").click()
    expect(rows).to_have_count(before + 1)

    # the slug follows the name as it is typed (prepopulate.js reads its JSON constants)
    watch.visit("/admin/organisations/agency/add/")
    page.locator("#id_name").press_sequentially("Badan Uji Coba")
    expect(page.locator("#id_slug")).to_have_value("badan-uji-coba")

    # a change saved through the admin
    award = Award.objects.create(innovation=world.published, level="top_99", year=2023)
    watch.visit(f"/admin/catalog/award/{award.pk}/change/")
    page.locator("#id_year").fill("2024")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/catalog/award/")
    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    award.refresh_from_db()
    assert award.year == 2024
    watch.assert_clean()
