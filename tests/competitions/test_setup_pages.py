"""The organiser sets a round up on pages alone — from an empty instance: a new round, its groups
and stages written one part per line, opened, entered. Mistakes anywhere save nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lumbung.competitions.models import Entry, Group, Round, Stage
from lumbung.competitions.setup_forms import parse_criteria, parse_quotas, parse_sections

from ..competition_world import YEAR

LOCAL = "%Y-%m-%dT%H:%M"


def _management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _setup_post(quota_line: str = "umum | 2 | top_99") -> dict:
    now = timezone.localtime(timezone.now(), dt.timezone(dt.timedelta(hours=9)))  # WIT
    data = _management("groups", 1) | _management("stages", 2)
    data |= {
        "groups-0-code": "umum",
        "groups-0-name": "Kelompok Umum",
        "groups-0-kind": "general",
        "groups-0-min_running_months": "12",
        "groups-0-sections": "Ringkasan | 50\nBukti",
        "stages-0-kind": "registration",
        "stages-0-name": "Pendaftaran",
        "stages-0-starts_at": (now - dt.timedelta(days=1)).strftime(LOCAL),
        "stages-0-ends_at": (now + dt.timedelta(days=10)).strftime(LOCAL),
        "stages-0-judges_per_entry": "2",
        "stages-1-kind": "desk",
        "stages-1-name": "Evaluasi proposal",
        "stages-1-starts_at": (now - dt.timedelta(days=1)).strftime(LOCAL),
        "stages-1-ends_at": (now + dt.timedelta(days=30)).strftime(LOCAL),
        "stages-1-judges_per_entry": "2",
        "stages-1-criteria": "Kebaruan | 30 | 1-10\nManfaat | 70 | 0-100",
        "stages-1-quotas": quota_line,
    }
    return data


def test_an_organiser_sets_up_a_round_on_pages_from_an_empty_instance(client, cw):
    Round.objects.all().delete()
    client.force_login(cw.panrb_admin)
    listing = client.get(reverse("competitions:list")).content.decode()
    assert reverse("competitions:new") in listing
    created = client.post(
        reverse("competitions:new"),
        {
            "organiser": cw.panrb.pk,
            "title": "KIPP Timur",
            "year": YEAR,
            "level": "national",
            "time_zone": "Asia/Jayapura",
        },
    )
    round_ = Round.objects.get(title="KIPP Timur")
    assert created.status_code == 302 and created["Location"].endswith("/pengaturan/")
    url = reverse("competitions:setup", args=[round_.slug])
    assert client.get(url).status_code == 200

    refused = client.post(url, _setup_post("tidak-ada | 2"))
    assert refused.status_code == 200 and "Unknown group code" in refused.content.decode()
    assert not round_.groups.exists() and not round_.stages.exists()

    saved = client.post(url, _setup_post())
    assert saved.status_code == 302
    group = round_.groups.get()
    assert [(s.title, s.word_limit) for s in group.sections.all()] == [
        ("Ringkasan", 50),
        ("Bukti", None),
    ]
    desk = round_.stages.get(kind=Stage.Kind.DESK)
    assert [(c.name, c.scale_min, c.scale_max) for c in desk.criteria.all()] == [
        ("Kebaruan", 1, 10),
        ("Manfaat", 0, 100),
    ]
    assert desk.quotas.get().group == group and desk.quotas.get().award_level == "top_99"
    # the organiser typed WIT times: stored as the same moment
    typed = _setup_post()["stages-1-ends_at"]
    local = timezone.localtime(desk.ends_at, round_.zone).strftime(LOCAL)
    assert local == typed
    page = client.get(url).content.decode()
    assert "Kebaruan | 30 | 1-10" in page

    client.post(reverse("competitions:manage_action", args=[round_.slug]), {"action": "open"})
    round_.refresh_from_db()
    assert round_.state == Round.State.OPEN
    assert client.post(url, _setup_post()).status_code == 403  # running: no more set-up

    client.force_login(cw.officer)
    client.post(
        reverse("competitions:enter", args=[round_.slug]),
        {"group": group.pk, "innovation": cw.published.pk},
    )
    assert Entry.objects.get().round == round_


def test_only_agency_admins_create_rounds_and_only_organisers_set_them_up(client, cw):
    for person in (cw.officer, cw.judge, cw.nobody):
        client.force_login(person)
        assert client.get(reverse("competitions:new")).status_code == 403
    client.force_login(cw.admin)  # Kemensos's admin, not PANRB's
    response = client.post(
        reverse("competitions:new"),
        {
            "organiser": cw.panrb.pk,
            "title": "Bukan milik",
            "year": YEAR,
            "level": "national",
            "time_zone": "Asia/Jakarta",
        },
    )
    assert response.status_code == 200 and not Round.objects.filter(title="Bukan milik").exists()
    assert client.get(reverse("competitions:setup", args=[cw.round.slug])).status_code == 403
    assert Group.objects.filter(round=cw.round).count() == 3


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_sections, "Ringkasan | banyak", "whole number"),
        (parse_criteria, "Kebaruan | tiga puluh", "name | weight"),
        (parse_criteria, "Kebaruan | 30 | 5-5", "highest score above the lowest"),
        (parse_quotas, "umum | 10 | juara", "group code | how many"),
    ],
)
def test_lines_that_do_not_parse_say_which_line_and_how(parse, text, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        parse("ok\n" + text if parse is parse_sections else text)
    assert message in " ".join(err.value.messages)
