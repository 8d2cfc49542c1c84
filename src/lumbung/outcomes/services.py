"""Every write to outcome indicators and measurements: permission checked first, one
transaction, an audit entry.

A replica records measurements against the indicators of its lineage (its own, its original's,
and so on up to the first innovation): that is what "replicas inherit them" means, and what lets
a replica's figures be set beside its original's.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lumbung.catalog.models import Innovation
from lumbung.catalog.selectors import lineage
from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import require

from .models import Indicator, Measurement

INDICATOR_FIELDS = (
    "name",
    "description",
    "unit_of_measure",
    "better",
    "frequency",
    "per",
    "per_what",
    "similar_within",
)
MEASUREMENT_FIELDS = (
    "period_end",
    "kind",
    "value",
    "denominator",
    "margin",
    "evidence",
    "evidence_url",
    "note",
)


def _clean_indicator(indicator: Indicator) -> None:
    indicator.name = (indicator.name or "").strip()
    indicator.unit_of_measure = (indicator.unit_of_measure or "").strip()
    indicator.per_what = (indicator.per_what or "").strip()
    if indicator.per and not indicator.per_what:
        raise ValidationError(
            {"per_what": _("Say what the indicator is normalised by (e.g. beneficiaries).")}
        )
    if indicator.per_what and not indicator.per:
        raise ValidationError(
            {"per": _("Give the number it is normalised per (e.g. 1000), or leave both empty.")}
        )
    indicator.full_clean(exclude=["innovation", "created_by"])


@transaction.atomic
def indicator_create(*, actor: ActorLike, innovation: Innovation, **fields: Any) -> Indicator:
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    indicator = Indicator(innovation=innovation, created_by=user_of(actor), **fields)
    require(actor, "outcome_indicator.change", indicator)
    _clean_indicator(indicator)
    if Indicator.objects.filter(innovation=innovation, name__iexact=indicator.name).exists():
        raise ValidationError({"name": _("This innovation already has an indicator so named.")})
    indicator.order = Indicator.objects.filter(innovation=innovation).count()
    indicator.save()
    audit.record(
        actor=actor,
        obj=innovation,
        action="indicator.create",
        changes=audit.snapshot(indicator, INDICATOR_FIELDS),
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor: ActorLike, indicator: Indicator, **fields: Any) -> Indicator:
    indicator = (
        Indicator.objects.select_for_update().select_related("innovation").get(pk=indicator.pk)
    )
    require(actor, "outcome_indicator.change", indicator)
    before = audit.snapshot(indicator, INDICATOR_FIELDS)
    for name, value in fields.items():
        if name not in INDICATOR_FIELDS:
            raise ValidationError(_("Unknown field: %(f)s.") % {"f": name})
        setattr(indicator, name, value)
    _clean_indicator(indicator)
    clash = Indicator.objects.filter(
        innovation_id=indicator.innovation_id, name__iexact=indicator.name
    ).exclude(pk=indicator.pk)
    if clash.exists():
        raise ValidationError({"name": _("This innovation already has an indicator so named.")})
    indicator.save()
    changes = audit.diff(before, audit.snapshot(indicator, INDICATOR_FIELDS))
    if changes:
        audit.record(
            actor=actor, obj=indicator.innovation, action="indicator.update", changes=changes
        )
    return indicator


@transaction.atomic
def indicator_delete(*, actor: ActorLike, indicator: Indicator) -> None:
    """Remove an indicator nobody has measured yet; one with measurements stays (its figures,
    perhaps a replica's, would be lost)."""
    indicator = (
        Indicator.objects.select_for_update().select_related("innovation").get(pk=indicator.pk)
    )
    require(actor, "outcome_indicator.change", indicator)
    if indicator.measurements.exists():
        raise ValidationError(
            _(
                "This indicator has measurements (perhaps a replica's): remove them first, or "
                "keep the indicator."
            )
        )
    audit.record(
        actor=actor, obj=indicator.innovation, action="indicator.delete", note=indicator.name
    )
    indicator.delete()


def _number(value: Any, field: str, *, required: bool) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: _("Enter a number.")})
        return None
    try:
        number = (
            float(str(value).strip().replace(" ", "")) if isinstance(value, str) else float(value)
        )
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not math.isfinite(number):
        raise ValidationError({field: _("Enter a number.")})
    return number


