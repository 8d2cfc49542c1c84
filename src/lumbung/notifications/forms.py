"""The preferences form: one choice (e-mail at once, daily digest, no e-mail) per group."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy

from . import kinds
from .kinds import Delivery


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, initial_values: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in kinds.groups():
            names = ", ".join(str(k.label) for k in kinds.kinds_of(group.code))
            help_text = format_lazy("{} ({})", group.help_text, names) if names else group.help_text
            self.fields[group.code] = forms.ChoiceField(
                label=group.label,
                help_text=help_text,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=initial_values.get(group.code, group.default),
            )
