"""The audit history: every change to a record that matters is written here by its service.

Each app names its actions for people (``commitment.create`` → "commitment recorded") with
:func:`register_action_labels` in its ``AppConfig.ready()``; pages show :func:`action_label`
(or ``AuditEntry.action_label``), never the code.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import Promise

from .actors import ActorLike, user_of
from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Plain, JSON-ready values of the given fields (foreign keys by their text)."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    *,
    actor: ActorLike,
    obj: models.Model,
    action: str,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        actor=user_of(actor),
        action=action,
        changes=changes or {},
        note=note,
    )


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
    ).select_related("actor")


# --- human names of the actions -------------------------------------------------------------

_ACTION_LABELS: dict[str, str | Promise] = {}


def register_action_labels(labels: Mapping[str, str | Promise]) -> None:
    """Name actions for people (lazy translations, so each reader sees their language). An
    action named twice with another label is a programming error."""
    for code, label in labels.items():
        known = _ACTION_LABELS.get(code)
        if known is not None and str(known) != str(label):
            raise ValueError(f"audit action {code!r} labelled twice")
        _ACTION_LABELS[code] = label


def action_label(code: str) -> str:
    """The human name of an audit action, in the active language. An action nobody named (a
    programming slip the label test catches) shows as its words, never as a dotted code."""
    label = _ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    return code.replace(".", " ").replace("_", " ")


def labelled_actions() -> dict[str, str | Promise]:
    return dict(_ACTION_LABELS)
