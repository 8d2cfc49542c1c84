"""API schemas of notifications and e-mail preferences."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from .kinds import Delivery

DeliveryName = Literal[tuple(Delivery.values)]  # type: ignore[valid-type]


class NotificationOut(Schema):
    id: int
    kind: str = Field(..., description="What kind of message, e.g. innovation.submitted.")
    kind_label: str
    text: str
    url: str = Field(..., description="The place to act, as a path on this site (may be empty).")
    link: str = Field(..., description="The same as an absolute address.")
    created_at: dt.datetime
    read_at: dt.datetime | None
    is_read: bool


class NotificationFilters(Schema):
    unread: bool = Field(False, description="Only unread notifications.")


class MarkedOut(Schema):
    marked: int


class KindOut(Schema):
    kind: str
    label: str
    recipients: str


class PreferenceOut(Schema):
    group: str
    label: str
    help_text: str
    delivery: DeliveryName  # type: ignore[valid-type]
    default: DeliveryName  # type: ignore[valid-type]
    kinds: list[KindOut]


class PreferencesOut(Schema):
    preferences: list[PreferenceOut]


class PreferencesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    preferences: dict[str, DeliveryName] = Field(  # type: ignore[valid-type]
        ...,
        description="E-mail delivery per group: immediate, digest or off.",
        examples=[{"review": "immediate", "replication": "digest"}],
    )
