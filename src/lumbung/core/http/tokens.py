"""Writes to API tokens: make one (the key is returned once) and revoke one."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike
from lumbung.core.policies import require

from .models import ApiToken

if TYPE_CHECKING:  # types only: at run time core never imports the apps above it
    from lumbung.organisations.models import User

KEY_PREFIX = "lmb_"
#: visible characters kept in clear to tell keys apart ("lmb_" plus eight)
PREFIX_LENGTH = len(KEY_PREFIX) + 8
MAX_KEY_LENGTH = 128
#: last_used_at is written at most this often per token, so reads do not all become writes
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def token_create(*, actor: ActorLike, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the token and its key (which is not stored)."""
    require(actor, "apitoken.manage", ApiToken(user=user))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name can have at most 100 characters.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    raw_key = _new_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw_key[:PREFIX_LENGTH], key_hash=hash_key(raw_key)
    )
    audit.record(
        actor=actor,
        obj=token,
        action="apitoken.create",
        changes={"name": [None, name], "prefix": [None, token.prefix]},
    )
    return token, raw_key


@transaction.atomic
def token_revoke(*, actor: ActorLike, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    require(actor, "apitoken.manage", token)
    if token.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        obj=token,
        action="apitoken.revoke",
        changes={"revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return token


def token_user(raw_key: str) -> User | None:
    """The active person a key belongs to, or None for an unknown, revoked or malformed key.

    Notes when the token was last used (at most once a minute per token).
    """
    if not raw_key or len(raw_key) > MAX_KEY_LENGTH or not raw_key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(raw_key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
