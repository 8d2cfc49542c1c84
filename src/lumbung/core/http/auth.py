"""Who is calling: an API token (machine clients), the Django session (browsers), or nobody.

- ``Authorization: Bearer <key>`` with a valid key authenticates as the key's owner; a Bearer
  header with an unknown, revoked, expired or malformed key is refused with 401 and the reason
  (never silently anonymous). After too many such failures from one address the Bearer requests
  from it are answered 429 with ``Retry-After`` for the rest of the window (``throttling``).
  Other schemes (e.g. Basic from a proxy) are ignored.
- A signed-in session authenticates too; unsafe methods then need the CSRF token.
- Reads also accept nobody (``READ_AUTH``); writes (``WRITE_AUTH``, the API default) do not, so an
  anonymous write gets 401.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from . import throttling
from .tokens import InvalidToken, authenticate_key

if TYPE_CHECKING:  # types only: at run time core never imports the apps above it
    from lumbung.organisations.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``; keys are made with ``lumbung apitoken USERNAME``."""

    def __call__(self, request: HttpRequest) -> User | None:
        value = request.headers.get(self.header) or ""
        scheme, _sep, key = value.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        throttling.check_auth_failures(request)  # 429 once this address failed too often
        try:
            user = authenticate_key(token)
        except InvalidToken as exc:
            throttling.record_auth_failure(request)
            raise AuthenticationError(401, exc.reason) from None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's Django session; unsafe methods must carry the CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # nobody signed in: not a CSRF matter, the caller gets 401 (or anonymous)
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header."))
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return self(request)  # pragma: no cover  (__call__ does the work)


def anonymous(request: HttpRequest) -> AnonymousUser:
    """Lets a read through without credentials (must come last in READ_AUTH)."""
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()

#: writes: a token or a signed-in session (the API's default)
WRITE_AUTH: list[Any] = [token_auth, session_auth]
#: reads: the same, or nobody
READ_AUTH: list[Any] = [token_auth, session_auth, anonymous]


def optional_auth_openapi() -> dict[str, Any]:
    """``openapi_extra`` for reads: adds the empty requirement, i.e. credentials are optional."""
    return {"security": [{}]}


def current_user(request: HttpRequest) -> User | AnonymousUser:
    """The person behind the request (AnonymousUser when nobody)."""
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth
    return AnonymousUser()
