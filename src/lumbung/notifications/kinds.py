"""What notifications there are: a small registry of **groups** (what a person sets a preference
for) and **kinds** (one kind of message, in one group).

The apps that own the events register their groups and kinds in their ``AppConfig.ready()``
(e.g. ``catalog/notices.py``): this app never imports them. A kind names who gets it and what its
link opens, for the preferences page and the documentation; the owning app decides the actual
recipients when it calls :func:`lumbung.notifications.services.notify_many`.

A kind that was never registered (or no kind at all) belongs to the group ``other``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text


class Delivery(models.TextChoices):
    """How a person wants the notifications of one group by e-mail. In-app notifications are
    always kept; "off" only stops the e-mail."""

    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("One e-mail a day (daily digest)")
    OFF = "off", _("No e-mail (only in Lumbung)")


@dataclass(frozen=True)
class Group:
    code: str
    label: Text
    help_text: Text
    #: things to act on are e-mailed at once by default; news once a day
    default: str = Delivery.IMMEDIATE


@dataclass(frozen=True)
class Kind:
    code: str
    group: str
    label: Text
    #: who gets it and what its link opens (shown on the preferences page)
    recipients: Text = ""


OTHER = Group(
    "other",
    _("Other messages"),
    _("Anything else Lumbung tells you about."),
    Delivery.IMMEDIATE,
)

_groups: dict[str, Group] = {OTHER.code: OTHER}
_kinds: dict[str, Kind] = {}


def register_group(group: Group) -> Group:
    if group.default not in Delivery.values:
        raise ValueError(f"unknown default delivery {group.default!r} of group {group.code!r}")
    _groups[group.code] = group
    return group


def register_kind(kind: Kind) -> Kind:
    if kind.group not in _groups:
        raise ValueError(f"kind {kind.code!r}: register its group {kind.group!r} first")
    _kinds[kind.code] = kind
    return kind


def groups() -> list[Group]:
    """The registered groups, "other" last."""
    return [g for g in _groups.values() if g.code != OTHER.code] + [OTHER]


def group(code: str) -> Group | None:
    return _groups.get(code)


def kind(code: str) -> Kind | None:
    return _kinds.get(code)


def kinds_of(group_code: str) -> list[Kind]:
    return [k for k in _kinds.values() if k.group == group_code]


def group_of(kind_code: str) -> Group:
    registered = _kinds.get(kind_code)
    return _groups[registered.group] if registered is not None else OTHER


def label_of(kind_code: str) -> Text:
    registered = _kinds.get(kind_code)
    return registered.label if registered is not None else _("Notification")
