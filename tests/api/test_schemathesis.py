"""The API keeps the promises of its own OpenAPI document (schemathesis, every check).

Every documented operation is called with generated requests — valid ones and deliberately broken
ones (wrong types, missing fields, bodies that are not JSON, unknown references) — with a platform
administrator's API token, so that writes go past authentication and reach validation and the
services. Every answer must be documented (status code, content type, body schema, headers), no
answer may be a server error, schema-violating input must be refused, and an endpoint that needs
credentials must refuse a request without them.

Bounded for CI: a fixed number of generated examples per operation, derandomised (the same
requests every run), in one test over one seeded world (one transaction, rolled back at the end).
``LUMBUNG_SCHEMATHESIS_COVERAGE=1`` adds schemathesis' coverage phase (every boundary of every
documented constraint: minutes, not seconds) and ``LUMBUNG_SCHEMATHESIS_EXAMPLES=N`` sets the
number of generated examples per operation.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from lumbung.wsgi import application

pytestmark = pytest.mark.django_db

#: generated examples per operation and generation mode (valid, schema-violating)
MAX_EXAMPLES = int(os.environ.get("LUMBUNG_SCHEMATHESIS_EXAMPLES", "5"))
COVERAGE = os.environ.get("LUMBUNG_SCHEMATHESIS_COVERAGE", "") == "1"

CONFIG = {
    "seed": 13,
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": COVERAGE},
        "fuzzing": {"enabled": True},
    },
    "checks": {
        "enabled": True,
        # Schema-valid data may still be refused with 422 for what a JSON Schema cannot say: a
        # reference to a record that does not exist (a unit id, an innovation's slug, a region
        # code), a rule across fields (ends after it starts) or a record's state (a round that
        # is already open); nor can it know the version a record is at now, which a PATCH that
        # names an older one is refused for (409, 412: catalog.api). Every write documents
        # those answers (errors.common_error_codes, ConflictOut); the check still fails on any
        # other refusal (400, 413, 500).
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "401", "403", "404", "409", "412", "422"]
        },
    },
}


@pytest.fixture
def _connection_kept():
    """The requests go through the real WSGI handler, which closes the database connection when
    a request starts and ends; the test's transaction (and, on PostgreSQL, the connection) must
    live on. Django's test client does the same."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(request, _connection_kept, world, token_for):
    # schemathesis 4.32 renames the running test through ``_nodeid``, which pytest 9.2 no longer
    # has (it keeps ``_id``): give it one so the per-operation subtests can be reported
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", application, config=schemathesis.Config.from_dict(CONFIG)
    )
    schema.bearer = {"Authorization": f"Bearer {token_for(world.platform_admin)}"}
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis_settings(suppress_health_check=list(HealthCheck))
def test_api_keeps_its_document(case, api_schema):
    # the rate limits count in the cache: thousands of requests by one token would reach them,
    # and every later answer would be a (documented) 429 instead of exercising the endpoint
    cache.clear()
    case.call_and_validate(headers=api_schema.bearer)
