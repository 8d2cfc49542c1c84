"""The region picker: what the field accepts without JavaScript, the widget's markup, the search
behind it (``/wilayah/cari/``) and the API's ``q`` filter."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from lumbung.organisations.models import Agency, Region
from lumbung.organisations.region_picker import RegionField, RegionPicker
from lumbung.organisations.regions import label, search

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.select_related("parent").get(code=code)


def error_of(field: RegionField, text: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    return caught.value


# --- what a person may type (the field, with or without JavaScript) ------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("35.05", "35.05"),
        ("3505", "35.05"),
        ("  35.72 ", "35.72"),
        ("35", "35"),
        ("Kabupaten Blitar", "35.05"),
        ("kabupaten   blitar", "35.05"),
        ("Kab. Blitar", "35.05"),
        ("KOTA BLITAR", "35.72"),
        ("Jawa Timur", "35"),
        ("Provinsi Jawa Timur", "35"),
        ("Kabupaten Blitar (35.05), Jawa Timur", "35.05"),  # the label the picker puts in
        ("Kota Blitar (35.72)", "35.72"),
        ("Kota Jakarta Selatan", "31.74"),
        ("DIY", "34"),
    ],
)
def test_the_field_reads_codes_names_and_labels(text, code):
    assert RegionField().clean(text) == region(code)


def test_an_empty_field_is_none_unless_required():
    assert RegionField(required=False).clean("") is None
    assert RegionField(required=False).clean("   ") is None
    assert error_of(RegionField(), "").code == "required"


@pytest.mark.parametrize(
    "text",
    [
        "Atlantis",
        "99.99",
        "36.99",
        "Kota Blitar (35.05), Jawa Timur",  # the name does not fit the code
        "Kabupaten Blitar (35.05), Jawa Barat",  # nor the province
        "Kabupaten Blitar (99.99)",
    ],
)
def test_an_unknown_region_is_refused_with_a_clear_indonesian_message(text, indonesian):
    error = error_of(RegionField(), text)
    assert error.code == "unknown"
    assert error.messages[0].startswith("Wilayah tidak dikenal")


def test_a_name_two_regions_share_asks_which_one():
    error = error_of(RegionField(), "Blitar")
    assert error.code == "ambiguous"
    assert "Kabupaten Blitar (35.05), Jawa Timur" in error.messages[0]
    assert "Kota Blitar (35.72), Jawa Timur" in error.messages[0]


def test_levels_narrow_the_choice():
    cities_and_regencies = RegionField(levels=[Region.Level.REGENCY, Region.Level.CITY])
    # "Jambi" is the province's exact name, but a regency or city is asked for: Kota Jambi
    assert cities_and_regencies.clean("Jambi") == region("15.71")
    assert error_of(cities_and_regencies, "35").code == "level"
    assert error_of(RegionField(levels=[Region.Level.PROVINCE]), "Kota Blitar").code == "level"


def test_a_model_form_shows_the_label_and_saves_the_region():
    class AgencyForm(forms.ModelForm):
        region = RegionField(required=False)

        class Meta:
            model = Agency
            fields = ["name", "slug", "kind", "region"]

    agency = Agency.objects.create(name="Pemkot Blitar", slug="blitar", kind="city")
    agency.region = region("35.72")
    agency.save()
    form = AgencyForm(instance=agency)
    assert 'value="Kota Blitar (35.72), Jawa Timur"' in str(form["region"])

    data = {"name": agency.name, "slug": agency.slug, "kind": "city"}
    unchanged = AgencyForm({**data, "region": "Kota Blitar (35.72), Jawa Timur"}, instance=agency)
    assert unchanged.is_valid() and not unchanged.has_changed()
    changed = AgencyForm({**data, "region": "kabupaten blitar"}, instance=agency)
    assert changed.is_valid() and changed.changed_data == ["region"]
    assert changed.save().region_id == "35.05"
    bad = AgencyForm({**data, "region": "Blitarr"}, instance=agency)
    assert not bad.is_valid() and "region" in bad.errors
    assert 'value="Blitarr"' in str(bad["region"])  # what was typed comes back to be corrected


def test_the_widget_is_a_labelled_text_input_that_works_without_javascript():
    class Form(forms.Form):
        region = RegionField(label="Wilayah", levels=[Region.Level.REGENCY, Region.Level.CITY])

    html = str(Form(initial={"region": "35.05"})["region"])
    assert '<input type="text" name="region"' in html
    assert 'id="id_region"' in html and 'value="Kabupaten Blitar (35.05), Jawa Timur"' in html
    # no combobox role before the script makes one: without JavaScript it is a plain input
    assert 'role="combobox"' not in html
    assert 'data-search-url="/wilayah/cari/?level=regency&amp;level=city"' in html
    assert 'id="id_region_listbox" role="listbox" hidden' in html
    assert 'id="id_region_status" role="status"' in html
    assert "organisations/region-picker.js" in html
    assert isinstance(Form().fields["region"].widget, RegionPicker)


# --- the search ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("blitar", "35.05"),
        ("BLITAR", "35.05"),
        ("kota blitar", "35.72"),
        ("kab sukabumi", "32.02"),
        ("35.72", "35.72"),
        ("3572", "35.72"),
        ("jakarta sel", "31.74"),
        ("jogja", "34.71"),
        ("tolitoli", "72.04"),
        ("malang jawa timur", "35.07"),
    ],
)
def test_search_finds_names_with_and_without_prefix_and_codes(query, first):
    assert search(query)[0].code == first


def test_search_offers_both_regions_of_a_shared_name():
    assert [r.code for r in search("kupang")] == ["53.01", "53.71"]
    assert [r.code for r in search("kupang", levels=["city"])] == ["53.71"]
    assert search("") == [] and search("qwertyuiop") == []


def test_search_page_answers_an_html_fragment_of_options(client):
    response = client.get("/wilayah/cari/", {"q": "blitar"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="option"') == 2
    assert 'data-value="Kabupaten Blitar (35.05), Jawa Timur"' in html
    assert 'data-code="35.72"' in html
    assert 'data-status="2 regions found' in html


def test_search_page_narrows_by_level_and_caps_the_list(client):
    html = client.get("/wilayah/cari/", {"q": "blitar", "level": "city"}).content.decode()
    assert html.count('role="option"') == 1 and 'data-code="35.72"' in html
    many = client.get("/wilayah/cari/", {"q": "kabupaten"}).content.decode()
    assert many.count('role="option"') == 20
    assert "20 of 416 regions shown" in many


def test_search_page_with_nothing_found_or_nothing_asked(client):
    html = client.get("/wilayah/cari/", {"q": "<script>x</script>"}).content.decode()
    assert 'role="option"' not in html and "<script>x" not in html
    assert "No region matches" in html
    assert 'data-status=""' in client.get("/wilayah/cari/").content.decode()
    assert client.post("/wilayah/cari/", {"q": "blitar"}).status_code == 405


def test_search_page_in_indonesian(client, indonesian):
    html = client.get("/wilayah/cari/", {"q": "kupang"}).content.decode()
    assert "2 wilayah ditemukan" in html


# --- the API -------------------------------------------------------------------------------------
def test_api_regions_q_filter(client):
    body = client.get("/api/v1/regions", {"q": "blitar"}).json()
    assert [r["code"] for r in body["items"]] == ["35.05", "35.72"]
    assert body["items"][0] == {
        "code": "35.05",
        "name": "Kabupaten Blitar",
        "level": "regency",
        "parent_code": "35",
    }
    cities = client.get("/api/v1/regions", {"q": "blitar", "level": "city"}).json()
    assert [r["code"] for r in cities["items"]] == ["35.72"]
    in_jabar = client.get("/api/v1/regions", {"q": "kota", "parent": "32"}).json()
    assert in_jabar["count"] == 9 and all(r["parent_code"] == "32" for r in in_jabar["items"])
    assert client.get("/api/v1/regions", {"q": "35.05"}).json()["items"][0]["code"] == "35.05"
    assert client.get("/api/v1/regions", {"q": "x" * 101}).status_code == 422


def test_labels():
    assert label(region("35.05")) == "Kabupaten Blitar (35.05), Jawa Timur"
    assert label(region("35")) == "Jawa Timur (35)"
    with translation.override("en"):
        assert label(region("31.74")).startswith("Kota Administrasi Jakarta Selatan (31.74)")
