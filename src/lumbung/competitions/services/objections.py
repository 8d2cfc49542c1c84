"""The public objection period: anyone may object to an entry the last judged stage kept while
the round's objection stage is open; the organiser records how each objection was resolved. An
upheld objection takes the entry out (not eligible, with the resolution as the reason, no longer
kept)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import require

from ..models import Entry, Objection, Result, Round, Stage
from ..times import deadline_label


def open_objection_stage(round_: Round) -> Stage | None:
    now = timezone.now()
    return (
        round_.stages.filter(
            kind=Stage.Kind.OBJECTION, starts_at__lte=now, ends_at__gte=now, closed_at__isnull=True
        )
        .order_by("order")
        .first()
    )


def finalists(round_: Round) -> list[Entry]:
    """The entries the public may object to: those the last closed judged stage before the open
    objection stage kept (their titles and agencies are public while it is open)."""
    stage = open_objection_stage(round_)
    if stage is None:
        return []
    judged = (
        round_.stages.filter(
            kind__in=Stage.JUDGED_KINDS, closed_at__isnull=False, order__lt=stage.order
        )
        .order_by("-order")
        .first()
    )
    if judged is None:
        return []
    kept = Result.objects.filter(stage=judged, kept=True).values("entry_id")
    return list(
        Entry.objects.filter(pk__in=kept, state=Entry.State.ELIGIBLE)
        .select_related("group", "agency")
        .order_by("group__order", "title")
    )


@transaction.atomic
def objection_raise(
    *, actor: ActorLike, entry: Entry, name: str, email: str, text: str
) -> Objection:
    """Anyone, signed in or not, objects to a finalist while the objection period is open."""
    stage = open_objection_stage(entry.round)
    if stage is None:
        raise ValidationError(_("The objection period of this round is not open."))
    if entry.pk not in {e.pk for e in finalists(entry.round)}:
        raise ValidationError(_("Objections are taken only for the entries announced as kept."))
    errors: dict[str, list[str]] = {}
    name, text = name.replace("\x00", "").strip(), text.replace("\x00", "").strip()
    if not name:
        errors["name"] = [_("Enter your name.")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter an e-mail address we can answer.")]
    if not text:
        errors["text"] = [_("Say what you object to.")]
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(
        entry=entry, name=name[:150], email=email, text=text, raised_by=user_of(actor)
    )
    audit.record(
        actor=actor,
        obj=entry,
        action="objection.raise",
        note=_("until %(time)s") % {"time": deadline_label(stage.ends_at, entry.round)},
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: ActorLike, objection: Objection, upheld: bool, resolution: str
) -> Objection:
    objection = (
        Objection.objects.select_for_update().select_related("entry__round").get(pk=objection.pk)
    )
    require(actor, "competition_objection.resolve", objection)
    if objection.state != Objection.State.OPEN:
        raise ValidationError(_("This objection was already resolved."))
    if objection.entry.round.state == Round.State.PUBLISHED:
        raise ValidationError(_("The results of this round are published."))
    resolution = (resolution or "").replace("\x00", "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("Record how the objection was resolved.")})
    objection.state = Objection.State.UPHELD if upheld else Objection.State.DISMISSED
    objection.resolution = resolution
    objection.resolved_by = user_of(actor)
    objection.resolved_at = timezone.now()
    objection.save()
    entry = objection.entry
    if upheld:
        Entry.objects.filter(pk=entry.pk).update(
            state=Entry.State.INELIGIBLE,
            reason=_("Objection upheld: %(resolution)s") % {"resolution": resolution},
            reached=None,
        )
        Result.objects.filter(entry=entry).update(kept=False)
    audit.record(
        actor=actor,
        obj=entry,
        action="objection.resolve",
        changes={"state": objection.state},
        note=resolution,
    )
    return objection
