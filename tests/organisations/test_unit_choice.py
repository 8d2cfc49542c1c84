"""Choosing units at any scale: a select while the choice is short, a searchable picker (one unit)
or a list of names (several units) beyond :data:`unit_picker.SELECT_LIMIT` — and the server accepts
only units of the form's own choice either way."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client

from lumbung.catalog.models import Innovation
from lumbung.organisations import unit_picker
from lumbung.organisations.models import Unit
from lumbung.organisations.unit_picker import UnitField, UnitListField, fit_unit_choice
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


class OneAndMany(forms.Form):
    one = forms.ModelChoiceField(label="One", queryset=Unit.objects.none(), help_text="Pick.")
    many = forms.ModelMultipleChoiceField(
        label="Many", queryset=Unit.objects.none(), required=False
    )


def _form(queryset, data=None, limit=None):
    form = OneAndMany(data)
    fit_unit_choice(form, "one", queryset, limit=limit)
    fit_unit_choice(form, "many", queryset, limit=limit)
    return form


def test_a_short_choice_stays_a_select(world):
    form = _form(Unit.objects.filter(agency=world.agency))
    assert type(form.fields["one"]) is forms.ModelChoiceField
    assert "<select" in str(form["one"])


def test_a_long_choice_becomes_a_picker_and_a_list_of_names(world):
    form = _form(Unit.objects.filter(agency=world.agency), limit=1)
    assert isinstance(form.fields["one"], UnitField)
    assert isinstance(form.fields["many"], UnitListField)
    html = str(form["one"])
    assert "<select" not in html and "data-region-picker" in html
    assert f"/instansi/unit/cari/?agency={world.agency.pk}" in html
    assert form.fields["one"].help_text.startswith("Pick.")  # the field's own help is kept
    bound = _form(
        Unit.objects.filter(agency=world.agency),
        {
            "one": "sentra wyata guna bandung",
            "many": "Sentra Wyata Guna Bandung\n\nSentra Terpadu Kartini Temanggung\n"
            "sentra wyata guna bandung",
        },
        limit=1,
    )
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["one"] == world.sibling_unit
    assert bound.cleaned_data["many"] == [world.sibling_unit, world.unit]  # in order, each once


def test_only_units_of_the_choice_are_accepted_and_bad_lines_are_named(world):
    bound = _form(
        Unit.objects.filter(agency=world.agency),
        {
            "one": "Dinas Sosial Kota Contoh",
            "many": "Sentra Wyata Guna Bandung\nTidak Ada\nDinas Sosial Kota Contoh",
        },
        limit=1,
    )
    assert not bound.is_valid()
    assert "is not one of the units you can choose here" in bound.errors["one"][0]
    assert [e.split(":")[0] for e in bound.errors["many"]] == ["Line 2", "Line 3"]


def test_across_agencies_a_name_shared_by_two_needs_its_agency(world):
    UnitFactory(agency=world.other_agency, name="Sentra Wyata Guna Bandung")
    both = Unit.objects.filter(agency__in=[world.agency, world.other_agency])
    field = UnitField(queryset=both)
    with pytest.raises(ValidationError) as raised:
        field.clean("Sentra Wyata Guna Bandung")
    assert "Several units are named" in raised.value.messages[0]
    assert field.clean("Sentra Wyata Guna Bandung — Kementerian Sosial") == world.sibling_unit
    assert (
        field.prepare_value(world.sibling_unit) == "Sentra Wyata Guna Bandung — Kementerian Sosial"
    )


def test_the_new_innovation_form_of_an_admin_of_a_large_agency(world, monkeypatch):
    monkeypatch.setattr(unit_picker, "SELECT_LIMIT", 3)
    Unit.objects.bulk_create(
        [Unit(agency=world.agency, name=f"Sekolah {i:03d}", slug=f"sekolah-{i}") for i in range(40)]
    )
    c = Client()
    c.force_login(world.admin)
    page = c.get("/ruang-kerja/inovasi/baru/")
    assert page.status_code == 200
    assert "Sekolah 039" not in page.text  # no option per unit
    assert "data-region-picker" in page.text
    response = c.post(
        "/ruang-kerja/inovasi/baru/",
        {"unit": "Sekolah 007", "name": "Kantin Sehat Sekolah", "not_a_duplicate": "1"},
    )
    assert response.status_code == 302, response.text[:2000]
    assert Innovation.objects.get(name="Kantin Sehat Sekolah").unit.name == "Sekolah 007"
    refused = c.post(
        "/ruang-kerja/inovasi/baru/",
        {"unit": "Dinas Sosial Kota Contoh", "name": "Tidak Boleh", "not_a_duplicate": "1"},
    )
    assert refused.status_code == 400 and not Innovation.objects.filter(name="Tidak Boleh").exists()


def test_an_officer_of_one_unit_keeps_a_select_with_it_chosen(world):
    c = Client()
    c.force_login(world.officer)
    page = c.get("/ruang-kerja/inovasi/baru/")
    assert '<select name="unit"' in page.text
    assert f'<option value="{world.unit.pk}" selected>' in page.text


def test_a_required_choice_of_one_unit_comes_chosen(world):
    form = _form(Unit.objects.filter(pk=world.unit.pk))
    assert form.fields["one"].initial == world.unit.pk
    assert form.fields["many"].initial is None  # not for an optional or multiple choice
    bound = _form(Unit.objects.filter(pk=world.unit.pk), {"one": ""})
    assert not bound.is_valid()  # what was sent counts, not the preselection
