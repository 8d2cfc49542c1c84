"""Paths between pages (issue 10): the innovation picker and "Replicate this innovation", the
innovation page's links to its programmes, events and projects, one count of replications, and
buttons shown only to whoever may use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lumbung.catalog.innovation_picker import innovation_label
from lumbung.replication.models import ReplicationProject, Stage
from lumbung.replication.related import running_replications_count

from ..factories import InnovationFactory
from .conftest import advance

NEW = "/replikasi/proyek/baru/"


def _start(client, rep, source_text):
    return client.post(
        NEW,
        {
            "source": source_text,
            "adopting_unit": rep.other_unit.pk,
            "declared_form": "adaptation",
        },
    )


@pytest.mark.django_db
class TestInnovationPicker:
    def test_the_name_works_not_only_the_address(self, rep, client):
        rep.project.delete()
        swp = InnovationFactory(
            unit=rep.unit,
            name="Sheltered Workshop Peduli",
            acronym="SWP",
            publication_state="published",
        )
        client.force_login(rep.other_officer)
        response = _start(client, rep, "Sheltered Workshop Peduli")
        assert response.status_code == 302, response.content.decode()[:2000]
        assert ReplicationProject.objects.get(adopting_unit=rep.other_unit).source == swp

    @pytest.mark.parametrize("how", ["label", "acronym", "address", "slug"])
    def test_a_label_an_acronym_or_the_address(self, rep, client, how):
        rep.project.delete()
        swp = InnovationFactory(
            unit=rep.unit,
            name="Sheltered Workshop Peduli",
            acronym="SWP",
            publication_state="published",
        )
        text = {
            "label": innovation_label(swp),
            "acronym": "swp",
            "address": f"http://testserver/inovasi/{swp.slug}/",
            "slug": swp.slug,
        }[how]
        client.force_login(rep.other_officer)
        assert _start(client, rep, text).status_code == 302
        assert ReplicationProject.objects.get(adopting_unit=rep.other_unit).source == swp

    def test_an_unknown_name_says_how_to_choose(self, rep, client):
        client.force_login(rep.other_officer)
        response = _start(client, rep, "Tidak Ada Inovasi Begini")
        assert response.status_code == 400
        assert "is not an innovation you can choose here" in response.content.decode()

    def test_another_agencys_draft_cannot_be_chosen_or_found(self, rep, client):
        client.force_login(rep.other_officer)
        response = _start(client, rep, rep.draft.name)
        assert response.status_code == 400
        options = client.get("/pilih-inovasi/", {"q": rep.draft.name}).content.decode()
        assert 'role="option"' not in options
        assert "No innovation matches" in options

    def test_the_search_offers_name_acronym_and_unit(self, rep, client):
        InnovationFactory(
            unit=rep.unit,
            name="Sheltered Workshop Peduli",
            acronym="SWP",
            publication_state="published",
        )
        client.force_login(rep.other_officer)
        options = client.get("/pilih-inovasi/", {"q": "swp"}).content.decode()
        assert 'role="option"' in options
        assert f"Sheltered Workshop Peduli (SWP) — {rep.unit.name}" in options
        assert "1 innovation found" in options

    def test_the_label_does_not_repeat_an_acronym_in_the_name(self, rep):
        twice = InnovationFactory(
            unit=rep.unit, name="Sheltered Workshop Peduli (SWP)", acronym="SWP"
        )
        assert innovation_label(twice) == f"Sheltered Workshop Peduli (SWP) — {rep.unit.name}"

    def test_the_search_costs_the_same_for_many_matches(
        self, rep, client, django_assert_max_num_queries
    ):
        client.force_login(rep.other_officer)
        InnovationFactory(unit=rep.unit, name="Layanan Cepat 0", publication_state="published")
        client.get("/pilih-inovasi/", {"q": "layanan"})
        with django_assert_max_num_queries(20) as few:
            client.get("/pilih-inovasi/", {"q": "layanan"})
        for i in range(1, 30):
            InnovationFactory(
                unit=rep.unit, name=f"Layanan Cepat {i}", publication_state="published"
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get("/pilih-inovasi/", {"q": "layanan"}).content.decode()
        assert page.count('role="option"') == 20


@pytest.mark.django_db
class TestReplicateButton:
    def test_the_button_leads_to_the_form_with_the_innovation_chosen(self, rep, client):
        client.force_login(rep.other_officer)
        page = client.get(f"/inovasi/{rep.source.slug}/").content.decode()
        assert "Replicate this innovation" in page
        target = f"{NEW}?source={rep.source.slug}"
        assert target in page
        form = client.get(target).content.decode()
        assert innovation_label(rep.source) in form

    @pytest.mark.parametrize("who", ["agency_facilitator", "manager", "judge", "viewer", "nobody"])
    def test_no_button_for_those_who_may_start_nothing(self, rep, client, who):
        client.force_login(getattr(rep, who))
        page = client.get(f"/inovasi/{rep.source.slug}/").content.decode()
        assert "Replicate this innovation" not in page
        assert client.get(f"{NEW}?source={rep.source.slug}").status_code == 403

    def test_no_button_for_the_public_nor_on_a_draft(self, rep, client):
        assert (
            "Replicate this innovation"
            not in client.get(f"/inovasi/{rep.source.slug}/").content.decode()
        )
        client.force_login(rep.officer)
        draft = client.get(f"/inovasi/{rep.draft.slug}/").content.decode()
        assert "Replicate this innovation" not in draft


@pytest.mark.django_db
class TestStartButtonsOnlyForWhoMayStart:
    @pytest.mark.parametrize(
        ("who", "shown"),
        [
            ("other_officer", True),
            ("admin", True),
            ("agency_facilitator", False),
            ("manager", False),
            ("judge", False),
            ("viewer", False),
        ],
    )
    def test_the_workspace(self, rep, client, who, shown):
        client.force_login(getattr(rep, who))
        page = client.get("/replikasi/").content.decode()
        assert (f'href="{NEW}"' in page) is shown
        assert (client.get(NEW).status_code == 200) is shown

    def test_the_programme_page_offers_start_to_its_facilitators_too(self, rep, client):
        client.force_login(rep.agency_facilitator)
        page = client.get(f"/replikasi/program/{rep.programme.slug}/").content.decode()
        link = f"{NEW}?programme={rep.programme.slug}&amp;unit={rep.third_unit.pk}"
        assert link in page
        assert client.get(link.replace("&amp;", "&")).status_code == 200
        client.force_login(rep.viewer)
        assert link not in client.get(f"/replikasi/program/{rep.programme.slug}/").content.decode()


@pytest.mark.django_db
class TestInnovationPageLinks:
    def test_programmes_events_and_projects_in_progress(self, rep, client):
        from lumbung.core.actors import SYSTEM
        from lumbung.events import services as event_services

        event = event_services.event_create(
            actor=SYSTEM,
            host_unit=rep.unit,
            title="Pembelajaran Baris Ditebas",
            summary="Peragaan",
            venue="Aula Sentra",
            starts_at="2030-01-10T09:00:00+07:00",
            ends_at="2030-01-10T15:00:00+07:00",
            showcased=[rep.source],
        )
        event_services.event_publish(actor=SYSTEM, event=event)
        client.force_login(rep.other_officer)
        page = client.get(f"/inovasi/{rep.source.slug}/").content.decode()
        assert reverse("replication:programme", args=[rep.programme.slug]) in page
        assert reverse("events:detail", args=[event.slug]) in page
        assert reverse("replication:project", args=[rep.project.pk]) in page
        assert "1 unit is replicating it now." in page
        # the public sees the programme and the event and the count, never the project
        client.logout()
        public = client.get(f"/inovasi/{rep.source.slug}/").content.decode()
        assert reverse("events:detail", args=[event.slug]) in public
        assert reverse("replication:programme", args=[rep.programme.slug]) in public
        assert reverse("replication:project", args=[rep.project.pk]) not in public
        assert "1 unit is replicating it now." in public


@pytest.mark.django_db
def test_home_and_programme_count_replications_alike(rep, client):
    assert running_replications_count() == 0
    advance(rep.project, Stage.IMPLEMENTATION)
    # the project's replica is a draft in the catalog: the programme counts it, so does home
    assert running_replications_count() == 1
    page = client.get("/").content.decode()
    assert "<strong>1</strong> replications running" in page
    programme = client.get(f"/replikasi/program/{rep.programme.slug}/").content.decode()
    assert "1" in programme
