"""Helpers shared by the replication services: text and date cleaning, people lists, the
declared form, and the conflict raised by a stale stage transition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lumbung.organisations.models import User

from ..models import Form


class TransitionConflict(Exception):
    """Someone else changed the project's stage since the caller looked at it."""

    def __init__(self, message: str, *, current_stage: str, current_version: int) -> None:
        super().__init__(message)
        self.message = message
        self.current_stage = current_stage
        self.current_version = current_version


def clean_text(value: Any, *, max_length: int | None = None) -> str:
    text = str(value or "").strip()
    return text[:max_length] if max_length else text


def as_date(value: Any, field_name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Enter a valid date.")}) from None


def users_from(values: Iterable[User | int] | None) -> list[User]:
    """The active people named by ``values`` (people or their ids); an unknown one is refused."""
    if values is None:
        return []
    ids = sorted({int(v.pk) if isinstance(v, User) else int(v) for v in values})
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(ids):
        raise ValidationError(_("Unknown person."))
    return users


def names_of(items: Iterable[object]) -> list[str]:
    return sorted(str(i) for i in items)


def check_form(form: str) -> str:
    if form not in Form.values:
        raise ValidationError({"declared_form": _("Choose adoption, adaptation or modification.")})
    return form
