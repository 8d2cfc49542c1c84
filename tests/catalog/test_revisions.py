"""Changes to a published innovation wait for its agency's review (issue 13): the unit's officer
proposes, the public keeps the published values, the agency's innovation admin approves or
rejects with a reason; others neither see nor decide."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lumbung.catalog import revisions, services
from lumbung.catalog.models import Innovation, InnovationRevision
from lumbung.core.models import AuditEntry
from lumbung.notifications.models import Notification
from lumbung.search import selectors as search
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

NEW_NAME = "Baris Ditebas Plus"
NEW_SUMMARY = "Layanan keliling memakai perahu nelayan untuk warga pulau."


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _api(user=None) -> ApiClient:
    return ApiClient(Client()).as_user(user)


def _found(query: str, user=None) -> list[int]:
    return [h.innovation.pk for h in search.search_innovations(query, None, user).hits]


def _edit_page_post(client: Client, innovation: Innovation, **changes: str):
    """Post the edit page as loaded (its version and base), with ``changes`` typed in."""
    page = client.get(f"/ruang-kerja/inovasi/{innovation.slug}/ubah/")
    assert page.status_code == 200
    form = page.context["form"]
    data: dict[str, object] = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, ""):
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    team = page.context["team"]
    data.update({f"team-{k}": v for k, v in team.management_form.initial.items()})
    for i, member in enumerate(team.forms):
        for key in ("name", "role_title"):
            data[f"team-{i}-{key}"] = member[key].value() or ""
    data["version"] = page.context["version"]
    data["base"] = page.context["base"]
    data.update(changes)
    return client.post(f"/ruang-kerja/inovasi/{innovation.slug}/ubah/", data)


def _propose(world, **data):
    return revisions.innovation_edit(actor=world.officer, innovation=world.published, data=data)


# --- the rule ----------------------------------------------------------------------------------


def test_an_officer_editing_a_published_innovation_proposes_and_the_public_sees_the_old(world):
    old_name, old_summary = world.published.name, world.published.summary
    world.published.refresh_from_db()
    version = world.published.version
    response = _edit_page_post(
        _client(world.officer), world.published, name=NEW_NAME, summary=NEW_SUMMARY
    )
    assert response.status_code == 302
    stored = Innovation.objects.get(pk=world.published.pk)
    assert (stored.name, stored.summary, stored.version) == (old_name, old_summary, version)
    revision = InnovationRevision.objects.get(innovation=world.published)
    assert revision.state == "pending"
    assert revision.proposed == {"name": NEW_NAME, "summary": NEW_SUMMARY}
    assert revision.base == {"name": old_name, "summary": old_summary}
    assert revision.proposed_by == world.officer
    # the public page and the API show the published values
    page = _client().get(f"/inovasi/{world.published.slug}/").content.decode()
    assert old_name in page and NEW_NAME not in page and "nelayan" not in page
    assert "A change is waiting for review" not in page
    body = _api().get(f"/innovations/{world.published.slug}").json()
    assert (body["name"], body["summary"]) == (old_name, old_summary)
    # the unit sees that a change waits, on its edit page and the innovation's pages
    officer = _client(world.officer)
    for path in (
        f"/ruang-kerja/inovasi/{world.published.slug}/",
        f"/ruang-kerja/inovasi/{world.published.slug}/ubah/",
        f"/inovasi/{world.published.slug}/",
    ):
        assert "A change is waiting for review" in officer.get(path).content.decode(), path
    # the edit page goes on from the proposal
    edit = officer.get(f"/ruang-kerja/inovasi/{world.published.slug}/ubah/")
    assert edit.context["form"]["name"].value() == NEW_NAME
    # the agency's innovation admins are told, with a link to the change
    note = Notification.objects.get(kind="innovation.revision_proposed", user=world.admin)
    assert note.url == f"/ruang-kerja/inovasi/{world.published.slug}/perubahan/"
    assert not Notification.objects.filter(
        kind="innovation.revision_proposed", user=world.other_admin
    ).exists()


def test_the_service_refuses_a_direct_write_of_a_published_profile_by_the_unit(world):
    with pytest.raises(PermissionDenied):
        services.innovation_update(
            actor=world.officer, innovation=world.published, data={"summary": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.team_set(actor=world.officer, innovation=world.published, members=[{"name": "A"}])
    assert not world.published.team.exists()


def test_drafts_are_still_edited_directly(world):
    result = revisions.innovation_edit(
        actor=world.officer, innovation=world.draft, data={"summary": NEW_SUMMARY}
    )
    assert result.revision is None
    world.draft.refresh_from_db()
    assert world.draft.summary == NEW_SUMMARY
    assert not InnovationRevision.objects.exists()
    response = _edit_page_post(_client(world.officer), world.draft, name="Draf Baru")
    assert response.status_code == 302
    assert Innovation.objects.get(pk=world.draft.pk).name == "Draf Baru"
    assert not InnovationRevision.objects.exists()


def test_the_agency_admin_edits_a_published_innovation_at_once_audited(world):
    result = revisions.innovation_edit(
        actor=world.admin, innovation=world.published, data={"summary": NEW_SUMMARY}
    )
    assert result.revision is None
    assert Innovation.objects.get(pk=world.published.pk).summary == NEW_SUMMARY
    entry = AuditEntry.objects.filter(action="innovation.update").latest("id")
    assert entry.actor == world.admin
    assert entry.changes["summary"][1] == NEW_SUMMARY


def test_a_second_edit_updates_the_same_pending_revision(world):
    first = _propose(world, name=NEW_NAME).revision
    second = _propose(world, summary=NEW_SUMMARY).revision
    assert first is not None and second is not None
    assert second.pk == first.pk
    assert InnovationRevision.objects.filter(innovation=world.published).count() == 1
    assert second.proposed == {"name": NEW_NAME, "summary": NEW_SUMMARY}
    # told once, when the change was first proposed
    assert Notification.objects.filter(kind="innovation.revision_proposed").count() == 1
    # an edit back to the published values withdraws it
    result = _propose(world, name=world.published.name, summary=world.published.summary)
    assert result.withdrawn and result.revision is None
    assert InnovationRevision.objects.get(pk=first.pk).state == "withdrawn"


def test_a_proposal_is_validated_when_proposed(world):
    with pytest.raises(ValidationError) as exc:
        _propose(world, video_url="not a link")
    assert "video_url" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _propose(world, slug="taken-over")
    assert not InnovationRevision.objects.exists()


# --- approval and rejection --------------------------------------------------------------------


def test_approval_makes_the_values_public_audited_and_searchable(world):
    assert world.published.pk not in _found("nelayan")
    _propose(world, name=NEW_NAME, summary=NEW_SUMMARY, sdgs=[14])
    assert world.published.pk not in _found("nelayan")  # not before approval
    admin = _client(world.admin)
    page = admin.get(f"/ruang-kerja/inovasi/{world.published.slug}/perubahan/")
    assert page.status_code == 200
    changes = {c.name: c for c in page.context["changes"]}
    assert changes["name"].published == "Baris Ditebas"
    assert changes["name"].proposed == NEW_NAME
    assert "14." in changes["sdgs"].proposed
    assert NEW_NAME in page.content.decode()
    response = admin.post(f"/ruang-kerja/inovasi/{world.published.slug}/perubahan/setujui/")
    assert response.status_code == 302
    stored = Innovation.objects.get(pk=world.published.pk)
    assert (stored.name, stored.summary) == (NEW_NAME, NEW_SUMMARY)
    assert list(stored.sdgs.values_list("number", flat=True)) == [14]
    assert stored.publication_state == "published"
    revision = InnovationRevision.objects.get(innovation=stored)
    assert (revision.state, revision.decided_by) == ("approved", world.admin)
    update = AuditEntry.objects.filter(action="innovation.update").latest("id")
    assert update.actor == world.admin and update.changes["name"] == ["Baris Ditebas", NEW_NAME]
    assert AuditEntry.objects.filter(action="revision.approve", object_id=str(revision.pk))
    assert world.published.pk in _found("nelayan")
    assert NEW_NAME in _client().get(f"/inovasi/{stored.slug}/").content.decode()
    assert _api().get(f"/innovations/{stored.slug}").json()["name"] == NEW_NAME
    assert Notification.objects.filter(kind="innovation.revision_decided", user=world.officer)


def test_rejection_keeps_the_old_values_and_shows_the_reason_to_the_unit(world):
    _propose(world, summary=NEW_SUMMARY)
    admin = _client(world.admin)
    path = f"/ruang-kerja/inovasi/{world.published.slug}/perubahan/tolak/"
    assert admin.post(path, {"reason": ""}).status_code == 400
    response = admin.post(path, {"reason": "Sumber angka belum jelas."})
    assert response.status_code == 302
    assert Innovation.objects.get(pk=world.published.pk).summary != NEW_SUMMARY
    revision = InnovationRevision.objects.get(innovation=world.published)
    assert (revision.state, revision.reason) == ("rejected", "Sumber angka belum jelas.")
    page = _client(world.officer).get(f"/ruang-kerja/inovasi/{world.published.slug}/")
    assert "Sumber angka belum jelas." in page.content.decode()
    note = Notification.objects.get(kind="innovation.revision_decided", user=world.officer)
    assert "Sumber angka belum jelas." in note.text
    # nothing waits any more: the page of the change is gone
    assert admin.get(f"/ruang-kerja/inovasi/{world.published.slug}/perubahan/").status_code == 404


def test_approval_refuses_to_overwrite_what_the_agency_changed_meanwhile(world):
    _propose(world, summary=NEW_SUMMARY)
    services.innovation_update(
        actor=world.admin, innovation=world.published, data={"summary": "Ringkasan admin."}
    )
    revision = revisions.pending_revision(world.published)
    with pytest.raises(ValidationError):
        revisions.revision_approve(actor=world.admin, revision=revision)
    assert Innovation.objects.get(pk=world.published.pk).summary == "Ringkasan admin."
    assert InnovationRevision.objects.get(pk=revision.pk).state == "pending"


# --- who may see and decide ----------------------------------------------------------------------


def test_others_neither_see_nor_decide_the_pending_change(world):
    _propose(world, summary=NEW_SUMMARY)
    slug = world.published.slug
    page = f"/ruang-kerja/inovasi/{slug}/perubahan/"
    for outsider in (world.other_officer, world.other_admin, world.sibling_officer, world.nobody):
        client = _client(outsider)
        assert client.get(page).status_code == 404, outsider
        assert client.post(page + "setujui/").status_code == 404, outsider
        assert client.post(page + "tolak/", {"reason": "x"}).status_code == 404, outsider
        api = _api(outsider)
        assert api.get(f"/innovations/{slug}/revision").status_code == 404
        assert api.post(f"/innovations/{slug}/revision/approve").status_code == 404
        assert api.post(f"/innovations/{slug}/revision/reject", {"reason": "x"}).status_code == 404
        public = _client(outsider).get(f"/inovasi/{slug}/").content.decode()
        assert "nelayan" not in public and "waiting for review" not in public
    # the anonymous visitor: sent to sign in; the API asks who is calling
    assert _client().get(page).status_code == 302
    assert _api().get(f"/innovations/{slug}/revision").status_code == 401
    # the unit's own officer and the agency's viewer read it but may not decide
    for reader in (world.officer, world.viewer):
        client = _client(reader)
        assert client.get(page).status_code == 200
        assert client.post(page + "setujui/").status_code == 403
        assert _api(reader).post(f"/innovations/{slug}/revision/approve").status_code == 403
    assert revisions.pending_revision(world.published) is not None
    assert Innovation.objects.get(pk=world.published.pk).summary != NEW_SUMMARY
    # the review queue lists it for its agency's admin only
    assert list(revisions.revisions_to_review(world.admin)) == [
        revisions.pending_revision(world.published)
    ]
    assert not revisions.revisions_to_review(world.other_admin).exists()
    assert NEW_SUMMARY not in _client(world.other_admin).get("/tinjauan/").content.decode()
    assert world.published.name in _client(world.admin).get("/tinjauan/").content.decode()


# --- the API -------------------------------------------------------------------------------------


def test_the_api_patch_of_a_published_innovation_answers_202_with_the_pending_change(world):
    slug = world.published.slug
    officer = _api(world.officer)
    response = officer.patch(f"/innovations/{slug}", {"name": NEW_NAME, "summary": NEW_SUMMARY})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "pending" and body["innovation"] == slug
    assert {c["field"]: c["proposed"] for c in body["changes"]} == {
        "name": NEW_NAME,
        "summary": NEW_SUMMARY,
    }
    assert _api().get(f"/innovations/{slug}").json()["name"] == "Baris Ditebas"
    assert officer.get(f"/innovations/{slug}/revision").json()["id"] == body["id"]
    # the same rule for a second PATCH: the same change, updated
    again = officer.patch(f"/innovations/{slug}", {"acronym": "BDP"})
    assert again.status_code == 202 and again.json()["id"] == body["id"]
    # the reviewer rejects, then approves a new proposal
    admin = _api(world.admin)
    reason = {"reason": "Nama terlalu panjang"}
    rejected = admin.post(f"/innovations/{slug}/revision/reject", reason)
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert _api().get(f"/innovations/{slug}").json()["name"] == "Baris Ditebas"
    assert officer.patch(f"/innovations/{slug}", {"name": NEW_NAME}).status_code == 202
    approved = admin.post(f"/innovations/{slug}/revision/approve")
    assert approved.status_code == 200 and approved.json()["name"] == NEW_NAME
    assert _api().get(f"/innovations/{slug}").json()["name"] == NEW_NAME
    # the agency admin's own PATCH is written at once
    direct = admin.patch(f"/innovations/{slug}", {"acronym": "BD2"})
    assert direct.status_code == 200 and direct.json()["acronym"] == "BD2"
    # a draft's PATCH by its officer too
    draft = officer.patch(f"/innovations/{world.draft.slug}", {"summary": NEW_SUMMARY})
    assert draft.status_code == 200 and draft.json()["summary"] == NEW_SUMMARY
