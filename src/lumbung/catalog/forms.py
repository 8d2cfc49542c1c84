"""Forms for the catalog's pages: the public filter form and the workspace's editing forms.

The forms parse and check what a person typed; every write goes through ``catalog.services``,
whose ``ValidationError``s are mapped back onto the form with
:func:`lumbung.core.pages.add_service_errors`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lumbung.core.pages import form_field
from lumbung.core.widgets import LongSelect
from lumbung.organisations.models import Agency, Region, Unit
from lumbung.organisations.selectors import in_tree_order
from lumbung.organisations.unit_picker import fit_unit_choice

from . import profile
from .models import SDG, Award, Evidence, Innovation, Sector
from .selectors import SORTS
from .services import PROFILE_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FIRST_AWARD_YEAR = 2014


def _years() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this_year, FIRST_AWARD_YEAR - 1, -1)]


class CatalogFilterForm(forms.Form):
    """The public catalog's filters as a labelled GET form, shown unbound with the request's
    parameters as initial values (filtering itself is done by ``CatalogFilters.from_mapping`` on
    the same parameters, which drops what it cannot parse)."""

    q = forms.CharField(
        label=_("Words"), required=False, max_length=200, widget=forms.TextInput(attrs={})
    )
    agency = forms.ChoiceField(label=_("Agency"), required=False, widget=LongSelect)
    unit = forms.ChoiceField(label=_("Unit"), required=False, widget=LongSelect)
    region = forms.ChoiceField(label=_("Region (province)"), required=False, widget=LongSelect)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    stage = forms.ChoiceField(label=_("Management stage"), required=False)
    award = forms.ChoiceField(label=_("Award level"), required=False)
    award_year = forms.ChoiceField(label=_("Award year"), required=False)
    sdg = forms.ChoiceField(label=_("SDG"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    #: shown first; the others sit under "More filters" (open when one of them is used)
    PRIMARY = ("q", "agency", "unit", "sector", "status", "sort")

    SORT_LABELS = {
        "name": _("Name (A–Z)"),
        "newest": _("Newest published"),
        "start_year": _("Most recent start"),
        "agency": _("Agency"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        anything: list[tuple[str, StrOrPromise]] = [("", _("Any"))]

        def offer(name: str, options: Iterable[tuple[str, StrOrPromise]]) -> None:
            form_field(self, name, forms.ChoiceField).choices = [*anything, *options]

        self.fields["q"].widget.input_type = "search"
        offer("agency", Agency.objects.order_by("name").values_list("slug", "name"))
        chosen_agency = str(self.initial.get("agency") or "").strip()
        units: list[tuple[str, str]] = []
        if chosen_agency:
            units = [
                (str(pk), name)
                for pk, name in in_tree_order(
                    Unit.objects.filter(agency__slug=chosen_agency),
                    agency=Agency.objects.filter(slug=chosen_agency).first(),
                ).values_list("pk", "name")
            ]
        offer("unit", units)
        if not units:
            self.fields["unit"].help_text = _("Choose an agency first to list its units.")
        regions = list(
            Region.objects.filter(level=Region.Level.PROVINCE)
            .order_by("name")
            .values_list("code", "name")
        )
        chosen_region = str(self.initial.get("region") or "").strip()
        if chosen_region and chosen_region not in {code for code, _name in regions}:
            extra = Region.objects.filter(code=chosen_region).values_list("code", "name").first()
            if extra:
                regions.append(extra)
        offer("region", regions)
        offer("sector", [(s.code, str(s)) for s in Sector.objects.all()])
        offer("stage", Innovation.Stage.choices)
        offer("award", Award.Level.choices)
        offer("award_year", _years())
        offer("sdg", [(str(s.number), str(s)) for s in SDG.objects.all()])
        offer("status", Innovation.Status.choices)
        form_field(self, "sort", forms.ChoiceField).choices = [
            (key, self.SORT_LABELS.get(key, key)) for key in SORTS
        ]

    def primary_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PRIMARY]

    def secondary_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.PRIMARY]

    @property
    def secondary_used(self) -> bool:
        return any(self.initial.get(name) for name in self.fields if name not in self.PRIMARY)


# --- workspace ------------------------------------------------------------------------------

_TEXTAREA = {"rows": 5}


class InnovationProfileForm(forms.ModelForm):
    """Every section of an innovation's profile (see :mod:`.profile`); English versions sit beside
    the Indonesian."""

    video_url = forms.URLField(
        label=capfirst(Innovation._meta.get_field("video_url").verbose_name),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=profile.FIELDS["video_url"].help_text,
    )

    class Meta:
        model = Innovation
        fields = (*PROFILE_FIELDS, "sdgs")
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sdgs": forms.CheckboxSelectMultiple,
            "impact_before": forms.Textarea(attrs={"rows": 2}),
            "impact_after": forms.Textarea(attrs={"rows": 2}),
            "source_urls": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = profile.HELP_TEXTS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: the fields to settle after a concurrent save, by name (see ``views.workspace``)
        self.conflicts: dict[str, Any] = {}
        sector = form_field(self, "sector", forms.ModelChoiceField)
        sector.queryset = Sector.objects.all()
        sector.empty_label = _("(none)")
        form_field(self, "sdgs", forms.ModelMultipleChoiceField).queryset = SDG.objects.all()
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea) and "rows" not in field.widget.attrs:
                field.widget.attrs.update(_TEXTAREA)
            if name.endswith("_en"):
                field.widget.attrs["lang"] = "en"
        self.fields["budget_idr"].widget.attrs.setdefault("inputmode", "numeric")

    def sections(self) -> list[dict[str, Any]]:
        """The fieldsets for the template: each with rows of (field, English field or None)."""
        return [
            {
                "legend": section.legend,
                "rows": [
                    {
                        "field": self[field.name],
                        "english": self[f"{field.name}_en"] if field.translated else None,
                        "conflict": self.conflicts.get(field.name),
                        "english_conflict": self.conflicts.get(f"{field.name}_en"),
                    }
                    for field in section.fields
                ],
            }
            for section in profile.SECTIONS
        ]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in (*PROFILE_FIELDS, "sdgs")}


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.agency} — {obj.name}"


class InnovationCreateForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        help_text=_("The unit that runs the innovation."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=60, required=False)
    acronym_expansion = forms.CharField(
        label=_("Acronym expansion"),
        max_length=300,
        required=False,
        help_text=profile.FIELDS["acronym_expansion"].help_text,
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, empty_label=_("(none)")
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs=_TEXTAREA)
    )

    def __init__(self, *args: Any, units: QuerySet[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = (units if units is not None else Unit.objects.none()).select_related("agency")
        fit_unit_choice(self, "unit", choices.order_by("agency__name", "name"))
        only = list(choices.values_list("pk", flat=True)[:2])
        if len(only) == 1:
            self.fields["unit"].initial = only[0]

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "unit"}


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role_title = forms.CharField(label=_("Role in the team"), max_length=150, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("role_title") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the member's name, or clear the role."))
        return data


TeamFormSet = forms.formset_factory(TeamMemberForm, extra=2, max_num=50, validate_max=True)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=Evidence.Kind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("If left empty, the file's name is used."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF document or a PNG, JPEG or WebP image."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg,image/webp"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "evidence")
        super().__init__(*args, **kwargs)


class AwardForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Award.Level.choices)
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, required=False, empty_value=None, choices=()
    )
    competition = forms.CharField(label=_("Competition"), max_length=200, initial="KIPP")
    label = forms.CharField(
        label=_("As announced"),
        max_length=200,
        required=False,
        help_text=_("The award's name as it was announced, if different."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "award")
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        form_field(self, "year", forms.TypedChoiceField).choices = [("", _("(unknown)"))] + [
            (str(y), str(y)) for y in range(this_year, 1999, -1)
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), choices=Innovation.Status.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(
        label=_("Since"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the innovation stopped."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The unit sees this note and can change the innovation accordingly."),
    )


class RejectChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the change is not accepted"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The unit sees this reason and can propose the change again."),
    )
