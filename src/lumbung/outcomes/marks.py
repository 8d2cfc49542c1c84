"""The words for a comparison's verdict, shared by pages, reports and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MARKS = {
    "better": _("better than the original"),
    "similar": _("similar to the original"),
    "worse": _("worse than the original"),
    "unknown": _("not yet known"),
}
SHORT = {
    "better": _("better"),
    "similar": _("similar"),
    "worse": _("worse"),
    "unknown": _("not yet known"),
}


def mark_label(mark: str) -> str:
    return str(MARKS.get(mark, ""))
