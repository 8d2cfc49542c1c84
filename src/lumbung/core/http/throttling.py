"""Rate limits of the API, counted in Django's cache named "default" (production points it at
Redis, so the counts are shared by every process; tests use the in-memory cache).

- Failed token authentications (``Authorization: Bearer`` with an unknown, revoked or expired
  key) per client address: after ``LUMBUNG_API_AUTH_FAILURE_LIMIT`` failures within
  ``LUMBUNG_API_AUTH_FAILURE_WINDOW_MINUTES``, every Bearer request from that address is answered
  429 with ``Retry-After`` until the window ends (the key is not even looked up).
- Every authenticated caller: at most ``LUMBUNG_API_RATE`` requests (ninja's throttling, e.g.
  "600/m"; empty turns it off). Anonymous reads are not limited here.

The counters are ``django_ratelimit``'s fixed windows (``get_usage``); the client's address is
``clientip.client_ip`` (which honours ``LUMBUNG_TRUSTED_PROXY_COUNT``).
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from . import errors
from .clientip import ratelimit_key

AUTH_FAILURE_GROUP = "lumbung.api.auth-failures"


class TooManyFailures(HttpError):
    """Too many failed authentications from one address: 429 with a reason and Retry-After."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        minutes = math.ceil(self.retry_after / 60)
        super().__init__(
            429,
            _(
                "Too many requests with a wrong API token came from your address. "
                "Try again in %(minutes)d minutes."
            )
            % {"minutes": minutes},
        )


def _auth_failure_rate() -> tuple[int, int]:
    limit = int(getattr(settings, "LUMBUNG_API_AUTH_FAILURE_LIMIT", 20))
    minutes = int(getattr(settings, "LUMBUNG_API_AUTH_FAILURE_WINDOW_MINUTES", 10))
    return max(1, limit), max(1, minutes) * 60


def _usage(request: HttpRequest, *, increment: bool) -> dict[str, Any] | None:
    usage: dict[str, Any] | None = get_usage(
        request,
        group=AUTH_FAILURE_GROUP,
        key=ratelimit_key,
        rate=_auth_failure_rate(),
        increment=increment,
    )
    return usage


def check_auth_failures(request: HttpRequest) -> None:
    """Raise ``TooManyFailures`` when this address already failed too often in this window."""
    usage = _usage(request, increment=False)
    if usage is None:  # RATELIMIT_ENABLE = False
        return
    limit, window = _auth_failure_rate()
    if usage["should_limit"] or usage["count"] >= limit:
        time_left = usage["time_left"]
        raise TooManyFailures(time_left if time_left > 0 else window)


def record_auth_failure(request: HttpRequest) -> None:
    _usage(request, increment=True)


class PersonRateThrottle(SimpleRateThrottle):
    """At most ``rate`` requests per signed-in person or token owner (anonymous: no limit)."""

    scope = "person"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        pk = getattr(user, "pk", None)
        if pk is None or not getattr(user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": pk}


def api_throttles() -> list[BaseThrottle]:
    """The throttles of the whole API (none when ``LUMBUNG_API_RATE`` is empty)."""
    rate = str(getattr(settings, "LUMBUNG_API_RATE", "") or "").strip()
    return [PersonRateThrottle(rate)] if rate else []


def install(api: NinjaAPI) -> None:
    """Answer ``TooManyFailures`` in the API's error format, with ``Retry-After``."""

    def too_many_failures(request: HttpRequest, exc: Any) -> HttpResponse:
        response = errors.error_response(api, request, 429, exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response

    api.add_exception_handler(TooManyFailures, too_many_failures)
