"""The management pages (``/kelola/``): platform admins set up agencies; an agency's innovation
admins keep its unit tree, people, roles and partners — and nobody else's."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from lumbung.core import audit
from lumbung.organisations.models import Agency, Membership, Partner, Region, Role, Unit, User
from tests.factories import PASSWORD, UnitFactory

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


# --- who may come in -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "viewer", "judge", "nobody"])
def test_people_who_administer_nothing_get_403(world, who):
    c = client_for(getattr(world, who))
    assert c.get(reverse("manage:home")).status_code == 403
    assert c.get(reverse("manage:agency", args=["kemensos"])).status_code == 403
    assert c.get(reverse("manage:people", args=["kemensos"])).status_code == 403
    assert c.get(reverse("manage:agency_create")).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(world):
    response = Client().get(reverse("manage:agency", args=["kemensos"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_agency_admin_sees_only_their_agency(world):
    c = client_for(world.admin)
    home = c.get(reverse("manage:home"))
    assert home.status_code == 200
    assert "Kementerian Sosial" in home.text and "Pemerintah Kota Contoh" not in home.text
    assert 'href="/kelola/instansi/baru/"' not in home.text  # only platform admins create
    assert c.get(reverse("manage:agency", args=["kota-contoh"])).status_code == 403
    assert c.get(reverse("manage:people", args=["kota-contoh"])).status_code == 403
    assert (
        c.get(reverse("manage:unit_edit", args=["kota-contoh", world.other_unit.pk])).status_code
        == 403
    )
    # a unit of another agency under this agency's address is not found
    assert (
        c.get(reverse("manage:unit_edit", args=["kemensos", world.other_unit.pk])).status_code
        == 404
    )


def test_the_navigation_offers_manage_only_to_admins(world):
    assert 'href="/kelola/"' in client_for(world.admin).get("/").text
    assert 'href="/kelola/"' in client_for(world.platform_admin).get("/").text
    assert 'href="/kelola/"' not in client_for(world.officer).get("/").text


# --- agencies --------------------------------------------------------------------------------


def test_a_platform_admin_creates_and_edits_an_agency(world):
    c = client_for(world.platform_admin)
    response = c.post(
        reverse("manage:agency_create"),
        {
            "name": "Kementerian PANRB",
            "short_name": "KemenPANRB",
            "kind": "ministry",
            "region": "31",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(name="Kementerian PANRB")
    assert agency.slug == "kemenpanrb" and agency.region_id == "31"
    assert response["Location"] == reverse("manage:agency", args=["kemenpanrb"])
    response = c.post(
        reverse("manage:agency_edit", args=["kemenpanrb"]),
        {
            "name": "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
            "short_name": "KemenPANRB",
            "kind": "ministry",
            "region": "DKI Jakarta",
        },
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name.startswith("Kementerian Pendayagunaan") and agency.slug == "kemenpanrb"
    entry = audit.history(agency).get(action="agency.update")
    assert entry.changes["name"][0] == "Kementerian PANRB"


def test_a_duplicate_agency_name_is_refused_in_indonesian_and_nothing_is_written(world, indonesian):
    c = client_for(world.platform_admin)
    before = Agency.objects.count()
    response = c.post(
        reverse("manage:agency_create"), {"name": "kementerian sosial", "kind": "ministry"}
    )
    assert response.status_code == 400
    assert "Instansi bernama “kementerian sosial” sudah ada." in response.text
    assert Agency.objects.count() == before


def test_an_unknown_region_is_refused(world, indonesian):
    c = client_for(world.platform_admin)
    response = c.post(
        reverse("manage:agency_create"),
        {"name": "Pemkab Baru", "kind": "regency", "region": "99.99"},
    )
    assert response.status_code == 400 and "Wilayah tidak dikenal" in response.text
    assert not Agency.objects.filter(name="Pemkab Baru").exists()


def test_an_agency_admin_edits_their_agency_but_cannot_create_one(world):
    c = client_for(world.admin)
    assert (
        c.post(reverse("manage:agency_create"), {"name": "X", "kind": "ministry"}).status_code
        == 403
    )
    response = c.post(
        reverse("manage:agency_edit", args=["kemensos"]),
        {
            "name": "Kementerian Sosial",
            "short_name": "Kemensos",
            "kind": "ministry",
            "website": "kemensos.go.id",
        },
    )
    assert response.status_code == 302
    world.agency.refresh_from_db()
    assert (
        world.agency.short_name == "Kemensos" and world.agency.website == "https://kemensos.go.id"
    )
    assert (
        c.post(
            reverse("manage:agency_edit", args=["kota-contoh"]), {"name": "Diubah", "kind": "city"}
        ).status_code
        == 403
    )
    world.other_agency.refresh_from_db()
    assert world.other_agency.name == "Pemerintah Kota Contoh"


# --- units -----------------------------------------------------------------------------------


def test_units_are_added_under_a_parent_chosen_by_name_and_shown_one_level_at_a_time(world):
    c = client_for(world.admin)
    response = c.post(
        reverse("manage:unit_create", args=["kemensos"]),
        {"name": "Direktorat Jenderal Rehabilitasi Sosial", "kind": "directorate_general"},
    )
    assert response.status_code == 302
    ditjen = Unit.objects.get(name="Direktorat Jenderal Rehabilitasi Sosial")
    assert ditjen.parent is None and ditjen.region == world.agency.region
    response = c.post(
        reverse("manage:unit_create", args=["kemensos"]),
        {
            "name": "Sentra Abiseka Pekanbaru",
            "kind": "sentra",
            "parent": "direktorat jenderal rehabilitasi sosial",
            "region": "14.71",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?induk={ditjen.pk}")
    sentra = Unit.objects.get(name="Sentra Abiseka Pekanbaru")
    assert sentra.parent == ditjen and sentra.region_id == "14.71"
    top = c.get(reverse("manage:agency", args=["kemensos"]))
    assert '<th scope="row">Direktorat Jenderal Rehabilitasi Sosial' in top.text
    assert '<th scope="row">Sentra Abiseka Pekanbaru' not in top.text  # one level at a time
    level = c.get(reverse("manage:agency", args=["kemensos"]) + f"?induk={ditjen.pk}")
    assert "Sentra Abiseka Pekanbaru" in level.text
    found = c.get(reverse("manage:agency", args=["kemensos"]) + "?q=abiseka")
    assert "Sentra Abiseka Pekanbaru" in found.text and "Sentra Wyata Guna" not in found.text


def test_a_duplicate_unit_name_and_an_unknown_parent_are_refused(world, indonesian):
    c = client_for(world.admin)
    before = Unit.objects.count()
    response = c.post(
        reverse("manage:unit_create", args=["kemensos"]),
        {"name": "SENTRA WYATA GUNA BANDUNG", "kind": "sentra"},
    )
    assert response.status_code == 400
    assert "sudah ada di Kementerian Sosial" in response.text
    response = c.post(
        reverse("manage:unit_create", args=["kemensos"]),
        {"name": "Sentra Baru", "kind": "sentra", "parent": "Dinas Sosial Kota Contoh"},
    )
    assert response.status_code == 400  # a unit of another agency is not a choice
    assert Unit.objects.count() == before


def test_a_unit_is_renamed_and_moved_but_never_under_itself(world, indonesian):
    c = client_for(world.admin)
    child = UnitFactory(agency=world.agency, name="Unit Anak", parent=world.unit)
    url = reverse("manage:unit_edit", args=["kemensos", world.unit.pk])
    response = c.post(url, {"name": "Sentra Kartini", "kind": "sentra", "parent": "Unit Anak"})
    assert response.status_code == 400
    assert "tidak dapat dipindah ke bawah dirinya" in response.text
    response = c.post(
        url, {"name": "Sentra Kartini", "kind": "sentra", "parent": "Sentra Wyata Guna Bandung"}
    )
    assert response.status_code == 302
    world.unit.refresh_from_db()
    assert world.unit.name == "Sentra Kartini" and world.unit.parent == world.sibling_unit
    child.refresh_from_db()
    assert child.parent == world.unit
    changes = audit.history(world.unit).get(action="unit.update").changes
    assert changes["name"] == ["Sentra Terpadu Kartini Temanggung", "Sentra Kartini"]


def test_the_unit_search_offers_units_of_the_agencies_asked_only(world):
    c = client_for(world.admin)
    url = reverse("organisations:unit_search")
    response = c.get(f"{url}?agency={world.agency.pk}&q=sentra")
    assert response.status_code == 200
    assert "Sentra Wyata Guna Bandung" in response.text and "Dinas Sosial" not in response.text
    assert 'data-value="Sentra Wyata Guna Bandung"' in response.text  # one agency: by name
    both = c.get(f"{url}?agency={world.agency.pk}&agency={world.other_agency.pk}&q=s")
    # across agencies, each option says whose unit it is
    assert 'data-value="Dinas Sosial Kota Contoh — Pemerintah Kota Contoh"' in both.text
    assert c.get(f"{url}?q=sentra").text.count('role="option"') == 0  # no agency: nothing


def test_the_unit_search_shows_a_bounded_number_of_matches(world, indonesian):
    Unit.objects.bulk_create(
        [
            Unit(agency=world.agency, name=f"Puskesmas {i:03d}", slug=f"pkm-{i}", kind="puskesmas")
            for i in range(60)
        ]
    )
    response = Client().get(
        reverse("organisations:unit_search") + f"?agency={world.agency.pk}&q=puskesmas"
    )
    assert response.text.count('role="option"') == 20
    assert "20 dari 60 unit kerja" in response.text


def test_the_units_page_has_the_same_number_of_queries_for_5_and_100_units(
    world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.admin)
    url = reverse("manage:agency", args=["kemensos"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    Unit.objects.bulk_create(
        [Unit(agency=world.agency, name=f"Unit A{i}", slug=f"a-{i}") for i in range(3)]
    )
    few = count()
    Unit.objects.bulk_create(
        [Unit(agency=world.agency, name=f"Unit B{i}", slug=f"b-{i}") for i in range(100)]
    )
    assert count() == few


# --- people and roles ------------------------------------------------------------------------


def test_an_admin_invites_an_officer_who_sets_a_password_and_signs_in(
    world, django_capture_on_commit_callbacks
):
    c = client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("manage:invite", args=["kemensos"]),
            {
                "email": "dewi@kemensos.go.id",
                "display_name": "Dewi",
                "role": "unit_officer",
                "unit": "Sentra Wyata Guna Bandung",
            },
        )
    assert response.status_code == 302
    dewi = User.objects.get(email="dewi@kemensos.go.id")
    assert Membership.objects.filter(
        user=dewi, role=Role.UNIT_OFFICER, unit=world.sibling_unit
    ).exists()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    fresh = Client()
    page = fresh.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    fresh.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Sandi-Dewi-2026", "new_password2": "Sandi-Dewi-2026"},
    )
    assert fresh.login(username=dewi.username, password="Sandi-Dewi-2026")
    people = c.get(reverse("manage:people", args=["kemensos"]))
    assert "Dewi" in people.text


def test_an_officer_role_without_a_unit_is_refused(world, indonesian):
    c = client_for(world.admin)
    response = c.post(
        reverse("manage:invite", args=["kemensos"]),
        {"email": "tanpa.unit@kemensos.go.id", "role": "unit_officer"},
    )
    assert response.status_code == 400 and "Peran ini memerlukan unit kerja." in response.text
    assert not User.objects.filter(email="tanpa.unit@kemensos.go.id").exists()


def test_roles_are_given_and_taken_away_and_each_change_is_in_the_history(world, indonesian):
    c = client_for(world.admin)
    url = reverse("manage:person", args=["kemensos", world.officer.pk])
    response = c.post(
        reverse("manage:role_grant", args=["kemensos", world.officer.pk]),
        {"role": "programme_manager"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.officer, role=Role.PROGRAMME_MANAGER)
    response = c.post(
        reverse("manage:role_revoke", args=["kemensos", world.officer.pk, membership.pk])
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    page = c.get(url)
    assert "Peran diberikan" in page.text and "Peran dicabut" in page.text
    assert page.text.lower().count("pengelola program") >= 2  # its label, not its code
    history = page.text.split('id="history-title"', 1)[1]
    assert "programme_manager" not in history and "membership.grant" not in history


def test_an_admin_cannot_touch_the_people_or_roles_of_another_agency(world):
    c = client_for(world.admin)
    assert (
        c.get(reverse("manage:person", args=["kota-contoh", world.other_officer.pk])).status_code
        == 403
    )
    # under their own agency's address, a person of another agency is not found
    assert (
        c.get(reverse("manage:person", args=["kemensos", world.other_officer.pk])).status_code
        == 404
    )
    other_role = Membership.objects.get(user=world.other_officer)
    assert (
        c.post(
            reverse("manage:role_revoke", args=["kemensos", world.other_officer.pk, other_role.pk])
        ).status_code
        == 404
    )
    assert (
        c.post(
            reverse(
                "manage:role_revoke", args=["kota-contoh", world.other_officer.pk, other_role.pk]
            )
        ).status_code
        == 403
    )
    assert Membership.objects.filter(pk=other_role.pk).exists()
    assert (
        c.post(
            reverse("manage:deactivate", args=["kota-contoh", world.other_officer.pk]),
            {"reason": "x"},
        ).status_code
        == 403
    )
    world.other_officer.refresh_from_db()
    assert world.other_officer.is_active


def test_deactivation_keeps_the_account_and_its_history_and_can_be_undone(world, indonesian):
    c = client_for(world.admin)
    response = c.post(
        reverse("manage:deactivate", args=["kemensos", world.officer.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    response = c.post(
        reverse("manage:deactivate", args=["kemensos", world.officer.pk]),
        {"reason": "Pindah tugas"},
    )
    assert response.status_code == 302
    world.officer.refresh_from_db()
    assert not world.officer.is_active
    assert Membership.objects.filter(user=world.officer).exists()
    assert not Client().login(username="officer", password=PASSWORD)
    page = c.get(reverse("manage:person", args=["kemensos", world.officer.pk]))
    assert "Akun dinonaktifkan" in page.text and "Pindah tugas" in page.text
    assert (
        c.post(reverse("manage:reactivate", args=["kemensos", world.officer.pk])).status_code == 302
    )
    assert Client().login(username="officer", password=PASSWORD)


def test_the_history_shows_an_agency_admin_only_their_agency_roles(world, indonesian):
    from lumbung.organisations import services

    services.membership_grant(
        actor=world.platform_admin, user=world.officer, role=Role.JUDGE, agency=world.other_agency
    )
    page = client_for(world.admin).get(
        reverse("manage:person", args=["kemensos", world.officer.pk])
    )
    assert "Pemerintah Kota Contoh" not in page.text
    assert "1 peran di instansi lain" in page.text
    root = client_for(world.platform_admin).get(
        reverse("manage:person", args=["kemensos", world.officer.pk])
    )
    assert "Pemerintah Kota Contoh" in root.text


# --- partners --------------------------------------------------------------------------------


def test_an_agency_admin_records_a_partner_and_keeps_only_their_own(world):
    c = client_for(world.admin)
    response = c.post(
        reverse("manage:partner_create"),
        {"name": "PT Peduli Sesama", "kind": "csr", "region": "33.23"},
    )
    assert response.status_code == 302
    partner = Partner.objects.get(name="PT Peduli Sesama")
    assert partner.added_by_agency == world.agency
    assert "PT Peduli Sesama" in c.get(reverse("manage:partners")).text
    other = client_for(world.other_admin)
    assert "PT Peduli Sesama" not in other.get(reverse("manage:partners")).text
    assert (
        other.post(
            reverse("manage:partner_edit", args=[partner.slug]), {"name": "Diubah", "kind": "csr"}
        ).status_code
        == 403
    )
    assert (
        c.post(
            reverse("manage:partner_edit", args=[partner.slug]),
            {"name": "PT Peduli Sesama Tbk", "kind": "csr"},
        ).status_code
        == 302
    )
    partner.refresh_from_db()
    assert partner.name == "PT Peduli Sesama Tbk"
    assert client_for(world.officer).get(reverse("manage:partners")).status_code == 403


# --- from an empty instance ------------------------------------------------------------------


def test_from_an_empty_instance_a_platform_admin_sets_up_an_agency_with_pages_only(db, indonesian):
    root = User.objects.create_superuser("root", "root@example.id", PASSWORD)
    assert Agency.objects.count() == 0 and Region.objects.filter(code="33.23").exists()
    c = client_for(root)
    assert "Belum ada instansi" in c.get(reverse("manage:home")).text
    c.post(
        reverse("manage:agency_create"),
        {"name": "Kementerian Sosial", "short_name": "Kemensos", "kind": "ministry"},
    )
    c.post(
        reverse("manage:unit_create", args=["kemensos"]),
        {"name": "Sentra Terpadu Kartini", "kind": "sentra", "region": "Kabupaten Temanggung"},
    )
    c.post(
        reverse("manage:invite", args=["kemensos"]),
        {"email": "admin@kemensos.go.id", "role": "agency_admin"},
    )
    admin = User.objects.get(email="admin@kemensos.go.id")
    assert Membership.objects.filter(
        user=admin, role=Role.AGENCY_ADMIN, agency__slug="kemensos"
    ).exists()
    assert Unit.objects.get(name="Sentra Terpadu Kartini").region_id == "33.23"


# --- Django's own Indonesian, where it said the opposite ---------------------------------------


def test_django_indonesian_no_longer_says_a_duplicate_does_not_exist(db, indonesian):
    from django.utils.translation import gettext

    message = gettext("%(model_name)s with this %(field_labels)s already exists.")
    assert message.endswith("ini sudah ada.") and "tidak ada" not in message
    assert gettext("Change or view list link") == "Tautan ubah atau lihat daftar"


def test_the_admin_refuses_a_second_unit_of_the_same_name_in_clear_indonesian(world, indonesian):
    c = client_for(world.platform_admin)
    before = Unit.objects.count()
    response = c.post(
        "/admin/organisations/unit/add/",
        {
            "agency": world.agency.pk,
            "name": "sentra wyata guna bandung",
            "slug": "slug-lain",
            "kind": "sentra",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Unit kerja dengan nama ini sudah ada di instansi ini." in response.text
    assert Unit.objects.count() == before
