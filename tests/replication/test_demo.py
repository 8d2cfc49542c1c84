"""The replication demo on top of the core demo: the 2024 sheltered-workshop programme."""

from __future__ import annotations

import pytest

from lumbung.catalog.models import Innovation
from lumbung.core.policies import can
from lumbung.organisations.models import User
from lumbung.replication import selectors
from lumbung.replication.demo import (
    DHARMA_GUNA_REPLICA,
    PROGRAMME_NAME,
    load_replication_demo,
)
from lumbung.replication.models import Commitment, Programme, ReplicationProject, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, settings):
    """The core demo without the other loaders, then the replication demo."""
    from lumbung.platform.demo import load_demo

    settings.LUMBUNG_DEMO_LOADERS = []
    load_demo(accounts_file=tmp_path / "accounts.json")
    return load_replication_demo()


def test_the_core_demo_runs_the_replication_loader(tmp_path, settings):
    from lumbung.platform.demo import load_demo

    assert "lumbung.replication.demo.load_replication_demo" in settings.LUMBUNG_DEMO_LOADERS
    settings.LUMBUNG_DEMO_LOADERS = ["lumbung.replication.demo.load_replication_demo"]
    load_demo(accounts_file=tmp_path / "accounts.json")
    assert Programme.objects.filter(name=PROGRAMME_NAME).exists()


def test_the_programme_and_its_projects(demo):
    programme = demo.programme
    assert demo.created and programme.name == PROGRAMME_NAME and programme.is_example
    assert programme.agency.short_name == "Kemensos"
    assert programme.facilitator_agency.short_name == "KemenPANRB"
    source = programme.sources.get()
    assert source.name.startswith("Sheltered Workshop Peduli")
    targets = set(programme.targets.values_list("unit__name", flat=True))
    assert "Sentra Dharma Guna Bengkulu" in targets and "Sentra Wyata Guna Bandung" in targets
    assert source.unit.name not in targets  # the origin does not replicate itself
    assert len(targets) > 20

    stages = {p.adopting_unit.name: p.stage for p in programme.projects.all()}
    assert stages["Sentra Dharma Guna Bengkulu"] == Stage.INSTITUTIONALISED
    assert len(set(stages.values())) >= 4  # projects at different stages
    assert all(p.is_example for p in programme.projects.all())

    # Dharma Guna's replica is the existing innovation, not a second one
    dharma = programme.projects.get(adopting_unit__name="Sentra Dharma Guna Bengkulu")
    assert dharma.replica.name == DHARMA_GUNA_REPLICA
    assert Innovation.objects.filter(unit=dharma.adopting_unit, source=source).count() == 1
    assert (dharma.replica.generation, dharma.replica.replication_form) == (1, "adaptation")
    assert dharma.adaptations.count() == 3
    summary = selectors.fidelity_summary(dharma)
    assert summary.kept == 3 and summary.adapted == 2 and not summary.mismatch

    pangudi = programme.projects.get(adopting_unit__name="Sentra Terpadu Pangudi Luhur Bekasi")
    assert pangudi.replica is not None and pangudi.replica.is_example
    assert selectors.fidelity_summary(pangudi).needs_decision  # an adoption that adapted

    states = {r.unit.name: r.state for r in selectors.programme_unit_states(programme)}
    assert states["Sentra Abiyoso Cimahi"] == "committed"
    assert states["Sentra Budi Luhur Banjarbaru"] == "stopped"
    coverage = selectors.programme_coverage(programme)
    assert coverage.current == 2 and coverage.target == 30
    assert coverage.series[0][1] == 0 and coverage.series[-1][1] == 2
    assert Commitment.objects.filter(programme=programme, is_example=False).count() == 0


def test_demo_accounts_can_work_on_it(demo):
    facilitator = User.objects.get(username="demo-facilitator")
    manager = User.objects.get(username="demo-programme-manager")
    dharma = demo.programme.projects.get(adopting_unit__name="Sentra Dharma Guna Bengkulu")
    assert can(facilitator, "project.change", dharma)
    assert can(manager, "programme.change", demo.programme)
    assert can(User.objects.get(username="demo-kartini"), "project.view", dharma)  # origin
    assert not can(User.objects.get(username="demo-kartini"), "project.change", dharma)


def test_loading_again_changes_nothing(demo):
    counts = (
        Programme.objects.count(),
        ReplicationProject.objects.count(),
        Commitment.objects.count(),
    )
    again = load_replication_demo()
    assert not again.created and again.programme == demo.programme
    assert counts == (
        Programme.objects.count(),
        ReplicationProject.objects.count(),
        Commitment.objects.count(),
    )
