"""Form widgets shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def options_html(optgroups: list[tuple[Any, list[dict[str, Any]], int]]) -> SafeString:
    """The ``<option>`` (and ``<optgroup>``) elements of a select, written as Django's
    ``select_option.html`` writes them (value, attributes, escaped label)."""
    parts: list[SafeString] = []
    for group_name, options, _index in optgroups:
        rendered = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option["value"]), flatatt(option["attrs"]), option["label"])
                for option in options
            ),
        )
        if group_name:
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered))
        else:
            parts.append(rendered)
    return SafeString("".join(parts))


class LongSelect(forms.Select):
    """A select for long lists (every agency, every province): the options are written in Python
    rather than through one template per option, which made the catalog's filter form — 600
    agencies — most of the catalog page's time. Same markup as Django's select."""

    template_name = "core/widgets/long_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = options_html(context["widget"]["optgroups"])
        return context
