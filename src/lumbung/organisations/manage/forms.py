"""Forms of the management pages. They check the shape of what was typed; the services check
the rest (names already taken, a parent in another agency, who may do it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Agency, Partner, Role, Unit
from ..region_picker import RegionField
from ..unit_picker import UnitField


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=60,
        required=False,
        help_text=_("For example Kemensos. It also makes the agency's address."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Agency.Kind.choices)
    region = RegionField(label=_("Region"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    @classmethod
    def for_agency(cls, agency: Agency, data: Any = None) -> AgencyForm:
        return cls(
            data,
            initial={
                "name": agency.name,
                "short_name": agency.short_name,
                "kind": agency.kind,
                "region": agency.region,
                "website": agency.website,
            },
        )


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=250)
    short_name = forms.CharField(label=_("Short name"), max_length=80, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=Unit.Kind.choices)
    # parent: a UnitField of the agency, added per form
    region = RegionField(
        label=_("Region"),
        required=False,
        help_text=_("Left empty, a new unit takes its agency's region."),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitField(
            queryset=Unit.objects.filter(agency=agency),
            label=_("Parent unit"),
            required=False,
            help_text=_("Left empty, the unit is at the top of the agency's tree."),
        )
        self.order_fields(["name", "short_name", "kind", "parent", "region"])

    @classmethod
    def for_unit(cls, unit: Unit, data: Any = None) -> UnitForm:
        return cls(
            data,
            agency=unit.agency,
            initial={
                "name": unit.name,
                "short_name": unit.short_name,
                "kind": unit.kind,
                "parent": unit.parent,
                "region": unit.region,
            },
        )


class RoleForm(forms.Form):
    """A role in the agency, or in one of its units (the officer's role needs a unit)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    # unit: a UnitField of the agency, added per form

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitField(
            queryset=Unit.objects.filter(agency=agency),
            label=_("Unit"),
            required=False,
            help_text=_(
                "Needed for a unit innovation officer; left empty, the role holds for the "
                "whole agency."
            ),
        )
        self.order_fields(self.field_order or ["role", "unit"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("role") == Role.UNIT_OFFICER
            and not data.get("unit")
            and "unit" not in self.errors
        ):
            self.add_error("unit", _("This role needs a unit."))
        return data


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    display_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    field_order = ["email", "display_name", "role", "unit"]


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the account's history, for example “moved to another agency”."),
    )


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Partner.Kind.choices)
    region = RegionField(label=_("Region"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    @classmethod
    def for_partner(cls, partner: Partner, data: Any = None) -> PartnerForm:
        return cls(
            data,
            initial={
                "name": partner.name,
                "kind": partner.kind,
                "region": partner.region,
                "description": partner.description,
                "website": partner.website,
            },
        )
