"""API router for the caller's own API tokens: list them, rotate one.

Rotating answers a new key (shown once) that replaces the old one, which stops working at once;
a script can rotate the very token it calls with before that token expires. Tokens of anybody
else answer 404. Tokens are made on the profile page or with ``lumbung apitoken``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema

from .auth import WRITE_AUTH, current_user
from .errors import error_responses
from .models import ApiToken
from .tokens import token_rotate

router = Router(tags=["tokens"], auth=WRITE_AUTH)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class RotatedOut(Schema):
    token: TokenOut
    key: str


def _out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "is_active": token.is_active,
    }


@router.get(
    "/tokens",
    response={200: list[TokenOut], **error_responses(401, 429)},
    summary="The caller's API tokens",
)
def tokens_list(request: HttpRequest) -> list[dict[str, Any]]:
    user_id = current_user(request).pk or 0  # WRITE_AUTH: always someone
    return [_out(t) for t in ApiToken.objects.filter(user_id=user_id)]


@router.post(
    "/tokens/{token_id}/rotate",
    response={201: RotatedOut, **error_responses(401, 403, 404, 422, 429)},
    summary="Replace one of the caller's tokens by a new key",
)
def tokens_rotate(
    request: HttpRequest, token_id: int, response: HttpResponse
) -> tuple[int, dict[str, Any]]:
    response["Cache-Control"] = "no-store"  # the new key is in this answer only
    user = current_user(request)
    token = ApiToken.objects.filter(pk=token_id, user_id=user.pk or 0).first()
    if token is None:
        raise Http404
    new, key = token_rotate(actor=user, token=token)
    return 201, {"token": _out(new), "key": key}
