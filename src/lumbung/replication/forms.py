"""Forms of the replication pages. They parse and check input; the services decide and write."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.innovation_picker import InnovationField
from lumbung.catalog.models import Innovation
from lumbung.core.pages import form_field
from lumbung.organisations.models import Agency, Unit, User
from lumbung.organisations.selectors import in_tree_order
from lumbung.organisations.unit_picker import fit_unit_choice

from .models import (
    AdaptationRecord,
    Commitment,
    CoreComponentStatus,
    DocumentKind,
    FacilitationSession,
    Form,
    FormDecision,
    Programme,
    ReplicationProject,
    Stage,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} — {obj.agency.short_name or obj.agency.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class PeopleField(forms.CharField):
    """People by user name or e-mail address, one per line."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("User names or e-mail addresses, one per line."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[User]:
        text = super().clean(value)
        names = [n.strip() for n in re.split(r"[\n,;]+", text or "") if n.strip()]
        people, unknown = [], []
        for name in names:
            user = User.objects.filter(
                Q(username__iexact=name) | Q(email__iexact=name), is_active=True
            ).first()
            (people.append(user) if user else unknown.append(name))
        if unknown:
            raise ValidationError(
                _("Nobody is known as: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return people

    @staticmethod
    def initial_for(users: QuerySet[User] | list[User]) -> str:
        return "\n".join(u.username for u in users)


def find_innovation(value: str) -> Innovation | None:
    """An innovation by its slug or the address of its page."""
    value = (value or "").strip().rstrip("/")
    if not value:
        return None
    slug = value.rsplit("/", 1)[-1]
    return Innovation.objects.select_related("unit", "agency").filter(slug=slug).first()


# --- programmes -----------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=TEXTAREA)
    agency = forms.ModelChoiceField(label=_("Owning agency"), queryset=Agency.objects.none())
    sources = forms.ModelMultipleChoiceField(
        label=_("Source innovations"),
        queryset=Innovation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_sources = forms.CharField(
        label=_("Other source innovations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Addresses of published innovation pages, one per line."),
    )
    facilitator_agency = forms.ModelChoiceField(
        label=_("Facilitating agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        help_text=_("For example the Ministry of Administrative and Bureaucratic Reform."),
    )
    facilitators = PeopleField(label=_("Facilitators"))
    managers = PeopleField(label=_("Programme managers"))
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE, required=False)
    coverage_target = forms.IntegerField(
        label=_("Coverage target"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("How many target units should be running a replica by the end date."),
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        sources: QuerySet[Innovation],
        programme: Programme | None = None,
        **kwargs: Any,
    ) -> None:
        if programme is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": programme.name,
                    "description": programme.description,
                    "agency": programme.agency_id,
                    "sources": list(programme.sources.all()),
                    "facilitator_agency": programme.facilitator_agency_id,
                    "facilitators": PeopleField.initial_for(programme.facilitators.all()),
                    "managers": PeopleField.initial_for(programme.managers.all()),
                    "start_date": programme.start_date,
                    "end_date": programme.end_date,
                    "coverage_target": programme.coverage_target,
                },
            )
        super().__init__(*args, **kwargs)
        form_field(self, "agency", forms.ModelChoiceField).queryset = agencies
        current = programme.sources.all() if programme else Innovation.objects.none()
        form_field(self, "sources", forms.ModelChoiceField).queryset = (
            Innovation.objects.filter(Q(pk__in=sources.values("pk")) | Q(pk__in=current))
            .select_related("unit")
            .order_by("name")
        )
        if programme is not None:
            del self.fields["agency"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = list(data.get("sources") or [])
        unknown = []
        for line in (data.get("other_sources") or "").splitlines():
            if not line.strip():
                continue
            innovation = find_innovation(line)
            if innovation is None or not innovation.is_published:
                unknown.append(line.strip())
            elif innovation not in chosen:
                chosen.append(innovation)
        if unknown:
            self.add_error(
                "other_sources",
                _("No published innovation at: %(items)s.") % {"items": ", ".join(unknown)},
            )
        elif not chosen and "sources" not in self.errors:
            self.add_error("sources", _("Choose at least one source innovation."))
        data["all_sources"] = chosen
        return data


class TargetsForm(forms.Form):
    under = forms.ModelChoiceField(
        label=_("Every unit under"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For example a directorate-general: all units below it are added."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Only units of these types"),
        choices=Unit.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = UnitMultipleChoiceField(
        label=_("Or pick units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        """``units``: the units in the programme's scope (its agency's and those of agencies
        that joined it)."""
        super().__init__(*args, **kwargs)
        units = units.select_related("agency")
        fit_unit_choice(self, "under", units, for_select=in_tree_order)
        fit_unit_choice(self, "units", units, for_select=in_tree_order)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("under") and not data.get("units") and not self.errors:
            raise ValidationError(_("Choose a unit to add all units under it, or pick units."))
        return data


# --- projects -------------------------------------------------------------------------------


class ProjectStartForm(forms.Form):
    source = InnovationField(label=_("Source innovation"), queryset=Innovation.objects.none())
    adopting_unit = UnitChoiceField(label=_("Adopting unit"), queryset=Unit.objects.none())
    declared_form = forms.ChoiceField(
        label=_("Form of replication"),
        choices=Form.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Adoption: taken over as it is. Adaptation: adjusted to local conditions, core "
            "components kept. Modification: changed and developed further."
        ),
    )
    team = forms.CharField(
        label=_("Team"),
        required=False,
        widget=TEXTAREA,
        help_text=_("One person per line, with their role."),
    )
    notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Seen only by those who work on the project."),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        sources: QuerySet[Innovation] | None = None,
        programme: Programme | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        source_field = self.fields["source"]
        if isinstance(source_field, InnovationField):
            source_field.queryset = sources if sources is not None else Innovation.objects.none()
        fit_unit_choice(
            self, "adopting_unit", units.select_related("agency").order_by("agency__name", "name")
        )
        if programme is not None:
            choices = [(s.slug, s.name) for s in programme.sources.all()]
            self.fields["source"] = forms.ChoiceField(
                label=_("Source innovation"),
                choices=choices,
                widget=forms.RadioSelect if len(choices) > 1 else forms.Select,
            )

    def clean_source(self) -> Innovation:
        value = self.cleaned_data["source"]
        innovation = value if isinstance(value, Innovation) else find_innovation(value)
        if innovation is None:
            raise ValidationError(_("No innovation is found at this address."))
        return innovation


class ProjectEditForm(forms.Form):
    declared_form = forms.ChoiceField(
        label=_("Form of replication"), choices=Form.choices, widget=forms.RadioSelect
    )
    team = forms.CharField(
        label=_("Team"),
        required=False,
        widget=TEXTAREA,
        help_text=_("One person per line, with their role."),
    )
    notes = forms.CharField(label=_("Private notes"), required=False, widget=TEXTAREA)
    facilitator_agency = forms.ModelChoiceField(
        label=_("Facilitating agency"), queryset=Agency.objects.order_by("name"), required=False
    )
    facilitators = PeopleField(label=_("Facilitators"))

    @classmethod
    def initial_for(cls, project: ReplicationProject) -> dict[str, Any]:
        return {
            "declared_form": project.declared_form,
            "team": project.team,
            "notes": project.notes,
            "facilitator_agency": project.facilitator_agency_id,
            "facilitators": PeopleField.initial_for(project.facilitators.all()),
        }


class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Required when the project stops: say why."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "to_stage", forms.ChoiceField).choices = targets


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, or a PNG, JPEG or WebP image."))


class ComponentsForm(forms.Form):
    """Per core component of the source: kept, adapted, dropped (or not assessed yet)."""

    def __init__(self, *args: Any, components: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.components = components
        choices = [("", _("not assessed")), *CoreComponentStatus.Outcome.choices]
        for i, row in enumerate(components):
            self.fields[f"c{i}"] = forms.ChoiceField(
                label=row["component"],
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=row["outcome"],
            )
            self.fields[f"n{i}"] = forms.CharField(
                label=_("Note on “%(c)s”") % {"c": row["component"][:60]},
                required=False,
                max_length=2000,
                initial=row["note"],
            )

    def statuses(self) -> dict[str, dict[str, str]]:
        return {
            row["component"]: {
                "outcome": self.cleaned_data.get(f"c{i}") or "",
                "note": self.cleaned_data.get(f"n{i}") or "",
            }
            for i, row in enumerate(self.components)
        }


class AdaptationForm(forms.Form):
    date = forms.DateField(label=_("Date of the change"), widget=DATE, required=False)
    when = forms.ChoiceField(label=_("When"), choices=AdaptationRecord.When.choices)
    planned = forms.ChoiceField(
        label=_("Planned or reactive"),
        choices=AdaptationRecord.Planned.choices,
        widget=forms.RadioSelect,
    )
    decided_by = forms.ChoiceField(
        label=_("Who decided"), choices=AdaptationRecord.DecidedBy.choices
    )
    what = forms.ChoiceField(label=_("What changed"), choices=AdaptationRecord.What.choices)
    nature = forms.ChoiceField(
        label=_("Nature of the change"), choices=AdaptationRecord.Nature.choices
    )
    component = forms.ChoiceField(label=_("Core component concerned"), required=False)
    fidelity = forms.ChoiceField(
        label=_("Fidelity"),
        choices=AdaptationRecord.Fidelity.choices,
        widget=forms.RadioSelect,
        help_text=_("Does the change keep the core components of the source?"),
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=AdaptationRecord.Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("What was changed and how"), widget=TEXTAREA, max_length=20000
    )
    rationale = forms.CharField(label=_("Why"), widget=TEXTAREA, required=False, max_length=20000)

    def __init__(self, *args: Any, components: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "component", forms.ChoiceField).choices = [
            ("", _("none (the adaptable parts only)")),
            *[(c, c) for c in components],
        ]


class FormDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=FormDecision.Decision.choices, widget=forms.RadioSelect
    )
    to_form = forms.ChoiceField(
        label=_("New form"),
        choices=[("", _("as suggested")), *Form.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Required when the declared form is kept."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=TEXTAREA, max_length=5000)


class ReplicaLinkForm(forms.Form):
    innovation = forms.ModelChoiceField(
        label=_("The adopting unit's innovation"), queryset=Innovation.objects.none()
    )

    def __init__(self, *args: Any, project: ReplicationProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "innovation", forms.ModelChoiceField).queryset = (
            Innovation.objects.filter(unit=project.adopting_unit)
            .filter(Q(source__isnull=True) | Q(source=project.source))
            .order_by("name")
        )


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    mode = forms.ChoiceField(
        label=_("Mode"), choices=FacilitationSession.Mode.choices, widget=forms.RadioSelect
    )
    participants = forms.CharField(label=_("Participants"), required=False, widget=TEXTAREA)
    notes = forms.CharField(label=_("Notes"), required=False, widget=TEXTAREA)
    problems = forms.CharField(label=_("Problems found"), required=False, widget=TEXTAREA)


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Agreed action"), required=False, max_length=5000)
    owner_unit = UnitChoiceField(
        label=_("Unit responsible"), queryset=Unit.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            form_field(self, "owner_unit", forms.ModelChoiceField).queryset = units

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("description") and not data.get("due_date") and not self.errors:
            self.add_error("due_date", _("The due date is required."))
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=50)


class CommitmentForm(forms.Form):
    owner_unit = UnitChoiceField(label=_("Unit responsible"), queryset=Unit.objects.none())
    description = forms.CharField(label=_("Commitment"), widget=TEXTAREA, max_length=5000)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    for_stage = forms.ChoiceField(
        label=_("Done when the project reaches"),
        required=False,
        choices=[("", _("— (I mark it done myself)"))]
        + [(v, label) for v, label in Stage.choices if v != Stage.STOPPED],
        help_text=_("The commitment closes by itself when the project reaches this stage."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "owner_unit", forms.ModelChoiceField).queryset = units


class CommitmentUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA, max_length=5000)


class LinkAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=TEXTAREA,
        max_length=5000,
        help_text=_("Required when you decline: say why."),
    )
