from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int) -> Page:
    """The requested page; a bad or too large page number gives the first or last page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
