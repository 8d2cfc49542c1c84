"""Helpers for the API tests: a client that speaks JSON, as nobody, a session or a token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from lumbung.core.http import tokens as token_services

BASE = "/api/v1"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF


class ApiClient:
    """Thin wrapper over Django's test client; ``as_user`` / ``with_token`` pick the caller."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.headers: dict[str, str] = {}

    def as_user(self, user: Any) -> ApiClient:
        if user is not None:
            self.client.force_login(user)
        return self

    def with_token(self, key: str) -> ApiClient:
        self.headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return self

    def get(self, path: str, data: dict[str, Any] | None = None, **extra: Any):
        return self.client.get(BASE + path, data or {}, **self.headers, **extra)

    def _send(self, method: str, path: str, body: Any, **extra: Any):
        payload = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            BASE + path, payload, content_type="application/json", **self.headers, **extra
        )

    def post(self, path: str, body: Any = None, **extra: Any):
        return self._send("post", path, {} if body is None else body, **extra)

    def patch(self, path: str, body: Any, **extra: Any):
        return self._send("patch", path, body, **extra)

    def upload(self, path: str, data: dict[str, Any], **extra: Any):
        return self.client.post(BASE + path, data, **self.headers, **extra)


@pytest.fixture
def api(client) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def make_api(db):
    """``make_api(user)``: a fresh client signed in as ``user`` (None: nobody)."""

    def make(user: Any = None) -> ApiClient:
        return ApiClient(Client()).as_user(user)

    return make


@pytest.fixture
def token_for(db):
    """``token_for(user)``: a new API key for ``user``."""

    def make(user: Any, name: str = "test") -> str:
        _token, key = token_services.token_create(actor=user, user=user, name=name)
        return key

    return make


@dataclass
class TwoAgencies:
    """An empty instance's first people, made as an admin would: two agencies, a unit each, the
    first agency's unit officer and agency admin, the second's unit officer — each with an API
    client (``officer``, ``admin``, ``other``; ``people`` the users by those names)."""

    agency: Any
    other_agency: Any
    unit: Any
    other_unit: Any
    people: dict[str, Any]
    officer: ApiClient
    admin: ApiClient
    other: ApiClient

    def write(self, api: ApiClient, unit: Any, name: str, **fields: Any) -> str:
        """A new innovation written through the API by ``api`` in ``unit``; its slug."""
        body = {
            "unit": unit.pk,
            "name": name,
            "summary": "Layanan keliling untuk warga disabilitas.",
            "problem": "Warga sulit menjangkau kantor layanan.",
            "implementation": "Petugas datang ke rumah warga setiap pekan.",
            "start_date": "2019-01-01",
            "sector": "social",
            **fields,
        }
        response = api.post("/innovations", body)
        assert response.status_code == 201, response.content
        return str(response.json()["slug"])

    def publish(self, slug: str) -> None:
        """Submitted by the first agency's officer, published by its admin, through the API."""
        submitted = self.officer.post(f"/innovations/{slug}/submit")
        assert submitted.status_code == 200, submitted.content
        published = self.admin.post(f"/innovations/{slug}/publish")
        assert published.status_code == 200, published.content


@pytest.fixture
def two_agencies(make_api) -> TwoAgencies:
    from lumbung.organisations.models import Role
    from tests.factories import AgencyFactory, UnitFactory, UserFactory, grant

    agency = AgencyFactory(name="Kementerian Sosial", slug="kemensos")
    other_agency = AgencyFactory(name="Pemerintah Kota Contoh", slug="kota-contoh", kind="city")
    unit = UnitFactory(agency=agency, name="Sentra Terpadu Kartini")
    other_unit = UnitFactory(agency=other_agency, name="Dinas Sosial Kota")
    people = {name: UserFactory(username=name) for name in ("officer", "admin", "other")}
    grant(people["officer"], Role.UNIT_OFFICER, unit=unit)
    grant(people["admin"], Role.AGENCY_ADMIN, agency=agency)
    grant(people["other"], Role.UNIT_OFFICER, unit=other_unit)
    return TwoAgencies(
        agency,
        other_agency,
        unit,
        other_unit,
        people,
        *(make_api(people[n]) for n in ("officer", "admin", "other")),
    )


def assert_error(response, status: int, *fields: str | None) -> dict[str, Any]:
    """The response is a JSON error in the API's format; ``fields`` must all have errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
        assert error["message"]
    reported = {e["field"] for e in body["errors"]}
    for field in fields:
        assert field in reported, (field, body)
    return body
