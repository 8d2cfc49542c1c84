"""Outcome indicators and their measurements.

An innovation defines the indicators that show whether it works ("people with disabilities in
paid work", "days to issue a birth certificate"); its replicas inherit them — they may record
measurements against any indicator of their lineage — and may add their own. A measurement is a
figure for one period (the date it refers to), with its evidence: a baseline, then follow-ups.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import Innovation


class Indicator(models.Model):
    class Better(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("every month")
        QUARTERLY = "quarterly", _("every three months")
        HALF_YEARLY = "half_yearly", _("every six months")
        YEARLY = "yearly", _("every year")

    innovation = models.ForeignKey(
        Innovation,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("defined by"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("how it is measured"), blank=True)
    unit_of_measure = models.CharField(
        _("unit of measure"), max_length=60, help_text=_("For example: people, Rp, days.")
    )
    better = models.CharField(_("which direction is better"), max_length=8, choices=Better.choices)
    frequency = models.CharField(
        _("how often it is measured"), max_length=12, choices=Frequency.choices
    )
    per = models.PositiveIntegerField(
        _("normalised per"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Leave empty to compare the figures as they are; 1000 compares them per 1,000 of "
            "what “normalised by” names (each measurement then gives that number)."
        ),
    )
    per_what = models.CharField(
        _("normalised by"),
        max_length=100,
        blank=True,
        help_text=_("For example: beneficiaries, residents, applications."),
    )
    similar_within = models.PositiveSmallIntegerField(
        _("similar within (%)"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_("A replica within this share of the original's figure counts as similar."),
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["innovation_id", "order", "pk"]
        verbose_name = _("outcome indicator")
        verbose_name_plural = _("outcome indicators")
        constraints = [
            models.UniqueConstraint(fields=["innovation", "name"], name="indicator_name_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_of_measure})"

    @property
    def normalised_label(self) -> str:
        """ "people per 1,000 beneficiaries", or the unit of measure alone."""
        if not self.per:
            return self.unit_of_measure
        return _("%(unit)s per %(per)s %(what)s") % {
            "unit": self.unit_of_measure,
            "per": f"{self.per:,}".replace(",", "."),
            "what": self.per_what,
        }


class Measurement(models.Model):
    class Kind(models.TextChoices):
        BASELINE = "baseline", _("baseline")
        FOLLOW_UP = "follow_up", _("follow-up")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="measurements")
    innovation = models.ForeignKey(
        Innovation,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("measured by"),
    )
    period_end = models.DateField(_("measured on (end of the period)"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.FloatField(_("value"))
    denominator = models.FloatField(
        _("normalised by (number)"),
        null=True,
        blank=True,
        help_text=_("The number the indicator is normalised by, e.g. beneficiaries served."),
    )
    margin = models.FloatField(
        _("margin of error (±)"),
        null=True,
        blank=True,
        help_text=_("How far the value may be off, in the same unit (e.g. from a survey)."),
    )
    evidence = models.CharField(
        _("evidence"),
        max_length=300,
        help_text=_("Where the figure comes from: a report, a register, a decree."),
    )
    evidence_url = models.URLField(_("evidence link"), blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["innovation_id", "indicator_id", "period_end"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "innovation", "period_end"], name="measurement_once"
            )
        ]
        indexes = [models.Index(fields=["innovation", "indicator", "period_end"])]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period_end}: {self.value}"


def start_of(innovation: Innovation) -> dt.date | None:
    """When an innovation started, for its measurements' ages: its start date, else 1 January
    of its start year; None when neither is known."""
    if innovation.start_date:
        return innovation.start_date
    if innovation.start_year:
        return dt.date(innovation.start_year, 1, 1)
    return None
