"""Writes to facilitation: sessions logged for a project or a programme, with the actions
agreed there (each becomes a commitment)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import require

from ..models import (
    FacilitationSession,
    Programme,
    ReplicationProject,
)
from ._common import as_date, clean_text
from .commitments import commitment_create_unchecked

# --- facilitation sessions and commitments --------------------------------------------------


@transaction.atomic
def session_create(
    *,
    actor: ActorLike,
    date: Any,
    mode: str,
    project: ReplicationProject | None = None,
    programme: Programme | None = None,
    participants: str = "",
    notes: str = "",
    problems: str = "",
    actions: Iterable[Mapping[str, Any]] = (),
) -> FacilitationSession:
    """Log a facilitation session; each agreed action ({owner_unit, description, due_date})
    becomes a commitment of the project / programme, linked to the session."""
    subject: ReplicationProject | Programme
    if project is not None:
        subject = project
        if programme is None:
            programme = project.programme
        require(actor, "project.facilitate", project)
    elif programme is not None:
        subject = programme
        require(actor, "programme.facilitate", programme)
    else:
        raise ValidationError(_("A session belongs to a project or a programme."))
    if mode not in FacilitationSession.Mode.values:
        raise ValidationError({"mode": _("Choose a visit, an online meeting or a workshop.")})
    date = as_date(date, "date")
    if date > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"date": _("Log a session after it took place.")})
    session = FacilitationSession.objects.create(
        project=project,
        programme=programme,
        date=date,
        mode=mode,
        participants=clean_text(participants),
        notes=clean_text(notes),
        problems=clean_text(problems),
        created_by=user_of(actor),
    )
    for i, action in enumerate(actions):
        if not clean_text(action.get("description")):
            continue
        owner = action.get("owner_unit") or (project.adopting_unit if project else None)
        if owner is None:
            raise ValidationError({f"actions.{i}.owner_unit": _("Choose the unit responsible.")})
        try:
            # covered by the facilitate check above; the owner rules still hold
            commitment_create_unchecked(
                actor=actor,
                owner_unit=owner,
                description=action["description"],
                due_date=action.get("due_date"),
                project=project,
                programme=programme,
                session=session,
                origin="session",
                origin_ref=str(session.pk),
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"actions.{i}.{k}": v for k, v in exc.message_dict.items()}
                if hasattr(exc, "error_dict")
                else {f"actions.{i}": exc.messages}
            ) from exc
    audit.record(
        actor=actor,
        obj=subject,
        action="session.create",
        changes={"session": [None, str(session)]},
    )
    return session
