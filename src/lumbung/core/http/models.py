"""API tokens for machine clients (``Authorization: Bearer <key>``).

Only the SHA-256 of a key is stored, with a short visible prefix to tell keys apart; the key
itself is shown once, when it is made.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_lifetime_days() -> int:
    """How long a new token lasts unless a shorter time is chosen (``LUMBUNG_API_TOKEN_DAYS``)."""
    return max(1, int(getattr(settings, "LUMBUNG_API_TOKEN_DAYS", 90)))


def default_expiry() -> datetime:
    """Now plus the default lifetime; also what the migration gave tokens made before expiry."""
    return timezone.now() + timedelta(days=default_lifetime_days())


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=16, db_index=True)
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
