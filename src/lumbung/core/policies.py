"""Who may do what: one policy per record type, one declaration per action.

A policy declares, for each action, a :class:`Condition` over the record's fields, built for one
actor (e.g. "published, or of a unit this person is an officer of"). The same condition answers
both questions every screen asks:

* :meth:`Policy.can` — may this person do *action* on *this object*? The condition is evaluated in
  Python on the object (following foreign keys, using prefetched relations when there are any);
* :meth:`Policy.filter` — which objects may they do it on? The condition is compiled to a ``Q``
  for a queryset (a list, a search, an export).

Because both come from one declaration, a rule and its list filter cannot drift apart; a
property test checks that they agree for every policy, action, role and record.

Conditions (the small algebra a policy is written in):

* ``Attr("unit_id").is_in(ids)`` / ``Attr("publication_state").eq("published")``;
  paths follow foreign keys with ``__`` (``Attr("source__unit_id")``);
* ``Some("invitations", condition)`` — at least one related row (reverse foreign key or
  many-to-many) satisfies the condition;
* ``a | b``, ``a & b``; ``ALWAYS`` and ``NEVER``;
* ``condition.via("project")`` — the same condition, about the record's project.

Access fails closed: an empty set of ids is ``NEVER``; a missing related record makes an
attribute condition false; an unknown action is an error, never a yes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .actors import Actor, ActorLike, as_actor

M = TypeVar("M", bound=models.Model)
P = TypeVar("P", bound="Policy[Any]")

_MISSING = object()


def _get(obj: Any, path: str) -> Any:
    """Follow a ``__`` path through foreign keys; a missing link gives ``_MISSING``."""
    value = obj
    for part in path.split("__"):
        if value is None or value is _MISSING:
            return _MISSING
        value = getattr(value, part, _MISSING)
    return _MISSING if value is None else value


def _reroot(path: str, relation: str) -> str:
    """``id`` seen through ``unit`` is ``unit_id`` (no join, no query); anything else is
    ``unit__<path>``."""
    if path in {"id", "pk"}:
        return f"{relation}_id"
    return f"{relation}__{path}"


class Condition(ABC):
    @abstractmethod
    def evaluate(self, obj: Any) -> bool: ...

    @abstractmethod
    def to_q(self, model: type[models.Model]) -> Q: ...

    @abstractmethod
    def via(self, relation: str) -> Condition:
        """The same condition about ``obj.<relation>`` (a foreign key) instead of ``obj``."""

    def __or__(self, other: Condition) -> Condition:
        return Or.of(self, other)

    def __and__(self, other: Condition) -> Condition:
        return And.of(self, other)


class _Always(Condition):
    def evaluate(self, obj: Any) -> bool:
        return True

    def to_q(self, model: type[models.Model]) -> Q:
        return Q()

    def via(self, relation: str) -> Condition:
        return self

    def __repr__(self) -> str:
        return "ALWAYS"


class _Never(Condition):
    def evaluate(self, obj: Any) -> bool:
        return False

    def to_q(self, model: type[models.Model]) -> Q:
        return Q(pk__in=[])

    def via(self, relation: str) -> Condition:
        return self

    def __repr__(self) -> str:
        return "NEVER"


ALWAYS: Condition = _Always()
NEVER: Condition = _Never()


@dataclass(frozen=True, eq=False)
class In(Condition):
    """The value at ``path`` is one of ``values`` (a missing value never is)."""

    path: str
    values: frozenset[Any]

    def evaluate(self, obj: Any) -> bool:
        value = _get(obj, self.path)
        return value is not _MISSING and value in self.values

    def to_q(self, model: type[models.Model]) -> Q:
        if len(self.values) == 1:
            return Q(**{self.path: next(iter(self.values))})
        return Q(**{f"{self.path}__in": sorted(self.values, key=str)})

    def via(self, relation: str) -> Condition:
        return In(_reroot(self.path, relation), self.values)

    def __repr__(self) -> str:
        return f"In({self.path!r}, {sorted(self.values, key=str)!r})"


class Attr:
    """Builds attribute conditions: ``Attr("unit_id").is_in(ids)``, ``Attr("state").eq("x")``."""

    def __init__(self, path: str) -> None:
        self.path = path

    def is_in(self, values: Iterable[Any]) -> Condition:
        chosen = frozenset(v for v in values if v is not None)
        return In(self.path, chosen) if chosen else NEVER

    def eq(self, value: Any) -> Condition:
        return self.is_in([value])


@dataclass(frozen=True, eq=False)
class SomeRow(Condition):
    """At least one row of the to-many ``relation`` satisfies ``condition``.

    In Python the related rows come from ``obj.<relation>.all()`` (prefetched or not); in SQL the
    condition becomes one ``pk IN (subquery)``, so a list never has duplicate rows. Conditions on
    the related rows are about one row at a time; nesting ``Some`` inside ``Some`` is refused, as
    SQL and Python would not mean the same.
    """

    relation: str
    condition: Condition

    def __post_init__(self) -> None:
        if _contains_any(self.condition):
            raise ValueError("Some() inside Some() is not supported")

    def evaluate(self, obj: Any) -> bool:
        holder = _get(obj, self.relation.rsplit("__", 1)[0]) if "__" in self.relation else obj
        if holder is _MISSING or getattr(holder, "pk", None) is None:
            return False  # nothing related yet (an unsaved record): no related row can match
        manager = getattr(holder, self.relation.rsplit("__", 1)[-1], None)
        if manager is None:
            return False
        return any(self.condition.evaluate(row) for row in manager.all())

    def to_q(self, model: type[models.Model]) -> Q:
        inner = _prefixed_q(self.condition, self.relation)
        return Q(pk__in=model._default_manager.filter(inner).values("pk"))

    def via(self, relation: str) -> Condition:
        return SomeRow(f"{relation}__{self.relation}", self.condition)


def _prefixed_q(condition: Condition, relation: str) -> Q:
    if condition is ALWAYS:
        return Q(**{f"{relation}__isnull": False})
    if condition is NEVER:
        return Q(pk__in=[])
    if isinstance(condition, In):
        path = f"{relation}__{condition.path}"
        if len(condition.values) == 1:
            return Q(**{path: next(iter(condition.values))})
        return Q(**{f"{path}__in": sorted(condition.values, key=str)})
    if isinstance(condition, And):
        q = Q()
        for part in condition.parts:
            q &= _prefixed_q(part, relation)
        return q
    if isinstance(condition, Or):
        q = Q(pk__in=[])
        for part in condition.parts:
            q |= _prefixed_q(part, relation)
        return q
    raise TypeError(f"cannot prefix {condition!r}")


def _contains_any(condition: Condition) -> bool:
    if isinstance(condition, SomeRow):
        return True
    if isinstance(condition, And | Or):
        return any(_contains_any(p) for p in condition.parts)
    return False


@dataclass(frozen=True, eq=False)
class And(Condition):
    parts: tuple[Condition, ...]

    @staticmethod
    def of(*conditions: Condition) -> Condition:
        parts: list[Condition] = []
        for c in conditions:
            if c is NEVER:
                return NEVER
            if c is ALWAYS:
                continue
            parts.extend(c.parts if isinstance(c, And) else [c])
        if not parts:
            return ALWAYS
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def evaluate(self, obj: Any) -> bool:
        return all(p.evaluate(obj) for p in self.parts)

    def to_q(self, model: type[models.Model]) -> Q:
        q = Q()
        for part in self.parts:
            q &= part.to_q(model)
        return q

    def via(self, relation: str) -> Condition:
        return And.of(*(p.via(relation) for p in self.parts))


@dataclass(frozen=True, eq=False)
class Or(Condition):
    parts: tuple[Condition, ...]

    @staticmethod
    def of(*conditions: Condition) -> Condition:
        parts: list[Condition] = []
        for c in conditions:
            if c is ALWAYS:
                return ALWAYS
            if c is NEVER:
                continue
            parts.extend(c.parts if isinstance(c, Or) else [c])
        if not parts:
            return NEVER
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def evaluate(self, obj: Any) -> bool:
        return any(p.evaluate(obj) for p in self.parts)

    def to_q(self, model: type[models.Model]) -> Q:
        q = Q(pk__in=[])
        for part in self.parts:
            q |= part.to_q(model)
        return q

    def via(self, relation: str) -> Condition:
        return Or.of(*(p.via(relation) for p in self.parts))


def any_of(*conditions: Condition) -> Condition:
    return Or.of(*conditions)


def all_of(*conditions: Condition) -> Condition:
    return And.of(*conditions)


def Some(relation: str, condition: Condition) -> Condition:
    """At least one row of the to-many ``relation`` satisfies ``condition``."""
    return NEVER if condition is NEVER else SomeRow(relation, condition)


# --- policies --------------------------------------------------------------------------------

Rule = Callable[..., Condition]


def action(name: str) -> Callable[[Rule], Rule]:
    """Mark a policy method as the declaration of ``name``."""

    def decorate(fn: Rule) -> Rule:
        fn._policy_action = name  # type: ignore[attr-defined]
        return fn

    return decorate


class Policy(Generic[M]):
    """The rules for one record type. Subclasses set ``model`` and ``name`` and declare each
    action with ``@action("view")`` on a method ``(self, actor, **context) -> Condition``.

    Context is for actions that involve a second record: "may this person start a project for
    this unit *within this programme*?" (``programme=...``). Both answers take the same context.
    """

    model: ClassVar[type[models.Model]]
    name: ClassVar[str]
    _rules: ClassVar[dict[str, str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        rules: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                name = getattr(value, "_policy_action", None)
                if name:
                    rules[name] = attr
        cls._rules = rules

    @property
    def actions(self) -> list[str]:
        return sorted(self._rules)

    def condition(self, actor: ActorLike, action: str, **context: Any) -> Condition:
        try:
            method = getattr(self, self._rules[action])
        except KeyError as exc:  # a typo in an action name must fail loudly, never allow
            raise LookupError(f"{self.name} has no action {action!r}") from exc
        return method(as_actor(actor), **context)

    def can(self, actor: ActorLike, action: str, obj: M, **context: Any) -> bool:
        if obj is None:
            return False
        return self.condition(actor, action, **context).evaluate(obj)

    def filter(
        self, actor: ActorLike, action: str, queryset: QuerySet[M] | None = None, **context: Any
    ) -> QuerySet[M]:
        qs: QuerySet[M] = (
            queryset if queryset is not None else self.model._default_manager.all()  # type: ignore[assignment]
        )
        condition = self.condition(actor, action, **context)
        if condition is NEVER:
            return qs.none()
        if condition is ALWAYS:
            return qs
        return qs.filter(condition.to_q(qs.model))

    def require(self, actor: ActorLike, action: str, obj: M, **context: Any) -> None:
        if not self.can(actor, action, obj, **context):
            raise PermissionDenied(_("You are not allowed to do this."))


_POLICIES: dict[str, Policy[Any]] = {}


def register(policy: P) -> P:
    if policy.name in _POLICIES and _POLICIES[policy.name] is not policy:
        raise ValueError(f"policy {policy.name!r} registered twice")
    _POLICIES[policy.name] = policy
    return policy


def registered() -> list[Policy[Any]]:
    return [_POLICIES[name] for name in sorted(_POLICIES)]


def policy_for(name: str) -> Policy[Any]:
    try:
        return _POLICIES[name]
    except KeyError as exc:
        raise LookupError(f"no policy {name!r}") from exc


def _split(dotted: str) -> tuple[Policy[Any], str]:
    name, _sep, act = dotted.partition(".")
    return policy_for(name), act


def can(actor: ActorLike, dotted_action: str, obj: Any, **context: Any) -> bool:
    """``can(actor, "innovation.change", innovation)``: the policy of that record type decides."""
    policy, act = _split(dotted_action)
    return policy.can(actor, act, obj, **context)


def require(actor: ActorLike, dotted_action: str, obj: Any, **context: Any) -> None:
    policy, act = _split(dotted_action)
    policy.require(actor, act, obj, **context)


def permitted(
    actor: ActorLike, dotted_action: str, queryset: QuerySet[M] | None = None, **context: Any
) -> QuerySet[M]:
    """``permitted(actor, "innovation.view", qs)``: the records of ``qs`` the actor may act on."""
    policy, act = _split(dotted_action)
    return policy.filter(actor, act, queryset, **context)


def is_platform_admin(actor: ActorLike) -> bool:
    return as_actor(actor).is_platform_admin


__all__ = [
    "ALWAYS",
    "NEVER",
    "Actor",
    "Attr",
    "Condition",
    "Policy",
    "Some",
    "action",
    "all_of",
    "any_of",
    "can",
    "permitted",
    "register",
    "registered",
    "require",
]
