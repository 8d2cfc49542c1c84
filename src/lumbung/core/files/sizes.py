"""File sizes in words people read: "500 byte", "4,9 KB", "10 MB".

Django's ``filesizeformat`` says "bita" in Indonesian for sizes under a kilobyte (the word of
Django's catalog, which nobody uses for files); ours says "byte", as Indonesian readers do, and
the same units as Django above it.
"""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import ngettext


def file_size(size: int | float | None) -> str:
    try:
        count = int(size or 0)
    except (TypeError, ValueError):
        count = 0
    if count < 1024:
        # not Django's msgid ("%(size)d byte"), whose Indonesian is "bita"
        return ngettext("%(count)d byte", "%(count)d bytes", count) % {"count": count}
    return str(filesizeformat(count))
