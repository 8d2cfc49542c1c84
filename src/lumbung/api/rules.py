"""Permission rules for API tokens (registered in lumbung.core.permissions)."""

from __future__ import annotations

from typing import Any

from lumbung.core.permissions import rule
from lumbung.organisations.access import access_for


@rule("apitoken.manage")
def manage_tokens(user: Any, owner: Any) -> bool:
    """Make or revoke API tokens of ``owner``: the person themself, or a platform admin."""
    access = access_for(user)
    if access.is_platform_admin:
        return True
    return bool(access.is_authenticated and owner is not None and owner.pk == user.pk)
