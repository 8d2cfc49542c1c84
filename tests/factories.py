"""factory_boy factories; units and innovations are made through the services, as users do."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from lumbung.catalog import hooks as catalog_hooks
from lumbung.catalog import services as catalog_services
from lumbung.catalog.models import Innovation
from lumbung.core.actors import SYSTEM
from lumbung.organisations import services as org_services
from lumbung.organisations.models import Agency, Partner, Unit, User

PASSWORD = "rahasia-uji-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.id")
    display_name = factory.Sequence(lambda n: f"Pengguna {n}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Kementerian Contoh {n}")
    slug = factory.Sequence(lambda n: f"kementerian-contoh-{n}")
    kind = Agency.Kind.MINISTRY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Sentra Contoh {n}")
    kind = Unit.Kind.SENTRA
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return org_services.unit_create(actor=SYSTEM, **kwargs)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Mitra Contoh {n}")
    slug = factory.Sequence(lambda n: f"mitra-contoh-{n}")
    kind = Partner.Kind.CSR


class InnovationFactory(factory.django.DjangoModelFactory):
    """An innovation; pass publication_state="published" for a public one."""

    class Meta:
        model = Innovation

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Inovasi Contoh {n}")
    summary = "Layanan jemput bola untuk warga."
    problem = "Warga sulit menjangkau layanan."
    implementation = "Petugas datang ke desa setiap pekan."
    sector = "social"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        state = kwargs.pop("publication_state", Innovation.State.DRAFT)
        unit = kwargs.pop("unit")
        extra = {
            k: kwargs.pop(k) for k in ("source", "replication_form", "generation") if k in kwargs
        }
        innovation = catalog_services.innovation_create(
            actor=SYSTEM, unit=unit, data=kwargs
        )
        if state != Innovation.State.DRAFT or extra:
            for key, value in extra.items():
                setattr(innovation, key, value)
            innovation.publication_state = state
            if state == Innovation.State.PUBLISHED:
                from django.utils import timezone

                innovation.published_at = timezone.now()
            innovation.save()
            catalog_hooks.innovation_changed(innovation)  # as the catalog's services do
        return innovation


def grant(user: User, role: str, *, agency: Agency | None = None, unit: Unit | None = None):
    """Give ``user`` a role in an agency (or in a unit of it)."""
    agency = agency or unit.agency  # type: ignore[union-attr]
    return org_services.membership_grant(
        actor=SYSTEM, user=user, role=role, agency=agency, unit=unit
    )
