"""Changes to a published innovation wait for its agency's review (issue 13).

What the public sees of an innovation is its profile: the fields of :mod:`.profile`, the SDGs and
the team (:data:`REVIEWED`). Once the innovation is published:

- someone who may publish it (its agency's innovation admins, platform admins) edits it directly:
  the change is public at once and audited, as before;
- someone who may change it but not publish it (its unit's officers) *proposes* the change: the
  values that differ from the published ones are kept in one pending
  :class:`~.models.InnovationRevision` per innovation (a second edit updates it; an edit back to
  the published values withdraws it), the public keeps seeing the published values, and the
  agency's innovation admins are told;
- the reviewer sees the change field by field (:func:`changes_of`) and approves it — written by
  ``services.innovation_update`` with the proposal's version as its base, so the audit entry, the
  version, the search index and the portfolio summary follow as for any edit, and a field someone
  changed meanwhile is refused rather than overwritten — or rejects it with a reason, which the
  unit is told and sees on its pages.

Unpublished innovations (drafts, submitted, returned) are edited directly, as before. Evidence,
awards and the status are not part of the profile edit and are written directly.

Who may see and decide a revision is the innovation's policy (a revision is a part of its
innovation, like its team): read with ``innovation.view_internal``, proposed with
``innovation.change``, decided with ``innovation.review``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import can, require

from . import notices, services
from .editing import EDITABLE, PROFILE_FIELDS, EditConflict, Seen, check_seen, plain, state_of
from .models import SDG, Innovation, InnovationRevision, Sector, innovation_field
from .policies import innovations as innovation_policy

#: What a change to a published innovation proposes: every field the public page shows from the
#: edit form.
REVIEWED: tuple[str, ...] = EDITABLE


@dataclass(frozen=True)
class EditResult:
    """What an edit did: written at once (``revision`` None), or kept for review."""

    innovation: Innovation
    #: the pending revision the edit created or updated (None: written directly, or withdrawn)
    revision: InnovationRevision | None = None
    #: True when the edit went back to the published values and withdrew a pending revision
    withdrawn: bool = False

    @property
    def waiting(self) -> bool:
        return self.revision is not None


@dataclass(frozen=True)
class FieldChange:
    """One field of a revision: its label, the published value and the proposed one (both as
    text to show)."""

    name: str
    label: str
    published: str
    proposed: str

    @property
    def english(self) -> bool:
        """Whether the values are an English version (else written in Indonesian)."""
        return self.name.endswith("_en")


# --- reads ---------------------------------------------------------------------------------------


def pending_revision(innovation: Innovation) -> InnovationRevision | None:
    return (
        InnovationRevision.objects.filter(
            innovation=innovation, state=InnovationRevision.State.PENDING
        )
        .select_related("proposed_by")
        .first()
    )


def last_rejection(innovation: Innovation) -> InnovationRevision | None:
    """The latest revision, when it was rejected (its reason is shown to the unit until it
    proposes again or another decision is made)."""
    latest = (
        InnovationRevision.objects.filter(innovation=innovation)
        .select_related("decided_by")
        .order_by("-updated_at", "-id")
        .first()
    )
    if latest is None or latest.state != InnovationRevision.State.REJECTED:
        return None
    return latest


def revisions_to_review(actor: ActorLike) -> QuerySet[InnovationRevision]:
    """Pending revisions of innovations this person may publish, oldest first."""
    condition = innovation_policy.condition(actor, "review").via("innovation")
    return (
        InnovationRevision.objects.filter(state=InnovationRevision.State.PENDING)
        .filter(condition.to_q(InnovationRevision))
        .select_related("innovation__unit", "innovation__agency", "proposed_by")
        .order_by("updated_at", "id")
    )


def _label(name: str) -> str:
    if name == "team":
        return capfirst(_("team"))
    return str(capfirst(innovation_field(name).verbose_name))


def _shown(name: str, value: Any) -> str:
    """A plain value as text for the diff."""
    if value in (None, "", []):
        return ""
    if name == "team":
        return "\n".join(f"{n} ({r})" if r else n for n, r in value)
    if name == "sdgs":
        return "\n".join(str(s) for s in SDG.objects.filter(number__in=value).order_by("number"))
    if name == "sector":
        return str(Sector.objects.filter(pk=value).first() or value)
    field = innovation_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def changes_of(revision: InnovationRevision) -> list[FieldChange]:
    """The revision field by field, in the profile's order: the value published now beside the
    proposed one."""
    published = state_of(revision.innovation)
    return [
        FieldChange(
            name,
            _label(name),
            _shown(name, published.get(name)),
            _shown(name, revision.proposed[name]),
        )
        for name in REVIEWED
        if name in revision.proposed
    ]


# --- writes --------------------------------------------------------------------------------------


@transaction.atomic
def innovation_edit(
    *,
    actor: ActorLike,
    innovation: Innovation,
    data: Mapping[str, Any],
    team: Iterable[Mapping[str, str]] | None = None,
    seen: Seen | None = None,
) -> EditResult:
    """Save a profile edit (the edit page and the API): at once when the person may write the
    public profile directly (``innovation.change_directly``), else as a change for review."""
    innovation = Innovation.objects.select_for_update().get(pk=innovation.pk)
    require(actor, "innovation.change", innovation)
    if can(actor, "innovation.change_directly", innovation):
        updated = services.innovation_update(
            actor=actor, innovation=innovation, data=data, team=team, seen=seen
        )
        return EditResult(updated)
    # innovation.change checked above; innovation.change_directly refused: propose instead
    return revision_propose_unchecked(
        actor=actor, innovation=innovation, data=data, team=team, seen=seen
    )


def revision_propose_unchecked(
    *,
    actor: ActorLike,
    innovation: Innovation,
    data: Mapping[str, Any],
    team: Iterable[Mapping[str, str]] | None = None,
    seen: Seen | None = None,
) -> EditResult:
    """Keep the edit as the innovation's pending revision. For :func:`innovation_edit` only,
    after its check (``innovation.change``); the innovation is locked by the caller."""
    given = {**data, **({"team": list(team)} if team is not None else {})}
    unknown = set(given) - set(REVIEWED)
    if unknown:
        raise ValidationError({n: _("This field cannot be set here.") for n in sorted(unknown)})
    candidate = services.check_profile(innovation, {k: v for k, v in data.items()})
    yours = {name: plain(name, getattr(candidate, name)) for name in data if name != "sdgs"}
    if "sdgs" in data:
        yours["sdgs"] = plain("sdgs", data["sdgs"])
    if "team" in given:
        yours["team"] = plain("team", given["team"])
    if seen is not None:
        mine = check_seen(innovation, seen, yours)
        if mine is not None:
            yours = {k: v for k, v in yours.items() if k in mine}
    pending = (
        InnovationRevision.objects.select_for_update()
        .filter(innovation=innovation, state=InnovationRevision.State.PENDING)
        .first()
    )
    published = state_of(innovation)
    proposed = {**(pending.proposed if pending else {}), **yours}
    proposed = {k: v for k, v in proposed.items() if v != published.get(k)}
    if not proposed:
        if pending is None:
            return EditResult(innovation)
        _decide(pending, actor, InnovationRevision.State.WITHDRAWN, "revision.withdraw", "")
        return EditResult(innovation, withdrawn=True)
    revision = pending or InnovationRevision(innovation=innovation)
    revision.proposed = proposed
    revision.base = {k: published.get(k) for k in proposed}
    revision.base_version = innovation.version
    revision.proposed_by = user_of(actor)
    revision.save()
    audit.record(
        actor=actor,
        obj=revision,
        action="revision.propose",
        changes={k: [revision.base[k], v] for k, v in proposed.items()},
    )
    if pending is None:
        notices.revision_proposed(innovation, actor=actor)
    return EditResult(innovation, revision=revision)


Members = list[dict[str, str]]


def _service_values(proposed: Mapping[str, Any]) -> tuple[dict[str, Any], Members | None]:
    """The proposal as ``innovation_update`` takes it: the profile data, and the team."""
    data: dict[str, Any] = {}
    for name, value in proposed.items():
        if name == "team":
            continue
        if (
            name in PROFILE_FIELDS
            and value
            and innovation_field(name).get_internal_type() == ("DateField")
        ):
            value = dt.date.fromisoformat(value)
        data[name] = value
    team = proposed.get("team")
    members = [{"name": n, "role_title": r} for n, r in team] if team is not None else None
    return data, members


def _locked(revision: InnovationRevision) -> InnovationRevision:
    revision = InnovationRevision.objects.select_for_update().get(pk=revision.pk)
    revision.innovation = Innovation.objects.select_for_update().get(pk=revision.innovation_id)
    if revision.state != InnovationRevision.State.PENDING:
        raise ValidationError(_("This change was already decided."))
    return revision


def _decide(
    revision: InnovationRevision, actor: ActorLike, state: str, action: str, reason: str
) -> None:
    revision.state = state
    revision.decided_by = user_of(actor)
    revision.decided_at = timezone.now()
    revision.reason = reason
    revision.save(update_fields=["state", "decided_by", "decided_at", "reason", "updated_at"])
    audit.record(
        actor=actor, obj=revision, action=action, changes={"state": ["pending", state]}, note=reason
    )


@transaction.atomic
def revision_approve(*, actor: ActorLike, revision: InnovationRevision) -> Innovation:
    """Write the proposed values (``innovation_update``, from the proposal's version: a field
    someone else changed since is refused, not overwritten) and tell the unit."""
    require(actor, "innovation.review", revision.innovation)
    revision = _locked(revision)
    require(actor, "innovation.review", revision.innovation)
    data, team = _service_values(revision.proposed)
    try:
        innovation = services.innovation_update(
            actor=actor,
            innovation=revision.innovation,
            data=data,
            team=team,
            seen=Seen(version=revision.base_version, values=revision.base),
        )
    except EditConflict as exc:
        fields = ", ".join(_label(c.field) for c in exc.conflicts) or ", ".join(
            _label(n) for n in exc.changed if n in REVIEWED
        )
        raise ValidationError(
            _(
                "Since this change was proposed, someone changed the same parts of the "
                "published profile: %(fields)s. Reject it with a reason so that the unit can "
                "propose it again."
            )
            % {"fields": fields}
        ) from exc
    _decide(revision, actor, InnovationRevision.State.APPROVED, "revision.approve", "")
    notices.revision_approved(innovation, actor=actor)
    return innovation


@transaction.atomic
def revision_reject(
    *, actor: ActorLike, revision: InnovationRevision, reason: str
) -> InnovationRevision:
    """Refuse the change with a reason (the published values stay) and tell the unit."""
    require(actor, "innovation.review", revision.innovation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the change is not accepted.")})
    revision = _locked(revision)
    require(actor, "innovation.review", revision.innovation)
    _decide(revision, actor, InnovationRevision.State.REJECTED, "revision.reject", reason)
    notices.revision_rejected(revision.innovation, actor=actor, reason=reason)
    return revision
