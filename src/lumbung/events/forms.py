"""Forms of the event pages. They parse and check input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.models import Innovation
from lumbung.core.pages import form_field
from lumbung.organisations.models import Agency, Partner, Unit
from lumbung.organisations.selectors import in_tree_order
from lumbung.organisations.unit_picker import fit_unit_choice
from lumbung.replication.forms import PeopleField, UnitChoiceField, find_innovation
from lumbung.replication.models import Programme

from .models import Event, Intent, Invitation, Material

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class InnovationChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Innovation) -> str:
        return f"{obj.name} — {obj.unit.name if obj.unit_id else obj.agency}"


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    host_unit = UnitChoiceField(label=_("Host unit"), queryset=Unit.objects.none())
    programme = forms.ModelChoiceField(
        label=_("Replication programme"),
        queryset=Programme.objects.none(),
        required=False,
        help_text=_("The scaling-up programme this event is part of, if any."),
    )
    showcased = InnovationChoices(
        label=_("Showcased innovations"),
        queryset=Innovation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_showcased = forms.CharField(
        label=_("Other showcased innovations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Addresses of innovation pages, one per line."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    venue = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("Building and address. Say whether it is step-free."),
    )
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For people joining online."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("How many people can attend; leave empty for no limit."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line, e.g. “09.00 Opening”."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the public page and the news item. Never name attendees."),
    )
    summary_en = forms.CharField(
        label=_("Summary in English"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    facilitator_agency = forms.ModelChoiceField(
        label=_("Facilitating agency"),
        queryset=Agency.objects.order_by("name"),
        required=False,
    )
    facilitators = PeopleField(label=_("Facilitators"))
    registration_open = forms.BooleanField(
        label=_("Registration is open"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        hosts: QuerySet[Unit],
        programmes: QuerySet[Programme],
        innovations: QuerySet[Innovation],
        event: Event | None = None,
        **kwargs: Any,
    ) -> None:
        if event is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": event.title,
                    "title_en": event.title_en,
                    "host_unit": event.host_unit_id,
                    "programme": event.programme_id,
                    "showcased": [i.pk for i in event.showcased.all()],
                    "starts_at": event.starts_at,
                    "ends_at": event.ends_at,
                    "venue": event.venue,
                    "online_url": event.online_url,
                    "capacity": event.capacity,
                    "agenda": event.agenda,
                    "summary": event.summary,
                    "summary_en": event.summary_en,
                    "facilitator_agency": event.facilitator_agency_id,
                    "facilitators": PeopleField.initial_for(event.facilitators.all()),
                    "registration_open": event.registration_open,
                },
            )
        super().__init__(*args, **kwargs)
        self.event = event
        form_field(self, "programme", forms.ModelChoiceField).queryset = programmes
        if event is not None:
            ids = {i.pk for i in innovations} | {i.pk for i in event.showcased.all()}
            innovations = Innovation.objects.filter(pk__in=ids)
            del self.fields["host_unit"]  # the host does not change
        else:
            fit_unit_choice(self, "host_unit", hosts.select_related("agency"))
        form_field(self, "showcased", forms.ModelChoiceField).queryset = innovations.select_related(
            "unit", "agency"
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = list(data.get("showcased") or [])
        unknown = []
        for line in (data.get("other_showcased") or "").splitlines():
            if not line.strip():
                continue
            innovation = find_innovation(line)
            if innovation is None:
                unknown.append(line.strip())
            elif innovation not in chosen:
                chosen.append(innovation)
        if unknown:
            self.add_error(
                "other_showcased",
                _("No innovation at: %(addresses)s.") % {"addresses": ", ".join(unknown)},
            )
        if not chosen and "showcased" not in self.errors:
            self.add_error("showcased", _("Choose at least one innovation to showcase."))
        data["all_showcased"] = chosen
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        if not data.get("venue") and not data.get("online_url") and "online_url" not in self.errors:
            self.add_error("venue", _("Give the place, an online link, or both."))
        return data


class UnitTreeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class InvitationsForm(forms.Form):
    under = forms.ModelChoiceField(
        label=_("Every unit under"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For example a directorate-general: all units below it are invited."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Only units of these types"),
        choices=Unit.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = UnitTreeChoiceField(
        label=_("Or pick units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("CSR companies, NGOs, universities and community groups."),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(agency=agency)

        def tree(qs: QuerySet[Unit]) -> QuerySet[Unit]:
            return in_tree_order(qs, agency=agency)

        fit_unit_choice(self, "under", units, for_select=tree)
        fit_unit_choice(self, "units", units, for_select=tree)
        form_field(self, "partners", forms.ModelChoiceField).queryset = Partner.objects.order_by(
            "name"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            not self.errors
            and not data.get("under")
            and not data.get("units")
            and not data.get("partners")
        ):
            raise ValidationError(
                _("Choose a unit to invite all units under it, pick units, or pick partners.")
            )
        return data


class InvitationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Invitation) -> str:
        return str(obj.invitee)


class RegistrationForm(forms.Form):
    invitation = InvitationChoiceField(
        label=_("Unit or partner"), queryset=Invitation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For example a sign-language interpreter, step-free access, large print or a guide. "
            "Only the hosts see this."
        ),
    )

    def __init__(self, *args: Any, invitations: list[Invitation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "invitation", forms.ModelChoiceField).queryset = Invitation.objects.filter(
            pk__in=[i.pk for i in invitations]
        ).select_related("unit", "partner")


class TestimonialForm(forms.Form):
    speaker = forms.CharField(label=_("Speaker"), max_length=150)
    group = forms.CharField(
        label=_("Group"),
        max_length=200,
        required=False,
        help_text=_("For example a community workshop, a partner or a beneficiary group."),
    )
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Partner.objects.none(), required=False
    )
    text = forms.CharField(label=_("Testimonial"), widget=forms.Textarea(attrs={"rows": 4}))
    text_en = forms.CharField(
        label=_("Testimonial in English"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(
        label=_("Show on the public page (the speaker agreed)"),
        required=False,
        help_text=_("The public page shows the group and the text, never the speaker's name."),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "partner", forms.ModelChoiceField).queryset = partners


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        help_text=_("For a photo: what it shows (read out to people who cannot see it)."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG or WebP; the type is checked from the content."),
    )
    is_public = forms.BooleanField(
        label=_("Show on the public page"),
        required=False,
        help_text=_("Photos must not show attendees who did not agree to it."),
    )


DECISIONS = [
    ("", _("Not decided yet")),
    (Intent.Decision.ADOPT, _("Adopt: take it over as it is")),
    (Intent.Decision.ADAPT, _("Adapt: adjust it to local conditions, keeping its core")),
    (Intent.Decision.MODIFY, _("Modify: change and develop it further")),
    (Intent.Decision.NOT_NOW, _("Not now")),
]


class IntentForm(forms.Form):
    """One unit's intent for one showcased innovation (prefixed by the innovation's id)."""

    decision = forms.ChoiceField(
        label=_("Intent"), choices=DECISIONS, required=False, widget=forms.RadioSelect
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=DATE,
        required=False,
        help_text=_("By when will the unit have started? Required unless “not now”."),
    )
    start_project = forms.BooleanField(
        label=_("Start the replication project now"),
        required=False,
        help_text=_("Creates the unit's project in the preparation stage, with the commitment."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, innovation: Innovation, locked: Intent | None, **kwargs: Any
    ) -> None:
        kwargs["prefix"] = f"i{innovation.pk}"
        super().__init__(*args, **kwargs)
        self.innovation = innovation
        self.locked = locked  # an intent with a commitment: shown, not editable

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        decision = data.get("decision")
        needs_date = decision and decision != Intent.Decision.NOT_NOW
        if needs_date and not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", _("Give a due date: by when will the unit have started?"))
        if data.get("start_project") and decision in ("", None, Intent.Decision.NOT_NOW):
            self.add_error(
                "start_project", _("A project can only be started to adopt, adapt or modify.")
            )
        return data


class UnitPickForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), empty_label=None)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ModelChoiceField).queryset = (
            Unit.objects.filter(pk__in=[u.pk for u in units])
            .select_related("agency")
            .order_by("name")
        )
