"""The person's own pages: profile with memberships and (when the API offers them) tokens."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
    if hasattr(module, "token_create") and hasattr(module, "token_revoke"):
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
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
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
