"""Paths between pages (issue 10): what a profile still needs before it can be submitted is
shown up front — on the workspace page and the edit form — not only as a refusal at submit."""

from __future__ import annotations

import pytest

from lumbung.catalog.models import Innovation
from lumbung.core.actors import SYSTEM
from lumbung.replication import services as replication_services

from ..replication.conftest import advance


@pytest.mark.django_db
def test_a_new_replica_shows_what_is_missing_before_submitting(world, client):
    world.published.core_components = "Satu\nDua"
    world.published.save()
    project = replication_services.project_start(
        actor=SYSTEM,
        source=world.published,
        adopting_unit=world.other_unit,
        declared_form="adoption",
    )
    project = advance(project, "implementation")
    replica = Innovation.objects.get(pk=project.replica_id)
    replica.implementation = ""
    replica.save()
    assert ("implementation", "implementation") in [
        (n, label.lower()) for n, label in replica.missing_for_submission
    ]
    client.force_login(world.other_officer)
    manage = client.get(f"/ruang-kerja/inovasi/{replica.slug}/").content.decode()
    assert "Before it can be submitted, fill in:" in manage
    assert f"/ruang-kerja/inovasi/{replica.slug}/ubah/#id_implementation" in manage
    edit = client.get(f"/ruang-kerja/inovasi/{replica.slug}/ubah/").content.decode()
    assert "Needed before it can be submitted for review:" in edit
    assert 'href="#id_implementation"' in edit
    assert 'id="id_implementation"' in edit  # the link leads to the field


@pytest.mark.django_db
def test_a_complete_profile_shows_no_list(world, client):
    draft = world.draft
    draft.summary = draft.summary or "Ringkasan"
    draft.problem = draft.problem or "Masalah"
    draft.implementation = draft.implementation or "Pelaksanaan"
    draft.save()
    assert draft.missing_for_submission == []
    client.force_login(world.officer)
    manage = client.get(f"/ruang-kerja/inovasi/{draft.slug}/").content.decode()
    assert "Before it can be submitted, fill in:" not in manage
