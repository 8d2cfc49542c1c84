"""The Indonesian catalog is complete and compiled: every UI string has a translation."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

import lumbung

PO = Path(lumbung.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid" in block]


def test_no_untranslated_or_fuzzy_entries():
    entries = _entries(PO.read_text(encoding="utf-8"))[1:]  # the first is the header
    assert len(entries) > 1000
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    empty = [
        e
        for e in entries
        if re.search(r'^msgstr(\[0\])? ""\s*\Z', e.strip(), re.M)
        and '\n"' not in e.split("msgstr")[-1]
    ]
    assert not fuzzy, fuzzy[:3]
    assert not empty, empty[:3]


def test_compiled_catalog_is_used():
    with translation.override("id"):
        assert translation.gettext("Innovation catalog") == "Katalog inovasi"
        assert translation.gettext("Replication") == "Replikasi"
