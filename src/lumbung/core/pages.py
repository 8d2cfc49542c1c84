"""Helpers every app's pages share: a page of a long list, a service's errors shown on a form, a
form's field as the kind of field it is.

Each app owns its pages (views, URLs, templates); what they have in common lives here, at the
bottom layer, so that any app may use it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

F = TypeVar("F", bound=forms.Field)


def paginate(request: HttpRequest, items: Any, per_page: int, *, param: str = "page") -> Page:
    """The requested page; a bad or too large page number gives the first or last page.

    ``param`` names the query parameter holding the page number, for a page with two lists
    (``web/includes/pagination.html`` takes the same name as ``page_param``)."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field ``name`` as the kind of field it is (a ``ChoiceField`` whose choices are
    set per request, a ``ModelChoiceField`` whose queryset is narrowed): ``form.fields`` only
    knows it is *a* field."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is not a {kind.__name__}")
    return field


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field messages on their fields (when the
    form has them), everything else at the top of the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            if name in form.fields:
                form.add_error(name, messages)
            else:
                form.add_error(None, messages)
    else:
        form.add_error(None, exc.messages)
