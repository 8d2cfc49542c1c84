"""Event pages: forms, the door list, follow-up, report, exports, public page, permissions."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from lumbung.events import services
from lumbung.events.models import Event, Intent, Registration
from lumbung.replication.models import Commitment, ReplicationProject

from .conftest import PDF, PNG, register

pytestmark = pytest.mark.django_db


def browser(user=None, lang: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    if user is not None:
        client.force_login(user)
    return client


def url(event: Event, name: str = "") -> str:
    return f"/acara/{event.slug}/{name}"


def _due() -> str:
    return (timezone.localdate() + dt.timedelta(days=45)).isoformat()


def one_h1(html: str) -> None:
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert '<main id="main"' in html


# --- creating -------------------------------------------------------------------------------


def test_create_an_event_with_the_form(ev):
    client = browser(ev.officer)
    page = client.get("/acara/baru/")
    assert page.status_code == 200
    one_h1(page.content.decode())
    start = timezone.localtime(timezone.now() + dt.timedelta(days=5)).replace(
        second=0, microsecond=0
    )
    response = client.post(
        "/acara/baru/",
        {
            "title": "Pembelajaran Baru",
            "host_unit": ev.unit.pk,
            "programme": ev.programme.pk,
            "showcased": [ev.published.pk],
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "venue": "Aula",
            "capacity": "30",
            "registration_open": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(title="Pembelajaran Baru")
    assert response["Location"] == url(event, "undangan/")
    assert event.starts_at == start and event.capacity == 30 and event.programme == ev.programme


def test_form_errors_are_tied_to_their_inputs(ev):
    client = browser(ev.officer)
    response = client.post("/acara/baru/", {"title": "", "host_unit": ev.unit.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_title_error"' in html
    assert 'id="id_title_error"' in html
    assert "Choose at least one innovation to showcase." in html


def test_a_unit_officer_cannot_host_for_another_unit(ev):
    client = browser(ev.sibling_officer)
    start = timezone.localtime() + dt.timedelta(days=5)
    response = client.post(
        "/acara/baru/",
        {
            "title": "X",
            "host_unit": ev.unit.pk,  # not offered to this person: a choice error
            "showcased": [ev.published.pk],
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
            "venue": "Aula",
        },
    )
    assert response.status_code == 400 and not Event.objects.filter(title="X").exists()
    assert browser(ev.nobody).get("/acara/baru/").status_code == 403


def test_invite_with_the_form(ev, sub_units):
    dg, sentra, _office = sub_units
    client = browser(ev.officer)
    page = client.get(url(ev.event, "undangan/"))
    assert page.status_code == 200
    response = client.post(url(ev.event, "undangan/"), {"under": dg.pk, "kinds": ["sentra"]})
    assert response.status_code == 302
    assert ev.event.invitations.filter(unit__in=sentra).count() == 3
    empty = client.post(url(ev.event, "undangan/"), {})
    assert empty.status_code == 400


# --- registration and the door --------------------------------------------------------------


def test_an_invited_officer_registers_and_over_capacity_goes_on_the_wait_list(ev):
    client = browser(ev.sibling_officer)
    page = client.get(url(ev.event, "daftar/"))
    assert page.status_code == 200
    one_h1(page.content.decode())
    for name in ("Ani", "Budi", "Citra", "Dewi"):
        response = client.post(
            url(ev.event, "daftar/"),
            {"invitation": ev.inv_sibling.pk, "name": name, "accessibility_needs": "Kursi roda"},
        )
        assert response.status_code == 302
    full = client.get(url(ev.event, "daftar/")).content.decode()
    assert "The event is full. You can still register people: they go on the wait-list" in full
    response = client.post(
        url(ev.event, "daftar/"), {"invitation": ev.inv_sibling.pk, "name": "Eka"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The event is full: Eka is on the wait-list, number 1" in page
    assert "on the wait-list, number 1" in page
    assert ev.event.registrations.filter(status="registered").count() == 4
    assert ev.event.registrations.get(name="Eka").status == "waitlisted"


def test_registration_page_only_for_invited_units(ev):
    assert browser(ev.sibling_officer).get(url(ev.event, "daftar/")).status_code == 200
    # another agency's officer whose unit IS invited sees only their own invitation
    page = browser(ev.other_officer).get(url(ev.event, "daftar/")).content.decode()
    assert ev.sibling_unit.name not in page.split("<main")[1]
    # a person whose unit is not invited: the draft event is not even visible
    assert browser(ev.nobody).get(url(ev.event, "daftar/")).status_code == 404
    # forged: posting another unit's invitation is refused
    response = browser(ev.other_officer).post(
        url(ev.event, "daftar/"), {"invitation": ev.inv_sibling.pk, "name": "X"}
    )
    assert response.status_code == 400 and not Registration.objects.exists()


def test_bulk_check_in_with_the_plain_form(ev):
    a, b, c = register(ev.event, ev.inv_sibling, "Ani", "Budi", "Citra")
    Registration.objects.filter(pk=a.pk).update(accessibility_needs="Juru bahasa isyarat")
    client = browser(ev.officer)
    page = client.get(url(ev.event, "kehadiran/")).content.decode()
    one_h1(page)
    assert f'for="reg-{a.pk}"' in page and "Juru bahasa isyarat" in page
    response = client.post(url(ev.event, "kehadiran/"), {"registrations": [a.pk, b.pk]})
    assert response.status_code == 302
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 2
    # one by one, and twice: no double counting
    client.post(url(ev.event, "kehadiran/"), {"only": c.pk, "registrations": [a.pk]})
    client.post(url(ev.event, "kehadiran/"), {"only": c.pk})
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 3
    follow = client.get(url(ev.event, "kehadiran/")).content.decode()
    assert "3 of 3 registered people have checked in." in follow
    # a bad id refuses the batch
    Registration.objects.update(checked_in_at=None)
    bad = client.post(url(ev.event, "kehadiran/"), {"registrations": [a.pk, 987654]})
    assert bad.status_code == 400 and 'class="error-summary"' in bad.content.decode()
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
    assert client.post(url(ev.event, "kehadiran/"), {}).status_code == 400


def test_the_door_list_search(ev):
    register(ev.event, ev.inv_sibling, "Ani Lestari")
    register(ev.event, ev.inv_partner, "Bambang")
    page = browser(ev.facilitator).get(url(ev.event, "kehadiran/"), {"q": "Ani"}).content.decode()
    assert "Ani Lestari" in page and "Bambang" not in page


# --- follow-up ------------------------------------------------------------------------------


def test_follow_up_form_creates_commitment_and_project_in_one_step(ev):
    client = browser(ev.sibling_officer)
    page = client.get(url(ev.event, "tindak-lanjut/"))
    assert page.status_code == 200
    one_h1(page.content.decode())
    prefix = f"i{ev.published.pk}"
    response = client.post(
        url(ev.event, "tindak-lanjut/"),
        {
            "unit": ev.sibling_unit.pk,
            f"{prefix}-decision": "adapt",
            f"{prefix}-due_date": _due(),
            f"{prefix}-start_project": "on",
        },
    )
    assert response.status_code == 302
    intent = Intent.objects.get()
    assert intent.commitment and intent.project and intent.project.declared_form == "adaptation"
    shown = client.get(response["Location"]).content.decode()
    assert "Committed." in shown


def test_follow_up_form_without_a_due_date_saves_nothing(ev):
    prefix = f"i{ev.published.pk}"
    response = browser(ev.sibling_officer).post(
        url(ev.event, "tindak-lanjut/"),
        {
            "unit": ev.sibling_unit.pk,
            f"{prefix}-decision": "adopt",
            f"{prefix}-start_project": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{prefix}-due_date_error"' in html
    assert not Commitment.objects.exists() and not ReplicationProject.objects.exists()


def test_follow_up_page_refused_to_the_host_and_strangers(ev):
    # the host's officer has no invited unit of their own and is not a facilitator: they read
    # what the invited units recorded (issue 10: no 403 behind the overview's link), record none
    host = browser(ev.officer)
    page = host.get(url(ev.event, "tindak-lanjut/"))
    assert page.status_code == 200
    assert "Follow-up of the invited units" in page.content.decode()
    prefix = f"i{ev.published.pk}"
    response = host.post(
        url(ev.event, "tindak-lanjut/"),
        {"unit": ev.sibling_unit.pk, f"{prefix}-decision": "not_now"},
    )
    assert response.status_code == 403
    assert browser(ev.nobody).get(url(ev.event, "tindak-lanjut/")).status_code == 404
    # a forged unit is refused; nothing is recorded for anyone
    prefix = f"i{ev.published.pk}"
    response = browser(ev.other_officer).post(
        url(ev.event, "tindak-lanjut/"),
        {"unit": ev.sibling_unit.pk, f"{prefix}-decision": "not_now"},
    )
    assert response.status_code == 403 and not Intent.objects.exists()


# --- report and exports ---------------------------------------------------------------------


@pytest.fixture
def held(ev):
    """The event after it happened: registrations, attendance, intents."""
    a, b, _c = register(ev.event, ev.inv_sibling, "Ani", "Budi", '=HYPERLINK("x")')
    Registration.objects.filter(pk=a.pk).update(accessibility_needs="Kursi roda")
    (d,) = register(ev.event, ev.inv_other, "Dewi")
    services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[a, b, d])
    services.intent_record(
        actor=ev.sibling_officer,
        event=ev.event,
        unit=ev.sibling_unit,
        innovation=ev.published,
        decision="adopt",
        due_date=_due(),
        start_project=True,
    )
    services.intent_record(
        actor=ev.other_officer,
        event=ev.event,
        unit=ev.other_unit,
        innovation=ev.published,
        decision="not_now",
    )
    return ev


def test_report_numbers(held):
    from lumbung.events.selectors import event_report

    report = event_report(held.event)
    assert (report.invited_units, report.invited_partners) == (2, 1)
    assert (report.registered, report.attended) == (4, 3)
    assert (report.attending_units, report.attending_partners) == (2, 0)
    assert (report.commitments, report.committing_units, report.projects) == (1, 1, 1)
    assert report.with_accessibility_needs == 1
    by_name = {r.name: r for r in report.rows}
    sibling = by_name[held.sibling_unit.name]
    assert (sibling.registered, sibling.attended, sibling.commitments, sibling.projects) == (
        3,
        2,
        1,
        1,
    )
    assert by_name[held.other_unit.name].decisions["not_now"] == 1
    assert by_name[held.partner.name].kind == "partner"
    page = browser(held.manager).get(url(held.event, "laporan/"))
    assert page.status_code == 200
    one_h1(page.content.decode())


def test_xlsx_report_content(held):
    response = browser(held.officer).get(url(held.event, "laporan.xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Summary", "By unit", "Commitments", "Attendance"]
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Invited units"] == 2 and summary["People who attended"] == 3
    assert summary["Commitments"] == 1 and summary["Replication projects started"] == 1
    by_unit = list(wb["By unit"].iter_rows(values_only=True))
    header = by_unit[0]
    row = next(r for r in by_unit if r[0] == held.sibling_unit.name)
    assert row[header.index("Attended")] == 2 and row[header.index("Commitments")] == 1
    commitments = list(wb["Commitments"].iter_rows(min_row=2, values_only=True))
    assert {c[0] for c in commitments} == {held.sibling_unit.name, held.other_unit.name}
    names = [r[0] for r in wb["Attendance"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("x")' in names  # a formula-looking name stays text
    cells = " ".join(str(c) for ws in wb for r in ws.iter_rows(values_only=True) for c in r)
    assert "Kursi roda" not in cells  # accessibility needs stay on the hosts' pages
    assert browser(held.sibling_officer).get(url(held.event, "laporan.xlsx")).status_code == 403


def test_ics_content(ev):
    services.event_publish(actor=ev.officer, event=ev.event)
    response = browser(lang="id").get(url(ev.event, "kalender.ics"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    (vevent,) = [c for c in cal.walk() if c.name == "VEVENT"]
    assert str(vevent["summary"]) == ev.event.title
    assert vevent.decoded("dtstart") == ev.event.starts_at.replace(microsecond=0)
    assert vevent.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert "Aula Sentra" in str(vevent["location"])
    assert str(vevent["uid"]) == f"event-{ev.event.pk}@lumbung"
    assert str(vevent["url"]).endswith(url(ev.event))
    english = Calendar.from_ical(browser(lang="en").get(url(ev.event, "kalender.ics")).content)
    assert str(english.walk("VEVENT")[0]["summary"]) == "Baris Ditebas learning event"


# --- the public page ------------------------------------------------------------------------


def test_public_page_shows_no_personal_data(held):
    held.event.summary_en = "The centre showed its barista training."
    held.event.save()
    services.testimonial_add(
        actor=held.officer,
        event=held.event,
        speaker="Ibu Rahasia",
        group="SWP Karya Barokah",
        text="Kami bangga.",
        is_public=True,
    )
    services.testimonial_add(
        actor=held.officer, event=held.event, speaker="Pak Internal", text="Belum boleh tampil."
    )
    photo = SimpleUploadedFile("p.png", PNG)
    services.material_add(
        actor=held.officer,
        event=held.event,
        kind="photo",
        title="Pameran",
        description="Meja pameran produk",
        upload=photo,
        is_public=True,
    )
    services.event_publish(actor=held.officer, event=held.event)
    for lang in ("id", "en"):
        response = browser(lang=lang).get(url(held.event))
        assert response.status_code == 200
        html = response.content.decode()
        one_h1(html)
        for secret in (
            "Ani",
            "Budi",
            "Dewi",
            "Kursi roda",
            "Ibu Rahasia",
            "Pak Internal",
            "Belum boleh tampil",
        ):
            assert secret not in html, secret
        assert "Kami bangga." in html and "SWP Karya Barokah" in html
        assert 'alt="Meja pameran produk"' in html
        assert held.published.name in html and held.partner.name in html
        assert re.search(r"<strong>1</strong>\s*follow-up commitments", html) or lang == "id"
    assert (
        "Baris Ditebas learning event" in browser(lang="en").get(url(held.event)).content.decode()
    )
    assert held.event.title in browser(lang="id").get(url(held.event)).content.decode()
    # English falls back to Indonesian (marked lang="id") where there is no translation
    Event.objects.filter(pk=held.event.pk).update(title_en="")
    html = browser(lang="en").get(url(held.event)).content.decode()
    assert f'<h1><span lang="id">{held.event.title}</span></h1>' in html
    assert "The centre showed its barista training." in html


def test_drafts_are_not_public_and_the_feed_lists_published(ev):
    assert browser().get(url(ev.event)).status_code == 404
    assert browser().get(url(ev.event, "kalender.ics")).status_code == 404
    assert browser(ev.nobody).get(url(ev.event)).status_code == 404
    assert browser(ev.sibling_officer).get(url(ev.event)).status_code == 200  # invited
    assert ev.event.title not in browser(lang="id").get("/acara/").content.decode()
    services.event_publish(actor=ev.officer, event=ev.event)
    assert ev.event.title in browser(lang="id").get("/acara/").content.decode()
    feed = browser(lang="en").get("/acara/berita.xml")
    assert feed.status_code == 200 and "Baris Ditebas learning event" in feed.content.decode()


def test_private_materials_need_the_managers(ev):
    pdf = SimpleUploadedFile("x.pdf", PDF)
    m = services.material_add(
        actor=ev.officer, event=ev.event, kind="handout", title="Modul", upload=pdf
    )
    services.event_publish(actor=ev.officer, event=ev.event)
    assert browser().get(url(ev.event, f"materi/{m.pk}/")).status_code == 404
    ok = browser(ev.officer).get(url(ev.event, f"materi/{m.pk}/"))
    assert ok.status_code == 200 and ok["X-Content-Type-Options"] == "nosniff"


# --- the permission matrix through the pages ------------------------------------------------

PAGES = [
    "kelola/",
    "ubah/",
    "undangan/",
    "kehadiran/",
    "testimoni/",
    "materi/",
    "laporan/",
    "laporan.xlsx",
]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer", 200),  # host unit officer
        ("admin", 200),  # host agency admin
        ("facilitator", 200),  # the event's facilitator
        ("manager", 200),  # the programme's manager
        ("platform_admin", 200),
        ("sibling_officer", 403),  # invited: sees the event, may not manage it
        ("other_officer", 403),
        ("other_admin", 403),  # its unit is invited: sees it, may not manage
        ("nobody", 404),  # not involved: a draft does not exist for them
        (None, 302),  # anonymous: to the sign-in page
    ],
)
def test_manager_pages_matrix(ev, who, expected):
    client = browser(getattr(ev, who) if who else None)
    for page in PAGES:
        response = client.get(url(ev.event, page))
        assert response.status_code == expected, (who, page, response.status_code)


@pytest.mark.parametrize(
    ("who", "register", "intents"),
    [
        ("sibling_officer", 200, 200),
        ("other_officer", 200, 200),
        ("officer", 200, 200),  # the host registers anyone, reads (not records) the intents
        ("facilitator", 200, 200),
        ("viewer", 403, 403),  # reads its agency's events, acts for no unit
        ("nobody", 404, 404),
    ],
)
def test_invitee_pages_matrix(ev, who, register, intents):
    client = browser(getattr(ev, who))
    assert client.get(url(ev.event, "daftar/")).status_code == register
    assert client.get(url(ev.event, "tindak-lanjut/")).status_code == intents


def test_writes_by_the_wrong_people_are_refused(ev):
    (reg,) = register(ev.event, ev.inv_sibling, "Ani")
    client = browser(ev.sibling_officer)
    assert client.post(url(ev.event, "kehadiran/"), {"registrations": [reg.pk]}).status_code == 403
    assert client.post(url(ev.event, "terbitkan/"), {"publish": "1"}).status_code == 403
    assert not Event.objects.get(pk=ev.event.pk).is_published
    assert client.post(url(ev.event, "undangan/"), {"units": [ev.other_unit.pk]}).status_code == 403
    # another unit cannot cancel this unit's registration (not even learn it exists)
    other = browser(ev.other_officer)
    assert other.post(url(ev.event, f"daftar/{reg.pk}/batal/")).status_code == 404
    assert Registration.objects.get(pk=reg.pk).is_active
    assert (
        browser().post(url(ev.event, "kehadiran/"), {"registrations": [reg.pk]}).status_code == 302
    )
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_list_page_shows_my_events_and_the_new_button(ev):
    html = browser(ev.sibling_officer).get("/acara/").content.decode()
    one_h1(html)
    assert ev.event.title_en in html  # invited: in "Your events"
    assert "New learning event" in html
    assert "New learning event" not in browser(ev.nobody).get("/acara/").content.decode()


def test_invitations_in_a_large_agency_take_a_unit_by_name_and_a_list_of_names(
    ev, sub_units, monkeypatch
):
    from lumbung.organisations import unit_picker

    monkeypatch.setattr(unit_picker, "SELECT_LIMIT", 3)
    _dg, sentra, office = sub_units
    client = browser(ev.officer)
    page = client.get(url(ev.event, "undangan/"))
    assert page.status_code == 200
    assert 'type="checkbox" name="units"' not in page.text  # no checkbox per unit
    assert "Bagian Umum" not in page.text
    bad = client.post(url(ev.event, "undangan/"), {"units": "Bagian Umum\nTidak Ada"})
    assert bad.status_code == 400 and "Line 2" in bad.text
    assert not ev.event.invitations.filter(unit=office).exists()
    response = client.post(
        url(ev.event, "undangan/"), {"under": "Ditjen Rehsos", "kinds": ["sentra"]}
    )
    assert response.status_code == 302
    assert ev.event.invitations.filter(unit__in=sentra).count() == 3
    response = client.post(url(ev.event, "undangan/"), {"units": "bagian umum"})
    assert response.status_code == 302
    assert ev.event.invitations.filter(unit=office).exists()
