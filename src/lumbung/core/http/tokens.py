"""Writes to API tokens: make one (the key is returned once), rotate one, revoke one, revoke all
of a person's when their password changes; and the check of a key.

A token expires ``LUMBUNG_API_TOKEN_DAYS`` (default 90) days after it is made unless a shorter
lifetime is chosen; an expired token is refused like a revoked one (with its own reason).
"""

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
from lumbung.core.actors import SYSTEM, ActorLike
from lumbung.core.policies import require

from .models import ApiToken, default_lifetime_days

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


class InvalidToken(Exception):
    """A key that does not authenticate; ``reason`` says why, for the 401 answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _lifetime(days: int | None) -> timedelta:
    longest = default_lifetime_days()
    if days is None:
        return timedelta(days=longest)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        raise ValidationError(
            {"days": _("Choose between 1 and %(days)d days.") % {"days": longest}}
        )
    return timedelta(days=days)


def _make(user: User, name: str, lifetime: timedelta) -> tuple[ApiToken, str]:
    raw_key = _new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw_key[:PREFIX_LENGTH],
        key_hash=hash_key(raw_key),
        expires_at=timezone.now() + lifetime,
    )
    return token, raw_key


@transaction.atomic
def token_create(
    *, actor: ActorLike, user: User, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """Make a token for ``user`` lasting ``days`` (default and longest: ``LUMBUNG_API_TOKEN_DAYS``);
    returns the token and its key (which is not stored)."""
    require(actor, "apitoken.manage", ApiToken(user=user))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name can have at most 100 characters.")})
    lifetime = _lifetime(days)
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    token, raw_key = _make(user, name, lifetime)
    audit.record(
        actor=actor,
        obj=token,
        action="apitoken.create",
        changes={
            "name": [None, name],
            "prefix": [None, token.prefix],
            "expires_at": [None, token.expires_at.isoformat()],
        },
    )
    return token, raw_key


@transaction.atomic
def token_rotate(*, actor: ActorLike, token: ApiToken) -> tuple[ApiToken, str]:
    """Replace ``token`` by a new key of the same name and lifetime (from now); the old token is
    revoked in the same transaction. Returns the new token and its key (shown once)."""
    old = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    require(actor, "apitoken.manage", old)
    if old.revoked_at is not None:
        raise ValidationError(_("This token is revoked; make a new one instead."))
    if not old.user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    longest = timedelta(days=default_lifetime_days())
    lifetime = min(max(old.expires_at - old.created_at, timedelta(days=1)), longest)
    new, raw_key = _make(old.user, old.name, lifetime)
    old.revoked_at = timezone.now()
    old.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        obj=old,
        action="apitoken.rotate",
        changes={
            "revoked_at": [None, old.revoked_at.isoformat()],
            "replaced_by": [None, new.prefix],
        },
    )
    audit.record(
        actor=actor,
        obj=new,
        action="apitoken.create",
        changes={
            "name": [None, new.name],
            "prefix": [None, new.prefix],
            "expires_at": [None, new.expires_at.isoformat()],
            "replaces": [None, old.prefix],
        },
    )
    return new, raw_key


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


@transaction.atomic
def tokens_revoke_for_password_change(*, user: User, actor: ActorLike = SYSTEM) -> int:
    """Revoke every live token of ``user`` because their password changed (by them, by a reset
    link, by an admin or a command); each revocation is kept in the audit history. Called by the
    person model when a new password is saved: the change itself was checked by whoever made it
    (Django's password views, the admin), so there is no policy to check here. Returns how many
    tokens were revoked."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            obj=token,
            action="apitoken.revoke_password",
            changes={"revoked_at": [None, now.isoformat()]},
            note="password changed",
        )
    return len(tokens)


def authenticate_key(raw_key: str) -> User:
    """The active person a key belongs to; ``InvalidToken`` (with the reason) otherwise.

    Notes when the token was last used (at most once a minute per token).
    """
    invalid = _("The API token is not valid or has been revoked.")
    if not raw_key or len(raw_key) > MAX_KEY_LENGTH or not raw_key.startswith(KEY_PREFIX):
        raise InvalidToken(invalid)
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(raw_key)).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        raise InvalidToken(invalid)
    now = timezone.now()
    if token.expires_at <= now:
        raise InvalidToken(_("The API token has expired. Make a new one on your profile page."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_user(raw_key: str) -> User | None:
    """The active person a key belongs to, or None for an unknown, revoked, expired or malformed
    key."""
    try:
        return authenticate_key(raw_key)
    except InvalidToken:
        return None
