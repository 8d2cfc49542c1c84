"""Logging of refused requests: one line, not a traceback.

Django logs every PermissionDenied as a warning of ``django.request`` with the exception's
traceback — a refusal is the policies working, not a fault, and the tracebacks buried the real
errors of the server log. This filter (settings ``LOGGING``) turns each such record into one
line: ``Forbidden: GET /replikasi/proyek/8/ user=12 reason="…"`` (``user=-`` when anonymous).
Other records pass untouched.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) != 403 or not isinstance(exc, PermissionDenied):
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        reason = " ".join(str(exc).split()) or "-"
        record.msg = 'Forbidden: %s %s user=%s reason="%s"'
        record.args = (
            getattr(request, "method", "-"),
            getattr(request, "path", "-"),
            user_id if user_id is not None else "-",
            reason.replace('"', "'"),
        )
        record.exc_info = None
        record.exc_text = None
        return True
