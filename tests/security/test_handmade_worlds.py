"""Worlds built by hand, not by the demo loader: units made through the Django admin, the API,
the importer and a data migration (historical models, which bypass every service). In each, an
officer of one agency's unit sees and changes nothing of another agency's units — drafts,
projects, commitments, attendees — on pages, the API and search; and an officer of a parent unit
does act on the unit below it (the tree works, it just never widens beyond itself)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from lumbung.catalog.importing import import_innovations
from lumbung.catalog.models import Innovation
from lumbung.core.actors import SYSTEM
from lumbung.events import services as event_services
from lumbung.organisations import services as org_services
from lumbung.organisations.models import Agency, Membership, Role, Unit, User
from lumbung.replication import services as rep_services
from tests.factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db

BUILDERS = ["admin", "api", "import", "migration"]


def _admin_client(root) -> Client:
    c = Client()
    c.force_login(root)
    return c


def _build_with_admin(root) -> dict[str, Unit]:
    c = _admin_client(root)
    for name, slug in (("Kementerian Satu", "satu"), ("Pemerintah Kota Dua", "dua")):
        response = c.post(
            "/admin/organisations/agency/add/",
            {"name": name, "slug": slug, "kind": "ministry", "short_name": "", "website": ""},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    one, two = Agency.objects.get(slug="satu"), Agency.objects.get(slug="dua")

    def unit(agency, name, slug, parent=None):
        response = c.post(
            "/admin/organisations/unit/add/",
            {
                "agency": agency.pk,
                "parent": parent.pk if parent else "",
                "name": name,
                "short_name": "",
                "slug": slug,
                "kind": "sentra",
                "region": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return Unit.objects.get(agency=agency, slug=slug)

    top = unit(one, "Direktorat Satu", "direktorat-satu")
    below = unit(one, "Sentra Satu", "sentra-satu", parent=top)
    foreign = unit(two, "Dinas Dua", "dinas-dua")
    return {"top": top, "below": below, "foreign": foreign}


def _build_with_api(root) -> dict[str, Unit]:
    c = Client()
    c.force_login(root)

    def post(path, body):
        response = c.post(f"/api/v1{path}", json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content
        return response.json()

    one = post("/agencies", {"name": "Kementerian Satu", "kind": "ministry"})
    two = post("/agencies", {"name": "Pemerintah Kota Dua", "kind": "city"})
    top = post("/units", {"agency": one["id"], "name": "Direktorat Satu"})
    below = post("/units", {"agency": one["id"], "name": "Sentra Satu", "parent": top["id"]})
    foreign = post("/units", {"agency": two["id"], "name": "Dinas Dua", "kind": "dinas"})
    return {
        k: Unit.objects.get(pk=v["id"])
        for k, v in (("top", top), ("below", below), ("foreign", foreign))
    }


def _build_with_import(root) -> dict[str, Unit]:
    header = "name,acronym_expansion,agency,unit,year,award,sector,problem,solution,source_url\n"
    rows = [
        "Inovasi Satu,,Kementerian Satu,Direktorat Satu,2020,,social,Masalah,Solusi,https://a.id",
        "Inovasi Dua,,Pemerintah Kota Dua,Dinas Dua,2020,,social,Masalah,Solusi,https://b.id",
    ]
    report = import_innovations(io.BytesIO((header + "\n".join(rows)).encode()), filename="x.csv")
    assert report.ok, [str(p) for p in report.problems]
    one = Agency.objects.get(name="Kementerian Satu")
    top = Unit.objects.get(agency=one, name="Direktorat Satu")
    below = org_services.unit_create(actor=SYSTEM, agency=one, name="Sentra Satu", parent=top)
    foreign = Unit.objects.get(name="Dinas Dua")
    return {"top": top, "below": below, "foreign": foreign}


def _build_with_migration(root) -> dict[str, Unit]:
    """As a data migration would: the historical models, no service, no clean(), no save()."""
    state = MigrationExecutor(connection).loader.project_state()
    HAgency = state.apps.get_model("organisations", "Agency")
    HUnit = state.apps.get_model("organisations", "Unit")
    one = HAgency.objects.create(name="Kementerian Satu", slug="satu", kind="ministry")
    two = HAgency.objects.create(name="Pemerintah Kota Dua", slug="dua", kind="city")
    top = HUnit.objects.create(agency=one, name="Direktorat Satu", slug="direktorat-satu")
    below = HUnit.objects.create(agency=one, name="Sentra Satu", slug="sentra-satu", parent=top)
    foreign = HUnit.objects.create(agency=two, name="Dinas Dua", slug="dinas-dua")
    return {
        k: Unit.objects.get(pk=u.pk)
        for k, u in (("top", top), ("below", below), ("foreign", foreign))
    }


BUILD = {
    "admin": _build_with_admin,
    "api": _build_with_api,
    "import": _build_with_import,
    "migration": _build_with_migration,
}


@pytest.fixture(params=BUILDERS)
def handmade(request):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    units = BUILD[request.param](root)
    w = type("W", (), {})()
    w.how = request.param
    w.top, w.below, w.foreign = units["top"], units["below"], units["foreign"]
    # people, granted through the API as an admin would
    c = Client()
    c.force_login(root)
    w.top_officer = UserFactory(username="petugas_atas")
    w.below_officer = UserFactory(username="petugas_bawah")
    w.foreign_officer = UserFactory(username="petugas_asing")
    for user, unit in (
        (w.top_officer, w.top),
        (w.below_officer, w.below),
        (w.foreign_officer, w.foreign),
    ):
        response = c.post(
            "/api/v1/memberships",
            json.dumps(
                {
                    "user": user.username,
                    "role": "unit_officer",
                    "agency": unit.agency_id,
                    "unit": unit.pk,
                }
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    # records of agency one, made by its own people
    w.draft = InnovationFactory(unit=w.below, name="Draf Rahasia Sentra")
    w.published = InnovationFactory(
        unit=w.top, name="Inovasi Terbit Direktorat", publication_state="published"
    )
    w.foreign_published = InnovationFactory(
        unit=w.foreign, name="Inovasi Kota Dua", publication_state="published"
    )
    w.project = rep_services.project_start(
        actor=w.below_officer,
        source=w.published,
        adopting_unit=w.below,
        declared_form="adaptation",
    )
    w.commitment = rep_services.commitment_create(
        actor=w.below_officer,
        owner_unit=w.below,
        description="Komitmen internal",
        due_date=timezone.localdate(),
        project=w.project,
    )
    start = timezone.now() + dt.timedelta(days=5)
    w.event = event_services.event_create(
        actor=w.top_officer,
        host_unit=w.top,
        title="Acara Direktorat",
        summary="Ringkasan",
        starts_at=start,
        showcased=[w.published],
        venue="Aula",
    )
    event_services.invitations_add(actor=w.top_officer, event=w.event, units=[w.below])
    event_services.event_publish(actor=w.top_officer, event=w.event)
    event_services.registrations_create(
        actor=w.below_officer,
        event=w.event,
        invitation=w.event.invitations.get(unit=w.below),
        attendees=[{"name": "Ibu Rahasia", "accessibility_needs": "Kursi roda"}],
    )
    return w


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_unit_tree_is_whole_whoever_built_it(handmade):
    assert list(Unit.objects.ancestors(handmade.below)) == [handmade.top]
    assert set(Unit.objects.descendants(handmade.top, include_self=True)) == {
        handmade.top,
        handmade.below,
    }
    assert set(Unit.objects.descendants(handmade.foreign, include_self=True)) == {handmade.foreign}


def test_a_foreign_officer_changes_nothing(handmade):
    c = _client(handmade.foreign_officer)
    before = Innovation.objects.get(pk=handmade.published.pk)
    api = "/api/v1/innovations/" + handmade.published.slug
    for method, path, body in (
        ("patch", api, {"summary": "diubah orang lain"}),
        ("post", api + "/awards", {"level": "top_99", "year": 2023}),
        ("post", api + "/status", {"status": "stopped", "reason": "dihentikan"}),
        ("patch", f"/api/v1/projects/{handmade.project.pk}", {"team": "orang lain"}),
        ("patch", f"/api/v1/commitments/{handmade.commitment.pk}", {"status": "done"}),
    ):
        response = getattr(c, method)(path, json.dumps(body), content_type="application/json")
        assert response.status_code in (403, 404), (method, path, response.status_code)
    after = Innovation.objects.get(pk=handmade.published.pk)
    assert (after.summary, after.status, after.awards.count()) == (
        before.summary,
        before.status,
        0,
    )
    handmade.project.refresh_from_db()
    handmade.commitment.refresh_from_db()
    assert handmade.project.team == "" and handmade.commitment.status == "open"


def test_a_foreign_officer_reads_no_drafts_projects_commitments_or_attendees(handmade):
    c = _client(handmade.foreign_officer)
    draft = handmade.draft
    assert c.get(f"/api/v1/innovations/{draft.slug}").status_code == 404
    assert c.get(f"/inovasi/{draft.slug}/").status_code == 404
    assert c.get(f"/ruang-kerja/inovasi/{draft.slug}/").status_code == 404
    listed = c.get("/api/v1/innovations", {"state": "all", "page_size": 100}).json()["items"]
    assert draft.slug not in {i["slug"] for i in listed}
    hits = c.get("/api/v1/search/", {"q": "draf rahasia sentra"}).json()["hits"]
    assert draft.name not in {h["name"] for h in hits}
    assert draft.name not in c.get("/cari/", {"q": "draf rahasia sentra"}).content.decode()
    assert c.get(f"/api/v1/projects/{handmade.project.pk}").status_code == 404
    assert c.get(f"/replikasi/proyek/{handmade.project.pk}/").status_code == 404
    assert c.get("/api/v1/projects").json()["count"] == 0
    assert c.get(f"/api/v1/commitments/{handmade.commitment.pk}").status_code == 404
    assert c.get(f"/replikasi/komitmen/{handmade.commitment.pk}/").status_code == 404
    assert c.get("/api/v1/commitments").json()["count"] == 0
    slug = handmade.event.slug
    assert c.get(f"/api/v1/events/{slug}/registrations").status_code in (403, 404)
    assert c.get(f"/acara/{slug}/kehadiran/").status_code in (403, 404)
    assert c.get(f"/acara/{slug}/laporan/").status_code in (403, 404)
    assert "Ibu Rahasia" not in c.get(f"/acara/{slug}/").content.decode()


def test_the_officer_above_acts_on_the_unit_below_and_only_there(handmade):
    c = _client(handmade.top_officer)
    assert c.get(f"/api/v1/innovations/{handmade.draft.slug}").status_code == 200
    response = c.patch(
        f"/api/v1/innovations/{handmade.draft.slug}",
        json.dumps({"summary": "Diperbarui atasan"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    below = _client(handmade.below_officer)
    response = below.patch(
        f"/api/v1/innovations/{handmade.published.slug}",
        json.dumps({"summary": "bawahan tidak boleh"}),
        content_type="application/json",
    )
    assert response.status_code in (403, 404)


def test_a_unit_whose_parent_is_in_another_agency_widens_nothing(handmade):
    """Even when the data is wrong (a parent across agencies, written behind the services'
    back), the foreign agency's officer gains nothing below that parent."""
    Unit.objects.filter(pk=handmade.below.pk).update(parent=handmade.foreign)
    c = _client(handmade.foreign_officer)
    assert c.get(f"/api/v1/innovations/{handmade.draft.slug}").status_code == 404
    assert (
        Membership.objects.filter(user=handmade.foreign_officer, role=Role.UNIT_OFFICER).count()
        == 1
    )


