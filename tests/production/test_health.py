"""/healthz/ and /readyz/: the probes of a load balancer."""

from __future__ import annotations

import pytest
from django.db.migrations.executor import MigrationExecutor

from .processes import free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_migrations_and_cache(client, monkeypatch):
    response = client.get("/readyz/")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert "1 migrations not applied" in response.json()["problems"]["database"]


def test_readyz_says_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        },
    }
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["problems"]["cache"].startswith("cache unavailable")


def test_probes_are_not_redirected_to_https_but_pages_are(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/").status_code == 200
    assert client.get("/readyz/").status_code == 200
    response = client.get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_probes_refuse_writes(client):
    assert client.post("/healthz/").status_code == 405
