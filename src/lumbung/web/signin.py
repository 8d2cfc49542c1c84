"""Sign-in lockout (django-axes) with Lumbung's page.

``LockoutBackend`` is axes' standalone backend (it checks the lockout and lets the next backend
check the password), except that a sign-in with no HTTP request (the test client's ``login``, a
command) is not counted: only requests come from outside, and every sign-in page passes its
request (ours, the admin's). ``lockout_response`` is the page a locked-out person sees: 429, in
the site's layout, with ``Retry-After``.
"""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None  # not over HTTP: nothing to lock out (see the module's docstring)
        super().authenticate(request, username, password, **kwargs)
        return None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        "registration/lockout.html",
        {"cooloff_minutes": minutes, "is_admin": request.path.startswith("/admin/")},
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response
