"""Template helpers: the reader's-language text of an innovation, accessible form fields."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.forms import BaseForm, BaseFormSet, BoundField
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lumbung.core.files.sizes import file_size

register = template.Library()


@register.filter
def shorten(value: Any, limit: int = 80) -> str:
    """A long text cut at a word boundary to at most ``limit`` characters (never mid-word)."""
    from lumbung.core.text import shorten as cut

    return cut(value, int(limit))


def _localized(obj: Any, field: str) -> tuple[str, bool]:
    """(text, is_fallback): the text in the reader's language, and whether the Indonesian
    original stands in for a missing English version."""
    text = obj.localized(field)
    fallback = bool(
        text and (get_language() or "id").startswith("en") and not getattr(obj, f"{field}_en", "")
    )
    return text, fallback


@register.simple_tag
def loc(obj: Any, field: str) -> SafeString:
    """A short text (name, acronym expansion) in the reader's language, marked lang="id" when
    the Indonesian original stands in."""
    text, fallback = _localized(obj, field)
    if fallback:
        return format_html('<span lang="id">{}</span>', text)
    return conditional_escape(text)


@register.simple_tag
def loc_block(obj: Any, field: str, note: bool = True) -> SafeString:
    """A profile section as paragraphs, marked lang="id" with an "(in Indonesian)" note when
    the Indonesian original stands in (``note=False`` leaves the note out, for pages that say
    it once at the top)."""
    text, fallback = _localized(obj, field)
    if not text:
        return mark_safe("")
    body = mark_safe(linebreaks(text, autoescape=True))  # escaped by linebreaks
    if fallback:
        if not note:
            return format_html('<div class="prose" lang="id">{}</div>', body)
        return format_html(
            '<div class="prose" lang="id">{}</div><p class="lang-note">{}</p>',
            body,
            _("(in Indonesian)"),
        )
    return format_html('<div class="prose">{}</div>', body)


@register.simple_tag
def loc_lines(obj: Any, field: str) -> dict[str, Any]:
    """The lines of a list section (core components, adaptable parts) and its language."""
    _text, fallback = _localized(obj, field)
    return {"lines": obj.lines(field), "fallback": fallback}


@register.simple_tag
def is_fallback(obj: Any, field: str) -> bool:
    return _localized(obj, field)[1]


def _has_errors(value: Any) -> bool:
    # type(), not isinstance(): isinstance would evaluate the context's lazy values — the CSRF
    # token among them, which then sets a cookie on every page (and no public page could be kept)
    if issubclass(type(value), BaseForm):
        return value.is_bound and bool(value.errors)
    if issubclass(type(value), BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


@register.simple_tag(takes_context=True)
def title_prefix(context: template.Context) -> str:
    """What a page's <title> says before the page's own title (the convention of every page:
    ``web/base.html`` puts it there; pages fill ``{% block title %}`` with their record's name).

    "Error: " when a form or formset of the page came back with errors, so that a screen reader
    hears at once that the submission failed; else the first message of the page (the outcome of
    what was just done: "The project was moved — …"), so that it is heard on arrival."""
    values = context.flatten().values()
    if any(_has_errors(value) for value in values):
        return _("Error:") + " "
    messages = context.get("messages")
    if messages:
        for message in messages:
            return f"{message} — "
    return ""


def _describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.filter
def a11y(field: BoundField) -> SafeString:
    """Render a field's widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    attrs: dict[str, str | bool] = {}
    describedby = _describedby(field)
    if describedby:
        attrs["aria-describedby"] = describedby
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def describedby(field: BoundField) -> str:
    return _describedby(field)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return field.field.widget.__class__.__name__ == "CheckboxInput"


@register.filter
def first_input_id(field: BoundField) -> str:
    """The id to link to from an error summary (the first option of a group of choices)."""
    return f"{field.auto_id}_0" if field.use_fieldset else field.id_for_label


@register.simple_tag
def page_range(page: Page) -> list[Any]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, param: str, number: int) -> str:
    """The current query string with ``param`` set to page ``number``, every other parameter
    kept (like ``{% querystring page=n %}``, for a page parameter named at render time: a page
    with two paginated lists gives each its own)."""
    params = context["request"].GET.copy()
    params[param] = number
    return f"?{params.urlencode()}"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def field_label(model: Any, name: str) -> str:
    """The verbose name of a model field (for the audit history), or the name itself."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


@register.filter(name="file_size")
def file_size_filter(size: Any) -> str:
    """A file's size: "500 byte", "4,9 KB" (not Django's Indonesian "bita")."""
    return file_size(size)


@register.simple_tag
def content_lang() -> SafeString:
    """` lang="id"` on an element holding text people wrote in Indonesian (a programme's
    description, a commitment, an award's name) when the interface is in another language, so
    that a screen reader reads it with an Indonesian voice; nothing in the Indonesian interface.
    Records without an English version of their own are written in Indonesian."""
    if (get_language() or "id").startswith("id"):
        return mark_safe("")
    return mark_safe(' lang="id"')
