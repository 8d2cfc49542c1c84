"""A world with one record of every kind the policies judge, in two agencies — built through the
services, as users would — for the policy tests (matrix, agreement, regression)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lumbung.catalog.models import Innovation
from lumbung.competitions.models import Objection
from lumbung.competitions.services import entries as comp_entries
from lumbung.competitions.services import judging as comp_judging
from lumbung.competitions.services import results as comp_results
from lumbung.competitions.services import rounds as comp_rounds
from lumbung.core.actors import SYSTEM
from lumbung.core.http import tokens as token_services
from lumbung.events import services as event_services
from lumbung.notifications.services import notify
from lumbung.organisations.models import Role
from lumbung.replication import services as rep_services
from lumbung.replication.models import DocumentKind

from .competition_world import make_round
from .factories import AgencyFactory, InnovationFactory, PartnerFactory, UnitFactory, UserFactory
from .factories import grant as grant_role

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)  # a real one-page PDF


def build_policy_world(w: SimpleNamespace | object) -> object:
    """Extend the ``world`` fixture (two agencies, people per role, drafts and published
    innovations) with replication, events, tokens and notifications."""
    w.child_unit = UnitFactory(agency=w.agency, parent=w.unit, name="Seksi Layanan Kartini")
    w.child_draft = InnovationFactory(unit=w.child_unit, name="Draf Seksi")
    w.panrb = AgencyFactory(name="Kementerian PANRB", slug="kemenpanrb", kind="ministry")
    w.panrb_unit = UnitFactory(agency=w.panrb, name="Deputi Pelayanan Publik")
    w.agency_facilitator = UserFactory(username="panrb_facilitator")
    grant_role(w.agency_facilitator, Role.FACILITATOR, unit=w.panrb_unit)
    w.named_facilitator = UserFactory(username="named_facilitator")
    w.manager = UserFactory(username="named_manager")
    w.pm = UserFactory(username="agency_programme_manager")
    grant_role(w.pm, Role.PROGRAMME_MANAGER, agency=w.agency)
    w.other_pm = UserFactory(username="other_programme_manager")
    grant_role(w.other_pm, Role.PROGRAMME_MANAGER, agency=w.other_agency)
    w.partner = PartnerFactory(name="PT Mitra", slug="pt-mitra")

    # a programme of the agency, joined by the other agency, facilitated by PANRB
    w.programme = rep_services.programme_create(
        actor=w.pm,
        agency=w.agency,
        name="Program Replikasi",
        sources=[w.published],
        start_date=dt.date(2024, 1, 1),
        coverage_target=3,
        facilitator_agency=w.panrb,
        facilitators=[w.named_facilitator],
        managers=[w.manager],
    )
    rep_services.programme_join(actor=w.other_admin, programme=w.programme, agency=w.other_agency)
    rep_services.programme_targets_add(
        actor=w.pm, programme=w.programme, units=[w.sibling_unit, w.other_unit]
    )
    # a programme of the other agency, with no facilitator and nobody joined
    w.other_programme = rep_services.programme_create(
        actor=w.other_pm,
        agency=w.other_agency,
        name="Program Kota",
        sources=[w.other_published],
        start_date=dt.date(2024, 1, 1),
        coverage_target=1,
    )
    w.project = rep_services.project_start(
        actor=w.other_officer,
        source=w.published,
        adopting_unit=w.other_unit,
        declared_form="adaptation",
        programme=w.programme,
    )
    w.loose_project = rep_services.project_start(
        actor=w.sibling_officer,
        source=w.other_published,
        adopting_unit=w.sibling_unit,
        declared_form="adoption",
    )
    rep_services.project_document_add(
        actor=w.other_officer,
        project=w.project,
        kind=DocumentKind.COMMITMENT,
        title="Komitmen",
        upload=SimpleUploadedFile("k.pdf", PDF, content_type="application/pdf"),
    )
    w.session = rep_services.session_create(
        actor=w.named_facilitator,
        date=timezone.localdate(),
        mode="visit",
        project=w.project,
        actions=[{"description": "Rencana aksi", "due_date": timezone.localdate()}],
    )
    w.programme_session = rep_services.session_create(
        actor=w.manager, date=timezone.localdate(), mode="online", programme=w.programme
    )
    w.project_commitment = w.session.commitments.get()
    w.programme_commitment = rep_services.commitment_create(
        actor=w.manager,
        owner_unit=w.sibling_unit,
        description="Menyiapkan tim",
        due_date=timezone.localdate(),
        programme=w.programme,
    )
    w.unit_commitment = rep_services.commitment_create(
        actor=w.other_officer,
        owner_unit=w.other_unit,
        description="Komitmen sendiri",
        due_date=timezone.localdate(),
    )
    w.other_own = InnovationFactory(unit=w.other_unit, name="Inovasi Kota Sudah Ada")
    w.link_request = rep_services.replica_link_request(
        actor=w.other_officer, project=w.project, innovation=w.other_own
    )

    # events: one of the programme, hosted by the unit; one of the other agency, unpublished
    start = timezone.now() + dt.timedelta(days=7)
    w.event = event_services.event_create(
        actor=w.officer,
        host_unit=w.unit,
        title="Pembelajaran Replikasi",
        summary="Unit tuan rumah memperagakan inovasinya.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        showcased=[w.published],
        programme=w.programme,
        venue="Aula",
        facilitators=[w.named_facilitator],
    )
    event_services.invitations_add(
        actor=w.officer,
        event=w.event,
        units=[w.sibling_unit, w.other_unit],
        partners=[w.partner],
    )
    event_services.event_publish(actor=w.officer, event=w.event)
    w.other_event = event_services.event_create(
        actor=w.other_officer,
        host_unit=w.other_unit,
        title="Acara Kota",
        starts_at=start,
        showcased=[w.other_published],
        venue="Balai Kota",
    )
    event_services.invitations_add(actor=w.other_officer, event=w.other_event, units=[w.unit])
    inv = w.event.invitations.get(unit=w.other_unit)
    w.registration = event_services.registrations_create(
        actor=w.other_officer,
        event=w.event,
        invitation=inv,
        attendees=[{"name": "Ibu Sari", "accessibility_needs": "Juru bahasa isyarat"}],
    )[0]
    w.partner_registration = event_services.registrations_create(
        actor=w.officer,
        event=w.event,
        invitation=w.event.invitations.get(partner=w.partner),
        attendees=[{"name": "Pak Budi"}],
    )[0]
    w.intent = event_services.intent_record(
        actor=w.sibling_officer,
        event=w.event,
        unit=w.sibling_unit,
        innovation=w.published,
        decision="adapt",
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    w.token, _key = token_services.token_create(actor=w.officer, user=w.officer, name="skrip")
    w.other_token, _key = token_services.token_create(
        actor=w.other_officer, user=w.other_officer, name="skrip"
    )
    notify(user=w.officer, text="Halo", url="", kind="test")
    notify(user=w.other_officer, text="Halo", url="", kind="test")
    _competitions(w)
    _outcomes(w)
    return w


def _outcomes(w: Any) -> None:
    """An indicator of the published innovation with a figure, and one of the other agency's
    draft with a figure (measured by its own unit)."""
    for innovation in (w.published, w.other_draft):
        indicator_with_a_figure(innovation, timezone.localdate())


def indicator_with_a_figure(innovation: Innovation, day: dt.date) -> Any:
    """An outcome indicator of ``innovation`` ("Warga terlayani") and its baseline figure on
    ``day``, through the outcomes' services; the figure is returned."""
    from lumbung.core.actors import SYSTEM
    from lumbung.outcomes import services as outcome_services

    indicator = outcome_services.indicator_create(
        actor=SYSTEM,
        innovation=innovation,
        name="Warga terlayani",
        unit_of_measure="orang",
        better="higher",
        frequency="yearly",
    )
    return outcome_services.measurement_record(
        actor=SYSTEM,
        innovation=innovation,
        indicator=indicator,
        period_end=day,
        kind="baseline",
        value=10,
        evidence="Laporan",
    )


