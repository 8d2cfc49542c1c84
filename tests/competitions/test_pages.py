"""Competition pages: what each person sees and may do, end to end through the forms."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lumbung.competitions.models import Assignment, Entry, Round, Score
from lumbung.competitions.services import judging, results, rounds

from ..competition_world import YEAR
from .conftest import submitted_entry


def _pdf_text(data: bytes) -> str:
    """The text drawn on the PDF's pages: its content streams inflated, the strings its ``Tj``
    operators show."""
    import re
    import zlib

    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            out.append(stream.decode("latin-1"))
    return " ".join(re.findall(r"\((.*?)\)\s*Tj", " ".join(out)))


def _login(client, user):
    client.force_login(user)
    return client


def test_a_running_round_is_public_a_round_being_set_up_is_not(client, cw):
    draft = rounds.round_copy(actor=cw.panrb_admin, source=cw.round, year=YEAR + 1)
    page = client.get(reverse("competitions:round", args=[cw.round.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Evaluasi proposal" in text and "WIB" in text and "Kebaruan" in text
    assert client.get(reverse("competitions:round", args=[draft.slug])).status_code == 404
    listing = client.get(reverse("competitions:list")).content.decode()
    assert cw.round.title in listing and draft.title not in listing
    _login(client, cw.panrb_admin)
    assert client.get(reverse("competitions:round", args=[draft.slug])).status_code == 200


def test_a_unit_enters_fills_in_with_word_limits_and_sends(client, cw):
    _login(client, cw.officer)
    url = reverse("competitions:enter", args=[cw.round.slug])
    form = client.get(url).content.decode()
    assert "Draf Kota Contoh" not in form  # another agency's innovation is not offered
    refused = client.post(url, {"group": cw.general.pk, "innovation": cw.other_draft.pk})
    assert refused.status_code == 200 and not Entry.objects.exists()
    response = client.post(url, {"group": cw.general.pk, "innovation": cw.published.pk})
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/entri/{entry.pk}/")
    section = cw.general.sections.get()
    page = client.get(reverse("competitions:entry", args=[entry.pk])).content.decode()
    assert 'data-word-limit="50"' in page
    too_long = client.post(
        reverse("competitions:entry", args=[entry.pk]),
        {f"section_{section.pk}": "kata " * 60, "send": "1"},
    )
    assert too_long.status_code == 200
    assert "60 words; the limit is 50" in too_long.content.decode()
    entry.refresh_from_db()
    assert entry.state == Entry.State.DRAFT and entry.answers.get().text == ""
    sent = client.post(
        reverse("competitions:entry", args=[entry.pk]),
        {f"section_{section.pk}": "Layanan barista inklusif.", "sdgs": ["8", "10"], "send": "1"},
    )
    assert sent.status_code == 302
    entry.refresh_from_db()
    assert entry.state == Entry.State.AT_AGENCY
    assert sorted(entry.sdgs.values_list("number", flat=True)) == [8, 10]


def test_another_agencys_people_never_see_an_entry_page(client, cw):
    entry = submitted_entry(cw, cw.published)
    url = reverse("competitions:entry", args=[entry.pk])
    for person in (cw.other_officer, cw.other_admin, cw.nobody):
        _login(client, person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"send": "1"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_the_agency_submits_and_the_organiser_checks_on_the_entry_page(client, cw):
    from lumbung.competitions.services import entries

    entry = entries.entry_create(
        actor=cw.officer, round_=cw.round, group=cw.general, innovation=cw.published
    )
    entries.entry_update(
        actor=cw.officer, entry=entry, answers={cw.general.sections.get().pk: "Ringkas."}
    )
    entries.entry_send(actor=cw.officer, entry=entry)
    decide = reverse("competitions:entry_decide", args=[entry.pk])
    _login(client, cw.officer)
    client.post(decide, {"action": "submit"})
    entry.refresh_from_db()
    assert entry.state == Entry.State.AT_AGENCY  # the unit cannot submit for its agency
    _login(client, cw.admin)
    assert (
        "Submit to the organiser"
        in client.get(reverse("competitions:entry", args=[entry.pk])).content.decode()
    )
    client.post(decide, {"action": "submit"})
    entry.refresh_from_db()
    assert entry.state == Entry.State.SUBMITTED
    _login(client, cw.panrb_admin)
    client.post(reverse("competitions:entry_check", args=[entry.pk]), {"passed": "0", "reason": ""})
    entry.refresh_from_db()
    assert entry.state == Entry.State.SUBMITTED  # a failed check needs reasons
    client.post(
        reverse("competitions:entry_check", args=[entry.pk]),
        {"passed": "0", "reason": "Tanpa surat pernyataan."},
    )
    entry.refresh_from_db()
    assert entry.state == Entry.State.INELIGIBLE
    _login(client, cw.officer)
    assert (
        "Tanpa surat pernyataan."
        in client.get(reverse("competitions:entry", args=[entry.pk])).content.decode()
    )


def test_the_organiser_assigns_a_judge_by_hand_within_the_rules(client, cw):
    theirs = submitted_entry(cw, cw.other_published)
    judge_other, judge_a, _b = cw.judges
    client.force_login(cw.panrb_admin)
    page = client.get(reverse("competitions:manage", args=[cw.round.slug])).content.decode()
    assert "Assign a judge by hand" in page
    action = reverse("competitions:manage_action", args=[cw.round.slug])
    post = {"action": "assign_one", "stage": cw.desk.pk, "entry": theirs.pk}
    client.post(action, post | {"judge": judge_other.pk})  # of the entrant's agency
    assert not Assignment.objects.exists()
    client.post(action, post | {"judge": judge_a.pk})
    assignment = Assignment.objects.get()
    assert assignment.manual and assignment.judge == judge_a


def test_only_the_organiser_opens_the_organisers_page(client, cw):
    url = reverse("competitions:manage", args=[cw.round.slug])
    for person in (cw.admin, cw.officer, cw.judge):
        _login(client, person)
        assert client.get(url).status_code == 403
        assert (
            client.post(
                reverse("competitions:manage_action", args=[cw.round.slug]), {"action": "publish"}
            ).status_code
            == 403
        )
    _login(client, cw.panrb_admin)
    assert client.get(url).status_code == 200


def test_the_organiser_assigns_a_judge_scores_and_results_are_published(client, cw):
    mine = submitted_entry(cw, cw.published)
    theirs = submitted_entry(cw, cw.other_published)
    action = reverse("competitions:manage_action", args=[cw.round.slug])
    _login(client, cw.panrb_admin)
    client.post(action, {"action": "assign", "stage": cw.desk.pk})
    assert Assignment.objects.count() == 4
    page = client.get(reverse("competitions:manage", args=[cw.round.slug])).content.decode()
    assert "Progress of the judges" in page

    assignment = Assignment.objects.filter(entry=mine).select_related("judge__user").first()
    judge = assignment.judge.user
    _login(client, judge)
    workspace = client.get(reverse("competitions:workspace")).content.decode()
    assert mine.title in workspace
    others = Assignment.objects.exclude(judge__user=judge)
    for other in others:
        assert client.get(reverse("competitions:score", args=[other.pk])).status_code == 404
    url = reverse("competitions:score", args=[assignment.pk])
    criteria = list(cw.desk.criteria.all())
    data = {f"criterion_{c.pk}": 8 for c in criteria} | {"submit": "1"}
    data[f"criterion_{criteria[0].pk}"] = ""
    refused = client.post(url, data)
    assert "Score every criterion" in refused.content.decode()
    assert not Score.objects.exists()
    data[f"criterion_{criteria[0].pk}"] = 9
    assert client.post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    for a in Assignment.objects.filter(submitted_at__isnull=True).select_related("judge__user"):
        judging.scores_save(
            actor=a.judge.user,
            assignment=a,
            values={c.pk: (5 if a.entry_id == theirs.pk else 8, "") for c in criteria},
            submit=True,
        )
    _login(client, cw.panrb_admin)
    client.post(action, {"action": "close", "stage": cw.desk.pk})
    report = client.get(reverse("competitions:manage", args=[cw.round.slug])).content.decode()
    assert "Balance of the kept entries" in report and "Krippendorff" in report
    assert "Ranking of" in report
    client.post(action, {"action": "publish"})
    cw.round.refresh_from_db()
    assert cw.round.state == Round.State.PUBLISHED
    client.logout()
    public = client.get(reverse("competitions:round", args=[cw.round.slug])).content.decode()
    assert "Results" in public and mine.title in public
    pdf = client.get(reverse("competitions:certificate", args=[mine.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Baris Ditebas" in text and "Top 99" in text and "Kementerian PANRB" in text
    sheet = client.get(reverse("competitions:results_xlsx", args=[cw.round.slug]))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Group" and {r[2] for r in rows[1:]} == {mine.title, theirs.title}


@pytest.mark.parametrize("blind", [False, True])
def test_a_blind_stage_hides_the_entrant_from_the_judge(client, cw, blind):
    cw.desk.blind = blind
    cw.desk.save()
    entry = submitted_entry(cw, cw.published)
    judging.stage_assign(actor=cw.panrb_admin, stage=cw.desk)
    assignment = Assignment.objects.filter(entry=entry).select_related("judge__user").first()
    _login(client, assignment.judge.user)
    page = client.get(reverse("competitions:score", args=[assignment.pk])).content.decode()
    assert ("Sentra Terpadu Kartini" in page) is not blind
    assert ("Baris Ditebas" in page) is not blind


def test_results_stay_hidden_until_published(client, cw):
    entry = submitted_entry(cw, cw.published)
    assert client.get(reverse("competitions:certificate", args=[entry.pk])).status_code == 404
    assert client.get(reverse("competitions:results_xlsx", args=[cw.round.slug])).status_code == 404
    _login(client, cw.officer)
    page = client.get(reverse("competitions:round", args=[cw.round.slug])).content.decode()
    assert "results-title" not in page
    assert results.kept_entries(cw.round) == []
