"""The import page in a browser: used with the keyboard alone from upload to result, no serious
axe-core violation on any of its states, and the progress followed by htmx with a live region."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lumbung.core.imports import progress
from lumbung.core.imports.models import ImportJob
from lumbung.organisations.models import Unit

from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

UNITS = (
    "agency,name,kind,parent,region\n"
    "Kementerian Sosial,Direktorat Rehabilitasi Sosial Anak,directorate,,\n"
    "Kementerian Sosial,Sentra Handayani,sentra,Direktorat Rehabilitasi Sosial Anak,31.72\n"
)
BAD = "agency,name,region\n,Sentra Tanpa Instansi,\nKementerian Sosial,Sentra X,99.99\n"


def _clean(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe(violations)}"


def _active(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, text: document.activeElement.textContent.trim(),"
        " cls: document.activeElement.className})"
    )


def _tab_until(page, test, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if test(_active(page)):
            return
    raise AssertionError("Tab never reached the element")


def _upload_by_keyboard(page, content: str) -> None:
    page.goto("/impor/")
    _tab_until(page, lambda a: a["id"] == "id_kind_0")
    page.keyboard.press("ArrowDown")  # a radio group moves (and chooses) with the arrows
    assert page.locator("#id_kind_1").is_checked()  # units
    page.keyboard.press("Tab")
    assert _active(page)["id"] == "id_file"
    # a file chooser is the system's own window: the test hands the file to the focused input
    page.set_input_files(
        "#id_file",
        files=[{"name": "unit.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    _tab_until(page, lambda a: a["text"] == "Check the file")
    page.keyboard.press("Enter")
    page.wait_for_url("**/impor/*/")


def test_import_units_by_keyboard_from_upload_to_result(tab, world, live_server):
    sign_in(tab, live_server.url, world.admin)
    tab.goto("/impor/")
    _clean(tab)
    assert tab.get_by_role("heading", level=1).inner_text() == "Import from a spreadsheet"

    _upload_by_keyboard(tab, UNITS)
    expect(tab.get_by_role("heading", name="Preview: nothing has been written yet")).to_be_visible()
    expect(tab.get_by_role("rowheader", name="Sentra Handayani")).to_be_visible()
    _clean(tab)

    _tab_until(tab, lambda a: a["text"] == "Import these 2 rows")
    tab.keyboard.press("Enter")
    tab.get_by_role("heading", name="Result: the import is written").wait_for()
    _clean(tab)
    link = tab.get_by_role("link", name="Sentra Handayani")
    expect(link).to_be_visible()
    assert Unit.objects.get(name="Sentra Handayani").parent.name.startswith("Direktorat")


def test_bad_rows_are_announced_and_focused(tab, world, live_server):
    sign_in(tab, live_server.url, world.admin)
    _upload_by_keyboard(tab, BAD)
    tab.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    assert "nothing has been written" in _active(tab)["text"]
    expect(tab.get_by_role("cell", name="The agency is missing.")).to_be_visible()
    expect(tab.get_by_role("cell", name="Unknown region code “99.99”", exact=False)).to_be_visible()
    _clean(tab)


def test_progress_is_polled_and_the_end_is_announced(tab, world, live_server):
    job = ImportJob.objects.create(
        kind="units",
        status=ImportJob.Status.RUNNING,
        filename="unit.csv",
        content=UNITS.encode(),
        size=len(UNITS),
        language="en",
        created_by=world.admin,
        total=2,
    )
    progress.publish(job.pk, "write", 1, 2)
    sign_in(tab, live_server.url, world.admin)
    tab.goto(f"/impor/{job.pk}/")
    assert tab.locator("progress").get_attribute("value") == "1"
    expect(tab.get_by_role("link", name="Refresh the status")).to_be_visible()
    _clean(tab)
    # what the page showed when it loaded is not spoken again; the next quarter is
    progress.publish(job.pk, "write", 3, 4)
    tab.wait_for_function(
        "() => document.getElementById('import-announcer').textContent.includes('75 percent')"
    )
    assert tab.locator("progress").get_attribute("value") == "3"
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, done=2)
    progress.forget(job.pk)
    tab.locator("#import-progress").get_by_text("The import is finished.").wait_for()
    tab.wait_for_function(
        "() => document.getElementById('import-announcer').textContent.includes('finished')"
    )
    expect(tab.get_by_role("link", name="Show the result")).to_be_visible()
    _clean(tab)


def test_progress_without_javascript_has_a_refresh_link(new_tab, world, live_server):
    job = ImportJob.objects.create(
        kind="units",
        status=ImportJob.Status.QUEUED,
        filename="unit.csv",
        content=UNITS.encode(),
        size=len(UNITS),
        language="en",
        created_by=world.admin,
    )
    page = new_tab(java_script_enabled=False)
    sign_in(page, live_server.url, world.admin)
    page.goto(f"/impor/{job.pk}/")
    expect(page.get_by_text("Waiting for the background worker")).to_be_visible()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    page.get_by_role("link", name="Refresh the status").click()
    expect(page.get_by_role("heading", name="Result: the import is written")).to_be_visible()
