"""The client's IP address, one rule for every counter (sign-in lockout, rate limits).

Behind ``LUMBUNG_TRUSTED_PROXY_COUNT`` reverse proxies (default 0: none) the client is the
address the outermost trusted proxy saw, i.e. the N-th entry from the right of
``X-Forwarded-For``; entries further left were written by the client and are ignored. With no
trusted proxy the header is never read, so a client cannot choose its own address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def trusted_proxy_count() -> int:
    return max(0, int(getattr(settings, "LUMBUNG_TRUSTED_PROXY_COUNT", 0) or 0))


def client_ip(request: HttpRequest) -> str:
    """The client's address ("" when unknown, e.g. a request made outside HTTP)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = trusted_proxy_count()
    if count == 0:
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [a for a in forwarded if a]
    if not forwarded:
        return remote
    return forwarded[-min(count, len(forwarded))]


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """``django_ratelimit``'s key function: the client's address."""
    return client_ip(request) or "unknown"
