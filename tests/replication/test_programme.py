"""Programmes: target units picked many at once, per-unit state, coverage over time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lumbung.core.actors import SYSTEM
from lumbung.replication import selectors, services
from lumbung.replication.models import DocumentKind, Stage, Transition

from ..factories import UnitFactory
from .conftest import add_doc, advance, move

pytestmark = pytest.mark.django_db


def test_targets_are_added_by_subtree_and_type(rep):
    dg = UnitFactory(
        agency=rep.agency, name="Ditjen Rehabilitasi Sosial", kind="directorate_general"
    )
    sentra = [
        UnitFactory(agency=rep.agency, name=f"Sentra {i}", kind="sentra", parent=dg)
        for i in range(3)
    ]
    UnitFactory(agency=rep.agency, name="Direktorat", kind="directorate", parent=dg)
    nested = UnitFactory(agency=rep.agency, name="Sentra Anak", kind="sentra", parent=sentra[0])
    added = services.programme_targets_add(
        actor=rep.manager, programme=rep.programme, under=dg, kinds=["sentra"]
    )
    assert added == 4
    targets = set(rep.programme.targets.values_list("unit__name", flat=True))
    assert {s.name for s in sentra} | {nested.name} <= targets
    assert "Direktorat" not in targets and dg.name not in targets
    # adding again adds nothing; an unknown kind is refused
    assert (
        services.programme_targets_add(
            actor=rep.manager, programme=rep.programme, under=dg, kinds=["sentra"]
        )
        == 0
    )
    with pytest.raises(ValidationError):
        services.programme_targets_add(
            actor=rep.manager, programme=rep.programme, under=dg, kinds=["castle"]
        )
    with pytest.raises(ValidationError):
        services.programme_targets_add(actor=rep.manager, programme=rep.programme)


def test_only_programme_changers_manage_targets(rep):
    for user in (rep.other_officer, rep.agency_facilitator, rep.nobody, None):
        with pytest.raises(PermissionDenied):
            services.programme_targets_add(
                actor=user, programme=rep.programme, units=[rep.sibling_unit]
            )
    services.programme_targets_add(
        actor=rep.admin, programme=rep.programme, units=[rep.sibling_unit]
    )
    services.programme_target_remove(
        actor=rep.manager, programme=rep.programme, unit=rep.sibling_unit
    )
    with pytest.raises(ValidationError):
        services.programme_target_remove(
            actor=rep.manager, programme=rep.programme, unit=rep.sibling_unit
        )


def test_programme_create_validates(rep):
    base = dict(
        actor=rep.admin,
        agency=rep.agency,
        name="Program",
        sources=[rep.source],
        start_date="2024-01-01",
        coverage_target=5,
    )
    with pytest.raises(ValidationError) as exc:
        services.programme_create(**{**base, "sources": []})
    assert "sources" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.programme_create(**{**base, "coverage_target": 0})
    assert "coverage_target" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.programme_create(**{**base, "end_date": "2023-01-01"})
    assert "end_date" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.programme_create(**{**base, "actor": rep.other_admin})
    with pytest.raises(PermissionDenied):  # a draft of another agency cannot be a source
        services.programme_create(**{**base, "sources": [rep.other_draft]})
    programme = services.programme_create(**base)
    assert list(programme.managers.all()) == [rep.admin]  # the creator manages it


def test_unit_states(rep):
    rows = {r.unit: r for r in selectors.programme_unit_states(rep.programme)}
    assert rows[rep.other_unit].state == "preparing"
    assert rows[rep.third_unit].state == "not_started"
    services.commitment_create(
        actor=SYSTEM,
        owner_unit=rep.third_unit,
        description="Akan mereplikasi",
        due_date="2024-05-01",
        programme=rep.programme,
    )
    rows = {r.unit: r for r in selectors.programme_unit_states(rep.programme)}
    assert rows[rep.third_unit].state == "committed"
    assert rows[rep.third_unit].open_commitments == 1
    assert rows[rep.third_unit].overdue_commitments == 1

    expected = {
        Stage.PLANNING: "planning",
        Stage.IMPLEMENTATION: "implementing",
        Stage.EVALUATION: "implementing",
    }
    for stage, state in expected.items():
        advance(rep.project, stage)
        rows = {r.unit: r for r in selectors.programme_unit_states(rep.programme)}
        assert rows[rep.other_unit].state == state, stage
    add_doc(rep.project, DocumentKind.EVALUATION_REPORT)
    rows = {r.unit: r for r in selectors.programme_unit_states(rep.programme)}
    assert rows[rep.other_unit].state == "evaluated"
    advance(rep.project, Stage.INSTITUTIONALISED)
    rows = selectors.programme_unit_states(rep.programme)
    assert rows[0].unit == rep.other_unit and rows[0].state == "institutionalised"  # best first
    move(rep.project, Stage.STOPPED, note="Berhenti")
    rows = {r.unit: r for r in selectors.programme_unit_states(rep.programme)}
    assert rows[rep.other_unit].state == "stopped"
    counts = {c["state"]: c["count"] for c in selectors.state_counts(list(rows.values()))}
    assert counts["stopped"] == 1 and counts["committed"] == 1


def test_a_stopped_project_does_not_hide_a_running_one(rep):
    move(rep.project, Stage.STOPPED, note="Ganti pendekatan")
    again = services.project_start(
        actor=SYSTEM,
        source=rep.source,
        adopting_unit=rep.other_unit,
        declared_form="adoption"
    )
    rows = {r.unit: r for r in selectors.programme_unit_states(rep.programme)}
    assert rows[rep.other_unit].state == "preparing" and rows[rep.other_unit].project == again


def _at(project, when: dt.datetime):
    """Backdate the project's last transition."""
    t = Transition.objects.filter(project=project).order_by("-id").first()
    t.created_at = when
    t.save(update_fields=["created_at"])