def test_a_change_to_a_published_innovation_waits_for_review_whoever_built_the_world(handmade):
    """The review rule on a world built by pages, API, import or migration: the unit proposes,
    the public keeps the published text, another agency neither reads nor decides, an admin
    approves."""
    api = "/api/v1/innovations/" + handmade.published.slug
    before = Innovation.objects.get(pk=handmade.published.pk).summary
    officer = _client(handmade.top_officer)
    response = officer.patch(
        api, json.dumps({"summary": "Ringkasan baru usulan unit"}), content_type="application/json"
    )
    assert response.status_code == 202, response.content
    assert Client().get(api).json()["summary"] == before
    foreign = _client(handmade.foreign_officer)
    assert foreign.get(api + "/revision").status_code == 404
    assert foreign.post(api + "/revision/approve").status_code in (403, 404)
    assert Innovation.objects.get(pk=handmade.published.pk).summary == before
    root = _client(User.objects.get(username="root"))
    assert root.post(api + "/revision/approve").status_code == 200
    assert Client().get(api).json()["summary"] == "Ringkasan baru usulan unit"


@pytest.mark.django_db(transaction=True)  # a change counts once committed, as in production
def test_kept_public_pages_show_no_draft_and_follow_an_approved_change(handmade, settings):
    """With public pages kept for anonymous visitors (lumbung.core.pagecache), on a world built by
    pages, API, import or migration: what an officer may read is never kept for anyone else, and
    an approved change to a published innovation shows at once."""
    settings.LUMBUNG_PUBLIC_PAGE_SECONDS = 60
    draft_page = f"/inovasi/{handmade.draft.slug}/"
    published_page = f"/inovasi/{handmade.published.slug}/"
    anonymous = Client()
    assert handmade.draft.name not in anonymous.get("/inovasi/").content.decode()
    assert anonymous.get(draft_page).status_code == 404
    before = anonymous.get(published_page).content
    assert anonymous.get(published_page).content == before  # kept

    assert _client(handmade.below_officer).get(draft_page).status_code == 200
    assert _client(handmade.foreign_officer).get(draft_page).status_code == 404
    assert anonymous.get(draft_page).status_code == 404
    assert handmade.draft.name not in anonymous.get("/inovasi/").content.decode()

    api = "/api/v1/innovations/" + handmade.published.slug
    proposed = _client(handmade.top_officer).patch(
        api, json.dumps({"summary": "Ringkasan yang disetujui"}), content_type="application/json"
    )
    assert proposed.status_code == 202
    assert "Ringkasan yang disetujui" not in anonymous.get(published_page).content.decode()
    approved = _client(User.objects.get(username="root")).post(api + "/revision/approve")
    assert approved.status_code == 200
    assert "Ringkasan yang disetujui" in anonymous.get(published_page).content.decode()
