"""Two people editing one innovation's profile at once: what only one of them changed is merged
without a question; a field both changed is shown to the second with both versions, nothing is
written until they choose, and their choice is saved against the new version."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client

from lumbung.catalog import services
from lumbung.catalog.models import Innovation
from lumbung.core.models import AuditEntry
from lumbung.organisations.models import Role

from ..factories import UserFactory, grant
from .conftest import assert_accessible_markup
from .test_workspace import profile_data

pytestmark = pytest.mark.django_db


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return html_lib.unescape(match.group(1))


class Session:
    """One person's browser: loads the edit form, then posts it with some changes."""

    def __init__(self, user, innovation: Innovation) -> None:
        self.client = Client()
        self.client.force_login(user)
        self.url = f"/ruang-kerja/inovasi/{innovation.slug}/ubah/"
        self.innovation = innovation

    def load(self) -> str:
        response = self.client.get(self.url)
        assert response.status_code == 200
        self.html = response.content.decode()
        self.loaded = Innovation.objects.get(pk=self.innovation.pk)
        self.version = _hidden(self.html, "version")
        self.base = _hidden(self.html, "base")
        return self.html

    def save(self, **changes):
        data = profile_data(self.loaded, **changes)
        data.update(version=self.version, base=self.base)
        return self.client.post(self.url, data)

    def post_page(self, html: str, **changes):
        """Post the form as a page shows it (its hidden fields and values), with changes."""
        self.version, self.base = _hidden(html, "version"), _hidden(html, "base")
        self.loaded = Innovation.objects.get(pk=self.innovation.pk)
        data = profile_data(self.loaded)
        for name in ("summary", "problem", "novelty"):
            data[name] = _textarea(html, name)
        data.update(version=self.version, base=self.base)
        data["conflict"] = re.findall(r'<input type="hidden" name="conflict" value="([^"]+)"', html)
        data.update(changes)
        return self.client.post(self.url, data)


def _textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    assert match, name
    return html_lib.unescape(match.group(1))


@pytest.fixture
def two(world):
    """The unit's officer and a colleague of the same unit, both with the edit form open."""
    colleague = UserFactory(username="colleague", first_name="Budi", last_name="Santoso")
    grant(colleague, Role.UNIT_OFFICER, unit=world.unit)
    services.innovation_update(
        actor=world.officer,
        innovation=world.draft,
        data={"summary": "Ringkasan awal", "problem": "Masalah awal", "novelty": "Baru"},
    )
    first, second = Session(colleague, world.draft), Session(world.officer, world.draft)
    first.load()
    second.load()
    return first, second


def test_the_form_carries_its_version(world, two):
    first, _second = two
    assert first.version == str(Innovation.objects.get(pk=world.draft.pk).version)
    assert first.base  # signed values the form was loaded with


def test_different_fields_are_merged_without_a_question(world, two):
    first, second = two
    assert first.save(summary="Ringkasan dari Budi").status_code == 302
    response = second.save(problem="Masalah dari petugas")
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert stored.summary == "Ringkasan dari Budi"  # the first save is not overwritten
    assert stored.problem == "Masalah dari petugas"
    page = second.client.get(response["Location"]).content.decode()
    assert "Changes saved meanwhile by others were kept: summary." in page


def test_the_same_field_asks_the_second_person_and_writes_nothing(world, two):
    first, second = two
    first.save(summary="Ringkasan dari Budi", novelty="Kebaruan dari Budi")
    version = Innovation.objects.get(pk=world.draft.pk).version
    audit_count = AuditEntry.objects.count()
    response = second.save(summary="Ringkasan dari petugas", problem="Masalah dari petugas")
    assert response.status_code == 409
    html = response.content.decode()
    assert_accessible_markup(html)
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert (stored.summary, stored.problem, stored.version) == (
        "Ringkasan dari Budi",
        "Masalah awal",
        version,
    )
    assert AuditEntry.objects.count() == audit_count
    # the summary names each conflict with who saved it; each conflict is a fieldset
    assert 'class="error-summary conflicts" id="conflicts" tabindex="-1"' in html
    assert 'href="#conflict-summary"' in html
    assert "What Budi Santoso saved at" in html
    assert '<fieldset class="conflict" id="conflict-summary">' in html
    assert "<legend>Changed by both: summary</legend>" in html
    assert "Ringkasan dari Budi" in html and "Ringkasan dari petugas" in html
    assert 'id="conflict-problem"' not in html  # only one of them changed the problem
    assert 'id="conflict-novelty"' not in html
    # the form now carries the new version, what the person changed alone is kept, and the
    # other's change to a field they did not touch is shown
    assert _hidden(html, "version") == str(version)
    assert _textarea(html, "problem") == "Masalah dari petugas"
    assert _textarea(html, "novelty") == "Kebaruan dari Budi"
    assert _textarea(html, "summary") == "Ringkasan dari petugas"
    assert "<title>Conflicting changes:" in html


