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

import pytest
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.competitions.models import Stage
from lumbung.competitions.services import entries, judging
from lumbung.core.actors import SYSTEM
from lumbung.organisations.models import Role

from ..competition_world import YEAR, make_round
from ..factories import AgencyFactory, UserFactory, grant


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
