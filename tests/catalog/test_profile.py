"""The profile's declaration (``catalog.profile``) agrees with the model, and the lists derived
from it cover every field once."""

from __future__ import annotations

from django.db import models

from lumbung.catalog import profile
from lumbung.catalog.forms import InnovationProfileForm
from lumbung.catalog.models import Innovation
from lumbung.catalog.services import PROFILE_FIELDS

MODEL_FIELDS = {f.name: f for f in Innovation._meta.get_fields()}


def test_every_declared_field_is_a_model_field_once():
    names = [f.name for s in profile.SECTIONS for f in s.fields]
    assert len(names) == len(set(names))
    assert [n for n in profile.FIELD_NAMES if n not in MODEL_FIELDS] == []


def test_english_versions_are_declared():
    english = {name for name in MODEL_FIELDS if name.endswith("_en")}
    declared = {f"{name}_en" for name in profile.TRANSLATED_FIELDS}
    assert declared == english


def test_the_services_accept_every_declared_column():
    columns = [n for n in profile.FIELD_NAMES if not MODEL_FIELDS[n].many_to_many]
    assert sorted(PROFILE_FIELDS) == sorted(columns)


def test_the_edit_page_shows_every_field_once():
    form = InnovationProfileForm()
    shown = [
        bound.name
        for section in form.sections()
        for row in section["rows"]
        for bound in (row["field"], row["english"])
        if bound is not None
    ]
    assert sorted(shown) == sorted(form.fields)


def test_page_sections_show_texts_lists_and_figures():
    for section in profile.PAGE_SECTIONS:
        for field in section.fields:
            model_field = MODEL_FIELDS[field.name]
            if field.is_figure:
                assert not field.translated and field.heading, field.name
            else:
                assert field.translated, field.name
                assert isinstance(model_field, models.TextField), field.name
