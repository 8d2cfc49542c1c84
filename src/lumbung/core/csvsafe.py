"""Text written to spreadsheet files (CSV, and XLSX cells a spreadsheet could read as formulas)
must not run as a formula when the file is opened ("CSV injection" / "formula injection").

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula — and some
also one that starts with a tab or a carriage return — so an innovation named
``=HYPERLINK("http://…","klik")`` would become a link, and worse formulas can run commands.
Following the OWASP guidance ("CSV Injection"), :func:`safe_cell` puts a single quote ``'``
before such text. Numbers are left as they are: ``-5`` written from an int is a number, not a
formula; but the *text* ``-2+3`` or ``+1`` is quoted.

:func:`unquote_cell` undoes it when such a file is read back (the import). Text that already
starts with a quote before such a character (``'=1``) is quoted once more (``''=1``), so that
``unquote_cell(safe_cell(text)) == text`` for every text: an export imports back to the same text.
"""

from __future__ import annotations

from typing import TypeVar

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: The quote put before such text (shown as text by spreadsheets, removed by :func:`unquote_cell`).
QUOTE = "'"

T = TypeVar("T")


def safe_cell(value: T) -> T | str:
    """``value`` for one spreadsheet cell: text that starts like a formula (or like an already
    quoted one: quotes, then such a character) gets a single quote before it; anything else
    (other text, numbers, dates, ``None``) is returned unchanged."""
    if isinstance(value, str) and value.lstrip(QUOTE).startswith(FORMULA_START):
        return QUOTE + value
    return value


def unquote_cell(text: str) -> str:
    """Undo :func:`safe_cell`: one quote before a formula's first character (or before further
    quotes and then one) is removed: ``'=1+1`` -> ``=1+1``, ``''=1`` -> ``'=1``. Any other text,
    ``'quoted'`` or a lone quote included, is returned unchanged."""
    if text.startswith(QUOTE) and text.lstrip(QUOTE).startswith(FORMULA_START):
        return text[len(QUOTE) :]
    return text
