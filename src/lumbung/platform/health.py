"""Probes for a load balancer or process manager.

- ``/healthz/``: the process answers (no database touched) — restart it when this fails.
- ``/readyz/``: the database answers and has every migration applied, and the cache answers —
  send it traffic only when this is 200; 503 with the reasons otherwise.

Both are JSON, never cached, open to anyone (they say nothing about the data) and exempt from
the HTTPS redirect (probes often speak plain HTTP to the app server).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_problem() -> str | None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return f"database unavailable: {error.__class__.__name__}"
    if pending:
        return f"{len(pending)} migrations not applied (run `lumbung migrate`)"
    return None


def _cache_problem() -> str | None:
    try:
        cache.set("lumbung:readyz", "1", 10)
        if cache.get("lumbung:readyz") != "1":
            return "cache does not keep values"
    except Exception as error:  # any backend's connection error (Redis, memcached)
        return f"cache unavailable: {error.__class__.__name__}"
    return None


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_problem(), "cache": _cache_problem()}
    problems = {name: problem for name, problem in checks.items() if problem}
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})
