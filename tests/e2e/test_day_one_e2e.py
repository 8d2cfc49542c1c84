"""Day one of a real ministry, in a browser and in Indonesian, from an empty Lumbung.

A platform admin — using the pages only — creates Kementerian Sosial and Kementerian PANRB,
imports Kemensos's directorate-general and its 30 sentra from a spreadsheet (a first file with
three bad rows is refused whole, each bad row reported with its line and reason; the corrected
file is written whole), then imports officers with their roles. Each officer chooses a password
through the link e-mailed to them, signs in with the login form and sees their own unit's work
and no other unit's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from lumbung.catalog.models import Innovation
from lumbung.organisations.models import Agency, Membership, Role, Unit, User

from .conftest import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True)

DATA = (
    Path(__file__).resolve().parents[2] / "src/lumbung/organisations/data/demo_organisations.json"
)
DITJEN = "Direktorat Jenderal Rehabilitasi Sosial"
ROOT_PASSWORD = "Sandi-Root-2026!"
#: The first piece of work each officer starts, by unit.
WORK = {
    "Sentra Terpadu Kartini Temanggung": "Bengkel Kerja Terlindung Temanggung",
    "Sentra Wyata Guna Bandung": "Kedai Kopi Netra Bandung",
}


def _sentra() -> list[tuple[str, str]]:
    """The 30 sentra of Kemensos's directorate-general, with their region codes."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    kemensos = next(a for a in data["agencies"] if a["short_name"] == "Kemensos")
    ditjen = next(u for u in kemensos["units"] if u["name"] == DITJEN)
    children = ditjen["children"]
    sentra = [(u["name"], u.get("region") or "") for u in children if u["kind"] == "sentra"]
    return sentra[:30]


def _units_csv(*, broken: bool) -> str:
    sentra = _sentra()
    rows = ["instansi,nama,jenis,induk,kode_wilayah", f"Kementerian Sosial,{DITJEN},ditjen,,"]
    rows += [f"Kementerian Sosial,{name},sentra,{DITJEN},{code}" for name, code in sentra]
    if broken:
        rows[3] = f",{sentra[1][0]},sentra,{DITJEN},{sentra[1][1]}"  # line 4: no agency
        rows[6] = rows[6].rsplit(",", 1)[0] + ",99.99"  # line 7: no such region
        rows.append(rows[10])  # line 33: a sentra twice
    return "\n".join(rows) + "\n"


def _clean(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe(violations)}"


def _upload(page, kind_label: str, name: str, content: str) -> None:
    page.goto("/impor/")
    page.get_by_role("radio", name=kind_label, exact=True).check()
    page.set_input_files(
        "#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Periksa berkas").click()
    page.wait_for_url("**/impor/*/")


