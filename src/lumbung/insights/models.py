"""The innovation index's configuration: weights and bands are data an admin edits, not code."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lumbung.organisations.models import Agency

from . import index


class IndexSetting(models.Model):
    """A scheme of the innovation index (components with weights, bands). The active one is used;
    without any, :data:`.index.DEFAULT_SCHEME`."""

    name = models.CharField(_("name"), max_length=100)
    scheme = models.JSONField(
        _("scheme"),
        help_text=_(
            'JSON: {"components": [{"key": "maturity", "weight": 15}, …], "bands": '
            '[{"min_score": 0, "label": "…"}, …]}'
        ),
    )
    is_active = models.BooleanField(_("in use"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("innovation index scheme")
        verbose_name_plural = _("innovation index schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_scheme"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            index.scheme_from_dict(self.scheme)
        except ValueError as exc:
            raise ValidationError({"scheme": str(exc)}) from None


def active_scheme() -> index.IndexScheme:
    setting = IndexSetting.objects.filter(is_active=True).first()
    if setting is None:
        return index.DEFAULT_SCHEME
    try:
        return index.scheme_from_dict(setting.scheme)
    except ValueError:  # saved around the admin's check: the default, never a broken score
        return index.DEFAULT_SCHEME


class PortfolioCount(models.Model):
    """How many innovations of an agency have a value of one dimension (stage, sector, province,
    start year, status, award year), published or not — the portfolio dashboard's summary, kept
    up to date in the transaction of every catalog write (:mod:`.summary`), so that national
    counts add up a few thousand rows instead of grouping the whole catalog."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    published = models.BooleanField()
    dimension = models.CharField(max_length=12)
    key = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "published", "dimension", "key"], name="portfolio_count_once"
            )
        ]
        indexes = [models.Index(fields=["dimension", "published"])]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.dimension}={self.key}: {self.count}"