def _competitions(w: Any) -> None:
    """A running national round of PANRB with an entry of each agency (one judged and scored by
    ``judge``, one still a draft), a round still being set up, and a closed internal selection
    of the agency with a published result."""
    Innovation.objects.update(start_date=timezone.localdate() - dt.timedelta(days=800))
    for name in ("published", "other_published", "draft", "other_draft", "child_draft"):
        getattr(w, name).refresh_from_db()
    w.round = make_round(w.panrb, title="KIPP Dunia")
    general = w.round.groups.get(code="umum")
    w.entry_draft = comp_entries.entry_create(
        actor=w.officer, round_=w.round, group=general, innovation=w.draft
    )
    w.entry = comp_entries.entry_create(
        actor=w.other_officer, round_=w.round, group=general, innovation=w.other_published
    )
    comp_entries.entry_update(
        actor=w.other_officer, entry=w.entry, answers={general.sections.get().pk: "Ringkas."}
    )
    comp_entries.entry_send(actor=w.other_officer, entry=w.entry)
    comp_entries.entry_submit(actor=w.other_admin, entry=w.entry)
    comp_entries.entry_check(actor=SYSTEM, entry=w.entry, passed=True)
    w.judge_seat = comp_judging.judge_add(actor=SYSTEM, round_=w.round, user=w.judge)
    w.judge_seat_other = comp_judging.judge_add(actor=SYSTEM, round_=w.round, user=w.viewer)
    comp_judging.conflict_declare(actor=w.viewer, judge=w.judge_seat_other, entry=w.entry_draft)
    desk = w.round.stages.get(kind="desk")
    comp_judging.assignment_create(
        actor=SYSTEM, stage=desk, entry=w.entry, judge=w.judge_seat_other
    )
    w.draft_round = comp_rounds.round_copy(actor=SYSTEM, source=w.round, year=w.round.year + 1)
    internal = make_round(w.agency, title="Seleksi Internal", level="internal")
    igeneral = internal.groups.get(code="umum")
    entry = comp_entries.entry_create(
        actor=w.officer, round_=internal, group=igeneral, innovation=w.published
    )
    comp_entries.entry_update(
        actor=w.officer, entry=entry, answers={igeneral.sections.get().pk: "Ringkas."}
    )
    comp_entries.entry_send(actor=w.officer, entry=entry)
    comp_entries.entry_submit(actor=w.admin, entry=entry)
    comp_entries.entry_check(actor=w.admin, entry=entry, passed=True)
    seat = comp_judging.judge_add(actor=SYSTEM, round_=internal, user=w.judge)
    stage = internal.stages.get(kind="desk")
    assignment = comp_judging.assignment_create(actor=SYSTEM, stage=stage, entry=entry, judge=seat)
    comp_judging.scores_save(
        actor=w.judge,
        assignment=assignment,
        values={c.pk: (7, "") for c in stage.criteria.all()},
        submit=True,
    )
    comp_results.stage_close(actor=SYSTEM, stage=stage)
    comp_results.results_publish(actor=SYSTEM, round_=internal)
    Objection.objects.create(entry=entry, name="Warga", email="w@example.id", text="Sanggah")
    Objection.objects.create(
        entry=entry, name="Petugas", email="o@example.id", text="Sanggah", raised_by=w.other_officer
    )


#: Everyone the policy tests ask about, by attribute of the world ("anonymous" and "system" too).
PEOPLE = [
    "officer",
    "sibling_officer",
    "other_officer",
    "admin",
    "other_admin",
    "viewer",
    "judge",
    "pm",
    "other_pm",
    "manager",
    "agency_facilitator",
    "named_facilitator",
    "platform_admin",
    "nobody",
    "anonymous",
    "system",
]


def person(w: object, name: str) -> object:
    from django.contrib.auth.models import AnonymousUser

    if name == "anonymous":
        return AnonymousUser()
    if name == "system":
        return SYSTEM
    return getattr(w, name)
