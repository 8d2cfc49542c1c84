import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lumbung.core.actors import as_actor
from lumbung.organisations import services
from lumbung.organisations.models import Agency, Region, Role, Unit
from tests.factories import UserFactory


def test_agency_and_unit_tree(world):
    agency = services.agency_create(
        actor=world.platform_admin,
        name="Pemerintah Kabupaten Temanggung",
        kind="regency",
        region=Region.objects.get(code="33.23"),
    )
    dinas = services.unit_create(
        actor=world.platform_admin, agency=agency, name="Dinas Sosial", kind="dinas"
    )
    seksi = services.unit_create(
        actor=world.platform_admin, agency=agency, name="Seksi Rehsos", parent=dinas
    )
    assert list(Unit.objects.ancestors(seksi)) == [dinas]
    assert list(Unit.objects.descendants(dinas, include_self=True)) == [dinas, seksi]
    assert seksi.region.code == "33.23"  # inherited from the agency
    assert agency.slug == "pemerintah-kabupaten-temanggung"


def test_only_platform_admin_creates_agencies(world):
    with pytest.raises(PermissionDenied):
        services.agency_create(actor=world.admin, name="Badan X", kind="agency")
    assert not Agency.objects.filter(name="Badan X").exists()


def test_agency_admin_creates_units_only_in_own_agency(world):
    services.unit_create(actor=world.admin, agency=world.agency, name="Sentra Baru")
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=world.admin, agency=world.other_agency, name="Sentra Lain")
    assert not Unit.objects.filter(name="Sentra Lain").exists()


def test_unit_parent_must_be_in_same_agency(world):
    with pytest.raises(ValidationError):
        services.unit_create(
            actor=world.platform_admin, agency=world.agency, name="X", parent=world.other_unit
        )


def test_unique_slugs(world):
    # names are unique in an agency; slugs made from short names and names still never collide
    a = services.unit_create(actor=world.admin, agency=world.agency, name="Sentra Baru")
    b = services.unit_create(
        actor=world.admin, agency=world.agency, name="Sentra Baru Dua", short_name="Sentra Baru"
    )
    assert a.slug == "sentra-baru" and b.slug == "sentra-baru-2"


def test_a_second_unit_of_the_same_name_is_refused(world):
    services.unit_create(actor=world.admin, agency=world.agency, name="Sentra Baru")
    with pytest.raises(ValidationError) as raised:
        services.unit_create(actor=world.admin, agency=world.agency, name="  sentra   BARU ")
    assert "name" in raised.value.message_dict
    # in another agency the name is free
    services.unit_create(actor=world.platform_admin, agency=world.other_agency, name="Sentra Baru")


def test_membership_grant_is_idempotent_and_refreshes_access(world):
    person = UserFactory()
    assert not as_actor(person).has_role(Role.UNIT_OFFICER)
    services.membership_grant(
        actor=world.admin, user=person, role=Role.UNIT_OFFICER, agency=world.agency, unit=world.unit
    )
    services.membership_grant(
        actor=world.admin, user=person, role=Role.UNIT_OFFICER, agency=world.agency, unit=world.unit
    )
    assert person.memberships.count() == 1
    assert world.unit.pk in as_actor(person).units(Role.UNIT_OFFICER)


def test_unit_role_needs_a_unit(world):
    with pytest.raises(ValidationError):
        services.membership_grant(
            actor=world.admin, user=UserFactory(), role=Role.UNIT_OFFICER, agency=world.agency
        )


def test_other_agency_admin_cannot_grant(world):
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=world.other_admin, user=UserFactory(), role=Role.VIEWER, agency=world.agency
        )


def test_access_is_computed_once_per_user(world, django_assert_num_queries):
    as_actor(world.officer)
    with django_assert_num_queries(0):
        as_actor(world.officer)
