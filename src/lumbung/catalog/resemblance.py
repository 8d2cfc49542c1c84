"""Innovations that resemble another, for the catalog's pages, found by a higher layer.

An innovation's page lists similar innovations; the new-innovation page warns of possible
duplicates before it creates a draft. Finding them is the work of ``lumbung.search``, which sits
above the catalog: it registers its finders here in its AppConfig.ready(), as it registers its
listeners in :mod:`lumbung.catalog.hooks`. Until a finder is registered, nothing is found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lumbung.core.actors import ActorLike

from .models import Innovation


class Resemblance(Protocol):
    """A found innovation and how closely it resembles (higher is closer)."""

    @property
    def innovation(self) -> Innovation: ...

    @property
    def score(self) -> float: ...


class SimilarFinder(Protocol):
    def __call__(
        self, innovation: Innovation, user: ActorLike = None, limit: int = 5
    ) -> Sequence[Resemblance]: ...


class DuplicateFinder(Protocol):
    def __call__(
        self, name: str, summary: str = "", *, user: ActorLike = None
    ) -> Sequence[Resemblance]: ...


_similar: SimilarFinder | None = None
_duplicates: DuplicateFinder | None = None


def register(*, similar: SimilarFinder, duplicates: DuplicateFinder) -> None:
    """Use these finders from now on (a later registration replaces an earlier one)."""
    global _similar, _duplicates
    _similar, _duplicates = similar, duplicates


def similar_to(innovation: Innovation, *, user: ActorLike, limit: int) -> Sequence[Resemblance]:
    """Up to ``limit`` innovations like this one that ``user`` may see, closest first."""
    return _similar(innovation, user, limit) if _similar is not None else []


def duplicates_of(name: str, *, summary: str, user: ActorLike) -> Sequence[Resemblance]:
    """Innovations ``user`` may see that closely resemble one about to be created."""
    return _duplicates(name, summary, user=user) if _duplicates is not None else []
