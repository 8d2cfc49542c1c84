"""Texts kept in Indonesian with an optional English version beside them (``<field>_en``): the
reader's language decides which one a page shows, Indonesian when there is no English."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import get_language


def reads_english() -> bool:
    return (get_language() or "id").startswith("en")


def in_reader_language(indonesian: str, english: str) -> str:
    """The English text for an English reader when there is one, else the Indonesian."""
    return english if english and reads_english() else indonesian


class Translated:
    """A record some of whose texts have an English version: ``TRANSLATED_FIELDS`` names them."""

    TRANSLATED_FIELDS: ClassVar[tuple[str, ...]] = ()

    def localized(self, field: str) -> Any:
        """The English text when the reader reads English and it exists, else the Indonesian."""
        if field not in self.TRANSLATED_FIELDS:
            raise AttributeError(field)
        return in_reader_language(getattr(self, field), getattr(self, f"{field}_en", ""))
