"""Panel consensus: in a stage that asks for it, the panellists assigned to an entry first score
alone, then one proposes the scores the pair agreed and another confirms them. The stage is
ranked on the agreed scores (``results.stage_marks``); it cannot close while an entry lacks them.
A proposal may be replaced until it is confirmed; after that it stands."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, as_actor

from ..models import Assignment, Consensus, Entry, Stage


def _panellist(actor: ActorLike, stage: Stage, entry: Entry) -> Assignment:
    """The actor's own assignment to the entry in the stage, or refusal."""
    who = as_actor(actor)
    own = (
        Assignment.objects.select_related("judge")
        .filter(stage=stage, entry=entry, judge__user_id=who.user_id)
        .first()
        if who.user_id is not None
        else None
    )
    if own is None:
        raise PermissionDenied(_("Only the entry's panellists agree its scores."))
    return own


def _ready(stage: Stage, entry: Entry) -> None:
    if not stage.consensus:
        raise ValidationError(_("This stage does not ask for a consensus."))
    if stage.is_closed:
        raise ValidationError(_("This stage is closed: scores can no longer change."))
    pending = Assignment.objects.filter(stage=stage, entry=entry, submitted_at__isnull=True)
    if pending.exists():
        raise ValidationError(_("Every panellist scores alone first, then the pair agrees."))


@transaction.atomic
def consensus_propose(
    *,
    actor: ActorLike,
    stage: Stage,
    entry: Entry,
    values: Mapping[int, int],
    comment: str = "",
) -> Consensus:
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    own = _panellist(actor, stage, entry)
    _ready(stage, entry)
    criteria = {c.pk: c for c in stage.criteria.all()}
    errors: dict[str, list[str]] = {}
    for pk, criterion in criteria.items():
        value = values.get(pk)
        if value is None:
            errors[f"criterion_{pk}"] = [_("Give the agreed score.")]
        elif not criterion.scale_min <= int(value) <= criterion.scale_max:
            errors[f"criterion_{pk}"] = [
                _("Give a score from %(low)d to %(high)d.")
                % {"low": criterion.scale_min, "high": criterion.scale_max}
            ]
    if set(values) - set(criteria):
        errors["scores"] = [_("Unknown criterion.")]
    if errors:
        raise ValidationError(errors)
    current = Consensus.objects.filter(stage=stage, entry=entry).first()
    if current is not None and current.is_agreed:
        raise ValidationError(_("The panel already agreed these scores."))
    consensus, _created = Consensus.objects.update_or_create(
        stage=stage,
        entry=entry,
        defaults={
            "values": {str(pk): int(values[pk]) for pk in criteria},
            "comment": (comment or "").replace("\x00", "").strip(),
            "proposed_by": own.judge,
            "confirmed_by": None,
            "confirmed_at": None,
        },
    )
    audit.record(actor=actor, obj=entry, action="consensus.propose", changes=consensus.values)
    return consensus


@transaction.atomic
def consensus_confirm(*, actor: ActorLike, consensus: Consensus) -> Consensus:
    consensus = (
        Consensus.objects.select_for_update().select_related("stage", "entry").get(pk=consensus.pk)
    )
    own = _panellist(actor, consensus.stage, consensus.entry)
    _ready(consensus.stage, consensus.entry)
    if consensus.is_agreed:
        raise ValidationError(_("The panel already agreed these scores."))
    if own.judge_id == consensus.proposed_by_id:
        raise ValidationError(_("Another panellist of the entry confirms what you proposed."))
    consensus.confirmed_by = own.judge
    consensus.confirmed_at = timezone.now()
    consensus.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit.record(actor=actor, obj=consensus.entry, action="consensus.confirm")
    return consensus
