"""``LongSelect`` writes the same markup as Django's select, without a template per option."""

from __future__ import annotations

import pytest
from django import forms

from lumbung.core.widgets import LongSelect

FLAT = [("", "Semua"), ("a&b", 'A <b> & "co"'), ("x", "X")]
GROUPED = [("", "Semua"), ("Grup <1>", [("1", "satu"), ("2", "dua")])]


def _compact(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())


@pytest.mark.parametrize("choices", [FLAT, GROUPED], ids=["flat", "grouped"])
@pytest.mark.parametrize("value", ["", "a&b", "2", None])
def test_long_select_writes_django_select_markup(choices: list, value: str | None) -> None:
    django_select = forms.Select(choices=choices, attrs={"id": "f", "aria-describedby": "h"})
    long_select = LongSelect(choices=choices, attrs={"id": "f", "aria-describedby": "h"})

    expected = _compact(django_select.render("n", value))

    assert _compact(long_select.render("n", value)) == expected
    assert "&lt;b&gt; &amp; &quot;co&quot;" in expected or "Grup &lt;1&gt;" in expected


def test_the_chosen_option_is_selected_and_labels_escaped() -> None:
    html = LongSelect(choices=FLAT).render("agency", "a&b")

    assert '<option value="a&amp;b" selected>A &lt;b&gt; &amp; &quot;co&quot;</option>' in html
    assert '<option value="x">X</option>' in html
