"""The scaled-out cache: with Redis as the default cache (LUMBUNG_CACHE_URL), the counters of
wrong API tokens are shared by every app server — two servers, one count.

Runs when Redis answers at LUMBUNG_TEST_REDIS_URL (default redis://127.0.0.1:6379/15; `.ci/run`
starts it); skipped on a machine without Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

REDIS_URL = os.environ.get("LUMBUNG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not _redis_answers(), reason="no Redis at LUMBUNG_TEST_REDIS_URL"),
]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's own keys
        },
    }
    yield caches["default"]
    caches["default"].clear()


def test_two_servers_share_one_count_of_wrong_tokens(redis_cache, settings, world):
    settings.LUMBUNG_API_AUTH_FAILURE_LIMIT = 6
    first, second = Client(), Client()
    statuses = []
    for i in range(6):
        server = first if i % 2 else second
        statuses.append(
            server.get("/api/v1/innovations", HTTP_AUTHORIZATION=f"Bearer lmb_salah{i}").status_code
        )
        caches.close_all()  # the next request as from another process: only Redis remembers
    assert statuses == [401] * 6
    blocked = first.get("/api/v1/innovations", HTTP_AUTHORIZATION="Bearer lmb_lagi")
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0


def test_readyz_with_redis(redis_cache, client):
    response = client.get("/readyz/")
    assert response.status_code == 200, response.content
