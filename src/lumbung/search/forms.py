from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import Sector
from lumbung.organisations.models import Agency, Region

from .selectors import MAX_PROBLEM_CHARS, UNIT_SIZES


class MatchForm(forms.Form):
    """ "Cari inovasi untuk masalah saya": a problem in free text plus optional context."""

    problem = forms.CharField(
        label=_("Describe the problem"),
        help_text=_(
            "In your own words, Indonesian or English: who is affected, what goes wrong. "
            "For example: “antrean puskesmas panjang”, “disabilitas sulit dapat kerja”."
        ),
        max_length=MAX_PROBLEM_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("Any sector"),
    )
    region = forms.ChoiceField(label=_("Your province"), required=False)
    agency_kind = forms.ChoiceField(
        label=_("Your type of agency"),
        required=False,
        choices=[("", _("Any type")), *Agency.Kind.choices],
    )
    unit_size = forms.ChoiceField(
        label=_("Your unit's size"),
        required=False,
        choices=[("", _("Not given")), *((k, label) for k, (label, _n) in UNIT_SIZES.items())],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("name")
        region = self.fields["region"]
        if not isinstance(region, forms.ChoiceField):
            raise TypeError("region is not a ChoiceField")
        region.choices = [
            ("", _("Any province")),
            *((r.code, r.name) for r in provinces),
        ]
