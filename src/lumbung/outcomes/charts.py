"""Charts of a replica beside its original (placeholder until charts land)."""

from typing import Any


def indicator_charts(compared: Any) -> list[Any]:
    return []
