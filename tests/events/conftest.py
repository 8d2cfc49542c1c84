"""Learning-event fixtures on top of the shared ``world``.

``ev``: a programme of Kemensos spreading the published "Baris Ditebas" (unit Kartini), and a
learning event hosted by Kartini showcasing it, capacity 4, facilitated by a named facilitator,
with invitations to Wyata Guna (sibling unit), the other agency's Dinas Sosial and a CSR
partner. One person per role around it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lumbung.core.actors import SYSTEM
from lumbung.events import services
from lumbung.organisations.models import Role
from lumbung.replication import services as replication_services

from ..factories import AgencyFactory, PartnerFactory, UnitFactory, UserFactory, grant

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF
PNG = bytes.fromhex(  # a real 1×1 grey PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a4944415478da6368000000820081da45083b0000000049454e44ae426082"
)
BASE = "/api/v1"


@pytest.fixture
def ev(world):
    w = world
    w.panrb = AgencyFactory(name="Kementerian PANRB", slug="kemenpanrb")
    w.agency_facilitator = UserFactory(username="panrb_facilitator")
    grant(w.agency_facilitator, Role.FACILITATOR, agency=w.panrb)
    w.facilitator = UserFactory(username="named_facilitator")
    w.manager = UserFactory(username="programme_manager")
    w.partner = PartnerFactory(name="PT Mitra Peduli", slug="pt-mitra-peduli")
    w.programme = replication_services.programme_create(
        actor=SYSTEM,
        agency=w.agency,
        name="Replikasi Baris Ditebas",
        sources=[w.published],
        start_date=dt.date(2024, 1, 1),
        coverage_target=5,
        managers=[w.manager],
    )
    w.starts = timezone.now() + dt.timedelta(days=7)
    w.event = services.event_create(
        actor=w.officer,
        host_unit=w.unit,
        title="Pembelajaran Replikasi Baris Ditebas",
        title_en="Baris Ditebas learning event",
        summary="Sentra memperagakan pelatihan barista bagi penyandang disabilitas netra.",
        starts_at=w.starts,
        ends_at=w.starts + dt.timedelta(hours=6),
        showcased=[w.published],
        programme=w.programme,
        venue="Aula Sentra, Jl. Contoh 1",
        capacity=4,
        facilitators=[w.facilitator],
    )
    services.invitations_add(
        actor=w.officer,
        event=w.event,
        units=[w.sibling_unit, w.other_unit],
        partners=[w.partner],
    )
    w.inv_sibling = w.event.invitations.get(unit=w.sibling_unit)
    w.inv_other = w.event.invitations.get(unit=w.other_unit)
    w.inv_partner = w.event.invitations.get(partner=w.partner)
    return w


def register(event, invitation, *names: str, actor=None):
    return services.registrations_create(
        actor=SYSTEM,
        event=event,
        invitation=invitation,
        attendees=[{"name": n} for n in names],
    )


@pytest.fixture
def sub_units(ev):
    """A directorate-general of the agency with three sentra and one other unit below it."""
    dg = UnitFactory(agency=ev.agency, name="Ditjen Rehsos", kind="directorate_general")
    sentra = [
        UnitFactory(agency=ev.agency, parent=dg, name=f"Sentra Bawah {i}", kind="sentra")
        for i in range(3)
    ]
    office = UnitFactory(agency=ev.agency, parent=dg, name="Bagian Umum", kind="other")
    return dg, sentra, office


class JsonClient:
    def __init__(self, user: Any = None) -> None:
        self.client = Client()
        if user is not None:
            self.client.force_login(user)

    def get(self, path: str, **params: Any):
        return self.client.get(BASE + path, params)

    def send(self, method: str, path: str, body: Any = None):
        payload = body if isinstance(body, str | bytes) else json.dumps(body or {})
        return getattr(self.client, method)(BASE + path, payload, content_type="application/json")

    def post(self, path: str, body: Any = None):
        return self.send("post", path, body)

    def patch(self, path: str, body: Any = None):
        return self.send("patch", path, body)

    def delete(self, path: str):
        return self.client.delete(BASE + path)


@pytest.fixture
def api_as(db):
    return JsonClient


def error_body(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body
