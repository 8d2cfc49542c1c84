"""Choosing an innovation in forms: a searchable picker, the house pattern of
:mod:`lumbung.organisations.unit_picker`.

:class:`InnovationField` is a text input that the region picker's script
(``organisations/static/organisations/region-picker.js``) turns into an accessible combobox over
:func:`innovation_search_view` (``GET /pilih-inovasi/?q=swp``): at most :data:`SEARCH_LIMIT`
options, by name, acronym or address, among the innovations the person may see. Without
JavaScript the typed text is resolved on the server: an option's label ("name (ACRONYM) — unit"),
the innovation's address or the last part of it, its exact name, or its acronym.

The server accepts only an innovation of the field's own queryset: the search is a help to find
names, never a permission.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from lumbung.core.policies import permitted

from .models import Innovation

#: The most innovations one search shows (type more to narrow).
SEARCH_LIMIT = 20
#: Longest query the search reads.
MAX_QUERY = 120
#: Between an innovation's name and its unit's in a label.
SEP = " — "


def innovation_label(innovation: Innovation) -> str:
    """ "Name (ACRONYM) — unit"; the acronym only when the name does not already hold it."""
    name = innovation.name
    acronym = (innovation.acronym or "").strip()
    if acronym and acronym.casefold() not in name.casefold():
        name = f"{name} ({acronym})"
    return f"{name}{SEP}{innovation.unit.name}"


def visible_innovations(actor: Any) -> QuerySet[Innovation]:
    return permitted(actor, "innovation.view", Innovation.objects.all())


def _slug_of(text: str) -> str:
    return text.strip().rstrip("/").rsplit("/", 1)[-1]


def search_innovations(queryset: QuerySet[Innovation], query: str) -> tuple[list[Innovation], int]:
    """Up to ``SEARCH_LIMIT`` innovations of ``queryset`` matching every word of ``query`` in
    their name, acronym or address (exact acronyms and names first, published before drafts),
    and how many match in all."""
    words = query.split()
    if not words:
        return [], 0
    qs = queryset
    for word in words[:8]:
        qs = qs.filter(
            Q(name__icontains=word) | Q(acronym__icontains=word) | Q(slug__icontains=word)
        )
    whole = " ".join(words)
    qs = qs.select_related("unit", "agency").annotate(
        rank=Case(
            When(
                Q(acronym__iexact=whole) | Q(name__iexact=whole) | Q(slug=_slug_of(whole)),
                then=Value(0),
            ),
            When(publication_state=Innovation.State.PUBLISHED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    total = qs.count()
    return list(qs.order_by("rank", "name", "pk")[:SEARCH_LIMIT]), total


@require_GET
def innovation_search_view(request: HttpRequest) -> HttpResponse:
    """A picker's options for ``q`` among the innovations this person may see (an HTML
    fragment)."""
    query = " ".join(request.GET.get("q", "")[:MAX_QUERY].split())
    found, total = search_innovations(visible_innovations(request.user), query)
    return render(
        request,
        "catalog/widgets/innovation_options.html",
        {
            "query": query,
            "options": [(i, innovation_label(i)) for i in found],
            "shown": len(found),
            "total": total,
        },
    )


class InnovationPicker(forms.TextInput):
    """A text input that the region picker's script turns into a combobox over the search."""

    template_name = "organisations/widgets/region_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__({"spellcheck": "false", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["picker"] = {
            "url": reverse("catalog:innovation_search"),
            "listbox_id": f"{widget_id}_listbox",
            "status_id": f"{widget_id}_status",
        }
        return context


def find_innovation_in(queryset: QuerySet[Innovation], text: str) -> Innovation:
    """The innovation of ``queryset`` that ``text`` names (see the module's docstring)."""
    text = " ".join(str(text).split())
    qs = queryset.select_related("unit", "agency")
    if SEP in text:
        name_part, _sep, unit_name = text.rpartition(SEP)
        for candidate in qs.filter(unit__name__iexact=unit_name.strip())[:200]:
            if innovation_label(candidate).casefold() == text.casefold():
                return candidate
        text = name_part.strip()
    by_slug = qs.filter(slug=_slug_of(text)).first()
    if by_slug is not None:
        return by_slug
    for lookup in ("name__iexact", "acronym__iexact"):
        found = list(qs.filter(**{lookup: text})[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValidationError(
                _(
                    "Several innovations are called “%(value)s”: choose one from the list, "
                    "as in “%(example)s”."
                ),
                code="ambiguous",
                params={"value": text[:MAX_QUERY], "example": innovation_label(found[0])},
            )
    raise ValidationError(
        _(
            "“%(value)s” is not an innovation you can choose here: type part of its name, its "
            "acronym or its address, and choose it from the list."
        ),
        code="unknown",
        params={"value": text[:MAX_QUERY]},
    )


class InnovationField(forms.Field):
    """One innovation of ``queryset``, typed or picked; cleans to an ``Innovation`` or None."""

    widget = InnovationPicker

    def __init__(self, *, queryset: QuerySet[Innovation], **kwargs: Any):
        kwargs.setdefault(
            "help_text",
            _("Type part of its name, its acronym or its address, and choose it from the list."),
        )
        super().__init__(**kwargs)
        self.queryset = queryset

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Innovation):
            return innovation_label(value)
        if isinstance(value, str) and value and SEP not in value:
            found = self.queryset.select_related("unit").filter(slug=_slug_of(value)).first()
            return innovation_label(found) if found else value
        return value

    def to_python(self, value: Any) -> Innovation | None:
        if isinstance(value, Innovation):
            return value
        if not " ".join(str(value or "").split()):
            return None
        return find_innovation_in(self.queryset, str(value))
