"""Every write to replication a user (or the scheduler) can trigger, one module per aggregate:
:mod:`.programmes`, :mod:`.projects` (with the replica and its lineage), :mod:`.adaptations`,
:mod:`.facilitation` and :mod:`.commitments` (with reminders).

Plain functions with keyword-only arguments, one transaction each, permission checked first
(through the policies), audit entry written. A function named ``*_unchecked`` does a service's
work without its check: only another service that has checked for itself calls it, and says
which check covers it.
"""

from ._common import TransitionConflict
from .adaptations import adaptation_add, adaptation_remove, component_statuses_set, form_decide
from .commitments import (
    ReminderReport,
    commitment_create,
    commitment_create_unchecked,
    commitment_recipients,
    commitment_reminders_send,
    commitment_update,
    commitments_fulfil_unchecked,
)
from .facilitation import session_create
from .programmes import (
    programme_create,
    programme_join,
    programme_leave,
    programme_target_remove,
    programme_targets_add,
    programme_update,
    scope_agency_ids,
)
from .projects import (
    comment_add,
    project_document_add,
    project_document_remove,
    project_start,
    project_start_unchecked,
    project_transition,
    project_update,
    replica_link_answer,
    replica_link_request,
)

__all__ = [
    "ReminderReport",
    "TransitionConflict",
    "adaptation_add",
    "adaptation_remove",
    "comment_add",
    "commitment_create",
    "commitment_create_unchecked",
    "commitment_recipients",
    "commitment_reminders_send",
    "commitment_update",
    "commitments_fulfil_unchecked",
    "component_statuses_set",
    "form_decide",
    "programme_create",
    "programme_join",
    "programme_leave",
    "programme_target_remove",
    "programme_targets_add",
    "programme_update",
    "project_document_add",
    "project_document_remove",
    "project_start",
    "project_start_unchecked",
    "project_transition",
    "project_update",
    "replica_link_answer",
    "replica_link_request",
    "scope_agency_ids",
    "session_create",
]
