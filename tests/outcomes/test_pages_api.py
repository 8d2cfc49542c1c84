"""Outcome pages and API: the public reads a published innovation's outcomes; only who changes
an innovation records; another agency's drafts stay hidden (404)."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from lumbung.core.imports.registry import get as import_kind
from lumbung.outcomes.models import Indicator, Measurement

from .conftest import months


def _figure(indicator, day, value, denominator="1000"):
    return {
        "indicator": indicator.pk,
        "period_end": day.isoformat(),
        "kind": "follow_up",
        "value": value,
        "denominator": denominator,
        "evidence": "Laporan",
    }


def test_the_outcomes_page_shows_the_comparison_to_everyone(client, world, family):
    original, replica, indicator = family
    client.force_login(world.officer)
    for n, v in ((0, "10"), (12, "30")):
        r = client.post(f"/hasil/{original.slug}/ukuran/", _figure(indicator, months(n), v))
        assert r.status_code == 302, r.content.decode()[:2000]
    client.force_login(world.other_officer)
    for n, v in ((0, "10"), (12, "60")):
        day = months(n, dt.date(2023, 1, 1))
        r = client.post(f"/hasil/{replica.slug}/ukuran/", _figure(indicator, day, v))
        assert r.status_code == 302
    client.logout()
    page = client.get(f"/hasil/{replica.slug}/").content.decode()
    assert "mark-better" in page and "60" in page
    family_page = client.get(f"/hasil/{original.slug}/keluarga/").content.decode()
    assert replica.name in family_page and "mark-better" in family_page
    detail = client.get(f"/inovasi/{original.slug}/").content.decode()
    # the innovation's own lineage list marks the replica, and links its family and outcomes
    lineage = detail[detail.index('id="lineage"') : detail.index('id="travels"')]
    assert replica.name in lineage and "mark-better" in lineage
    assert f"/hasil/{original.slug}/keluarga/" in detail
    assert f"/hasil/{original.slug}/" in detail


def test_a_bad_figure_on_the_page_is_a_400_with_the_reason_and_nothing_written(
    client, world, family, indonesian
):
    original, _replica, indicator = family
    client.force_login(world.officer)
    r = client.post(f"/hasil/{original.slug}/ukuran/", _figure(indicator, months(1), "10", ""))
    assert r.status_code == 400
    assert "penerima manfaat" in r.content.decode()
    assert not Measurement.objects.exists()


def test_another_agencys_people_cannot_record_or_see_drafts(client, world, family):
    original, _replica, indicator = family
    client.force_login(world.other_officer)
    r = client.post(f"/hasil/{original.slug}/ukuran/", _figure(indicator, months(1), "10"))
    assert r.status_code == 403
    r = client.post(
        f"/hasil/{original.slug}/indikator/",
        {
            "name": "X",
            "unit_of_measure": "orang",
            "better": "higher",
            "frequency": "yearly",
            "similar_within": 10,
        },
    )
    assert r.status_code == 403
    assert client.get(f"/hasil/{world.draft.slug}/").status_code == 404
    assert client.get(f"/api/v1/innovations/{world.draft.slug}/indicators").status_code == 404
    assert not Measurement.objects.exists()


def test_the_api_defines_records_and_compares(client, world, family):
    original, replica, indicator = family
    client.force_login(world.officer)
    r = client.post(
        f"/api/v1/innovations/{original.slug}/indicators",
        {
            "name": "Hari layanan",
            "unit_of_measure": "hari",
            "better": "lower",
            "frequency": "monthly",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    for n, v in ((0, 10), (12, 30)):
        body = _figure(indicator, months(n), v, 1000)
        r = client.post(
            f"/api/v1/innovations/{original.slug}/measurements",
            body,
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
    client.force_login(world.other_officer)
    r = client.post(
        f"/api/v1/innovations/{original.slug}/measurements",
        _figure(indicator, months(24), 1, 1000),
        content_type="application/json",
    )
    assert r.status_code == 403
    for n, v in ((0, 10), (12, 31)):
        r = client.post(
            f"/api/v1/innovations/{replica.slug}/measurements",
            _figure(indicator, months(n, dt.date(2023, 1, 1)), v, 1000),
            content_type="application/json",
        )
        assert r.status_code == 201
    data = client.get(f"/api/v1/innovations/{replica.slug}/comparison").json()
    assert data["original"] == original.slug
    assert data["mark"] == "similar"  # 31 vs 30: within 10 %
    inherited = client.get(f"/api/v1/innovations/{replica.slug}/indicators").json()
    assert [(i["name"], i["inherited"]) for i in inherited] == [
        (indicator.name, True),
        ("Hari layanan", True),
    ]
    r = client.post(
        f"/api/v1/innovations/{replica.slug}/measurements",
        {**_figure(indicator, months(3, dt.date(2023, 1, 1)), 5, 1000), "indicator": 999999},
        content_type="application/json",
    )
    assert r.status_code == 422


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["inovasi", "indikator", "tanggal", "jenis", "nilai", "pembagi", "bukti"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_import_writes_every_figure_or_none(world, family):
    from lumbung.core.actors import as_actor

    original, replica, indicator = family
    kind = import_kind("measurements")
    good = [
        [original.slug, indicator.name, "2022-01-31", "awal", "10", "1.000", "Laporan"],
        [
            original.slug,
            indicator.name.upper(),
            "31/01/2023",
            "lanjutan",
            "30,5",
            "1000",
            "Laporan",
        ],
    ]
    bad = [*good, [replica.slug, indicator.name, "2023-05-01", "lanjutan", "5", "1000", "Laporan"]]
    outcome = kind.run(_xlsx(bad), "x.xlsx", as_actor(world.officer), lambda *a: None)
    assert not outcome.ok and not outcome.written
    assert [p.line for p in outcome.problems] == [4]  # the replica is not the officer's
    assert not Measurement.objects.exists()
    outcome = kind.run(_xlsx(good), "x.xlsx", as_actor(world.officer), lambda *a: None)
    assert outcome.ok and outcome.written
    values = sorted(Measurement.objects.values_list("value", "denominator"))
    assert values == [(10.0, 1000.0), (30.5, 1000.0)]
    again = kind.check(_xlsx(good), "x.xlsx", as_actor(world.officer))
    assert again.ok and "already recorded" in " ".join(e.detail for e in again.entries)
    dup = kind.check(_xlsx([good[0], good[0]]), "x.xlsx", as_actor(world.officer))
    assert [p.line for p in dup.problems] == [3]


def test_an_innovation_without_indicators_says_so(client, world):
    assert (
        "No outcome indicators yet"
        in client.get(f"/hasil/{world.published.slug}/").content.decode()
    )


@pytest.mark.parametrize("who", ["nobody", "other_officer"])
def test_indicators_of_a_draft_are_hidden(client, world, who):
    Indicator.objects.create(
        innovation=world.draft,
        name="Rahasia",
        unit_of_measure="orang",
        better="higher",
        frequency="yearly",
    )
    client.force_login(getattr(world, who))
    assert client.get(f"/api/v1/innovations/{world.draft.slug}/indicators").status_code == 404
    assert client.get(f"/hasil/{world.draft.slug}/").status_code == 404


def test_the_api_corrects_figures_and_indicators_with_the_same_checks(client, world, family):
    original, replica, indicator = family
    client.force_login(world.officer)
    m = client.post(
        f"/api/v1/innovations/{original.slug}/measurements",
        _figure(indicator, months(12), 30, 1000),
        content_type="application/json",
    ).json()
    url = f"/api/v1/innovations/{original.slug}/measurements/{m['id']}"
    r = client.patch(url, {"value": 32.5}, content_type="application/json")
    assert r.status_code == 200 and r.json()["value"] == 32.5
    r = client.patch(url, {"denominator": None}, content_type="application/json")
    assert r.status_code == 422  # the indicator is normalised: its number stays required
    assert Measurement.objects.get(pk=m["id"]).denominator == 1000
    r = client.patch(
        f"/api/v1/innovations/{original.slug}/indicators/{indicator.pk}",
        {"similar_within": 5},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["similar_within"] == 5
    # an inherited indicator is changed only where it is defined
    client.force_login(world.other_officer)
    r = client.patch(
        f"/api/v1/innovations/{replica.slug}/indicators/{indicator.pk}",
        {"name": "Lain"},
        content_type="application/json",
    )
    assert r.status_code == 404
    r = client.patch(url, {"value": 1}, content_type="application/json")
    assert r.status_code == 403
    assert Measurement.objects.get(pk=m["id"]).value == 32.5
    client.force_login(world.officer)
    r = client.delete(f"/api/v1/innovations/{original.slug}/indicators/{indicator.pk}")
    assert r.status_code == 422  # it has figures
    client.delete(url)
    r = client.delete(f"/api/v1/innovations/{original.slug}/indicators/{indicator.pk}")
    assert r.status_code == 204 and not Indicator.objects.filter(pk=indicator.pk).exists()