def clean_measurement(measurement: Measurement, *, innovation: Innovation) -> None:
    indicator = measurement.indicator
    if indicator.innovation_id not in {i.pk for i in lineage(innovation)}:
        raise ValidationError(
            {
                "indicator": _(
                    "This indicator belongs to another innovation's lineage: choose one of this "
                    "innovation's indicators or of what it replicated."
                )
            }
        )
    measurement.value = _number(measurement.value, "value", required=True)  # type: ignore[assignment]
    measurement.denominator = _number(measurement.denominator, "denominator", required=False)
    measurement.margin = _number(measurement.margin, "margin", required=False)
    if indicator.per and measurement.denominator is None:
        raise ValidationError(
            {
                "denominator": _("This indicator is normalised by %(what)s: give their number.")
                % {"what": indicator.per_what}
            }
        )
    if measurement.denominator is not None and measurement.denominator <= 0:
        raise ValidationError({"denominator": _("The number must be more than zero.")})
    if measurement.margin is not None and measurement.margin < 0:
        raise ValidationError({"margin": _("The margin of error cannot be negative.")})
    if isinstance(measurement.period_end, str):
        try:
            measurement.period_end = dt.date.fromisoformat(measurement.period_end.strip())
        except ValueError:
            raise ValidationError({"period_end": _("Enter a valid date.")}) from None
    if isinstance(measurement.period_end, dt.date) and measurement.period_end > dt.date.today():
        raise ValidationError({"period_end": _("A measurement cannot be of a future date.")})
    measurement.evidence = (measurement.evidence or "").strip()
    measurement.full_clean(
        exclude=["indicator", "innovation", "recorded_by"], validate_unique=False
    )


@transaction.atomic
def measurement_record(
    *, actor: ActorLike, innovation: Innovation, indicator: Indicator, **fields: Any
) -> Measurement:
    """Record one figure of ``innovation`` for one period of ``indicator``."""
    unknown = set(fields) - set(MEASUREMENT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    measurement = Measurement(
        innovation=innovation, indicator=indicator, recorded_by=user_of(actor), **fields
    )
    require(actor, "measurement.record", measurement)
    clean_measurement(measurement, innovation=innovation)
    if Measurement.objects.filter(
        indicator=indicator, innovation=innovation, period_end=measurement.period_end
    ).exists():
        raise ValidationError(
            {"period_end": _("A figure for this indicator and date is already recorded.")}
        )
    try:
        with transaction.atomic():
            measurement.save()
    except IntegrityError:
        raise ValidationError(
            {"period_end": _("A figure for this indicator and date is already recorded.")}
        ) from None
    audit.record(
        actor=actor,
        obj=innovation,
        action="measurement.record",
        changes=audit.snapshot(measurement, MEASUREMENT_FIELDS),
        note=indicator.name,
    )
    return measurement


@transaction.atomic
def measurement_update(*, actor: ActorLike, measurement: Measurement, **fields: Any) -> Measurement:
    measurement = (
        Measurement.objects.select_for_update()
        .select_related("indicator", "innovation")
        .get(pk=measurement.pk)
    )
    require(actor, "measurement.record", measurement)
    before = audit.snapshot(measurement, MEASUREMENT_FIELDS)
    for name, value in fields.items():
        if name not in MEASUREMENT_FIELDS:
            raise ValidationError(_("Unknown field: %(f)s.") % {"f": name})
        setattr(measurement, name, value)
    clean_measurement(measurement, innovation=measurement.innovation)
    clash = Measurement.objects.filter(
        indicator_id=measurement.indicator_id,
        innovation_id=measurement.innovation_id,
        period_end=measurement.period_end,
    ).exclude(pk=measurement.pk)
    if clash.exists():
        raise ValidationError(
            {"period_end": _("A figure for this indicator and date is already recorded.")}
        )
    measurement.save()
    changes = audit.diff(before, audit.snapshot(measurement, MEASUREMENT_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            obj=measurement.innovation,
            action="measurement.update",
            changes=changes,
            note=measurement.indicator.name,
        )
    return measurement


@transaction.atomic
def measurement_delete(*, actor: ActorLike, measurement: Measurement) -> None:
    measurement = (
        Measurement.objects.select_for_update()
        .select_related("indicator", "innovation")
        .get(pk=measurement.pk)
    )
    require(actor, "measurement.record", measurement)
    audit.record(
        actor=actor,
        obj=measurement.innovation,
        action="measurement.delete",
        changes=audit.snapshot(measurement, MEASUREMENT_FIELDS),
        note=measurement.indicator.name,
    )
    measurement.delete()
