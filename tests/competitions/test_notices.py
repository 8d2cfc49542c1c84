"""Who hears of competition entries: the agency's admins when a unit sends one, the unit when
it is returned, submitted or checked, each judge once when given entries — never the actor,
nobody who may not open the link."""

from __future__ import annotations

from lumbung.competitions.services import entries, judging
from lumbung.notifications.models import Notification

from .conftest import submitted_entry


def _texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_the_flow_tells_the_next_person(cw):
    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    entries.entry_update(
        actor=cw.officer, entry=entry, answers={cw.general.sections.get().pk: "Ringkas."}
    )
    entries.entry_send(actor=cw.officer, entry=entry)
    assert any("return it or submit it" in t for t in _texts(cw.admin))
    assert not _texts(cw.officer) and not _texts(cw.other_admin)
    entries.entry_return(actor=cw.admin, entry=entry, reason="Lengkapi data.")
    assert any("was returned to your unit: Lengkapi data." in t for t in _texts(cw.officer))
    assert not any("returned" in t for t in _texts(cw.sibling_officer))
    entries.entry_send(actor=cw.officer, entry=entry)
    entries.entry_submit(actor=cw.admin, entry=entry)
    entries.entry_check(actor=cw.panrb_admin, entry=entry, passed=True)
    assert any("passed the administrative check" in t for t in _texts(cw.officer))


def test_each_judge_hears_once_per_assignment_run(cw):
    submitted_entry(cw, cw.published)
    submitted_entry(cw, cw.other_published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    for judge in (cw.judge_a, cw.judge_b):
        texts = [t for t in _texts(judge) if "yours to score" in t]
        assert len(texts) == 1 and "WIB" in texts[0]
    assert not any("yours to score" in t for t in _texts(cw.panrb_admin))
