"""A searchable unit picker for forms: :class:`UnitField` chooses one unit of one agency by its
name, and its search (``GET /kelola/instansi/<agency>/unit/cari/?q=sentra``) offers at most
:data:`SEARCH_LIMIT` matches — an agency of 30,000 units is never listed whole.

The widget is the region picker's combobox (same script and style sheet, see
:mod:`.region_picker`) pointed at the unit search; without JavaScript a person types the unit's
name and the server finds it (names are unique in an agency, whatever the case).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Agency, Unit
from .selectors import unit_search

#: The most units one search shows (type more to narrow).
SEARCH_LIMIT = 20
#: Longest query the search reads.
MAX_QUERY = 120


def search_units(agency: Agency, query: str) -> tuple[list[Unit], int]:
    """Up to ``SEARCH_LIMIT`` units of ``agency`` matching every word of ``query`` (the exact
    name first, then by name), and how many match in all."""
    if not query.split():
        return [], 0
    qs = unit_search(agency, query)
    total = qs.count()
    exact = list(qs.filter(name__iexact=" ".join(query.split()))[:1])
    rest = qs.exclude(pk__in=[u.pk for u in exact])
    return exact + list(rest[: SEARCH_LIMIT - len(exact)]), total


class UnitPicker(forms.TextInput):
    """A text input that the region picker's script turns into a combobox over the unit search."""

    template_name = "organisations/widgets/region_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"spellcheck": "false", "autocomplete": "off", **(attrs or {})})
        self.agency: Agency | None = None

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Unit):
            return value.name
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        slug = self.agency.slug if self.agency is not None else ""
        context["picker"] = {
            "url": reverse("manage:unit_search", kwargs={"slug": slug}),
            "listbox_id": f"{widget_id}_listbox",
            "status_id": f"{widget_id}_status",
        }
        return context


class UnitField(forms.Field):
    """One unit of ``agency``, typed or picked by its name; cleans to a ``Unit`` or None."""

    widget = UnitPicker
    default_error_messages = {
        "unknown": _(
            "No unit of %(agency)s is named “%(value)s”: type part of the name and "
            "choose from the list."
        ),
    }

    def __init__(self, *, agency: Agency, **kwargs: Any):
        kwargs.setdefault("help_text", _("Type part of the unit's name and choose it."))
        super().__init__(**kwargs)
        self.agency = agency
        if isinstance(self.widget, UnitPicker):
            self.widget.agency = agency

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return Unit.objects.filter(pk=value, agency=self.agency).first() or ""
        return value

    def to_python(self, value: Any) -> Unit | None:
        if isinstance(value, Unit):
            return value
        text = " ".join(str(value or "").split())
        if not text:
            return None
        unit = Unit.objects.filter(agency=self.agency, name__iexact=text).first()
        if unit is None:
            raise ValidationError(
                self.error_messages["unknown"],
                code="unknown",
                params={"agency": self.agency.name, "value": text[:MAX_QUERY]},
            )
        return unit

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        before = initial.pk if isinstance(initial, Unit) else (initial or None)
        return (chosen.pk if chosen else None) != before
