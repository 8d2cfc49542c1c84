"""Permission rules for the catalog (registered in lumbung.core.permissions)."""

from __future__ import annotations

from typing import Any

from lumbung.core.permissions import rule
from lumbung.organisations.access import (
    access_for,
    can_manage_unit_records,
    can_read_internal,
    is_agency_admin,
)
from lumbung.organisations.models import Unit

from .models import Innovation


@rule("innovation.view")
def view_innovation(user: Any, innovation: Innovation) -> bool:
    if innovation.publication_state == Innovation.State.PUBLISHED:
        return True
    return can_read_internal(
        access_for(user), agency_id=innovation.agency_id, unit_id=innovation.unit_id
    )


@rule("innovation.view_internal")
def view_internal(user: Any, innovation: Innovation) -> bool:
    """Drafts' review notes and the audit history: the owning unit and its agency only."""
    return can_read_internal(
        access_for(user), agency_id=innovation.agency_id, unit_id=innovation.unit_id
    )


@rule("innovation.create")
def create_innovation(user: Any, unit: Unit | None) -> bool:
    if unit is None:
        return False
    return can_manage_unit_records(access_for(user), agency_id=unit.agency_id, unit_id=unit.pk)


@rule("innovation.change")
def change_innovation(user: Any, innovation: Innovation) -> bool:
    return can_manage_unit_records(
        access_for(user), agency_id=innovation.agency_id, unit_id=innovation.unit_id
    )


@rule("innovation.submit")
def submit_innovation(user: Any, innovation: Innovation) -> bool:
    return innovation.publication_state in {
        Innovation.State.DRAFT,
        Innovation.State.RETURNED,
    } and change_innovation(user, innovation)


@rule("innovation.review")
def review_innovation(user: Any, innovation: Innovation) -> bool:
    """Publish or return: the owning agency's innovation admins (and platform admins)."""
    return is_agency_admin(access_for(user), agency_id=innovation.agency_id)
