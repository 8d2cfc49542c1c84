"""A competition round set up through the services, as an organiser would (shared by the
competition tests and the policy world)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from lumbung.catalog.models import Award
from lumbung.competitions.models import Criterion, Group, Quota, Round, Section, Stage
from lumbung.competitions.services import rounds
from lumbung.core.actors import SYSTEM

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
