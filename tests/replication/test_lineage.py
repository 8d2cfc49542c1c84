"""The replica appears in the catalog at implementation, with its lineage across generations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lumbung.catalog import selectors as catalog_selectors
from lumbung.catalog.models import Innovation
from lumbung.core import audit
from lumbung.core.actors import SYSTEM
from lumbung.replication import services
from lumbung.replication.models import Stage

from ..factories import AgencyFactory, InnovationFactory, UnitFactory
from .conftest import advance, move

pytestmark = pytest.mark.django_db


def test_no_replica_before_implementation(rep):
    advance(rep.project, Stage.PLANNING)
    assert rep.project.replica is None
    assert not Innovation.objects.filter(unit=rep.other_unit, source=rep.source).exists()


def test_implementation_creates_the_replica_as_an_innovation_of_the_adopting_unit(rep):
    advance(rep.project, Stage.IMPLEMENTATION, rep.other_officer)
    replica = rep.project.replica
    assert replica is not None
    assert replica.unit == rep.other_unit and replica.agency == rep.other_agency
    assert replica.source == rep.source
    assert replica.replication_form == "adaptation"
    assert replica.generation == 1
    assert replica.publication_state == Innovation.State.DRAFT  # published by its own agency
    assert replica.core_components == rep.source.core_components
    assert rep.source.name in replica.name
    assert audit.history(replica).filter(action="innovation.lineage").exists()
    # later stages keep the same replica
    advance(rep.project, Stage.INSTITUTIONALISED)
    assert Innovation.objects.filter(source=rep.source, unit=rep.other_unit).count() == 1


def test_a_replica_of_a_replica_is_generation_two_across_agencies(rep):
    advance(rep.project, Stage.IMPLEMENTATION)
    first = rep.project.replica
    first.publication_state = Innovation.State.PUBLISHED
    first.save()
    third_agency = AgencyFactory(name="Pemerintah Kabupaten Lain", slug="kab-lain", kind="regency")
    third_unit = UnitFactory(agency=third_agency, name="Dinas Sosial Kabupaten Lain")
    second_project = services.project_start(
        actor=SYSTEM,
        source=first,
        adopting_unit=third_unit,
        declared_form="modification",
    )
    advance(second_project, Stage.IMPLEMENTATION)
    second = second_project.replica
    assert (second.source, second.generation, second.replication_form) == (
        first,
        2,
        "modification",
    )
    family = catalog_selectors.innovation_family(rep.source)
    assert [i.pk for i in family["descendants"]] == [first.pk, second.pk]
    assert {i.agency for i in family["descendants"]} == {rep.other_agency, third_agency}
    assert catalog_selectors.innovation_family(second)["ancestors"] == [rep.source, first]


def test_an_existing_innovation_can_be_linked_as_the_replica(rep):
    existing = InnovationFactory(unit=rep.other_unit, name="Kafe Barista Kota Contoh")
    # the adopting unit's officer asks; the innovation's agency admin accepts
    request = services.replica_link_request(
        actor=rep.other_officer, project=rep.project, innovation=existing
    )
    existing.refresh_from_db()
    assert request.status == "pending" and existing.source is None
    services.replica_link_answer(actor=rep.other_admin, link_request=request, accept=True)
    existing.refresh_from_db()
    assert (existing.source, existing.generation) == (rep.source, 1)
    advance(rep.project, Stage.IMPLEMENTATION)
    assert rep.project.replica == existing
    assert Innovation.objects.filter(unit=rep.other_unit, source=rep.source).count() == 1


def test_linking_refuses_wrong_replicas(rep):
    with pytest.raises(ValidationError, match="adopting unit"):
        services.replica_link_request(
            actor=rep.other_officer, project=rep.project, innovation=rep.draft
        )
    foreign = InnovationFactory(
        unit=rep.other_unit, name="Replika lain", source=rep.other_published
    )
    with pytest.raises(ValidationError, match="another one"):
        services.replica_link_request(
            actor=rep.other_officer, project=rep.project, innovation=foreign
        )


def test_a_unit_cannot_replicate_its_own_innovation_nor_twice_at_once(rep):
    with pytest.raises(ValidationError) as exc:
        services.project_start(
            actor=rep.officer, source=rep.source, adopting_unit=rep.unit, declared_form="adoption"
        )
    assert "adopting_unit" in exc.value.message_dict
    with pytest.raises(ValidationError, match="already has a running project"):
        services.project_start(
            actor=rep.other_officer,
            source=rep.source,
            adopting_unit=rep.other_unit,
            declared_form="adoption",
        )
    move(rep.project, Stage.STOPPED, note="Ditunda")
    again = services.project_start(
        actor=rep.other_officer,
        source=rep.source,
        adopting_unit=rep.other_unit,
        declared_form="adoption",
    )
    assert again.stage == Stage.PREPARATION


def test_changing_the_declared_form_updates_the_replica(rep):
    advance(rep.project, Stage.IMPLEMENTATION)
    services.project_update(
        actor=rep.other_officer, project=rep.project, data={"declared_form": "modification"}
    )
    rep.project.replica.refresh_from_db()
    assert rep.project.replica.replication_form == "modification"


def test_a_programme_project_must_replicate_a_programme_source(rep):
    with pytest.raises(ValidationError) as exc:
        services.project_start(
            actor=SYSTEM,
            source=rep.other_published,
            adopting_unit=rep.sibling_unit,
            declared_form="adoption",
            programme=rep.programme,
        )
    assert "source" in exc.value.message_dict


def test_a_programme_project_joins_the_targets_and_takes_the_facilitator(rep):
    project = services.project_start(
        actor=rep.sibling_officer,
        source=rep.source,
        adopting_unit=rep.sibling_unit,
        declared_form="adoption",
        programme=rep.programme,
    )
    assert project.facilitator_agency == rep.panrb
    assert rep.programme.targets.filter(unit=rep.sibling_unit).exists()