@pytest.mark.parametrize(
    ("choice", "summary"),
    [("theirs", "Ringkasan dari Budi"), ("mine", "Ringkasan dari petugas, disunting")],
)
def test_the_choice_is_saved_against_the_new_version(world, two, choice, summary):
    first, second = two
    first.save(summary="Ringkasan dari Budi")
    page = second.save(summary="Ringkasan dari petugas", problem="Masalah dari petugas")
    html = page.content.decode()
    response = second.post_page(
        html, summary="Ringkasan dari petugas, disunting", **{"keep-summary": choice}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert stored.summary == summary
    assert stored.problem == "Masalah dari petugas"


def test_a_conflict_without_a_choice_is_asked_again(world, two):
    first, second = two
    first.save(summary="Ringkasan dari Budi")
    html = second.save(summary="Ringkasan dari petugas").content.decode()
    response = second.post_page(html)
    assert response.status_code == 409
    again = response.content.decode()
    assert "Choose which version to keep." in again
    assert 'aria-describedby="conflict-summary-error"' in again
    assert Innovation.objects.get(pk=world.draft.pk).summary == "Ringkasan dari Budi"


def test_both_changing_the_team_is_a_conflict(world, two):
    first, second = two
    first.save(**{"team-0-name": "Sri", "team-0-role_title": "Ketua"})
    response = second.save(**{"team-0-name": "Wati", "team-0-role_title": ""})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict-team"' in html and "Sri — Ketua" in html
    assert list(Innovation.objects.get(pk=world.draft.pk).team.values_list("name")) == [("Sri",)]


def test_a_status_change_meanwhile_does_not_stop_a_profile_edit(world, two):
    import datetime as dt

    _first, second = two
    services.innovation_set_status(
        actor=world.admin,
        innovation=world.draft,
        status=Innovation.Status.STOPPED,
        date=dt.date(2024, 1, 1),
        reason="Anggaran habis",
    )
    response = second.save(summary="Ringkasan baru")
    assert response.status_code == 302
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert (stored.summary, stored.status) == ("Ringkasan baru", Innovation.Status.STOPPED)


def test_a_form_with_errors_keeps_the_version_it_was_loaded_with(world, two):
    first, second = two
    loaded_version = second.version
    first.save(summary="Ringkasan dari Budi")
    response = second.save(name="", summary="Ringkasan dari petugas")
    assert response.status_code == 400
    html = response.content.decode()
    assert _hidden(html, "version") == loaded_version  # so the next save is still checked
    assert _hidden(html, "base") == second.base


def test_a_tampered_base_is_not_trusted(world, two):
    first, second = two
    first.save(summary="Ringkasan dari Budi")
    second.base = "rusak"
    # without its base, a field the other person changed and the form has differently is
    # asked about, even if this person did not touch it
    response = second.save(problem="Masalah dari petugas")
    assert response.status_code == 409
    assert 'id="conflict-summary"' in response.content.decode()
    assert Innovation.objects.get(pk=world.draft.pk).problem == "Masalah awal"


def test_only_conflicting_changes_keep_the_others_other_changes(world, two):
    """The second person changed only the field in conflict: the other's change to another field
    is shown (and kept) on the conflict page, not the value the form was loaded with."""
    first, second = two
    first.save(summary="Ringkasan dari Budi", problem="Masalah dari Budi")
    html = second.save(summary="Ringkasan dari petugas").content.decode()
    assert _textarea(html, "problem") == "Masalah dari Budi"
    response = second.post_page(html, **{"keep-summary": "mine"})
    assert response.status_code == 302
    stored = Innovation.objects.get(pk=world.draft.pk)
    assert (stored.summary, stored.problem) == ("Ringkasan dari petugas", "Masalah dari Budi")
