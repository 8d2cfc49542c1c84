from __future__ import annotations

from django import template

from ..marks import MARKS, SHORT

register = template.Library()


@register.filter
def mark_label(mark: str) -> str:
    return str(MARKS.get(mark, ""))


@register.filter
def verdict_label(verdict: str) -> str:
    return str(SHORT.get(verdict, ""))


@register.filter
def figure(value: float | None) -> str:
    """A figure with at most two decimals and no trailing zeros (the template localises it)."""
    if value is None:
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u2009")
