"""The spreadsheet formula guard shared by every CSV/XLSX writer (lumbung.core.csvsafe)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lumbung.core.csvsafe import safe_cell, unquote_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=1", "''=1"),  # already looks quoted: quoted once more, so it reads back the same
        ("Layanan = cepat", "Layanan = cepat"),
        ("'kutip'", "'kutip'"),
        ("", ""),
        (-5, -5),  # numbers are numbers, not formulas
        (-2.5, -2.5),
        (Decimal("-1"), Decimal("-1")),
        (None, None),
        (dt.date(2024, 1, 1), dt.date(2024, 1, 1)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+62 812", "-", "@", "'", "''", "'=1", "''=1", "'x", "x'", "", "teks biasa", "\t=1"],
)
def test_unquote_undoes_safe_cell(text):
    assert unquote_cell(safe_cell(text)) == text
    assert not safe_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))
