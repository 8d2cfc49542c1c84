"""The organisation management operations through the API: agencies, units and partners
changed (PATCH), partners recorded (POST), one level of a unit tree read at a time — with the
same policies as the pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lumbung.core import audit
from lumbung.organisations.models import Partner
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(make_api, token_for):
    def caller(user):
        return make_api().with_token(token_for(user))

    return caller


def test_an_agency_admin_patches_their_agency_and_not_another(world, as_):
    api = as_(world.admin)
    response = api.patch("/agencies/kemensos", {"short_name": "Kemensos", "region": "31"})
    assert response.status_code == 200, response.content
    assert response.json()["short_name"] == "Kemensos"
    assert response.json()["region"]["code"] == "31"
    world.agency.refresh_from_db()
    assert world.agency.name == "Kementerian Sosial"  # unset fields stay
    assert audit.history(world.agency).filter(action="agency.update").exists()
    assert api.patch("/agencies/kota-contoh", {"name": "Diubah"}).status_code == 403
    assert api.patch("/agencies/tidak-ada", {"name": "X"}).status_code == 404
    assert api.patch("/agencies/kemensos", {"region": "99.99"}).status_code == 422
    assert api.patch("/agencies/kemensos", {"name": None}).status_code == 422
    assert api.patch("/agencies/kemensos", {"slug": "baru"}).status_code == 422  # not a field


def test_units_are_renamed_and_moved_through_the_api(world, as_):
    api = as_(world.admin)
    response = api.patch(
        f"/units/{world.unit.pk}", {"parent": world.sibling_unit.pk, "name": "Sentra Kartini"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["parent_id"] == world.sibling_unit.pk
    # back to the top
    assert api.patch(f"/units/{world.unit.pk}", {"parent": None}).json()["parent_id"] is None
    # a duplicate name, a loop, a parent of another agency: 422 and nothing changes
    assert (
        api.patch(f"/units/{world.unit.pk}", {"name": "sentra wyata guna bandung"}).status_code
        == 422
    )
    child = UnitFactory(agency=world.agency, name="Anak", parent=world.unit)
    assert api.patch(f"/units/{world.unit.pk}", {"parent": child.pk}).status_code == 422
    assert api.patch(f"/units/{world.unit.pk}", {"parent": world.other_unit.pk}).status_code == 422
    world.unit.refresh_from_db()
    assert world.unit.name == "Sentra Kartini" and world.unit.parent_id is None
    assert as_(world.other_admin).patch(f"/units/{world.unit.pk}", {"name": "X"}).status_code == 403
    assert as_(world.officer).patch(f"/units/{world.unit.pk}", {"name": "X"}).status_code == 403


def test_partners_are_recorded_by_agency_admins_for_their_agency(world, as_):
    api = as_(world.admin)
    response = api.post(
        "/partners", {"name": "PT Mitra Peduli", "kind": "csr", "agency": world.agency.pk}
    )
    assert response.status_code == 201, response.content
    partner = Partner.objects.get(name="PT Mitra Peduli")
    assert partner.added_by_agency == world.agency
    # not for another agency, nor as the platform
    assert (
        api.post(
            "/partners", {"name": "PT Lain", "kind": "csr", "agency": world.other_agency.pk}
        ).status_code
        == 403
    )
    assert api.post("/partners", {"name": "PT Lain", "kind": "csr"}).status_code == 403
    assert (
        api.patch(f"/partners/{partner.slug}", {"website": "https://mitra.example.id"}).status_code
        == 200
    )
    assert (
        as_(world.other_admin).patch(f"/partners/{partner.slug}", {"name": "X"}).status_code == 403
    )
    assert (
        as_(world.platform_admin)
        .post("/partners", {"name": "Yayasan Nasional", "kind": "ngo"})
        .status_code
        == 201
    )
    assert (
        api.post(
            "/partners", {"name": "pt mitra peduli", "kind": "csr", "agency": world.agency.pk}
        ).status_code
        == 422
    )


def test_one_level_of_a_unit_tree_and_a_search(world, make_api):
    api = make_api()
    UnitFactory(agency=world.agency, name="Sentra Anak", parent=world.unit)
    top = api.get("/units", {"agency": "kemensos", "parent": 0}).json()
    names = [u["name"] for u in top["items"]]
    assert "Sentra Terpadu Kartini Temanggung" in names and "Sentra Anak" not in names
    under = api.get("/units", {"agency": "kemensos", "parent": world.unit.pk}).json()
    assert [u["name"] for u in under["items"]] == ["Sentra Anak"]
    found = api.get("/units", {"agency": "kemensos", "q": "wyata"}).json()
    assert [u["name"] for u in found["items"]] == ["Sentra Wyata Guna Bandung"]
    assert (
        api.get("/units", {"agency": "kemensos", "parent": world.other_unit.pk}).json()["items"]
        == []
    )


def test_the_people_list_has_the_same_number_of_queries_for_2_and_20_people(world, as_):
    from lumbung.organisations.models import Role
    from tests.factories import UserFactory, grant

    api = as_(world.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/people", {"agency": "kemensos", "page_size": 50}).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first call also records when the token was used
    few = count()
    for _i in range(18):
        grant(UserFactory(), Role.UNIT_OFFICER, unit=world.unit)
    assert count() == few
