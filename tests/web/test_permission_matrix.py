"""Who may do what on the pages: role × action × own/other unit.

The draft and the submitted innovation belong to ``world.unit`` of ``world.agency``. People:
the unit's officer (own unit), a sibling unit's officer (same agency, other unit), another
agency's officer and admin, the agency's admin and viewer, a judge elsewhere, a person without
roles, a platform admin and an anonymous visitor.

Answers: 200/302 allowed; 403 may read the record but not do this; 404 may not even read it
(a draft's existence is not disclosed); "login" = sent to the sign-in page.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lumbung.catalog import services
from lumbung.catalog.models import Evidence, Innovation

from ..policy_world import PDF

pytestmark = pytest.mark.django_db

PEOPLE = (
    "officer",
    "sibling_officer",
    "other_officer",
    "admin",
    "other_admin",
    "viewer",
    "judge",
    "nobody",
    "platform_admin",
    "anonymous",
)
#: may read the unit's drafts (and their workspace pages)
READERS = {"officer", "admin", "viewer", "platform_admin"}
#: may change the unit's innovations
WRITERS = {"officer", "admin", "platform_admin"}
#: may publish or return the agency's innovations
REVIEWERS = {"admin", "platform_admin"}


def expected(who: str, allowed: set[str], ok: int, *, public_page: bool = False) -> int | str:
    if who in allowed:
        return ok
    if who == "anonymous" and not public_page:
        return "login"
    if who in READERS:
        return 403
    return 404


def _client_for(client, world, who):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    return client


def _check(response, want):
    if want == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == want, response.content.decode()[:500]


@pytest.mark.parametrize("who", PEOPLE)
def test_view_draft_page(client, world, who):
    c = _client_for(client, world, who)
    want = 200 if who in READERS else 404
    _check(c.get(f"/inovasi/{world.draft.slug}/"), want)


@pytest.mark.parametrize("who", PEOPLE)
def test_workspace_page_of_a_draft(client, world, who):
    c = _client_for(client, world, who)
    _check(c.get(f"/ruang-kerja/inovasi/{world.draft.slug}/"), expected(who, READERS, 200))


@pytest.mark.parametrize("who", PEOPLE)
def test_edit_draft(client, world, who):
    c = _client_for(client, world, who)
    _check(c.get(f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/"), expected(who, WRITERS, 200))
    before = Innovation.objects.get(pk=world.draft.pk).summary
    response = c.post(
        f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/",
        {"name": "Diubah", "stage": "creation", "team-TOTAL_FORMS": "0", "team-INITIAL_FORMS": "0"},
    )
    _check(response, expected(who, WRITERS, 302))
    changed = Innovation.objects.get(pk=world.draft.pk)
    assert (changed.name == "Diubah") == (who in WRITERS)
    if who not in WRITERS:
        assert changed.summary == before


@pytest.mark.parametrize("who", PEOPLE)
def test_upload_evidence(client, world, who):
    c = _client_for(client, world, who)
    upload = SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf")
    response = c.post(
        f"/ruang-kerja/inovasi/{world.draft.slug}/bukti/",
        {"evidence-kind": "implementation", "evidence-file": upload},
    )
    _check(response, expected(who, WRITERS, 302))
    assert Evidence.objects.filter(innovation=world.draft).exists() == (who in WRITERS)


@pytest.mark.parametrize("who", PEOPLE)
def test_download_draft_evidence(client, world, who):
    evidence = services.evidence_add(
        actor=world.officer,
        innovation=world.draft,
        kind="implementation",
        title="Bukti",
        upload=SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf"),
    )
    c = _client_for(client, world, who)
    want = 200 if who in READERS else 404
    _check(c.get(f"/inovasi/{world.draft.slug}/bukti/{evidence.pk}/"), want)


@pytest.mark.parametrize("who", PEOPLE)
def test_submit(client, world, who):
    c = _client_for(client, world, who)
    _check(
        c.post(f"/ruang-kerja/inovasi/{world.draft.slug}/ajukan/"),
        expected(who, WRITERS, 302),
    )
    state = Innovation.objects.get(pk=world.draft.pk).publication_state
    assert (state == "submitted") == (who in WRITERS)


@pytest.fixture
def submitted(world):
    services.innovation_submit(actor=world.officer, innovation=world.draft)
    return world


@pytest.mark.parametrize("who", PEOPLE)
def test_publish(client, submitted, who):
    world = submitted
    c = _client_for(client, world, who)
    _check(c.get(f"/tinjauan/{world.draft.slug}/"), expected(who, REVIEWERS, 200))
    _check(c.post(f"/tinjauan/{world.draft.slug}/terbitkan/"), expected(who, REVIEWERS, 302))
    state = Innovation.objects.get(pk=world.draft.pk).publication_state
    assert (state == "published") == (who in REVIEWERS)


@pytest.mark.parametrize("who", PEOPLE)
def test_return(client, submitted, who):
    world = submitted
    c = _client_for(client, world, who)
    response = c.post(f"/tinjauan/{world.draft.slug}/kembalikan/", {"reason": "Kurang bukti"})
    _check(response, expected(who, REVIEWERS, 302))
    state = Innovation.objects.get(pk=world.draft.pk).publication_state
    assert (state == "returned") == (who in REVIEWERS)


@pytest.mark.parametrize("who", PEOPLE)
def test_edit_another_agencys_published_innovation(client, world, who):
    """A published record is public, but only its own unit and agency may change it."""
    c = _client_for(client, world, who)
    slug = world.other_published.slug
    own = {"other_officer", "other_admin", "platform_admin"}
    if who in own:
        want: int | str = 200
    elif who == "anonymous":
        want = "login"
    else:
        want = 404  # no internal access to that agency: its workspace pages do not exist for them
    _check(c.get(f"/ruang-kerja/inovasi/{slug}/ubah/"), want)
    _check(c.get(f"/inovasi/{slug}/"), 200)
