"""The review queue: agency admins publish submitted innovations or return them with a reason."""

from __future__ import annotations

import pytest

from lumbung.catalog import services
from lumbung.catalog.models import Innovation

from .conftest import assert_accessible_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):
    services.innovation_submit(actor=world.officer, innovation=world.draft)
    services.innovation_submit(actor=world.other_officer, innovation=world.other_draft)
    world.draft.refresh_from_db()
    world.other_draft.refresh_from_db()
    return world


def test_queue_lists_own_agencys_submissions(client, submitted, login):
    login(submitted.admin)
    response = client.get("/tinjauan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible_markup(html)
    assert "Sheltered Workshop Peduli" in html and "Draf Kota Contoh" not in html
    assert 'href="/tinjauan/"' in html  # in the main navigation


def test_platform_admin_sees_every_submission(client, submitted, login):
    login(submitted.platform_admin)
    html = client.get("/tinjauan/").content.decode()
    assert "Sheltered Workshop Peduli" in html and "Draf Kota Contoh" in html


@pytest.mark.parametrize("who", ["officer", "viewer", "judge", "nobody"])
def test_queue_is_for_agency_admins(client, submitted, login, who):
    login(getattr(submitted, who))
    assert client.get("/tinjauan/").status_code == 403
    assert 'href="/tinjauan/"' not in client.get("/").content.decode()


def test_queue_needs_login(client, submitted):
    assert client.get("/tinjauan/").status_code == 302


def test_review_page_and_publish(client, submitted, login):
    login(submitted.admin)
    response = client.get(f"/tinjauan/{submitted.draft.slug}/")
    assert response.status_code == 200
    assert_accessible_markup(response.content.decode())
    response = client.post(f"/tinjauan/{submitted.draft.slug}/terbitkan/")
    assert response.status_code == 302 and response["Location"] == "/tinjauan/"
    submitted.draft.refresh_from_db()
    assert submitted.draft.publication_state == "published"
    client.logout()
    assert "Sheltered Workshop Peduli" in client.get("/inovasi/").content.decode()
    assert client.get(f"/inovasi/{submitted.draft.slug}/").status_code == 200


def test_return_needs_a_reason(client, submitted, login):
    login(submitted.admin)
    url = f"/tinjauan/{submitted.draft.slug}/kembalikan/"
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert_accessible_markup(html)
    assert (
        'id="id_reason_error"' in html
        and 'aria-describedby="id_reason_help id_reason_error"' in html
    )
    submitted.draft.refresh_from_db()
    assert submitted.draft.publication_state == "submitted"
    response = client.post(url, {"reason": "Lengkapi bukti pelaksanaan."})
    assert response.status_code == 302
    submitted.draft.refresh_from_db()
    assert submitted.draft.publication_state == "returned"
    assert submitted.draft.review_note == "Lengkapi bukti pelaksanaan."


def test_publishing_twice_shows_an_error(client, submitted, login):
    login(submitted.admin)
    client.post(f"/tinjauan/{submitted.draft.slug}/terbitkan/")
    response = client.post(f"/tinjauan/{submitted.draft.slug}/terbitkan/")
    assert response.status_code == 400
    assert "already published" in response.content.decode()
    assert Innovation.objects.get(pk=submitted.draft.pk).publication_state == "published"
