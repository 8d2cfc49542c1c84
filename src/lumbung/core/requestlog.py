"""One structured log line per request: method, path, status, duration, person and the request
id (``X-Request-ID``, from django-guid: taken from the proxy when it is a valid UUID, otherwise
made here, and returned in the response).

The line goes to the ``lumbung.access`` logger at INFO (``LUMBUNG_ACCESS_LOG=0`` turns it off);
the probes of a load balancer (``/healthz/``, ``/readyz/``) are logged only when they fail.
:class:`RequestIdFilter` puts the id on every record logged while the request runs, so a fault's
traceback and the request's line share it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django_guid import get_guid

logger = logging.getLogger("lumbung.access")

#: paths of health probes: logged only when they do not answer 200
PROBES = frozenset({"/healthz/", "/readyz/"})


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_guid() or "-"
        return True


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path in PROBES and response.status_code == 200:
            return response
        if logger.isEnabledFor(logging.INFO):
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user_id,
                },
            )
        return response
