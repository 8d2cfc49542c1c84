"""Forms of the outcome pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Indicator, Measurement


class IndicatorForm(forms.ModelForm[Indicator]):
    class Meta:
        model = Indicator
        fields = (
            "name",
            "unit_of_measure",
            "better",
            "frequency",
            "per",
            "per_what",
            "similar_within",
            "description",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MeasurementForm(forms.ModelForm[Measurement]):
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), label=_("Indicator"))

    class Meta:
        model = Measurement
        fields = (
            "indicator",
            "period_end",
            "kind",
            "value",
            "denominator",
            "margin",
            "evidence",
            "evidence_url",
            "note",
        )
        widgets = {
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Indicator.objects.filter(pk__in=[i.pk for i in indicators])
        field.label_from_instance = lambda obj: str(obj.name)  # type: ignore[method-assign]
