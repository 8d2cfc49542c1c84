"""Structured logs: one access line per request, every line with the request's id."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.conf import settings as django_settings
from django.utils.module_loading import import_string

pytestmark = pytest.mark.django_db


def _access_records(caplog):
    return [r for r in caplog.records if r.name == "lumbung.access"]


def test_each_request_is_one_access_line_with_the_proxys_request_id(client, caplog):
    request_id = uuid.uuid4().hex
    with caplog.at_level(logging.INFO, logger="lumbung.access"):
        response = client.get("/inovasi/", HTTP_X_REQUEST_ID=request_id)
    assert response["X-Request-ID"] == request_id
    [record] = _access_records(caplog)
    assert (record.method, record.path, record.status) == ("GET", "/inovasi/", 200)
    assert record.duration_ms >= 0
    assert record.user_id is None


def test_a_request_id_that_is_no_uuid_is_replaced(client, caplog):
    with caplog.at_level(logging.INFO, logger="lumbung.access"):
        response = client.get("/inovasi/", HTTP_X_REQUEST_ID="<script>\u2028evil")
    given = response["X-Request-ID"]
    assert given != "<script>\u2028evil"
    assert uuid.UUID(given)  # a fresh one


def test_probes_that_succeed_are_not_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="lumbung.access"):
        client.get("/healthz/")
    assert _access_records(caplog) == []


def test_the_json_line_carries_the_request_id_and_the_fields(client, world):
    """The configured handler's formatter and filter, as the server writes a line."""
    config = django_settings.LOGGING
    formatter_spec = dict(config["formatters"]["json"])
    formatter = import_string(formatter_spec.pop("()"))(**formatter_spec)
    request_filter = import_string(config["filters"]["request_id"]["()"])()
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(formatter.format(record))

    handler = Collect(level=logging.INFO)
    handler.addFilter(request_filter)
    access = logging.getLogger("lumbung.access")
    access.addHandler(handler)
    try:
        client.force_login(world.officer)
        request_id = uuid.uuid4().hex
        client.get("/ruang-kerja/", HTTP_X_REQUEST_ID=request_id)
    finally:
        access.removeHandler(handler)
    [line] = [json.loads(line) for line in lines]
    assert line["request_id"] == request_id
    assert line["level"] == "INFO" and line["logger"] == "lumbung.access"
    assert line["path"] == "/ruang-kerja/" and line["status"] == 200
    assert line["user_id"] == world.officer.pk
    assert "time" in line
