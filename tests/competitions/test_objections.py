"""The public objection period: anyone objects to a kept entry while it is open; the organiser
records the resolution; an upheld objection takes the entry out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lumbung.competitions.models import Assignment, Entry, Objection, Result, Stage
from lumbung.competitions.services import judging, objections, results
from lumbung.core.policies import permitted

from .conftest import submitted_entry


@pytest.fixture
def ow(cw):
    """Two general entries judged and kept by the desk stage; an objection stage open now."""
    w = cw
    w.mine = submitted_entry(w, w.published)
    w.theirs = submitted_entry(w, w.other_published)
    judging.stage_assign(actor=w.panrb_admin, stage=w.desk)
    for a in Assignment.objects.select_related("judge__user"):
        judging.scores_save(
            actor=a.judge.user,
            assignment=a,
            values={c.pk: (7, "") for c in w.desk.criteria.all()},
            submit=True,
        )
    results.stage_close(actor=w.panrb_admin, stage=w.desk)
    now = timezone.now()
    w.objection_stage = Stage.objects.create(
        round=w.round,
        kind=Stage.Kind.OBJECTION,
        name="Masa sanggah",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=5),
        order=4,
    )
    return w


def test_anyone_objects_to_a_kept_entry_on_the_round_page(client, ow):
    page = client.get(reverse("competitions:round", args=[ow.round.slug])).content.decode()
    assert "Public objection period" in page and ow.mine.title in page
    url = reverse("competitions:objection", args=[ow.round.slug, ow.mine.pk])
    refused = client.post(url, {"name": "", "email": "bukan-email", "text": ""})
    assert refused.status_code == 200 and not Objection.objects.exists()
    sent = client.post(
        url, {"name": "Warga Temanggung", "email": "warga@example.id", "text": "Data tidak benar."}
    )
    assert sent.status_code == 302
    objection = Objection.objects.get()
    assert objection.entry == ow.mine and objection.raised_by is None
    assert not permitted(None, "competition_objection.view", Objection.objects.all()).exists()
    assert not permitted(ow.officer, "competition_objection.view", Objection.objects.all()).exists()


def test_no_objection_outside_the_period_or_to_an_entry_not_kept(ow):
    ow.objection_stage.ends_at = timezone.now() - dt.timedelta(minutes=1)
    ow.objection_stage.save()
    with pytest.raises(ValidationError, match="not open"):
        objections.objection_raise(
            actor=None, entry=ow.mine, name="A", email="a@example.id", text="x"
        )
    ow.objection_stage.ends_at = timezone.now() + dt.timedelta(days=1)
    ow.objection_stage.save()
    Result.objects.filter(entry=ow.theirs).update(kept=False)
    with pytest.raises(ValidationError, match="announced as kept"):
        objections.objection_raise(
            actor=None, entry=ow.theirs, name="A", email="a@example.id", text="x"
        )


def test_the_organiser_resolves_and_an_upheld_objection_takes_the_entry_out(client, ow):
    objection = objections.objection_raise(
        actor=None,
        entry=ow.mine,
        name="Warga",
        email="w@example.id",
        text="Belum berjalan setahun.",
    )
    with pytest.raises(PermissionDenied):
        objections.objection_resolve(
            actor=ow.admin, objection=objection, upheld=True, resolution="x"
        )
    client.force_login(ow.panrb_admin)
    manage = reverse("competitions:manage", args=[ow.round.slug])
    assert "Belum berjalan setahun." in client.get(manage).content.decode()
    action = reverse("competitions:manage_action", args=[ow.round.slug])
    client.post(action, {"action": "resolve", "objection": objection.pk, "upheld": "1"})
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN  # a resolution must be recorded
    client.post(
        action,
        {
            "action": "resolve",
            "objection": objection.pk,
            "upheld": "1",
            "resolution": "Terbukti baru berjalan 8 bulan.",
        },
    )
    objection.refresh_from_db()
    assert objection.state == Objection.State.UPHELD and objection.resolved_by == ow.panrb_admin
    out = Entry.objects.get(pk=ow.mine.pk)
    assert out.state == Entry.State.INELIGIBLE and "8 bulan" in out.reason
    assert not Result.objects.filter(entry=out, kept=True).exists()
    assert [e.pk for e in objections.finalists(ow.round)] == [ow.theirs.pk]
    with pytest.raises(ValidationError, match="already resolved"):
        objections.objection_resolve(
            actor=ow.panrb_admin, objection=objection, upheld=False, resolution="x"
        )
