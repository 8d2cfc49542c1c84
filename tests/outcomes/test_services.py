import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lumbung.core.audit import history
from lumbung.outcomes import selectors, services
from lumbung.outcomes.models import Measurement

from .conftest import months


def record(actor, innovation, indicator, day, value, denominator=1000.0, **kw):
    return services.measurement_record(
        actor=actor,
        innovation=innovation,
        indicator=indicator,
        period_end=day,
        kind=kw.pop("kind", "follow_up"),
        value=value,
        denominator=denominator,
        evidence=kw.pop("evidence", "Laporan triwulan"),
        **kw,
    )


def test_a_replica_inherits_its_originals_indicators_and_records_its_own_figures(world, family):
    _original, replica, indicator = family
    assert selectors.indicators_of(replica) == [indicator]
    m = record(world.other_officer, replica, indicator, dt.date(2024, 1, 1), 40)
    assert m.innovation == replica and m.indicator == indicator
    assert "measurement.record" in [e.action for e in history(replica)]


def test_only_who_changes_the_innovation_records_its_figures(world, family):
    original, replica, indicator = family
    with pytest.raises(PermissionDenied):  # another agency's officer, on the original
        record(world.other_officer, original, indicator, dt.date(2023, 1, 1), 10)
    with pytest.raises(PermissionDenied):  # the original's officer, on the replica
        record(world.officer, replica, indicator, dt.date(2024, 1, 1), 10)
    with pytest.raises(PermissionDenied):
        services.indicator_create(
            actor=world.other_officer,
            innovation=original,
            name="X",
            unit_of_measure="orang",
            better="higher",
            frequency="yearly",
        )
    assert not Measurement.objects.exists()


def test_bad_figures_are_refused_with_a_reason_and_nothing_written(world, family):
    original, _replica, indicator = family
    cases = [
        ({"value": "banyak"}, "value"),
        ({"value": float("nan")}, "value"),
        ({"denominator": None}, "denominator"),
        ({"denominator": 0}, "denominator"),
        ({"margin": -1}, "margin"),
        ({"evidence": "  "}, "evidence"),
    ]
    for change, field in cases:
        kwargs = {"value": 10, "denominator": 1000.0, "evidence": "Laporan", **change}
        with pytest.raises(ValidationError) as err:
            services.measurement_record(
                actor=world.officer,
                innovation=original,
                indicator=indicator,
                period_end=dt.date(2023, 1, 1),
                kind="follow_up",
                **kwargs,
            )
        assert field in err.value.message_dict, change
    with pytest.raises(ValidationError) as err:
        record(world.officer, original, indicator, dt.date.today() + dt.timedelta(days=5), 1)
    assert "period_end" in err.value.message_dict
    record(world.officer, original, indicator, dt.date(2023, 1, 1), 10)
    with pytest.raises(ValidationError) as err:  # the same period twice
        record(world.officer, original, indicator, dt.date(2023, 1, 1), 11)
    assert "period_end" in err.value.message_dict
    assert Measurement.objects.count() == 1


def test_an_indicator_of_another_lineage_cannot_be_used(world, family):
    _original, _replica, indicator = family
    with pytest.raises(ValidationError) as err:
        record(world.other_officer, world.other_published, indicator, dt.date(2023, 1, 1), 1)
    assert "indicator" in err.value.message_dict


def test_a_normalised_indicator_needs_what_it_is_normalised_by(world):
    with pytest.raises(ValidationError) as err:
        services.indicator_create(
            actor=world.officer,
            innovation=world.published,
            name="Rata-rata pendapatan",
            unit_of_measure="Rp",
            better="higher",
            frequency="monthly",
            per=1000,
        )
    assert "per_what" in err.value.message_dict


def test_an_indicator_with_figures_is_not_removed(world, family):
    _original, replica, indicator = family
    record(world.other_officer, replica, indicator, dt.date(2024, 1, 1), 40)
    with pytest.raises(ValidationError):
        services.indicator_delete(actor=world.officer, indicator=indicator)
    assert indicator.measurements.count() == 1


def test_the_replica_is_compared_with_its_original_at_the_same_age(world, family):
    original, replica, indicator = family
    for n, value in ((0, 10), (12, 30), (24, 50)):  # original: per 1,000 beneficiaries
        record(
            world.officer,
            original,
            indicator,
            months(n),
            value,
            kind="baseline" if n == 0 else "follow_up",
        )
    start = dt.date(2023, 1, 1)
    for n, value, beneficiaries in ((0, 20, 2000.0), (12, 90, 2000.0)):  # twice the size
        record(world.other_officer, replica, indicator, months(n, start), value, beneficiaries)
    compared = selectors.compare_with_original(replica)
    assert compared is not None and compared.original == original
    [row] = compared.indicators
    at12 = next(a for a in row.result.by_age if a.age == 12)
    assert at12.original.value == pytest.approx(30.0)
    assert at12.replica.value == pytest.approx(45.0)  # 90 per 2,000 → 45 per 1,000
    assert at12.verdict == "better"
    at24 = next(a for a in row.result.by_age if a.age == 24)
    assert at24.verdict == "unknown" and at24.replica is None  # not measured yet: no guess
    assert compared.mark == "better"


def test_too_few_figures_give_not_yet_known(world, family):
    original, replica, indicator = family
    record(world.officer, original, indicator, months(12), 30)
    compared = selectors.compare_with_original(replica)
    assert compared.mark == "unknown"


def test_the_family_marks_each_replica_and_hides_what_the_reader_may_not_see(world, family):
    original, replica, _indicator = family
    from tests.factories import InnovationFactory

    hidden = InnovationFactory(
        unit=world.other_unit,
        name="Draf Replika",
        source=original,
        generation=1,
        replication_form="adoption",
    )
    seen_by_public = selectors.family_of(original, world.nobody)
    assert [m.innovation for m in seen_by_public.members] == [original, replica]
    seen_by_owner = selectors.family_of(original, world.other_officer)
    assert {m.innovation for m in seen_by_owner.members} == {original, replica, hidden}
    assert all(m.mark == "unknown" for m in seen_by_owner.replicas)
