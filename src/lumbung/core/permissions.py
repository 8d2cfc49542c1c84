"""The one place that decides who may do what.

Each app registers its rules (in its `rules.py`, loaded by its AppConfig) under an action name
such as ``"innovation.change"``. Views, API endpoints and services ask :func:`can` or call
:func:`require`; nothing else decides access.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the predicate ``fn(user, obj) -> bool`` for ``action``."""

    def decorator(fn: Rule) -> Rule:
        if action in _RULES and _RULES[action] is not fn:
            raise ValueError(f"rule {action!r} registered twice")
        _RULES[action] = fn
        return fn

    return decorator


def registered_actions() -> list[str]:
    return sorted(_RULES)


def can(user: Any, action: str, obj: Any = None) -> bool:
    try:
        predicate = _RULES[action]
    except KeyError as exc:  # a typo in an action name must fail loudly, never allow
        raise LookupError(f"no permission rule for {action!r}") from exc
    if getattr(user, "is_authenticated", False) and not getattr(user, "is_active", True):
        return False
    return bool(predicate(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(_("You are not allowed to do this."))
