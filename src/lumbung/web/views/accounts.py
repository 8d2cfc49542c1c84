"""The person's own pages: profile with memberships and (when the API offers them) tokens; the
password reset request, limited per address and per e-mail address."""

from __future__ import annotations

import importlib
import math
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from lumbung.core.http.clientip import ratelimit_key
from lumbung.core.pages import add_service_errors
from lumbung.organisations.models import User
from lumbung.organisations.selectors import memberships_of

from ..forms import TokenForm

if TYPE_CHECKING:
    from lumbung.core.http.models import ApiToken


def token_services() -> ModuleType | None:
    """``lumbung.core.http.tokens`` when it offers token_create and token_revoke, else None."""
    try:
        module = importlib.import_module("lumbung.core.http.tokens")
    except ImportError:
        return None
    if all(hasattr(module, f) for f in ("token_create", "token_revoke", "token_rotate")):
        return module
    return None


def _person(request: HttpRequest) -> User:
    """The signed-in person (every page here is behind ``login_required``)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def _tokens(user: User) -> list[ApiToken]:
    manager = getattr(user, "api_tokens", None)
    return list(manager.all()) if manager is not None else []


def _profile(
    request: HttpRequest,
    *,
    token_form: TokenForm | None = None,
    new_key: str = "",
    status: int = 200,
) -> HttpResponse:
    user = _person(request)
    tokens_available = token_services() is not None
    context: dict[str, Any] = {
        "memberships": list(memberships_of(user)),
        "tokens_available": tokens_available,
        "tokens": _tokens(user) if tokens_available else [],
        "token_form": token_form or TokenForm(),
        "new_key": new_key,
    }
    return render(request, "web/accounts/profile.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    module = token_services()
    if module is None:
        raise Http404
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, key = module.token_create(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # the key is shown in this response only; it is never stored or put in the session
            response = _profile(request, new_key=key)
            response["Cache-Control"] = "no-store"
            return response
    return _profile(request, token_form=form, status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    module = token_services()
    if module is None:
        raise Http404
    token = next((t for t in _tokens(_person(request)) if t.pk == pk), None)
    if token is None:
        raise Http404
    try:
        module.token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("web:profile")


@login_required
@require_POST
def token_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new key replaces the token's (the old one stops working at once); shown once."""
    module = token_services()
    if module is None:
        raise Http404
    token = next((t for t in _tokens(_person(request)) if t.pk == pk), None)
    if token is None:
        raise Http404
    try:
        _new, key = module.token_rotate(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:profile")
    messages.success(
        request,
        _("The token “%(name)s” has a new key; the old key no longer works.")
        % {"name": token.name},
    )
    response = _profile(request, new_key=key)
    response["Cache-Control"] = "no-store"
    return response


# --- password reset, limited ------------------------------------------------------------------


def _email_key(group: str, request: HttpRequest) -> str:
    return str(request.POST.get("email", "")).strip().lower()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, refused (429, the form again with the reason, no e-mail sent) after
    ``LUMBUNG_PASSWORD_RESET_IP_RATE`` requests from one address or
    ``LUMBUNG_PASSWORD_RESET_EMAIL_RATE`` for one e-mail address. The counters are in the cache
    named "default". Whether the address has an account is never told, limited or not."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = self._limited(request)
        if wait is None:
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        minutes = max(1, math.ceil(wait / 60))
        form.add_error(
            None,
            ngettext(
                "Too many requests for a new password. Try again in %(minutes)d minute.",
                "Too many requests for a new password. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(max(1, wait))
        return response

    def _limited(self, request: HttpRequest) -> int | None:
        """Seconds to wait when this request is over a limit (it is counted either way)."""
        limits = [
            ("lumbung.password-reset.ip", ratelimit_key, settings.LUMBUNG_PASSWORD_RESET_IP_RATE)
        ]
        if _email_key("", request):
            limits.append(
                (
                    "lumbung.password-reset.email",
                    _email_key,
                    settings.LUMBUNG_PASSWORD_RESET_EMAIL_RATE,
                )
            )
        waits = []
        for group, key, rate in limits:
            if not rate:
                continue
            usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
            if usage is not None and usage["should_limit"]:
                waits.append(max(1, int(usage["time_left"])))
        return max(waits) if waits else None
