"""What other apps have to say on an innovation's page: the actions a person may take about it
(e.g. "Replicate this innovation") and the records linked to it (replication programmes, projects
in progress, learning events).

The catalog does not import the apps above it; they register a provider in their
``AppConfig.ready()`` (the "registries" of docs/architecture.md). A provider gets the innovation
and the person, checks its own policies, and answers with a few queries whatever the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass
class Link:
    label: str
    url: str
    meta: str = ""


@dataclass
class Group:
    """A titled list of links (one section of the page's "Where it travels")."""

    key: str
    title: str | Promise
    links: list[Link] = field(default_factory=list)
    #: a sentence shown before the links (e.g. a count the person may not see the detail of)
    summary: str = ""


@dataclass
class Related:
    actions: list[Link] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)


Provider = Callable[[Any, Any], Related]

_PROVIDERS: dict[str, Provider] = {}


@dataclass(frozen=True)
class Mark:
    """A word beside an innovation in its lineage (e.g. outcomes: "better than the original");
    ``key`` names it for styling."""

    key: str
    label: str


#: ``provider(innovations)`` → marks by innovation id, for the lineage shown on a page
MarkProvider = Callable[[list[Any]], dict[int, Mark]]
_MARKERS: dict[str, MarkProvider] = {}


def register_marks(name: str, provider: MarkProvider) -> None:
    _MARKERS[name] = provider


def marks_for(innovations: list[Any]) -> dict[int, list[Mark]]:
    """Every registered provider's marks for the innovations of a lineage the person sees."""
    out: dict[int, list[Mark]] = {}
    for name in sorted(_MARKERS):
        for pk, mark in _MARKERS[name](innovations).items():
            out.setdefault(pk, []).append(mark)
    return out


def register(name: str, provider: Provider) -> None:
    _PROVIDERS[name] = provider


def related_to(innovation: Any, actor: Any) -> Related:
    """Every registered provider's actions and groups (groups without links or summary are
    left out), in the order of the providers' names."""
    out = Related()
    for name in sorted(_PROVIDERS):
        part = _PROVIDERS[name](innovation, actor)
        out.actions.extend(part.actions)
        out.groups.extend(g for g in part.groups if g.links or g.summary)
    return out
