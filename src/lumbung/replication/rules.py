"""Permission rules for replication (registered in lumbung.core.permissions).

Who may change a project: the adopting unit's officers, its agency's innovation admins, the
project's facilitator (a person named on it, or a facilitator of its facilitating agency) and the
programme's manager (a person named on the programme, or a programme manager of its owning
agency). The origin unit (officers, admins and viewers of the source innovation's unit/agency)
may read and comment. The public reads programmes and their coverage, never projects.
"""

from __future__ import annotations

from typing import Any

from lumbung.core.permissions import rule
from lumbung.organisations.access import (
    access_for,
    can_manage_unit_records,
    can_read_internal,
    is_agency_admin,
)
from lumbung.organisations.models import Agency, Membership, Role, Unit

from .models import Commitment, FacilitationSession, Programme, ReplicationProject


def _uid(user: Any) -> int | None:
    return user.pk if getattr(user, "is_authenticated", False) else None


_ROLE_AGENCIES_ATTR = "_lumbung_replication_role_agencies"


def role_agency_ids(user: Any, role: str) -> frozenset[int]:
    """Agencies for which the person holds ``role`` — for the whole agency or in any of its
    units. A facilitator in KemenPANRB's deputy for public service, or a programme manager in a
    directorate-general, acts for their agency's programmes and projects. One query per person,
    kept on the user object like :func:`access_for`."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, _ROLE_AGENCIES_ATTR, None)
    if cached is None:
        cached = {}
        for r, agency_id in Membership.objects.filter(
            user=user, role__in=(Role.FACILITATOR, Role.PROGRAMME_MANAGER)
        ).values_list("role", "agency_id"):
            cached.setdefault(r, set()).add(agency_id)
        cached = {k: frozenset(v) for k, v in cached.items()}
        setattr(user, _ROLE_AGENCIES_ATTR, cached)
    return cached.get(role, frozenset())


def _named(user: Any, manager: Any) -> bool:
    """Is the user in this many-to-many (uses the prefetch cache when there is one)?"""
    uid = _uid(user)
    if uid is None:
        return False
    return any(u.pk == uid for u in manager.all())


# --- programmes -----------------------------------------------------------------------------


def is_programme_manager(user: Any, programme: Programme) -> bool:
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if programme.agency_id in role_agency_ids(user, Role.PROGRAMME_MANAGER):
        return True
    return _named(user, programme.managers)


def is_programme_facilitator(user: Any, programme: Programme) -> bool:
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if programme.facilitator_agency_id and programme.facilitator_agency_id in role_agency_ids(
        user, Role.FACILITATOR
    ):
        return True
    return _named(user, programme.facilitators)


@rule("programme.create")
def create_programme(user: Any, agency: Agency | None) -> bool:
    access = access_for(user)
    if access.is_platform_admin:
        return True
    agencies = access.agency_ids(Role.AGENCY_ADMIN) | role_agency_ids(user, Role.PROGRAMME_MANAGER)
    if agency is None:
        return bool(agencies)
    return agency.pk in agencies


@rule("programme.view")
def view_programme(user: Any, programme: Programme) -> bool:
    """Programmes and their coverage are public."""
    return True


@rule("programme.change")
def change_programme(user: Any, programme: Programme) -> bool:
    access = access_for(user)
    if is_agency_admin(access, agency_id=programme.agency_id):
        return True
    return is_programme_manager(user, programme)


@rule("programme.view_internal")
def view_programme_internal(user: Any, programme: Programme) -> bool:
    """Sessions, commitments and notes of a programme."""
    return change_programme(user, programme) or is_programme_facilitator(user, programme)


@rule("programme.facilitate")
def facilitate_programme(user: Any, programme: Programme) -> bool:
    """Log facilitation sessions for the whole programme."""
    return change_programme(user, programme) or is_programme_facilitator(user, programme)


# --- projects -------------------------------------------------------------------------------


def is_project_facilitator(user: Any, project: ReplicationProject) -> bool:
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if project.facilitator_agency_id and project.facilitator_agency_id in role_agency_ids(
        user, Role.FACILITATOR
    ):
        return True
    return _named(user, project.facilitators)


@rule("project.start")
def start_project(user: Any, target: Unit | tuple[Unit, Programme | None] | None) -> bool:
    """Start a project for a unit: its officers and admins, or a programme's manager on its
    behalf (``target`` = (unit, programme))."""
    programme = None
    if isinstance(target, tuple):
        target, programme = target
    if target is None:
        return False
    access = access_for(user)
    if can_manage_unit_records(access, agency_id=target.agency_id, unit_id=target.pk):
        return True
    return programme is not None and (
        change_programme(user, programme) or is_programme_facilitator(user, programme)
    )


@rule("project.change")
def change_project(user: Any, project: ReplicationProject) -> bool:
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if can_manage_unit_records(
        access, agency_id=project.adopting_agency_id, unit_id=project.adopting_unit_id
    ):
        return True
    if is_project_facilitator(user, project):
        return True
    return project.programme_id is not None and is_programme_manager(user, project.programme)


@rule("project.view")
def view_project(user: Any, project: ReplicationProject) -> bool:
    """Read a project (its documents, record, sessions and comments): who may change it, the
    adopting agency's readers, the origin unit, and the programme's facilitators."""
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if change_project(user, project):
        return True
    if can_read_internal(
        access, agency_id=project.adopting_agency_id, unit_id=project.adopting_unit_id
    ):
        return True
    source = project.source
    if can_read_internal(access, agency_id=source.agency_id, unit_id=source.unit_id):
        return True
    return project.programme_id is not None and view_programme_internal(user, project.programme)


@rule("project.comment")
def comment_project(user: Any, project: ReplicationProject) -> bool:
    return view_project(user, project)


@rule("project.facilitate")
def facilitate_project(user: Any, project: ReplicationProject) -> bool:
    """Log facilitation sessions for a project."""
    return change_project(user, project) or (
        project.programme_id is not None and is_programme_facilitator(user, project.programme)
    )


# --- sessions and commitments ---------------------------------------------------------------


@rule("session.view")
def view_session(user: Any, session: FacilitationSession) -> bool:
    if session.project_id is not None:
        return view_project(user, session.project)
    return view_programme_internal(user, session.programme)


def _owner_can(user: Any, unit: Unit) -> bool:
    return can_manage_unit_records(access_for(user), agency_id=unit.agency_id, unit_id=unit.pk)


@rule("commitment.change")
def change_commitment(user: Any, commitment: Commitment) -> bool:
    """Update a commitment's status: the owner unit, whoever may change its project or
    programme, and the person who recorded it."""
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if _owner_can(user, commitment.owner_unit):
        return True
    if commitment.project_id is not None and change_project(user, commitment.project):
        return True
    if commitment.programme_id is not None and facilitate_programme(user, commitment.programme):
        return True
    return commitment.created_by_id is not None and commitment.created_by_id == _uid(user)


@rule("commitment.view")
def view_commitment(user: Any, commitment: Commitment) -> bool:
    access = access_for(user)
    if not access.is_authenticated:
        return False
    if change_commitment(user, commitment):
        return True
    unit = commitment.owner_unit
    if can_read_internal(access, agency_id=unit.agency_id, unit_id=unit.pk):
        return True
    if commitment.project_id is not None and view_project(user, commitment.project):
        return True
    return commitment.programme_id is not None and view_programme_internal(
        user, commitment.programme
    )


@rule("commitment.create")
def create_commitment(user: Any, target: Any) -> bool:
    """Record a commitment for a project, a programme or (``target`` = a unit) a unit itself."""
    if isinstance(target, ReplicationProject):
        return change_project(user, target) or facilitate_project(user, target)
    if isinstance(target, Programme):
        return facilitate_programme(user, target)
    if isinstance(target, Unit):
        return _owner_can(user, target)
    return False
