"""Forms of the competition pages. They parse input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import SDG, Innovation

from .models import Criterion, DocumentKind, Entry, Group, Round, Section
from .services.entries import StatusReport


class EnterForm(forms.Form):
    group = forms.ModelChoiceField(queryset=Group.objects.none(), label=_("Group"))
    innovation = forms.ModelChoiceField(
        queryset=Innovation.objects.none(),
        label=_("Innovation"),
        help_text=_("An innovation of a unit you manage."),
    )

    def __init__(
        self, *args: Any, round_: Round, innovations: QuerySet[Innovation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = round_.groups.all()  # type: ignore[attr-defined]
        self.fields["innovation"].queryset = innovations  # type: ignore[attr-defined]


def section_field_name(section: Section) -> str:
    return f"section_{section.pk}"


class EntryForm(forms.Form):
    """The group's sections (one text each, its word limit counted as the unit types), the
    video link and — for a replication group — the inspiring past winners."""

    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, entry: Entry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        texts = {a.section_id: a.text for a in entry.answers.all()}
        self.sections = list(entry.group.sections.all())
        for section in self.sections:
            attrs: dict[str, Any] = {"rows": 6}
            help_text = section.guidance
            if section.word_limit:
                attrs["data-word-limit"] = section.word_limit
            self.fields[section_field_name(section)] = forms.CharField(
                label=section.title,
                required=False,
                initial=texts.get(section.pk, ""),
                help_text=help_text,
                widget=forms.Textarea(attrs=attrs),
            )
        self.fields["video_url"].initial = entry.video_url
        self.fields["sdgs"] = forms.ModelMultipleChoiceField(
            queryset=SDG.objects.all(),
            required=False,
            label=_("SDGs the innovation serves"),
            widget=forms.CheckboxSelectMultiple,
            initial=list(entry.sdgs.all()),
        )
        if entry.group.requires_inspiration:
            self.fields["inspirations"] = forms.ModelMultipleChoiceField(
                queryset=Innovation.objects.filter(awards__isnull=False)
                .distinct()
                .order_by("name"),
                required=False,
                label=_("Inspiring past winners"),
                help_text=_("Filled from the innovation's lineage; change it if it is wrong."),
                initial=list(entry.inspirations.all()),
            )

        if entry.round.level == Round.Level.MONITORING:
            self.fields["continuing"] = forms.TypedChoiceField(
                label=_("Is the innovation still running?"),
                choices=[("", _("not answered yet")), ("1", _("yes")), ("0", _("no, it stopped"))],
                coerce=lambda v: v == "1",
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial="" if entry.continuing is None else ("1" if entry.continuing else "0"),
            )
            self.fields["stopped_on"] = forms.DateField(
                label=_("Stopped on"),
                required=False,
                initial=entry.stopped_on,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            self.fields["stop_reason"] = forms.CharField(
                label=_("Why it stopped"),
                required=False,
                initial=entry.stop_reason,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def status(self) -> StatusReport | None:
        if "continuing" not in self.fields:
            return None
        return StatusReport(
            continuing=self.cleaned_data.get("continuing"),
            stopped_on=self.cleaned_data.get("stopped_on"),
            reason=self.cleaned_data.get("stop_reason", ""),
        )

    def answers(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data.get(section_field_name(s), "") for s in self.sections}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Outcome of the administrative check"),
        choices=[("1", _("passes")), ("0", _("does not pass"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class JudgeAddForm(forms.Form):
    username = forms.CharField(label=_("Username of the judge"), max_length=150)
    capacity = forms.IntegerField(label=_("Most entries per stage"), required=False, min_value=1)


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), required=False, max_length=300)


def criterion_field_name(criterion: Criterion) -> str:
    return f"criterion_{criterion.pk}"


class ScoreForm(forms.Form):
    """One score and one comment per criterion of the stage's rubric."""

    def __init__(
        self, *args: Any, criteria: list[Criterion], current: dict[int, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            score = current.get(c.pk)
            self.fields[criterion_field_name(c)] = forms.IntegerField(
                label=_("%(criterion)s (score %(low)d–%(high)d)")
                % {"criterion": c.name, "low": c.scale_min, "high": c.scale_max},
                required=False,
                min_value=c.scale_min,
                max_value=c.scale_max,
                help_text=c.guidance,
                initial=score.value if score is not None else None,
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": c.name},
                required=False,
                initial=score.comment if score is not None else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def values(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (
                self.cleaned_data.get(criterion_field_name(c)),
                self.cleaned_data.get(f"comment_{c.pk}", ""),
            )
            for c in self.criteria
        }

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[criterion_field_name(c)], self[f"comment_{c.pk}"]) for c in self.criteria]


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the new round"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("Your e-mail address"), help_text=_("For the answer."))
    text = forms.CharField(
        label=_("What you object to, and why"), widget=forms.Textarea(attrs={"rows": 5})
    )


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("0", _("dismiss the objection")), ("1", _("uphold it: the entry is out"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File (PDF, PNG, JPEG or WebP)"))


class ConsensusForm(forms.Form):
    """The scores the pair of panellists agreed, one per criterion."""

    def __init__(
        self, *args: Any, criteria: list[Criterion], current: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"agreed_{c.pk}"] = forms.IntegerField(
                label=_("Agreed score for %(criterion)s (%(low)d–%(high)d)")
                % {"criterion": c.name, "low": c.scale_min, "high": c.scale_max},
                min_value=c.scale_min,
                max_value=c.scale_max,
                initial=current.get(str(c.pk)),
            )
        self.fields["comment"] = forms.CharField(
            label=_("What the panel agreed (optional)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def values(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"agreed_{c.pk}"] for c in self.criteria}
