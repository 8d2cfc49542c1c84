"""Competition fixtures on top of the shared ``world``.

``cw``: KemenPANRB (with its innovation admin) organises the national round of this year, set up
through the services: three groups (general: one 50-word section; replication: inspiration 100,
process 200, what differs 100 words; special: past winners only), a registration stage open now,
an administrative check, and a desk evaluation open now with a three-criterion rubric (weights
30/40/30, scores 1–10) keeping the top 2 of the general group as Top 99. The world's
innovations started two years ago; three judges: ``judge`` (of the other agency), ``judge_a``
and ``judge_b`` (of KemenPANRB).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lumbung.catalog.models import Award, Innovation
from lumbung.competitions.models import Criterion, Group, Quota, Round, Section, Stage
from lumbung.competitions.services import entries, judging, rounds
from lumbung.core.actors import SYSTEM
from lumbung.organisations.models import Role

from ..factories import AgencyFactory, UserFactory, grant

YEAR = timezone.now().year


def make_round(organiser, *, title: str, level: str = Round.Level.NATIONAL) -> Round:
    now = timezone.now()
    round_ = rounds.round_create(
        actor=SYSTEM, organiser=organiser, title=title, year=YEAR, level=level
    )
    general = Group.objects.create(round=round_, code="umum", name="Kelompok Umum", order=1)
    Section.objects.create(group=general, title="Ringkasan", word_limit=50, order=1)
    replication = Group.objects.create(
        round=round_,
        code="replikasi",
        name="Kelompok Replikasi",
        kind=Group.Kind.REPLICATION,
        requires_inspiration=True,
        order=2,
    )
    for order, (title_, limit) in enumerate(
        (("Inspirasi", 100), ("Proses replikasi", 200), ("Perbedaan", 100)), start=1
    ):
        Section.objects.create(group=replication, title=title_, word_limit=limit, order=order)
    Group.objects.create(
        round=round_,
        code="khusus",
        name="Kelompok Khusus",
        kind=Group.Kind.SPECIAL,
        requires_past_winner=True,
        order=3,
    )
    Stage.objects.create(
        round=round_,
        kind=Stage.Kind.REGISTRATION,
        name="Pendaftaran",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=30),
        order=1,
    )
    Stage.objects.create(
        round=round_,
        kind=Stage.Kind.ADMINISTRATIVE,
        name="Seleksi administrasi",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=40),
        order=2,
    )
    desk = Stage.objects.create(
        round=round_,
        kind=Stage.Kind.DESK,
        name="Evaluasi proposal",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=60),
        order=3,
    )
    for order, (name, weight) in enumerate(
        (("Kebaruan", "30"), ("Manfaat", "40"), ("Keberlanjutan", "30")), start=1
    ):
        Criterion.objects.create(
            stage=desk, name=name, weight=Decimal(weight), scale_min=1, scale_max=10, order=order
        )
    Quota.objects.create(stage=desk, group=general, top=2, award_level=Award.Level.TOP_99)
    return rounds.round_open(actor=SYSTEM, round_=round_)


@pytest.fixture
def cw(world):
    w = world
    w.panrb = AgencyFactory(name="Kementerian PANRB", slug="kemenpanrb")
    w.panrb_admin = UserFactory(username="panrb_admin")
    grant(w.panrb_admin, Role.AGENCY_ADMIN, agency=w.panrb)
    started = timezone.localdate() - dt.timedelta(days=730)
    Innovation.objects.update(start_date=started)
    for name in ("draft", "published", "other_draft", "other_published"):
        getattr(w, name).refresh_from_db()
    w.round = make_round(w.panrb, title=f"KIPP {YEAR}")
    w.general = w.round.groups.get(code="umum")
    w.replication = w.round.groups.get(code="replikasi")
    w.special = w.round.groups.get(code="khusus")
    w.desk = w.round.stages.get(kind=Stage.Kind.DESK)
    w.judge_a = UserFactory(username="judge_a")
    grant(w.judge_a, Role.JUDGE, agency=w.panrb)
    w.judge_b = UserFactory(username="judge_b")
    grant(w.judge_b, Role.JUDGE, agency=w.panrb)
    w.judges = [
        judging.judge_add(actor=SYSTEM, round_=w.round, user=u)
        for u in (w.judge, w.judge_a, w.judge_b)
    ]
    return w


def submitted_entry(w, innovation, *, group=None, text: str = "Layanan jemput bola."):
    """An entry taken through the whole flow to the organiser, passed by the check."""
    group = group or w.general
    entry = entries.entry_create(actor=SYSTEM, round_=w.round, group=group, innovation=innovation)
    entries.entry_update(
        actor=SYSTEM, entry=entry, answers={s.pk: text for s in group.sections.all()}
    )
    entries.entry_send(actor=SYSTEM, entry=entry)
    entries.entry_submit(actor=SYSTEM, entry=entry)
    return entries.entry_check(actor=SYSTEM, entry=entry, passed=True)
