"""A searchable, accessible region picker for forms: :class:`RegionField`, its widget, and the
search it asks (``GET /wilayah/cari/?q=blitar``, mounted by ``platform/urls.py``).

Use it for any choice of a region (an agency's, a unit's, a partner's, an event's)::

    from lumbung.organisations.region_picker import RegionField

    class AgencyForm(forms.ModelForm):
        region = RegionField(label=_("Region"), required=False)
        # only some levels: RegionField(levels=[Region.Level.REGENCY, Region.Level.CITY])

    form.cleaned_data["region"]  # a Region, or None when the field was left empty

The initial value may be a ``Region`` or its code (a ModelForm's instance gives the code). Render
it as any other field (``{% include "web/includes/field.html" with field=form.region %}``): the
widget brings its own script and style sheet, so the page needs nothing more.

How it works. The server renders a plain text input showing the chosen region's label,
"Kabupaten Blitar (35.05), Jawa Timur". Without JavaScript, a person types a code (``35.05``,
``3505``), a name (``Kabupaten Blitar``, ``kota blitar``, ``Jawa Timur``) or a label, and the
field finds the region on the server — or says "Wilayah tidak dikenal" (unknown region), or lists
the regions when a name is shared ("Blitar"). With JavaScript (``region-picker.js``) the input
becomes an ARIA combobox (``role="combobox"``, ``aria-autocomplete="list"``, ``aria-expanded``,
``aria-controls``, ``aria-activedescendant``) over a listbox filled from the search: arrows move
through the options, Enter chooses one (its label goes into the input), Escape closes the list,
and a polite status says how many regions were found. Whatever is chosen is still checked on the
server, the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import regions
from .models import Region

#: Longest query the search reads (the longest name has 39 characters).
MAX_QUERY = 100


class RegionPicker(forms.TextInput):
    """A text input that JavaScript turns into a combobox over the region search."""

    template_name = "organisations/widgets/region_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, levels: Iterable[str] = ()):
        super().__init__({"spellcheck": "false", **(attrs or {})})
        self.levels = tuple(levels)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Region):
            return regions.label(value)
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        url = reverse("regions:search")
        if self.levels and set(self.levels) != set(Region.Level.values):
            url += "?" + urlencode([("level", level) for level in self.levels])
        context["picker"] = {
            "url": url,
            "listbox_id": f"{widget_id}_listbox",
            "status_id": f"{widget_id}_status",
        }
        return context


class RegionField(forms.Field):
    """A region typed or picked by name or code; cleans to a ``Region`` (or None if empty).

    ``levels`` limits the choice to some levels (``Region.Level`` values); the search offers
    only those, and the server refuses the others.
    """

    widget = RegionPicker

    def __init__(self, *, levels: Iterable[str] | None = None, **kwargs: Any):
        kwargs.setdefault(
            "help_text",
            _("Type the name or the Kemendagri code, for example Kabupaten Blitar or 35.05."),
        )
        super().__init__(**kwargs)
        self.levels = tuple(levels or Region.Level.values)
        if isinstance(self.widget, RegionPicker):
            self.widget.levels = self.levels

    def prepare_value(self, value: Any) -> Any:
        """A region's label for a Region or a code; anything else (what was typed) as it is."""
        if isinstance(value, str) and (code := regions.normalise_code(value)) is not None:
            found = Region.objects.select_related("parent").filter(code=code).first()
            return found or value
        return value

    def to_python(self, value: Any) -> Region | None:
        if isinstance(value, Region):
            return value
        if value in self.empty_values:
            return None
        return regions.resolve(str(value), levels=self.levels)

    def validate(self, value: Region | None) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        before = initial.pk if isinstance(initial, Region) else (initial or None)
        return (chosen.pk if chosen else None) != before


@require_GET
def region_search(request: HttpRequest) -> HttpResponse:
    """The picker's options for ``q`` (an HTML fragment); ``level`` (repeatable) narrows them."""
    query = request.GET.get("q", "")[:MAX_QUERY]
    levels = [level for level in request.GET.getlist("level") if level in Region.Level.values]
    names = regions.RegionNames()
    found = names.search(query, levels=levels) if query.strip() else []
    shown = found[: regions.SEARCH_LIMIT]
    return render(
        request,
        "organisations/widgets/region_options.html",
        {
            "query": query.strip(),
            "options": [(region, regions.label(region)) for region in shown],
            "shown": len(shown),
            "total": len(found),
        },
    )
