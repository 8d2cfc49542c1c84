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
        actor=SYSTEM, source=rep.source, adopting_unit=rep.other_unit, declared_form="adoption"
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

    # the stages: preparing from January, one unit implementing from March; the second unit
    # prepares from March, implements from May and stops in June (then it is in no band)
    stages = {p.date: p.counts for p in coverage.points}
    assert stages[dt.date(2024, 1, 31)] == {
        "institutionalised": 0,
        "implementing": 0,
        "preparing": 1,
        "committed": 0,
    }
    assert stages[dt.date(2024, 3, 31)]["implementing"] == 1
    assert stages[dt.date(2024, 3, 31)]["preparing"] == 1
    assert stages[dt.date(2024, 5, 31)]["implementing"] == 2
    assert stages[dt.date(2024, 7, 10)] == {
        "institutionalised": 0,
        "implementing": 1,
        "preparing": 0,
        "committed": 0,
    }
    assert coverage.points[-1].is_today and not coverage.points[-2].is_today

    chart = selectors.coverage_chart(coverage)
    assert len(chart["dots"]) == 7
    ys = [float(p["y"]) for p in chart["dots"]]
    assert ys[0] > ys[4]  # higher coverage is drawn higher
    assert float(chart["target_y"]) < ys[4]
    assert chart["labels"][0]["anchor"] == "start" and chart["labels"][-1]["anchor"] == "end"
    assert chart["labels"][-1]["date"] == dt.date(2024, 7, 10)  # today is on the axis
    assert chart["current"]["value"] == 1
    assert [t["value"] for t in chart["ticks"]] == [0, 1, 2, 3]  # up to the target 3
    assert [b["band"] for b in chart["bands"]] == ["implementing", "preparing"]


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
    assert coverage.now == dict.fromkeys(
        ["institutionalised", "implementing", "preparing", "committed"], 0
    )
    chart = selectors.coverage_chart(coverage)
    assert chart["dots"] == [] and chart["bands"] == [] and chart["current"] is None


def _programme_for(rep, **fields):
    return services.programme_create(
        actor=SYSTEM,
        agency=rep.agency,
        name=fields.pop("name", "Program kosong"),
        sources=[rep.source],
        start_date=fields.pop("start_date", dt.date(2024, 1, 1)),
        coverage_target=fields.pop("coverage_target", 10),
        **fields,
    )


def test_the_series_of_an_empty_programme_runs_to_today_with_nothing_in_it(rep):
    programme = _programme_for(rep, end_date=dt.date(2024, 3, 31))
    coverage = selectors.programme_coverage(programme, today=dt.date(2024, 6, 15))
    # past the end date, up to today
    assert [p.date for p in coverage.points][-3:] == [
        dt.date(2024, 4, 30),
        dt.date(2024, 5, 31),
        dt.date(2024, 6, 15),
    ]
    assert all(sum(p.counts.values()) == 0 for p in coverage.points)
    assert (coverage.current, coverage.target_units) == (0, 0)
    chart = selectors.coverage_chart(coverage)
    assert chart["bands"] == [] and chart["current"]["value"] == 0
    assert chart["end_x"]  # the end date is marked inside the axis
    assert [t["value"] for t in chart["ticks"]] == [0, 2, 4, 6, 8, 10]


def test_units_move_through_the_stages_over_months(rep):
    tz = timezone.get_current_timezone()
    # a commitment in March, without a project: "committed" from then on
    commitment = services.commitment_create(
        actor=rep.manager,
        owner_unit=rep.third_unit,
        description="Kunjungan belajar",
        due_date=dt.date(2024, 6, 30),
        programme=rep.programme,
    )
    type(commitment).objects.filter(pk=commitment.pk).update(
        created_at=dt.datetime(2024, 3, 3, tzinfo=tz)
    )
    Transition.objects.filter(project=rep.project).update(
        created_at=dt.datetime(2024, 2, 1, tzinfo=tz)
    )
    for stage, month in (
        (Stage.PLANNING, 4),
        (Stage.IMPLEMENTATION, 5),
        (Stage.EVALUATION, 6),
        (Stage.INSTITUTIONALISED, 8),
    ):
        advance(rep.project, stage)
        _at(rep.project, dt.datetime(2024, month, 2, tzinfo=tz))

    coverage = selectors.programme_coverage(rep.programme, today=dt.date(2024, 9, 1))
    rows = {p.date.month: p.bands() for p in coverage.points}
    # [institutionalised, implementing, preparing, committed]
    assert rows == {
        1: [0, 0, 0, 0],
        2: [0, 0, 1, 0],
        3: [0, 0, 1, 1],
        4: [0, 0, 1, 1],
        5: [0, 1, 0, 1],
        6: [0, 1, 0, 1],
        7: [0, 1, 0, 1],
        8: [1, 0, 0, 1],
        9: [1, 0, 0, 1],
    }
    assert coverage.series[-1] == (dt.date(2024, 9, 1), 1) and coverage.current == 1
    assert [b["count"] for b in coverage.bands_now] == [1, 0, 0, 1]
    chart = selectors.coverage_chart(coverage)
    assert [b["band"] for b in chart["bands"]] == [
        "institutionalised",
        "implementing",
        "preparing",
        "committed",
    ]


