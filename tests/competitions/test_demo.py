"""The competitions demo: KIPP 2023 whose published results are the demo catalog's awards of
that year, and this year's Kemensos internal selection under way; a second load adds nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from lumbung.catalog.models import Award
from lumbung.competitions.demo import PAST_SLUG, load_competitions_demo
from lumbung.competitions.models import Assignment, Entry, Result, Round
from lumbung.platform.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    load_demo(accounts_file=tmp_path / "accounts.json")


def test_the_2023_round_matches_the_catalogs_awards(demo):
    past = Round.objects.get(slug=PAST_SLUG)
    assert past.state == Round.State.PUBLISHED and past.year == 2023
    kept = Result.objects.filter(stage__round=past, stage__kind="presentation", kept=True)
    assert [r.entry.title for r in kept] == ["PaDi UMKM"]
    desk_kept = Result.objects.filter(stage__round=past, stage__kind="desk", kept=True)
    assert {r.entry.title for r in desk_kept} == {
        "PaDi UMKM",
        "BARIS DITEBAS",
        "Malam Batik Sawit",
        "Bulan Melah",
    }
    # the write-back found the catalog's own awards: one per innovation, none added
    for title, level in [("PaDi UMKM", "top_45"), ("BARIS DITEBAS", "top_99")]:
        awards = Award.objects.filter(innovation__name=title, year=2023)
        assert list(awards.values_list("level", flat=True)) == [level]
    assert not Award.objects.filter(innovation__name="Serba Emas Cegah TBC", year=2023).exists()
    assert past.stages.get(kind="registration").starts_at.year == 2023
    page = Client().get(f"/kompetisi/{PAST_SLUG}/").content.decode()
    assert "PaDi UMKM" in page and "BARIS DITEBAS" in page and "Bulan Melah" in page
    assert "Serba Emas Cegah TBC" not in page


def test_the_internal_selection_is_under_way(demo):
    internal = Round.objects.get(level="internal", year=timezone.localdate().year)
    states = sorted(internal.entries.values_list("state", flat=True))
    assert states.count(Entry.State.ELIGIBLE) == 4
    assert {Entry.State.DRAFT, Entry.State.AT_AGENCY, Entry.State.SUBMITTED} <= set(states)
    demo_judge = Assignment.objects.filter(
        stage__round=internal, judge__user__username="demo-judge"
    )
    assert demo_judge.exists() and not demo_judge.filter(submitted_at__isnull=False).exists()
    assert Assignment.objects.filter(stage__round=internal, submitted_at__isnull=False).exists()
    client = Client()
    client.force_login(demo_judge.first().judge.user)
    assert "entries left to score" in client.get("/kompetisi/penilaian/").content.decode()


def test_loading_again_adds_nothing(demo):
    counts = (Round.objects.count(), Entry.objects.count(), Assignment.objects.count())
    load_competitions_demo()
    assert (Round.objects.count(), Entry.objects.count(), Assignment.objects.count()) == counts
