"""The innovations an agency or unit holds, as its pages count and list them.

The agency and unit pages show each organisation's published innovations, but the catalog sits
above this app (it imports organisations, never the reverse). So the catalog registers how to
count and list them here in its AppConfig.ready() (:func:`register`), the way organisations
registers its grants loader in ``lumbung.core.actors``; the pages ask :func:`holdings`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .models import Agency, Unit


@dataclass(frozen=True)
class Holdings:
    #: the agencies, each annotated with ``published_count``
    count_for_agencies: Callable[[QuerySet[Agency]], QuerySet[Agency]]
    #: the units, each annotated with ``published_count``
    count_for_units: Callable[[QuerySet[Unit]], QuerySet[Unit]]
    #: the published innovations of an agency, or of one of its units, in list order
    published: Callable[[Agency, Unit | None], QuerySet[Any]]


_holdings: Holdings | None = None


def register(holdings: Holdings) -> None:
    global _holdings
    _holdings = holdings


def holdings() -> Holdings:
    if _holdings is None:
        raise ImproperlyConfigured(
            "Nothing registered the innovations of the agency pages (lumbung.catalog does, "
            "when it is installed)."
        )
    return _holdings