def test_coverage_over_time_follows_the_transition_history(rep):
    tz = timezone.get_current_timezone()
    start = Transition.objects.get(project=rep.project)
    start.created_at = dt.datetime(2024, 1, 5, tzinfo=tz)
    start.save()
    advance(rep.project, Stage.PLANNING)
    _at(rep.project, dt.datetime(2024, 2, 10, tzinfo=tz))
    advance(rep.project, Stage.IMPLEMENTATION)
    _at(rep.project, dt.datetime(2024, 3, 20, tzinfo=tz))
    second = services.project_start(
        actor=SYSTEM,
        source=rep.source,
        adopting_unit=rep.third_unit,
        declared_form="adoption",
        programme=rep.programme,
    )
    Transition.objects.filter(project=second).update(created_at=dt.datetime(2024, 3, 1, tzinfo=tz))
    advance(second, Stage.IMPLEMENTATION)
    Transition.objects.filter(
        project=second, to_stage__in=[Stage.PLANNING, Stage.IMPLEMENTATION]
    ).update(created_at=dt.datetime(2024, 5, 2, tzinfo=tz))
    move(second, Stage.STOPPED, note="Anggaran")
    _at(second, dt.datetime(2024, 6, 15, tzinfo=tz))

    coverage = selectors.programme_coverage(rep.programme, today=dt.date(2024, 7, 10))
    series = dict(coverage.series)
    assert list(series)[:2] == [dt.date(2024, 1, 31), dt.date(2024, 2, 29)]
    assert list(series)[-1] == dt.date(2024, 7, 10)
    assert [series[d] for d in sorted(series)] == [0, 0, 1, 1, 2, 1, 1]
    assert (coverage.current, coverage.target, coverage.target_units) == (1, 3, 2)
    assert coverage.percent == 33

    chart = selectors.coverage_chart(coverage)
    assert len(chart["points"]) == 7
    ys = [float(p["y"]) for p in chart["points"]]
    assert ys[0] > ys[4]  # higher coverage is drawn higher
    assert float(chart["target_y"]) < ys[4]
    assert chart["labels"][0]["anchor"] == "start" and chart["labels"][-1]["anchor"] == "end"


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_chart_coordinates_never_use_a_decimal_comma(rep, client, language):
    import re

    from django.urls import reverse

    advance(rep.project, Stage.IMPLEMENTATION)
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("replication:programme", args=[rep.programme.slug]))
    assert response["Content-Language"] == language
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', svg)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), svg
    points = re.search(r'points="([^"]*)"', svg).group(1)
    assert re.fullmatch(r"(\d+\.\d,\d+\.\d ?)+", points), points


def test_coverage_of_a_programme_that_has_not_started(rep):
    rep.programme.start_date = dt.date(2999, 1, 1)
    rep.programme.end_date = None
    rep.programme.save()
    coverage = selectors.programme_coverage(rep.programme)
    assert coverage.series == [] and coverage.current == 0
    assert selectors.coverage_chart(coverage)["points"] == []
