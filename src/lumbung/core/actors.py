"""Who acts: a typed :class:`Actor` for every check and every write.

An actor is a signed-in person (with the roles their memberships give them), an anonymous
visitor, or the system itself (command-line tools and the scheduler, acting with a platform
administrator's reach but as nobody in particular).

The roles come from memberships, which live in the ``organisations`` app above this one; that app
registers the loader at start-up (:func:`set_grants_loader`). Without a loader, or for a person
whose memberships cannot be read, an actor has no roles at all: access fails closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # types only: at run time core never imports the apps above it
    from django.contrib.auth.models import AnonymousUser

    from lumbung.organisations.models import User


@dataclass(frozen=True)
class Grants:
    """What a person's memberships give them, as plain sets of ids.

    ``agencies[role]``: agencies where the person holds ``role`` for the whole agency.
    ``units[role]``: units where the person holds ``role`` — each membership's unit and every unit
    below it *within the same agency*.
    ``anywhere[role]``: agencies where the person holds ``role`` at all (agency-wide or in one of
    its units): a facilitator in a deputy's office acts for that agency's programmes.
    """

    agencies: Mapping[str, frozenset[int]] = field(default_factory=dict)
    units: Mapping[str, frozenset[int]] = field(default_factory=dict)
    anywhere: Mapping[str, frozenset[int]] = field(default_factory=dict)


NO_GRANTS = Grants()


@dataclass(frozen=True)
class Actor:
    user: User | None = None
    is_authenticated: bool = False
    is_platform_admin: bool = False
    is_system: bool = False
    grants: Grants = NO_GRANTS

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    def agencies(self, *roles: str) -> frozenset[int]:
        """Agencies where the person holds any of ``roles`` for the whole agency."""
        return _union(self.grants.agencies, roles)

    def units(self, *roles: str) -> frozenset[int]:
        """Units (with the units below them) where the person holds any of ``roles``."""
        return _union(self.grants.units, roles)

    def anywhere(self, *roles: str) -> frozenset[int]:
        """Agencies where the person holds any of ``roles``, agency-wide or in a unit."""
        return _union(self.grants.anywhere, roles)

    def has_role(self, *roles: str) -> bool:
        return bool(self.anywhere(*roles))

    def __str__(self) -> str:
        if self.is_system:
            return "system"
        return str(self.user) if self.user is not None else "anonymous"


def _union(by_role: Mapping[str, frozenset[int]], roles: tuple[str, ...]) -> frozenset[int]:
    out: set[int] = set()
    for role in roles:
        out |= by_role.get(role, frozenset())
    return frozenset(out)


ANONYMOUS = Actor()
#: The platform acting by itself (commands, the scheduler, the demo loader).
SYSTEM = Actor(is_authenticated=True, is_platform_admin=True, is_system=True)

ActorLike: TypeAlias = "Actor | User | AnonymousUser | None"

GrantsLoader = Callable[["User"], Grants]
_loader: GrantsLoader | None = None
_CACHE_ATTR = "_lumbung_actor"


def set_grants_loader(loader: GrantsLoader) -> None:
    global _loader
    _loader = loader


def as_actor(who: ActorLike) -> Actor:
    """The actor for a user (computed once per user object and kept on it), an actor as it is,
    or the anonymous actor for ``None`` and signed-out visitors. Inactive people are anonymous."""
    if isinstance(who, Actor):
        return who
    if who is None or not who.is_authenticated:
        return ANONYMOUS
    user = who  # signed in: a person (an AnonymousUser is never authenticated)
    if not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if isinstance(cached, Actor):
        return cached
    grants = _loader(user) if _loader is not None else NO_GRANTS
    actor = Actor(
        user=user,
        is_authenticated=True,
        is_platform_admin=bool(user.is_superuser),
        grants=grants,
    )
    setattr(user, _CACHE_ATTR, actor)
    return actor


def forget_actor(user: object) -> None:
    """Drop the actor kept on a user object (after their memberships changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_of(who: ActorLike) -> User | None:
    """The person behind an actor, for ``created_by`` fields and the audit history."""
    if isinstance(who, Actor):
        return who.user
    if who is None or not who.is_authenticated:
        return None
    return who


def in_own_roles(actor: Actor) -> Actor:
    """The same person seen through their memberships only, without a platform admin's reach:
    for "my work" lists, which would otherwise hold the whole platform."""
    if not actor.is_platform_admin or actor.is_system:
        return actor
    return Actor(user=actor.user, is_authenticated=True, grants=actor.grants)
