"""The OpenAPI document and the Swagger UI, served offline from the package's static files."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from .conftest import BASE

pytestmark = pytest.mark.django_db


def test_openapi_document_lists_the_endpoints():
    response = Client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in (
        "/api/v1/agencies",
        "/api/v1/agencies/{slug}",
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/partners",
        "/api/v1/regions",
        "/api/v1/sectors",
        "/api/v1/innovations",
        "/api/v1/innovations/{slug}",
        "/api/v1/innovations/{slug}/publish",
        "/api/v1/innovations/{slug}/evidence",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/innovations"]) == {"get", "post"}
    assert "patch" in paths["/api/v1/innovations/{slug}"]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    # reads may be anonymous, writes may not
    assert {} in paths["/api/v1/innovations"]["get"]["security"]
    assert {} not in paths["/api/v1/innovations"]["post"]["security"]
    # errors are documented with the common error schema
    assert "422" in paths["/api/v1/innovations"]["post"]["responses"]
    assert "ErrorOut" in doc["components"]["schemas"]


def test_create_schema_covers_the_profile():
    from lumbung.catalog.services import PROFILE_FIELDS

    doc = Client().get(f"{BASE}/openapi.json").json()
    create = doc["components"]["schemas"]["InnovationCreateIn"]
    assert set(PROFILE_FIELDS) | {"unit", "sdgs"} == set(create["properties"])
    assert set(create["required"]) == {"unit", "name"}
    assert create.get("additionalProperties") is False


def test_docs_page_works_offline():
    response = Client().get(f"{BASE}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert not re.search(r"https?://", html), "the docs page must not load anything remote"
    assert '"validatorUrl": null' in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset
