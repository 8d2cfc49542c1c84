"""Choosing units in forms at any scale.

A ``<select>`` of every unit a person may choose works for a ministry of 40 units and not for a
province of 30,000 schools and health centres. :func:`fit_unit_choice` keeps the select (or the
checkboxes) while the choice is small, and otherwise puts in its place:

- :class:`UnitField` — one unit, typed or picked by name through a combobox over
  :func:`unit_search_view` (``GET /instansi/unit/cari/?agency=1&q=sentra``), which offers at most
  :data:`SEARCH_LIMIT` matches. The widget is the region picker's (same script and style sheet,
  see :mod:`.region_picker`); without JavaScript a person types the name and the server finds it.
- :class:`UnitListField` — several units, one name per line (pasted from a spreadsheet, or
  typed), each checked; unknown or ambiguous lines are reported by line.

Either way the server accepts only a unit of the form's own queryset: the search is a help to
find names (units are public, as on the agency pages), never a permission.

A unit is named by its name, which is unique in its agency; when the choice spans several
agencies, by "name — agency" (the agency's short name or name), as the options show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from lumbung.core.params import id_param

from .models import Agency, Unit
from .selectors import units_matching

#: The most units one search shows (type more to narrow).
SEARCH_LIMIT = 20
#: Longest query the search reads.
MAX_QUERY = 120
#: The most agencies one picker searches (a choice spanning more keeps its select).
MAX_AGENCIES = 50
#: Up to this many units, a choice stays a select (or checkboxes).
SELECT_LIMIT = 150
#: Between a unit's name and its agency's in a label.
SEP = " — "


def agency_label(agency: Agency) -> str:
    return agency.short_name or agency.name


def unit_label(unit: Unit, *, with_agency: bool) -> str:
    return f"{unit.name}{SEP}{agency_label(unit.agency)}" if with_agency else unit.name


def search_units(agency_ids: list[int], query: str) -> tuple[list[Unit], int]:
    """Up to ``SEARCH_LIMIT`` units of these agencies matching every word of ``query`` (exact
    names first, then by name), and how many match in all."""
    if not query.split() or not agency_ids:
        return [], 0
    qs = units_matching(Unit.objects.filter(agency_id__in=agency_ids), query)
    qs = qs.select_related("agency", "parent").order_by("name", "pk")
    total = qs.count()
    exact = list(qs.filter(name__iexact=" ".join(query.split()))[:SEARCH_LIMIT])
    rest = qs.exclude(pk__in=[u.pk for u in exact])
    return exact + list(rest[: SEARCH_LIMIT - len(exact)]), total


@require_GET
def unit_search_view(request: HttpRequest) -> HttpResponse:
    """A picker's options for ``q`` among the units of the ``agency`` ids given (an HTML
    fragment). Units are public; the form that uses the picker checks what is chosen."""
    agency_ids = [i for i in (id_param(v) for v in request.GET.getlist("agency")) if i]
    agency_ids = agency_ids[:MAX_AGENCIES]
    query = " ".join(request.GET.get("q", "")[:MAX_QUERY].split())
    found, total = search_units(agency_ids, query)
    with_agency = len(agency_ids) > 1
    return render(
        request,
        "organisations/widgets/unit_options.html",
        {
            "query": query,
            "options": [(unit, unit_label(unit, with_agency=with_agency)) for unit in found],
            "shown": len(found),
            "total": total,
        },
    )


class UnitPicker(forms.TextInput):
    """A text input that the region picker's script turns into a combobox over the unit search."""

    template_name = "organisations/widgets/region_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"spellcheck": "false", "autocomplete": "off", **(attrs or {})})
        self.agency_ids: list[int] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        query = urlencode([("agency", pk) for pk in self.agency_ids])
        context["picker"] = {
            "url": f"{reverse('organisations:unit_search')}?{query}",
            "listbox_id": f"{widget_id}_listbox",
            "status_id": f"{widget_id}_status",
        }
        return context


class _UnitsOf:
    """What a unit field chooses from: its queryset, the agencies it spans, how its units are
    named, and how a name is found."""

    def __init__(self, queryset: QuerySet[Unit]):
        self.queryset = queryset.select_related("agency")
        self.agency_ids = sorted(
            set(
                queryset.order_by()
                .values_list("agency_id", flat=True)
                .distinct()[: MAX_AGENCIES + 1]
            )
        )
        self.with_agency = len(self.agency_ids) > 1

    def label(self, unit: Unit) -> str:
        return unit_label(unit, with_agency=self.with_agency)

    def find(self, text: str) -> Unit:
        """The unit named ``text`` (a name, or "name — agency") in the queryset."""
        text = " ".join(str(text).split())
        name, _sep, agency = text.rpartition(SEP) if SEP in text else (text, "", "")
        matches = self.queryset.filter(name__iexact=name.strip())
        if agency:
            matches = matches.filter(
                Q(agency__short_name__iexact=agency.strip())
                | Q(agency__name__iexact=agency.strip())
            )
        found = list(matches[:2])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(
                _(
                    "“%(value)s” is not one of the units you can choose here: type part of its "
                    "name and choose it from the list."
                ),
                code="unknown",
                params={"value": text[:MAX_QUERY]},
            )
        raise ValidationError(
            _("Several units are named “%(value)s”: add the agency, as in “%(example)s”."),
            code="ambiguous",
            params={"value": text[:MAX_QUERY], "example": unit_label(found[0], with_agency=True)},
        )


class UnitField(forms.Field):
    """One unit of ``queryset``, typed or picked by name; cleans to a ``Unit`` or None."""

    widget = UnitPicker

    def __init__(self, *, queryset: QuerySet[Unit], **kwargs: Any):
        kwargs.setdefault("help_text", _("Type part of the unit's name and choose it."))
        super().__init__(**kwargs)
        self.units = _UnitsOf(queryset)
        if isinstance(self.widget, UnitPicker):
            self.widget.agency_ids = self.units.agency_ids[:MAX_AGENCIES]

    @property
    def queryset(self) -> QuerySet[Unit]:
        return self.units.queryset

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            unit = self.queryset.filter(pk=int(value)).first()
            return self.units.label(unit) if unit else ""
        if isinstance(value, Unit):
            return self.units.label(value)
        return value

    def to_python(self, value: Any) -> Unit | None:
        if isinstance(value, Unit):
            return value
        if not " ".join(str(value or "").split()):
            return None
        return self.units.find(str(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        before = initial.pk if isinstance(initial, Unit) else (initial or None)
        return (chosen.pk if chosen else None) != before


class UnitListField(forms.Field):
    """Units of ``queryset``, one name per line; cleans to a list of units (in the order given,
    each once)."""

    widget = forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})

    def __init__(self, *, queryset: QuerySet[Unit], **kwargs: Any):
        kwargs.setdefault(
            "help_text",
            _("One unit per line, by its name (you can paste a column of a spreadsheet)."),
        )
        super().__init__(**kwargs)
        self.units = _UnitsOf(queryset)

    @property
    def queryset(self) -> QuerySet[Unit]:
        return self.units.queryset

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple | QuerySet):
            ids = [v.pk if isinstance(v, Unit) else v for v in value]
            units = self.queryset.filter(pk__in=ids)
            return "\n".join(self.units.label(u) for u in units)
        return value

    def to_python(self, value: Any) -> list[Unit]:
        lines = [" ".join(line.split()) for line in re.split(r"[\r\n]+", str(value or ""))]
        chosen: list[Unit] = []
        problems: list[str] = []
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            try:
                unit = self.units.find(line)
            except ValidationError as exc:
                problems.append(
                    ngettext("Line %(line)d: %(problem)s", "Line %(line)d: %(problem)s", number)
                    % {"line": number, "problem": " ".join(exc.messages)}
                )
                continue
            if unit not in chosen:
                chosen.append(unit)
        if problems:
            raise ValidationError(problems[:20])
        return chosen

    def validate(self, value: list[Unit]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


def fit_unit_choice(
    form: forms.BaseForm,
    name: str,
    queryset: QuerySet[Unit],
    *,
    limit: int | None = None,
    for_select: Callable[[QuerySet[Unit]], QuerySet[Unit]] | None = None,
) -> None:
    """Give the form's unit field ``name`` its choices: as they are (a select, checkboxes) for
    up to ``limit`` units (default :data:`SELECT_LIMIT`) — ordered by ``for_select`` if given
    (e.g. in tree order, a query only worth its cost for a short list) — else a
    :class:`UnitField` (one unit) or :class:`UnitListField` (several) over the same queryset,
    with the same label, help and whether it is required. A required choice of one unit comes
    chosen."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    count = queryset.count()
    if count <= (SELECT_LIMIT if limit is None else limit):
        field.queryset = for_select(queryset) if for_select else queryset
        if count == 1 and field.required and field.initial is None and not form.is_bound:
            field.initial = queryset.values_list("pk", flat=True).first()  # the only choice
        return
    kind = UnitListField if isinstance(field, forms.ModelMultipleChoiceField) else UnitField
    replacement = kind(queryset=queryset, label=field.label, required=field.required)
    if field.help_text:
        replacement.help_text = f"{field.help_text} {replacement.help_text}"
    replacement.initial = field.initial
    form.fields[name] = replacement
