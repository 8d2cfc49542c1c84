"""Import of units and of people with their roles (organisations.importing): every bad row reported
with its line, all or nothing, the dry run's plan, the tree, the rights of the importing person,
and the e-mails to new people once everything is written."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.utils import translation
from openpyxl import Workbook

from lumbung.catalog.models import Innovation
from lumbung.catalog.selectors import workspace_innovations
from lumbung.core.actors import SYSTEM, as_actor
from lumbung.core.models import AuditEntry
from lumbung.core.policies import permitted
from lumbung.organisations import importing
from lumbung.organisations.importing import (
    check_units,
    import_people,
    import_units,
    normalise_region_code,
)
from lumbung.organisations.models import Membership, Role, Unit, User
from tests.factories import InnovationFactory, UnitFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

UNIT_COLUMNS = ["agency", "name", "short_name", "kind", "parent", "region"]
PEOPLE_COLUMNS = ["email", "name", "agency", "role", "unit"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def make_csv(rows: list[dict[str, str]], columns: list[str], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def make_xlsx(rows: list[dict[str, str]], columns: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def kemensos(world):
    world.agency.short_name = "Kemensos"
    world.agency.save()
    world.ditjen = UnitFactory(
        agency=world.agency,
        name="Direktorat Jenderal Rehabilitasi Sosial",
        kind="directorate_general",
    )
    return world


#: ten regions of the current list (src/lumbung/organisations/data/regions.csv)
REGIONS = ["33.23", "32.73", "17.71", "35.78", "73.71", "12.71", "33.74", "52.71", "71.71", "16.71"]
CITIES = [
    "Temanggung Raya",
    "Bandung Raya",
    "Bengkulu Raya",
    "Surabaya Raya",
    "Makassar Raya",
    "Medan Raya",
    "Semarang Raya",
    "Mataram Raya",
    "Manado Raya",
    "Palembang Raya",
]


def thirty_sentra() -> list[dict[str, str]]:
    """Ten sentra under the Ditjen (already in Lumbung), each followed by two sentra under it."""
    rows = []
    for city, region in zip(CITIES, REGIONS, strict=True):
        parent = f"Sentra Terpadu {city}"
        rows.append(
            {
                "agency": "Kementerian Sosial",
                "name": parent,
                "short_name": f"ST {city.split()[0]}",
                "kind": "sentra",
                "parent": "Direktorat Jenderal Rehabilitasi Sosial",
                "region": region,
            }
        )
        for n, kind in ((1, "balai"), (2, "Sentra / balai / UPT")):
            rows.append(
                {
                    "agency": "Kemensos",
                    "name": f"Sentra Layanan {city} {n}",
                    "short_name": "",
                    "kind": kind,
                    "parent": parent,
                    "region": region,
                }
            )
    return rows


def test_thirty_sentra_with_three_bad_rows_report_the_lines_and_write_nothing(kemensos):
    rows = thirty_sentra()
    rows[4]["agency"] = ""  # line 6: missing agency
    rows[7]["name"] = "Sentra Terpadu Kartini Temanggung"  # line 9: already in Kemensos
    rows[20]["region"] = "99.99"  # line 22: no such region
    before = Unit.objects.count()
    report = import_units(make_csv(rows, UNIT_COLUMNS), actor=SYSTEM)

    assert report.rows == 30
    assert report.rejected_lines == [6, 9, 22]
    reasons = {p.line: (p.column, p.message) for p in report.problems}
    assert reasons[6] == ("agency", "The agency is missing.")
    assert reasons[9] == (
        "name",
        "A unit named “Sentra Terpadu Kartini Temanggung” is already in Kementerian Sosial.",
    )
    assert reasons[22][0] == "region" and "“99.99”" in reasons[22][1]
    assert not report.written
    assert Unit.objects.count() == before
    assert "Nothing was written because some rows were rejected." in report.summary()


def test_thirty_sentra_fixed_file_writes_the_whole_tree(kemensos):
    content = make_csv(thirty_sentra(), UNIT_COLUMNS)
    preview = import_units(content, actor=SYSTEM, dry_run=True)
    assert preview.ok and not preview.written and len(preview.units) == 30
    assert [u.line for u in preview.units] == list(range(2, 32))  # in the file's order
    assert not Unit.objects.filter(name__startswith="Sentra Layanan").exists()

    report = import_units(content, actor=SYSTEM)
    assert report.ok and report.written
    assert "Written: 30 units created." in report.summary()
    ditjen = kemensos.ditjen
    tops = Unit.objects.filter(parent=ditjen, name__startswith="Sentra Terpadu")
    assert tops.count() == 10
    for city, region in zip(CITIES, REGIONS, strict=True):
        top = Unit.objects.get(agency=kemensos.agency, name=f"Sentra Terpadu {city}")
        assert top.kind == Unit.Kind.SENTRA and top.region_id == region
        assert top.short_name == f"ST {city.split()[0]}"
        children = sorted(top.children.values_list("name", flat=True))
        assert children == [f"Sentra Layanan {city} 1", f"Sentra Layanan {city} 2"]
        assert set(top.children.values_list("kind", flat=True)) == {Unit.Kind.SENTRA}
    # the tree is queried as one: every new unit is below the Ditjen
    below = Unit.objects.descendants(ditjen).filter(name__startswith="Sentra ")
    assert below.count() == 30
    assert AuditEntry.objects.filter(action="unit.create").count() >= 30

    again = import_units(content, actor=SYSTEM)  # the same file again writes nothing twice
    assert not again.written and len(again.rejected_lines) == 30
    assert Unit.objects.filter(agency=kemensos.agency).count() == 33


def test_an_xlsx_with_indonesian_headers_and_semicolon_csv_are_read(kemensos):
    # 35.1 is what a spreadsheet keeps of 35.10 typed into a number cell
    rows = [{"instansi": "Kemensos", "nama": "Sentra Baru", "jenis": "UPT", "wilayah": 35.1}]
    report = check_units(make_xlsx(rows, ["instansi", "nama", "jenis", "wilayah"]))
    assert report.ok, report.problems
    (unit,) = report.units
    assert unit.kind == Unit.Kind.SENTRA
    assert unit.region is not None and unit.region.code == "35.10"
    content = make_csv(
        [{"agency": "Kementerian Sosial", "name": "Sentra Dua", "kind": "pusat"}],
        ["agency", "name", "kind"],
        delimiter=";",
    )
    report = check_units(content)
    assert report.ok and report.units[0].kind == Unit.Kind.CENTRE


def test_region_codes_are_normalised():
    assert normalise_region_code(" 33.1 ") == "33.10"
    assert normalise_region_code("33,23") == "33.23"
    assert normalise_region_code("33") == "33"


def test_every_bad_unit_row_has_its_reason(kemensos):
    rows = [
        {"agency": "Kementerian Entah", "name": "A"},  # 2 unknown agency
        {"agency": "Kemensos", "name": ""},  # 3 no name
        {"agency": "Kemensos", "name": "Sentra A", "kind": "kapal selam"},  # 4 bad kind
        {"agency": "Kemensos", "name": "Sentra B", "parent": "Sentra C"},  # 5 parent later
        {"agency": "Kemensos", "name": "Sentra C", "parent": "Sentra Z"},  # 6 unknown parent
        {"agency": "Kemensos", "name": "Sentra D", "parent": "sentra d"},  # 7 own parent
        {"agency": "Kemensos", "name": "sentra  a"},  # 8 same name as line 4 (case, spaces)
        {"agency": "Kemensos", "name": "X" * 251},  # 9 too long
    ]
    report = check_units(make_csv(rows, UNIT_COLUMNS), actor=SYSTEM)
    by_line = {p.line: p for p in report.problems}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "Unknown agency “Kementerian Entah”" in by_line[2].message
    assert by_line[3].message == "The name is missing."
    assert by_line[4].column == "kind" and "sentra (sentra / balai / UPT)" in by_line[4].message
    assert "is on a later line (6)" in by_line[5].message
    assert "Unknown parent unit “Sentra Z”" in by_line[6].message
    assert by_line[7].message == "A unit cannot be its own parent."
    assert "already on line 4" in by_line[8].message
    assert "too long" in by_line[9].message


def test_file_problems_reject_the_whole_file(kemensos):
    report = import_units(b"nama_instansi,unit\nx,y\n")
    assert report.file_rejected and "Missing: agency, name." in report.problems[0].message
    report = import_units(b"\xff\xfe\x00bad")
    assert report.file_rejected and "UTF-8" in report.problems[0].message


def test_a_formula_in_a_unit_name_stays_text(kemensos):
    rows = [{"agency": "Kemensos", "name": "=HYPERLINK(1)"}]
    report = import_units(make_csv(rows, UNIT_COLUMNS), actor=SYSTEM)
    assert report.written
    assert Unit.objects.filter(name="'=HYPERLINK(1)").exists()
    assert any("single quote" in n for n in report.notices)


# --- rights --------------------------------------------------------------------------------------
def test_an_agency_admin_imports_units_into_their_own_agency_only(kemensos):
    rows = [
        {"agency": "Kemensos", "name": "Sentra Sendiri"},
        {"agency": "Pemerintah Kota Contoh", "name": "Dinas Lain"},
    ]
    content = make_csv(rows, UNIT_COLUMNS)
    report = import_units(content, actor=kemensos.admin)
    assert report.rejected_lines == [3]
    assert report.problems[0].message.startswith("You may not add units to Pemerintah Kota Contoh")
    assert not Unit.objects.filter(name__in=["Sentra Sendiri", "Dinas Lain"]).exists()

    report = import_units(content, actor=kemensos.other_admin)
    assert report.rejected_lines == [2]

    report = import_units(make_csv(rows[:1], UNIT_COLUMNS), actor=kemensos.admin)
    assert report.written
    unit = Unit.objects.get(name="Sentra Sendiri")
    entry = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
    assert entry.actor == kemensos.admin


def test_an_officer_imports_no_units(kemensos):
    rows = [{"agency": "Kemensos", "name": "Sentra Sendiri"}]
    report = import_units(make_csv(rows, UNIT_COLUMNS), actor=kemensos.officer)
    assert report.rejected_lines == [2] and not report.written


# --- people --------------------------------------------------------------------------------------
def test_officers_with_roles_get_one_email_after_commit_and_see_their_own_drafts(
    kemensos, django_capture_on_commit_callbacks
):
    other_draft = InnovationFactory(unit=kemensos.sibling_unit, name="Draf Wyata Guna")
    rows = [
        {
            "email": "Sari@Kemensos.go.id",
            "name": "Ibu Sari",
            "agency": "Kemensos",
            "role": "petugas inovasi unit",
            "unit": "Sentra Terpadu Kartini Temanggung",
        },
        {
            "email": "sari@kemensos.go.id",
            "name": "",
            "agency": "Kementerian Sosial",
            "role": "viewer",
            "unit": "",
        },
        {
            "email": "budi@kemensos.go.id",
            "name": "Pak Budi",
            "agency": "Kemensos",
            "role": "unit_officer",
            "unit": "Sentra Wyata Guna Bandung",
        },
        {
            "email": "officer@example.id",  # the world's officer: an account already
            "name": "",
            "agency": "Kemensos",
            "role": "Unit innovation officer",
            "unit": "Sentra Terpadu Kartini Temanggung",  # already held
        },
    ]
    content = make_csv(rows, PEOPLE_COLUMNS)
    preview = import_people(content, actor=kemensos.admin, dry_run=True)
    assert preview.ok, preview.problems
    assert [r.new_account for r in preview.roles] == [True, False, True, False]
    assert [r.already for r in preview.roles] == [False, False, False, True]
    assert not User.objects.filter(email="sari@kemensos.go.id").exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = import_people(content, actor=kemensos.admin)
        assert report.written and report.ok
        assert mail.outbox == []  # nothing is sent before the import commits
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["budi@kemensos.go.id", "sari@kemensos.go.id"]
    assert "Written: 3 roles given, 2 new accounts" in report.summary()[1]

    sari = User.objects.get(email="sari@kemensos.go.id")
    assert sari.display_name == "Ibu Sari" and not sari.has_usable_password()
    assert set(sari.memberships.values_list("role", "unit__name")) == {
        (Role.UNIT_OFFICER, "Sentra Terpadu Kartini Temanggung"),
        (Role.VIEWER, None),
    }
    budi = User.objects.get(email="budi@kemensos.go.id")
    assert list(workspace_innovations(budi)) == [other_draft]
    drafts = permitted(
        budi, "innovation.view_internal", Innovation.objects.filter(publication_state="draft")
    )
    assert list(drafts) == [other_draft]
    assert Membership.objects.filter(user=kemensos.officer).count() == 1


def test_every_bad_people_row_has_its_reason(kemensos):
    gone = UserFactory(email="pergi@kemensos.go.id", is_active=False)
    rows = [
        {"email": "", "agency": "Kemensos", "role": "viewer"},  # 2
        {"email": "bukan-surel", "agency": "Kemensos", "role": "viewer"},  # 3
        {"email": "a@b.id", "agency": "Kemensos", "role": "raja"},  # 4
        {"email": "a@b.id", "agency": "Kemensos", "role": "unit_officer"},  # 5 no unit
        {"email": "a@b.id", "agency": "Kemensos", "role": "viewer", "unit": "Entah"},  # 6
        {"email": gone.email, "agency": "Kemensos", "role": "viewer"},  # 7
        {"email": "c@d.id", "agency": "Kemensos", "role": "viewer"},  # 8 fine
        {"email": "C@D.id", "agency": "Kementerian Sosial", "role": "pemantau"},  # 9 same
        {"email": "e@f.id", "agency": "Pemerintah Kota Contoh", "role": "viewer"},  # 10
    ]
    report = import_people(make_csv(rows, PEOPLE_COLUMNS), actor=kemensos.admin)
    by_line = {p.line: p.message for p in report.problems}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 9, 10]
    assert by_line[2] == "The e-mail address is missing."
    assert "not a valid e-mail address" in by_line[3]
    assert "Unknown role “raja”" in by_line[4] and "unit_officer" in by_line[4]
    assert "is held in a unit" in by_line[5]
    assert "Unknown unit “Entah”" in by_line[6]
    assert "deactivated" in by_line[7]
    assert "already on line 8" in by_line[9]
    assert by_line[10].startswith("You may not give roles in Pemerintah Kota Contoh")
    assert not report.written
    assert not User.objects.filter(email="c@d.id").exists()
    assert mail.outbox == []


def test_people_import_rolls_back_when_a_write_is_refused(kemensos, monkeypatch):
    """A refusal the check could not foresee (rights changed meanwhile) undoes every row."""
    rows = [
        {"email": "x1@kemensos.go.id", "agency": "Kemensos", "role": "viewer"},
        {"email": "x2@kemensos.go.id", "agency": "Kemensos", "role": "viewer"},
    ]
    calls = {"n": 0}
    real = importing.person_invite

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return real(**kwargs)

    monkeypatch.setattr(importing, "person_invite", flaky)
    report = import_people(make_csv(rows, PEOPLE_COLUMNS), actor=kemensos.admin)
    assert not report.written and report.rejected_lines == [3]
    assert not User.objects.filter(email__startswith="x").exists()


def test_the_officer_role_reaches_the_units_below(kemensos):
    child = UnitFactory(agency=kemensos.agency, name="Loka Anak", parent=kemensos.unit)
    rows = [
        {
            "email": "kepala@kemensos.go.id",
            "agency": "Kemensos",
            "role": "unit_officer",
            "unit": kemensos.unit.name,
        }
    ]
    assert import_people(make_csv(rows, PEOPLE_COLUMNS), actor=SYSTEM).written
    user = User.objects.get(email="kepala@kemensos.go.id")
    assert as_actor(user).units(Role.UNIT_OFFICER) == {kemensos.unit.pk, child.pk}
    assert grant  # the factories' helper is what the world uses