def test_a_cancelled_commitment_does_not_count_and_a_project_outranks_it(rep):
    services.commitment_create(
        actor=rep.manager,
        owner_unit=rep.other_unit,  # has a project in preparation
        description="Rencana aksi",
        due_date=dt.date(2024, 6, 30),
        programme=rep.programme,
    )
    cancelled = services.commitment_create(
        actor=rep.manager,
        owner_unit=rep.third_unit,
        description="Dibatalkan",
        due_date=dt.date(2024, 6, 30),
        programme=rep.programme,
    )
    type(cancelled).objects.filter(pk=cancelled.pk).update(status="cancelled")
    coverage = selectors.programme_coverage(rep.programme)
    assert coverage.now == {
        "institutionalised": 0,
        "implementing": 0,
        "preparing": 1,
        "committed": 0,
    }


def test_the_series_costs_the_same_queries_however_many_projects(rep):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            coverage = selectors.programme_coverage(rep.programme)
            selectors.coverage_chart(coverage)
        return len(ctx.captured_queries)

    advance(rep.project, Stage.IMPLEMENTATION)
    one = queries()
    for i in range(4):
        unit = UnitFactory(agency=rep.other_agency, name=f"UPT {i}")
        services.programme_targets_add(actor=SYSTEM, programme=rep.programme, units=[unit])
        project = services.project_start(
            actor=SYSTEM,
            source=rep.source,
            adopting_unit=unit,
            declared_form="adoption",
            programme=rep.programme,
        )
        advance(project, Stage.PLANNING)
    five = selectors.programme_coverage(rep.programme)
    assert five.now["preparing"] == 4
    assert queries() == one


def test_the_programme_page_draws_the_stages_with_a_name_and_the_same_figures_in_a_table(
    rep, client
):
    import re

    from django.urls import reverse

    advance(rep.project, Stage.IMPLEMENTATION)
    services.commitment_create(
        actor=rep.manager,
        owner_unit=rep.third_unit,
        description="Kunjungan belajar",
        due_date=dt.date(2024, 6, 30),
        programme=rep.programme,
    )
    html = client.get(reverse("replication:programme", args=[rep.programme.slug])).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert re.search(r'<title id="chart-title">[^<]+</title>', svg)
    desc = re.search(r'<desc id="chart-desc">([^<]+)</desc>', svg).group(1)
    assert "Now 1 run a replica against a target of 3." in desc
    assert "Implementing or evaluating: 1." in desc and "Committed, no project yet: 1." in desc
    assert ">now 1<" in svg and ">target 3<" in svg  # the current value and the target labelled
    assert [int(v) for v in re.findall(r'class="tick"[^>]*>(\d+)<', svg)] == [0, 1, 2, 3]
    assert 'class="band band-implementing"' in svg and 'class="band band-committed"' in svg

    # the table: a row per point, the last one today's, with the figures of the chart
    table = html[html.index('<details class="chart-data">') : html.index("</details>")]
    coverage = selectors.programme_coverage(rep.programme)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S)
    assert len(rows) == len(coverage.points)
    assert "(today)" in rows[-1]
    cells = [int(c) for c in re.findall(r'<td class="num">(\d+)</td>', rows[-1])]
    assert cells == [0, 1, 0, 1, 1, 3]  # the four stages, running, target
    # the legend says it in words too, with today's numbers
    legend = html[html.index('<ul class="chart-legend">') : html.index("</figcaption>")]
    assert "Implementing or evaluating: <strong>1</strong>" in legend
