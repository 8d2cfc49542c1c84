"""Short forms of long texts for titles, links and labels."""

from __future__ import annotations

from django.utils.text import Truncator


def shorten(text: object, limit: int = 80) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" when cut. A
    first word longer than the limit is cut inside (the only case that cuts a word)."""
    value = " ".join(str(text or "").split())
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    boundary = cut.rfind(" ")
    if boundary > 0:
        cut = cut[:boundary]
    return cut.rstrip(" ,.;:—-") + "…"


def shorten_words(text: object, words: int) -> str:
    """``text`` cut after ``words`` words (Django's Truncator), with "…" when cut."""
    return Truncator(" ".join(str(text or "").split())).words(words, truncate="…")
