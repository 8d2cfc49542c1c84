"""A learning event in the browser: the door check-in by keyboard alone (ticking people and one
submit, then one person's own button), axe-core on the event pages, and 320 px reflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lumbung.events import services
from lumbung.events.models import Registration

from .conftest import axe_violations, describe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PNG = bytes.fromhex(  # a real 1×1 grey PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a4944415478da6368000000820081da45083b0000000049454e44ae426082"
)


@pytest.fixture
def event(world):
    start = timezone.now() + dt.timedelta(days=2)
    event = services.event_create(
        actor=world.officer,
        host_unit=world.unit,
        title="Pembelajaran Replikasi Baris Ditebas",
        title_en="Baris Ditebas learning event",
        summary="Sentra memperagakan pelatihan barista.",
        agenda="09.00 Pembukaan\n10.00 Praktik di kafe",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=5),
        showcased=[world.published],
        venue="Aula Sentra",
        capacity=50,
    )
    services.invitations_add(
        actor=world.officer, event=event, units=[world.sibling_unit, world.other_unit]
    )
    invitation = event.invitations.get(unit=world.sibling_unit)
    services.registrations_create(
        actor=world.officer,
        event=event,
        invitation=invitation,
        attendees=[
            {"name": "Ani Lestari", "position": "Instruktur"},
            {"name": "Budi Santoso", "accessibility_needs": "Juru bahasa isyarat"},
            {"name": "Citra Dewi"},
        ],
    )
    services.testimonial_add(
        actor=world.officer,
        event=event,
        speaker="Ibu Sri",
        group="SWP Karya Barokah",
        text="Kami bangga.",
        is_public=True,
    )
    services.material_add(
        actor=world.officer,
        event=event,
        kind="photo",
        title="Pameran",
        description="Meja pameran produk kafe",
        upload=SimpleUploadedFile("p.png", PNG),
        is_public=True,
    )
    services.event_publish(actor=world.officer, event=event)
    return event


def in_language(page, base_url: str, language: str) -> None:
    """Pages follow the language switch's cookie (not the browser's Accept-Language)."""
    from django.conf import settings

    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


def _active(page) -> dict:
    return page.evaluate(
        "() => {const e = document.activeElement; return {id: e.id, tag: e.tagName,"
        " name: e.name || '', value: e.value || '', text: e.innerText || ''}}"
    )


def _tab_until(page, predicate, limit: int = 120) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = _active(page)
        if predicate(active):
            return active
    raise AssertionError("Tab never reached the element")


def _reg(name: str) -> Registration:
    return Registration.objects.get(name=name)


def test_check_in_at_the_door_by_keyboard_alone(tab, world, event, live_server):
    page = tab
    in_language(page, live_server.url, "en")
    sign_in(page, live_server.url, world.officer)
    page.goto(f"/acara/{event.slug}/kehadiran/")
    assert page.get_by_role("heading", level=1).inner_text() == "Attendance at the door"
    ani, budi, citra = _reg("Ani Lestari"), _reg("Budi Santoso"), _reg("Citra Dewi")

    # tick Ani and Citra with Space, then submit the batch from the keyboard
    _tab_until(page, lambda a: a["id"] == f"reg-{ani.pk}")
    page.keyboard.press("Space")
    _tab_until(page, lambda a: a["id"] == f"reg-{citra.pk}")
    page.keyboard.press("Space")
    assert page.locator(f"#reg-{ani.pk}").is_checked()
    assert not page.locator(f"#reg-{budi.pk}").is_checked()
    submit = _tab_until(page, lambda a: a["tag"] == "BUTTON" and "ticked" in a["text"])
    assert submit["text"].startswith("Check in the ticked people")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "2 people checked in: Ani Lestari, Citra Dewi." in page.locator(".messages").inner_text()
    assert set(
        Registration.objects.filter(checked_in_at__isnull=False).values_list("name", flat=True)
    ) == {"Ani Lestari", "Citra Dewi"}
    status = page.locator("#attendance-count").inner_text()
    assert "2 of 3 registered people have checked in." in status

    # one person at the door: Budi's own button, reached by Tab and pressed with Enter
    button = _tab_until(page, lambda a: a["name"] == "only" and a["value"] == str(budi.pk))
    assert "Budi Santoso" in button["text"]  # the button names the person for screen readers
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 3
    assert (
        "3 of 3 registered people have checked in."
        in page.locator("#attendance-count").inner_text()
    )
    # the accessibility need is shown to the hosts at the door
    assert "Juru bahasa isyarat" in page.locator(".door-list").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_bad_batch_shows_an_error_summary_and_changes_nothing(tab, world, event, live_server):
    page = tab
    in_language(page, live_server.url, "en")
    sign_in(page, live_server.url, world.officer)
    page.goto(f"/acara/{event.slug}/kehadiran/")
    page.locator(f"#reg-{_reg('Ani Lestari').pk}").check()
    # someone cancels Ani's registration meanwhile
    services.registration_cancel(actor=world.officer, registration=_reg("Ani Lestari"))
    page.locator("#bulk-check-in").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "was cancelled; nobody was checked in" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize(
    ("who", "path", "locale"),
    [
        (None, "", "id-ID"),
        (None, "", "en-US"),
        (None, "../", "en-US"),
        ("officer", "kelola/", "en-US"),
        ("officer", "undangan/", "en-US"),
        ("officer", "testimoni/", "en-US"),
        ("officer", "materi/", "en-US"),
        ("officer", "laporan/", "id-ID"),
        ("officer", "ubah/", "en-US"),
        ("sibling_officer", "daftar/", "en-US"),
        ("sibling_officer", "tindak-lanjut/", "id-ID"),
    ],
)
def test_event_pages_pass_axe(new_tab, world, event, live_server, who, path, locale):
    page = new_tab(locale=locale)
    in_language(page, live_server.url, locale[:2])
    if who:
        sign_in(page, live_server.url, getattr(world, who))
    response = page.goto(f"/acara/{event.slug}/{path}")
    assert response is not None and response.ok
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.locator("html").get_attribute("lang") == locale[:2]
    violations = axe_violations(page)
    assert not violations, f"{path}\n{describe(violations)}"


def test_follow_up_form_with_errors_passes_axe(tab, world, event, live_server):
    page = tab
    in_language(page, live_server.url, "en")
    sign_in(page, live_server.url, world.sibling_officer)
    page.goto(f"/acara/{event.slug}/tindak-lanjut/")
    page.get_by_label("Adopt: take it over as it is").check()
    page.get_by_role("button", name="Save the follow-up").click()
    page.locator(".error-summary").wait_for()
    field = page.locator(f"#id_i{world.published.pk}-due_date")
    assert field.get_attribute("aria-invalid") == "true"
    violations = axe_violations(page)
    assert not violations, describe(violations)


@pytest.mark.parametrize("path", ["", "kehadiran/", "laporan/", "daftar/"])
def test_event_pages_fit_320_px(new_tab, world, event, live_server, path):
    page = new_tab(viewport={"width": 320, "height": 800})
    sign_in(page, live_server.url, world.officer)
    page.goto(f"/acara/{event.slug}/{path}")
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{path}: {widths}"
