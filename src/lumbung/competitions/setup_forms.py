"""The organiser's set-up page: a new round, and its parts edited as two lists of forms (groups,
stages). A group's sections, a stage's criteria and quotas are written one per line — "Inspirasi
| 100", "Kebaruan | 30 | 1-10", "umum | 99 | top_99" — so that a whole year's set-up fits on one
page that works by keyboard and screen reader. The forms only parse; ``rounds.round_configure``
checks and writes the whole set-up at once."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.catalog.models import Award
from lumbung.organisations.models import Agency

from .models import DocumentKind, Group, Round, Stage, TimeZone
from .services import rounds

LOCAL = "%Y-%m-%dT%H:%M"


def _lines(text: str) -> list[list[str]]:
    return [[p.strip() for p in line.split("|")] for line in text.splitlines() if line.strip()]


def parse_sections(text: str) -> tuple[rounds.SectionSpec, ...]:
    out = []
    for n, parts in enumerate(_lines(text), start=1):
        limit = None
        if len(parts) > 1 and parts[1]:
            if not parts[1].isdigit() or int(parts[1]) < 1:
                raise ValidationError(_("Line %(n)d: the word limit is a whole number.") % {"n": n})
            limit = int(parts[1])
        out.append(rounds.SectionSpec(title=parts[0][:200], word_limit=limit))
    return tuple(out)


def parse_criteria(text: str) -> tuple[rounds.CriterionSpec, ...]:
    out = []
    for n, parts in enumerate(_lines(text), start=1):
        weight, low, high = Decimal("1"), 1, 10
        try:
            if len(parts) > 1 and parts[1]:
                weight = Decimal(parts[1].replace(",", "."))
            if len(parts) > 2 and parts[2]:
                first, _sep, last = parts[2].replace("–", "-").partition("-")
                low, high = int(first), int(last)
        except (InvalidOperation, ValueError):
            raise ValidationError(
                _(
                    "Line %(n)d: write “name | weight | lowest-highest”, "
                    "e.g. “Kebaruan | 30 | 1-10”."
                )
                % {"n": n}
            ) from None
        if not weight.is_finite() or weight <= 0 or low < 0 or high <= low:
            raise ValidationError(
                _("Line %(n)d: the weight is above 0 and the highest score above the lowest.")
                % {"n": n}
            )
        out.append(
            rounds.CriterionSpec(name=parts[0][:200], weight=weight, scale_min=low, scale_max=high)
        )
    return tuple(out)


def parse_quotas(text: str) -> tuple[rounds.QuotaSpec, ...]:
    levels = set(Award.Level.values)
    out = []
    for n, parts in enumerate(_lines(text), start=1):
        level = parts[2] if len(parts) > 2 else ""
        if (
            len(parts) < 2
            or not parts[1].isdigit()
            or int(parts[1]) < 1
            or (level and level not in levels)
        ):
            raise ValidationError(
                _(
                    "Line %(n)d: write “group code | how many | award”, e.g. “umum | 99 | "
                    "top_99”; awards: %(levels)s."
                )
                % {"n": n, "levels": ", ".join(sorted(levels))}
            )
        out.append(rounds.QuotaSpec(group=parts[0], top=int(parts[1]), award_level=level))
    return tuple(out)


class GroupSetupForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Group.Kind.choices)
    min_running_months = forms.IntegerField(
        label=gettext_lazy("Running for at least (months)"), min_value=0, initial=12
    )
    requires_inspiration = forms.BooleanField(
        label=gettext_lazy("Names the past winners it replicated"), required=False
    )
    requires_past_winner = forms.BooleanField(
        label=gettext_lazy("For past winners only"), required=False
    )
    required_documents = forms.MultipleChoiceField(
        label=gettext_lazy("Required documents"),
        choices=DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.CharField(
        label=gettext_lazy("Proposal sections"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One per line: title | word limit, e.g. “Inspirasi | 100”."),
    )

    def clean_sections(self) -> tuple[rounds.SectionSpec, ...]:
        return parse_sections(self.cleaned_data.get("sections", ""))

    def spec(self) -> rounds.GroupSpec:
        d = self.cleaned_data
        return rounds.GroupSpec(
            code=d["code"],
            name=d["name"],
            kind=d["kind"],
            min_running_months=d["min_running_months"],
            requires_inspiration=d["requires_inspiration"],
            requires_past_winner=d["requires_past_winner"],
            sections=d["sections"],
            required_documents=tuple(d["required_documents"]),
        )


class StageSetupForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Stage.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts"),
        input_formats=[LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Ends"),
        input_formats=[LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    blind = forms.BooleanField(label=gettext_lazy("Blind review"), required=False)
    judges_per_entry = forms.IntegerField(
        label=gettext_lazy("Judges per entry"), min_value=1, max_value=20, initial=2
    )
    consensus = forms.BooleanField(
        label=gettext_lazy("The panellists of each entry agree one score (panel consensus)"),
        required=False,
    )
    criteria = forms.CharField(
        label=gettext_lazy("Criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One per line: name | weight | lowest-highest, e.g. “Kebaruan | 30 | 1-10”."
        ),
    )
    quotas = forms.CharField(
        label=gettext_lazy("Quotas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "One per line: group code | how many it keeps | award, e.g. “umum | 99 | top_99”."
        ),
    )

    def __init__(self, *args: Any, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def _aware(self, value: dt.datetime) -> dt.datetime:
        """The time as the organiser typed it, in the round's zone (not the server's)."""
        return value.replace(tzinfo=None).replace(tzinfo=self.zone)

    def clean_criteria(self) -> tuple[rounds.CriterionSpec, ...]:
        return parse_criteria(self.cleaned_data.get("criteria", ""))

    def clean_quotas(self) -> tuple[rounds.QuotaSpec, ...]:
        return parse_quotas(self.cleaned_data.get("quotas", ""))

    def spec(self) -> rounds.StageSpec:
        d = self.cleaned_data
        return rounds.StageSpec(
            kind=d["kind"],
            name=d["name"],
            starts_at=self._aware(d["starts_at"]),
            ends_at=self._aware(d["ends_at"]),
            blind=d["blind"],
            judges_per_entry=d["judges_per_entry"],
            consensus=d["consensus"],
            criteria=d["criteria"],
            quotas=d["quotas"],
        )


GroupFormSet = forms.formset_factory(GroupSetupForm, extra=1, can_delete=True)
StageFormSet = forms.formset_factory(StageSetupForm, extra=1, can_delete=True)


def initial_groups(round_: Round) -> list[dict[str, Any]]:
    return [
        {
            "code": g.code,
            "name": g.name,
            "kind": g.kind,
            "min_running_months": g.min_running_months,
            "requires_inspiration": g.requires_inspiration,
            "requires_past_winner": g.requires_past_winner,
            "required_documents": list(g.required_documents),
            "sections": "\n".join(
                f"{s.title} | {s.word_limit}" if s.word_limit else s.title for s in g.sections.all()
            ),
        }
        for g in round_.groups.all()
    ]


def initial_stages(round_: Round) -> list[dict[str, Any]]:
    zone = round_.zone
    return [
        {
            "kind": s.kind,
            "name": s.name,
            "starts_at": timezone.localtime(s.starts_at, zone).replace(tzinfo=None),
            "ends_at": timezone.localtime(s.ends_at, zone).replace(tzinfo=None),
            "blind": s.blind,
            "judges_per_entry": s.judges_per_entry,
            "consensus": s.consensus,
            "criteria": "\n".join(
                f"{c.name} | {c.weight.normalize()} | {c.scale_min}-{c.scale_max}"
                for c in s.criteria.all()
            ),
            "quotas": "\n".join(
                f"{q.group.code} | {q.top}" + (f" | {q.award_level}" if q.award_level else "")
                for q in s.quotas.all()
            ),
        }
        for s in round_.stages.all()
    ]


class NewRoundForm(forms.Form):
    organiser = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=gettext_lazy("Organiser")
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=Round.Level.choices)
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone of the deadlines"), choices=TimeZone.choices
    )
    copy_from = forms.ModelChoiceField(
        queryset=Round.objects.none(),
        label=gettext_lazy("Start from the set-up of"),
        required=False,
        help_text=gettext_lazy(
            "An earlier round you organised: its groups, stages and rubrics are copied."
        ),
    )

    feeds = forms.ModelChoiceField(
        queryset=Round.objects.none(),
        label=gettext_lazy("Feeds the national round"),
        required=False,
        help_text=gettext_lazy(
            "An internal selection: its kept entries become your agency's entries there."
        ),
    )

    def __init__(
        self, *args: Any, agencies: Any, earlier: Any, national: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["copy_from"].queryset = earlier  # type: ignore[attr-defined]
        self.fields["feeds"].queryset = national  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year