def _sign_in_with_the_form(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()


def _create_agency(page, name: str, short: str) -> None:
    page.goto("/kelola/")
    page.get_by_role("link", name="Instansi baru").click()
    page.wait_for_url("**/kelola/instansi/baru/")
    _clean(page)
    page.locator("#id_name").fill(name)
    page.locator("#id_short_name").fill(short)
    page.locator("#id_kind").select_option("ministry")
    page.locator("#id_region").fill("DKI Jakarta")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("heading", level=1, name=name).wait_for()


def test_day_one_of_a_ministry(new_tab, live_server, settings):
    settings.LANGUAGE_CODE = "id"  # the product's default: e-mails to new people are Indonesian
    User.objects.create_superuser("root", "root@panrb.go.id", ROOT_PASSWORD)
    assert not Agency.objects.exists() and not Unit.objects.exists()
    admin = new_tab(language="id")

    # 1. the platform admin signs in and creates the two agencies with the pages
    _sign_in_with_the_form(admin, "root", ROOT_PASSWORD)
    admin.get_by_role("navigation", name="Utama").get_by_role("link", name="Kelola").click()
    admin.wait_for_url("**/kelola/")
    _clean(admin)
    _create_agency(admin, "Kementerian Sosial", "Kemensos")
    _create_agency(
        admin, "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "KemenPANRB"
    )
    assert set(Agency.objects.values_list("slug", flat=True)) == {"kemensos", "kemenpanrb"}
    assert Agency.objects.get(slug="kemensos").region_id == "31"

    # 2. a spreadsheet with three bad rows: each reported with its line and reason, none written
    _upload(admin, "Unit kerja", "sentra.csv", _units_csv(broken=True))
    problems = admin.locator("table", has=admin.locator("caption#problems-caption"))
    problems.wait_for()
    assert "3 masalah" in admin.locator("#problems-caption").inner_text()
    rows = {
        r.locator("th").inner_text(): r.locator("td").last.inner_text()
        for r in problems.locator("tbody tr").all()
    }
    assert set(rows) == {"4", "7", "33"}, rows
    assert rows["4"] == "Instansi belum diisi."
    assert "99.99" in rows["7"]
    assert "baris 11" in rows["33"]  # the duplicate names the line it repeats
    assert admin.get_by_role("button", name=re.compile("^Impor")).count() == 0
    _clean(admin)
    assert not Unit.objects.exists()

    # 3. the corrected file: previewed, then all 31 units written
    _upload(admin, "Unit kerja", "sentra.csv", _units_csv(broken=False))
    admin.get_by_role("heading", name="Pratinjau: belum ada yang ditulis").wait_for()
    admin.get_by_role("button", name="Impor 31 baris ini").click()
    admin.get_by_role("heading", name="Hasil: impor sudah ditulis").wait_for()
    _clean(admin)
    ditjen = Unit.objects.get(name=DITJEN)
    sentra = Unit.objects.filter(parent=ditjen, kind="sentra")
    assert sentra.count() == 30
    assert Unit.objects.get(name="Sentra Terpadu Kartini Temanggung").region_id == "33.23"

    # the management page shows the tree one level at a time
    admin.goto("/kelola/instansi/kemensos/")
    admin.get_by_role("link", name=re.compile("30 unit kerja")).click()
    expect(admin.get_by_role("rowheader", name="Sentra Wyata Guna Bandung")).to_be_visible()
    _clean(admin)

    # 4. officers with their roles, by spreadsheet; each gets an e-mail with a link
    officers = [
        ("sari@kemensos.go.id", "Sari Wulandari", "Sentra Terpadu Kartini Temanggung"),
        ("budi@kemensos.go.id", "Budi Santoso", "Sentra Wyata Guna Bandung"),
    ]
    people = (
        "surel,nama,instansi,peran,unit_kerja\n"
        + "".join(
            f"{email},{name},Kementerian Sosial,unit_officer,{unit}\n"
            for email, name, unit in officers
        )
        + "admin@kemensos.go.id,Admin Inovasi,Kementerian Sosial,agency_admin,\n"
    )
    mail.outbox.clear()
    _upload(admin, "Orang dan perannya", "petugas.csv", people)
    admin.get_by_role("button", name="Impor 3 baris ini").click()
    admin.get_by_role("heading", name="Hasil: impor sudah ditulis").wait_for()
    assert len(mail.outbox) == 3
    assert Membership.objects.filter(role=Role.UNIT_OFFICER, unit__name=officers[0][2]).exists()

    # 5. each officer chooses a password by the e-mailed link, signs in, and starts their work
    tabs = {}
    for email, _name, unit_name in officers:
        message = next(m for m in mail.outbox if m.to == [email])
        assert message.subject == "Akun Lumbung Anda untuk Kementerian Sosial"
        link = re.search(r"https?://\S+", message.body).group(0)
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        officer = tabs[unit_name] = new_tab(language="id")
        officer.goto(path)
        officer.locator("#id_new_password1").fill("Sandi-Petugas-2026")
        officer.locator("#id_new_password2").fill("Sandi-Petugas-2026")
        with officer.expect_navigation():
            officer.get_by_role("button", name="Simpan kata sandi baru").click()
        username = User.objects.get(email=email).username
        _sign_in_with_the_form(officer, username, "Sandi-Petugas-2026")
        nav = officer.get_by_role("navigation", name="Utama")
        assert nav.get_by_role("link", name="Kelola").count() == 0
        nav.get_by_role("link", name="Ruang kerja").click()
        officer.goto("/ruang-kerja/inovasi/baru/")
        assert officer.locator("#id_unit").input_value() == str(Unit.objects.get(name=unit_name).pk)
        officer.locator("#id_name").fill(WORK[unit_name])
        officer.locator("main form button[type=submit]").last.click()
        officer.wait_for_url("**/ruang-kerja/inovasi/*/ubah/**")
        assert Innovation.objects.get(name=WORK[unit_name]).unit.name == unit_name

    # 6. each sees their own unit's work and not the other's, in lists and by address
    for unit_name, officer in tabs.items():
        officer.goto("/ruang-kerja/")
        _clean(officer)
        text = officer.locator("main").inner_text()
        other = next(u for u in tabs if u != unit_name)
        assert WORK[unit_name] in text and WORK[other] not in text
        own = Innovation.objects.get(name=WORK[unit_name])
        theirs = Innovation.objects.get(name=WORK[other])
        assert officer.goto(f"/ruang-kerja/inovasi/{own.slug}/").status == 200
        assert officer.goto(f"/ruang-kerja/inovasi/{theirs.slug}/").status in {403, 404}
        assert officer.goto(f"/inovasi/{theirs.slug}/").status == 404  # a draft is not public
        assert officer.goto("/kelola/").status == 403  # and no management pages
