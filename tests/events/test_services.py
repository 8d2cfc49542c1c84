"""Events services: creation, invitations, registration and capacity, attendance, intents."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from lumbung.core.actors import SYSTEM
from lumbung.core.models import AuditEntry
from lumbung.events import services
from lumbung.events.models import Event, Intent, Registration
from lumbung.replication import services as replication_services
from lumbung.replication.models import Commitment, ReplicationProject, Stage

from ..factories import InnovationFactory
from .conftest import register

pytestmark = pytest.mark.django_db


# --- creating events ------------------------------------------------------------------------


def _create(actor, host, **extra):
    start = timezone.now() + dt.timedelta(days=3)
    data = {
        "title": "Acara",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "venue": "Aula",
        **extra,
    }
    return services.event_create(actor=actor, host_unit=host, **data)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("officer", True),  # the host unit's officer
        ("admin", True),  # its agency's admin
        # a facilitator (e.g. KemenPANRB) acts only within a programme its agency facilitates
        ("agency_facilitator", False),
        ("platform_admin", True),
        ("sibling_officer", False),  # another unit's officer
        ("other_admin", False),  # another agency's admin
        ("viewer", False),
        ("nobody", False),
    ],
)
def test_who_may_create_an_event_for_a_host(ev, who, allowed):
    actor = getattr(ev, who)
    if allowed:
        event = _create(actor, ev.unit, showcased=[ev.published])
        assert event.host_agency == ev.agency and event.slug
    else:
        with pytest.raises(PermissionDenied):
            _create(actor, ev.unit, showcased=[ev.published])


def test_a_programme_manager_creates_an_event_of_their_programme_only(ev):
    with pytest.raises(PermissionDenied):
        _create(ev.manager, ev.unit, showcased=[ev.published])
    event = _create(ev.manager, ev.unit, showcased=[ev.published], programme=ev.programme)
    assert event.programme == ev.programme


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"showcased": []}, "showcased"),
        ({"venue": ""}, "venue"),
        ({"title": "  "}, "title"),
        ({"capacity": 0}, "capacity"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
    ],
    ids=["no-innovation", "no-place", "no-title", "zero-capacity", "bad-link"],
)
def test_event_validation(ev, extra, field):
    data = {"showcased": [ev.published], **extra}
    with pytest.raises(ValidationError) as exc:
        _create(ev.officer, ev.unit, **data)
    assert field in exc.value.message_dict


def test_the_event_cannot_end_before_it_starts(ev):
    start = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.event_create(
            actor=ev.officer,
            host_unit=ev.unit,
            title="X",
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
            venue="Aula",
            showcased=[ev.published],
        )
    assert "ends_at" in exc.value.message_dict


def test_a_draft_of_another_agency_cannot_be_showcased(ev):
    with pytest.raises(ValidationError):
        _create(ev.officer, ev.unit, showcased=[ev.other_draft])


def test_the_facilitating_agency_comes_from_the_programme(ev):
    ev.programme.facilitator_agency = ev.panrb
    ev.programme.save()
    event = _create(ev.officer, ev.unit, showcased=[ev.published], programme=ev.programme)
    assert event.facilitator_agency == ev.panrb


def test_publishing_needs_a_summary_and_is_audited(ev):
    ev.event.summary = ""
    ev.event.save()
    with pytest.raises(ValidationError):
        services.event_publish(actor=ev.officer, event=ev.event)
    services.event_update(actor=ev.officer, event=ev.event, data={"summary": "Ringkasan."})
    event = services.event_publish(actor=ev.officer, event=ev.event)
    assert event.is_published and event.published_at
    assert AuditEntry.objects.filter(action="event.publish", object_id=str(event.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.event_publish(actor=ev.sibling_officer, event=ev.event)


def test_the_showcased_innovations_can_be_changed(ev):
    """Regression: changing them raised a TypeError (the edit page and PATCH answered 500)."""
    second = InnovationFactory(unit=ev.unit, name="Inovasi Kedua", publication_state="published")
    services.event_update(
        actor=ev.officer, event=ev.event, data={"showcased": [ev.published, second]}
    )
    assert set(ev.event.showcased.all()) == {ev.published, second}
    entry = AuditEntry.objects.filter(action="event.update", object_id=str(ev.event.pk)).get()
    after = sorted([str(ev.published), str(second)])
    assert entry.changes["showcased"] == [[str(ev.published)], after]
    with pytest.raises(ValidationError) as exc:  # not one she may not see
        services.event_update(
            actor=ev.officer, event=ev.event, data={"showcased": [ev.other_draft]}
        )
    assert "showcased" in exc.value.message_dict
    services.intent_record(
        actor=ev.sibling_officer,
        event=ev.event,
        unit=ev.sibling_unit,
        innovation=second,
        decision="not_now",
    )
    with pytest.raises(ValidationError) as exc:  # units recorded intents for it
        services.event_update(actor=ev.officer, event=ev.event, data={"showcased": [ev.published]})
    assert "showcased" in exc.value.message_dict


def test_capacity_cannot_drop_below_the_registered(ev):
    register(ev.event, ev.inv_sibling, "A", "B", "C")
    with pytest.raises(ValidationError) as exc:
        services.event_update(actor=ev.officer, event=ev.event, data={"capacity": 2})
    assert "capacity" in exc.value.message_dict


# --- invitations ----------------------------------------------------------------------------


def test_invite_all_sentra_under_a_directorate_general_at_once(ev, sub_units):
    dg, sentra, office = sub_units
    result = services.invitations_add(
        actor=ev.officer, event=ev.event, under=dg, kinds=["sentra"], partners=[ev.partner]
    )
    assert (result.units, result.partners) == (3, 0)  # the partner was invited already
    invited = set(ev.event.invitations.values_list("unit_id", flat=True))
    assert {s.pk for s in sentra} <= invited and office.pk not in invited and dg.pk not in invited
    again = services.invitations_add(actor=ev.officer, event=ev.event, under=dg)
    assert (again.units, again.partners) == (2, 0)  # the DG and the office; sentra skipped


def test_the_host_does_not_invite_itself(ev):
    with pytest.raises(ValidationError):
        services.invitations_add(actor=ev.officer, event=ev.event, units=[ev.unit])


def test_only_managers_invite(ev):
    with pytest.raises(PermissionDenied):
        services.invitations_add(actor=ev.sibling_officer, event=ev.event, units=[ev.other_unit])


def test_an_invitation_with_registered_people_stays(ev):
    register(ev.event, ev.inv_sibling, "Ani")
    with pytest.raises(ValidationError):
        services.invitation_remove(actor=ev.officer, invitation=ev.inv_sibling)
    services.invitation_remove(actor=ev.officer, invitation=ev.inv_other)
    assert not ev.event.invitations.filter(unit=ev.other_unit).exists()


# --- registration and capacity --------------------------------------------------------------


def test_an_invited_units_officer_registers_their_people(ev):
    reg = services.registration_create(
        actor=ev.sibling_officer,
        event=ev.event,
        invitation=ev.inv_sibling,
        name="Budi",
        position="Pekerja sosial",
        accessibility_needs="Juru bahasa isyarat",
    )
    assert reg.is_active and reg.registered_by == ev.sibling_officer
    entry = AuditEntry.objects.get(action="event.register")
    assert "Budi" not in str(entry.changes) and "isyarat" not in str(entry.changes)


@pytest.mark.parametrize("who", ["other_officer", "nobody", "viewer"])
def test_others_cannot_register_for_a_unit(ev, who):
    with pytest.raises(PermissionDenied):
        services.registration_create(
            actor=getattr(ev, who), event=ev.event, invitation=ev.inv_sibling, name="X"
        )


def test_partners_are_registered_by_the_hosts(ev):
    reg = services.registration_create(
        actor=ev.officer, event=ev.event, invitation=ev.inv_partner, name="Wakil CSR"
    )
    assert reg.invitation.partner == ev.partner


def test_registration_over_capacity_is_refused_with_a_clear_message(ev):
    register(ev.event, ev.inv_sibling, "A", "B", "C")
    with pytest.raises(ValidationError) as exc:
        services.registrations_create(
            actor=ev.other_officer,
            event=ev.event,
            invitation=ev.inv_other,
            attendees=[{"name": "D"}, {"name": "E"}],
        )
    assert "Only 1 place is left; nobody was registered." in exc.value.messages
    assert ev.event.registrations.count() == 3  # all or nothing
    register(ev.event, ev.inv_other, "D")
    with pytest.raises(ValidationError) as exc:
        register(ev.event, ev.inv_other, "E")
    assert exc.value.messages == [
        "The event is full: all 4 places are taken. Nobody was registered."
    ]
    assert services.places_left(ev.event) == 0


def test_a_cancelled_registration_frees_its_place(ev):
    regs = register(ev.event, ev.inv_sibling, "A", "B", "C", "D")
    services.registration_cancel(actor=ev.sibling_officer, registration=regs[0])
    assert services.places_left(ev.event) == 1
    register(ev.event, ev.inv_other, "E")


def test_no_limit_without_capacity(ev):
    ev.event.capacity = None
    ev.event.save()
    assert len(register(ev.event, ev.inv_sibling, *[f"P{i}" for i in range(30)])) == 30


def test_closed_or_past_registration_is_refused_for_invitees_not_hosts(ev):
    services.event_update(actor=ev.officer, event=ev.event, data={"registration_open": False})
    with pytest.raises(ValidationError):
        services.registration_create(
            actor=ev.sibling_officer, event=ev.event, invitation=ev.inv_sibling, name="A"
        )
    services.registration_create(
        actor=ev.officer, event=ev.event, invitation=ev.inv_sibling, name="Tamu di pintu"
    )
    Event.objects.filter(pk=ev.event.pk).update(
        registration_open=True,
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        services.registration_create(
            actor=ev.sibling_officer, event=ev.event, invitation=ev.inv_sibling, name="B"
        )


def test_an_attended_registration_cannot_be_cancelled(ev):
    (reg,) = register(ev.event, ev.inv_sibling, "A")
    services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[reg])
    with pytest.raises(ValidationError):
        services.registration_cancel(actor=ev.officer, registration=reg)


def concurrency_supported() -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    return connection.vendor != "sqlite" or not (name == ":memory:" or "mode=memory" in name)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_cannot_exceed_capacity(request):
    if not concurrency_supported():
        pytest.skip("concurrent writers need a database file or PostgreSQL")
    ev = request.getfixturevalue("ev")
    Event.objects.filter(pk=ev.event.pk).update(capacity=3)
    workers = 8
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def registrar(i: int) -> None:
        try:
            barrier.wait()
            event = Event.objects.get(pk=ev.event.pk)
            register(event, ev.inv_sibling, f"Peserta {i}")
            result = "ok"
        except ValidationError:
            result = "full"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=registrar, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 3 and outcomes.count("full") == workers - 3
    assert Registration.objects.filter(event_id=ev.event.pk, status="registered").count() == 3


# --- attendance -----------------------------------------------------------------------------


def test_bulk_check_in_is_idempotent(ev):
    a, b, c = register(ev.event, ev.inv_sibling, "A", "B", "C")
    first = services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[a, b])
    assert [r.pk for r in first.checked_in] == [a.pk, b.pk] and first.already == []
    a.refresh_from_db()
    stamp = a.checked_in_at
    second = services.attendance_check_in(
        actor=ev.facilitator, event=ev.event, registrations=[a.pk, b.pk, c.pk, c.pk]
    )
    assert [r.pk for r in second.checked_in] == [c.pk]
    assert {r.pk for r in second.already} == {a.pk, b.pk}
    a.refresh_from_db()
    assert a.checked_in_at == stamp  # the first check-in time stays
    assert ev.event.registrations.filter(checked_in_at__isnull=False).count() == 3
    third = services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[a])
    assert (
        third.checked_in == [] and AuditEntry.objects.filter(action="event.check_in").count() == 2
    )


@pytest.mark.parametrize("bad", ["unknown", "other-event", "cancelled", "text"])
def test_bulk_check_in_is_atomic(ev, bad):
    a, b = register(ev.event, ev.inv_sibling, "A", "B")
    if bad == "unknown":
        wrong = 999_999
    elif bad == "other-event":
        other = _create(ev.officer, ev.unit, showcased=[ev.published])
        services.invitations_add(actor=ev.officer, event=other, units=[ev.sibling_unit])
        (wrong,) = register(other, other.invitations.get(), "Z")
    elif bad == "cancelled":
        wrong = b
        services.registration_cancel(actor=ev.officer, registration=b)
    else:
        wrong = "abc"
    with pytest.raises(ValidationError):
        services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[a, wrong])
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_a_failure_during_check_in_changes_nothing(ev, monkeypatch):
    regs = register(ev.event, ev.inv_sibling, "A", "B")

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=regs)
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


@pytest.mark.parametrize("who", ["sibling_officer", "other_officer", "nobody", "manager"])
def test_only_managers_check_in(ev, who):
    (reg,) = register(ev.event, ev.inv_sibling, "A")
    actor = getattr(ev, who)
    if who == "manager":  # the programme's manager manages the event
        services.attendance_check_in(actor=actor, event=ev.event, registrations=[reg])
        return
    with pytest.raises(PermissionDenied):
        services.attendance_check_in(actor=actor, event=ev.event, registrations=[reg])


def test_undo_a_check_in(ev):
    (reg,) = register(ev.event, ev.inv_sibling, "A")
    services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[reg])
    services.attendance_undo(actor=ev.officer, registration=reg)
    reg.refresh_from_db()
    assert reg.checked_in_at is None


# --- intents -> commitments and projects ----------------------------------------------------


def _due() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=90)


def test_an_intent_creates_the_commitment_and_the_project_in_one_step(ev):
    (intent,) = services.intents_record(
        actor=ev.sibling_officer,
        event=ev.event,
        unit=ev.sibling_unit,
        items=[
            {
                "innovation": ev.published,
                "decision": "adapt",
                "due_date": _due(),
                "note": "Mulai dengan dua peserta",
                "start_project": True,
            }
        ],
    )
    commitment, project = intent.commitment, intent.project
    assert commitment.owner_unit == ev.sibling_unit and commitment.due_date == _due()
    assert (commitment.origin, commitment.origin_ref) == ("event", str(ev.event.pk))
    assert commitment.origin_label == ev.event.title
    assert commitment.origin_url == f"/acara/{ev.event.slug}/"
    assert commitment.programme == ev.programme and commitment.project == project
    assert "Mulai dengan dua peserta" in commitment.description
    assert project.source == ev.published and project.adopting_unit == ev.sibling_unit
    assert project.declared_form == "adaptation" and project.stage == Stage.PREPARATION
    assert project.programme == ev.programme
    assert ev.programme.targets.filter(unit=ev.sibling_unit).exists()


def test_not_now_records_no_commitment(ev):
    intent = services.intent_record(
        actor=ev.sibling_officer,
        event=ev.event,
        unit=ev.sibling_unit,
        innovation=ev.published,
        decision="not_now",
    )
    assert intent.commitment is None and intent.project is None
    # later the unit decides after all: the same intent becomes a commitment
    intent = services.intent_record(
        actor=ev.sibling_officer,
        event=ev.event,
        unit=ev.sibling_unit,
        innovation=ev.published,
        decision="adopt",
        due_date=_due(),
    )
    assert intent.commitment is not None and Intent.objects.count() == 1
    with pytest.raises(ValidationError):  # committed: follow it up on the commitment
        services.intent_record(
            actor=ev.sibling_officer,
            event=ev.event,
            unit=ev.sibling_unit,
            innovation=ev.published,
            decision="modify",
            due_date=_due(),
        )


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"decision": "adopt"}, "due_date"),
        ({"decision": "maybe", "due_date": "2030-01-01"}, "decision"),
        ({"decision": "adopt", "due_date": "2001-01-01"}, "due_date"),
        ({"decision": "adopt", "due_date": "31/12/2030"}, "due_date"),
        ({"decision": "not_now", "start_project": True}, "start_project"),
    ],
    ids=["no-date", "bad-decision", "before-event", "bad-date", "project-not-now"],
)
def test_intent_validation(ev, item, field):
    with pytest.raises(ValidationError) as exc:
        services.intents_record(
            actor=ev.sibling_officer,
            event=ev.event,
            unit=ev.sibling_unit,
            items=[{"innovation": ev.published, **item}],
        )
    assert field in exc.value.message_dict
    assert all(m.startswith(ev.published.name) for m in exc.value.messages)
    assert not Commitment.objects.exists()


def test_if_the_project_cannot_start_no_commitment_stays(ev, monkeypatch):
    second = InnovationFactory(unit=ev.unit, name="SWP", publication_state="published")
    ev.event.showcased.add(second)
    before = (
        Commitment.objects.count(),
        ReplicationProject.objects.count(),
        Intent.objects.count(),
    )

    real_start = replication_services.project_start
    calls = []

    def failing_start(**kwargs):
        calls.append(kwargs["source"])
        if kwargs["source"] == second:
            raise ValidationError({"source": "Gagal membuat proyek"})
        return real_start(**kwargs)

    monkeypatch.setattr(replication_services, "project_start_unchecked", failing_start)
    with pytest.raises(ValidationError) as exc:
        services.intents_record(
            actor=ev.sibling_officer,
            event=ev.event,
            unit=ev.sibling_unit,
            items=[
                {
                    "innovation": ev.published,
                    "decision": "adopt",
                    "due_date": _due(),
                    "start_project": True,
                },
                {
                    "innovation": second,
                    "decision": "adapt",
                    "due_date": _due(),
                    "start_project": True,
                },
            ],
        )
    assert calls == [ev.published, second]  # the first commitment and project were made...
    assert "SWP: Gagal membuat proyek" in exc.value.messages
    after = (Commitment.objects.count(), ReplicationProject.objects.count(), Intent.objects.count())
    assert after == before  # ...and rolled back with the failure


def test_a_failure_creating_the_commitment_keeps_no_project(ev, monkeypatch):
    def failing_commitment(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(replication_services, "commitment_create_unchecked", failing_commitment)
    with pytest.raises(RuntimeError):
        services.intent_record(
            actor=ev.sibling_officer,
            event=ev.event,
            unit=ev.sibling_unit,
            innovation=ev.published,
            decision="adopt",
            due_date=_due(),
            start_project=True,
        )
    assert not ReplicationProject.objects.exists() and not Intent.objects.exists()


def test_a_running_project_is_linked_not_duplicated(ev):
    project = replication_services.project_start(
        actor=SYSTEM,
        source=ev.published,
        adopting_unit=ev.sibling_unit,
        declared_form="adoption",
    )
    intent = services.intent_record(
        actor=ev.sibling_officer,
        event=ev.event,
        unit=ev.sibling_unit,
        innovation=ev.published,
        decision="adopt",
        due_date=_due(),
        start_project=True,
    )
    assert intent.project == project and ReplicationProject.objects.count() == 1
    assert intent.commitment.project == project


def test_intents_only_for_invited_units_and_showcased_innovations(ev, sub_units):
    _dg, sentra, _office = sub_units
    from lumbung.organisations.models import Role

    from ..factories import UserFactory, grant

    outsider = UserFactory(username="outsider")
    grant(outsider, Role.UNIT_OFFICER, unit=sentra[0])
    with pytest.raises(ValidationError):  # not invited
        services.intent_record(
            actor=outsider,
            event=ev.event,
            unit=sentra[0],
            innovation=ev.published,
            decision="adopt",
            due_date=_due(),
        )
    with pytest.raises(ValidationError):  # not showcased
        services.intent_record(
            actor=ev.sibling_officer,
            event=ev.event,
            unit=ev.sibling_unit,
            innovation=ev.draft,
            decision="adopt",
            due_date=_due(),
        )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("sibling_officer", True),  # the unit's own officer
        ("admin", True),  # its agency's admin
        ("facilitator", True),  # the event's facilitator, on the unit's behalf
        ("manager", True),  # the programme's manager, on the unit's behalf
        ("officer", False),  # the host's officer: not for another unit
        ("other_officer", False),  # another invited unit's officer
        ("nobody", False),
    ],
)
def test_who_records_a_units_intents(ev, who, allowed):
    def go():
        return services.intent_record(
            actor=getattr(ev, who),
            event=ev.event,
            unit=ev.sibling_unit,
            innovation=ev.published,
            decision="adopt",
            due_date=_due(),
        )

    if allowed:
        assert go().commitment is not None
    else:
        with pytest.raises(PermissionDenied):
            go()


# --- testimonials and materials -------------------------------------------------------------


def test_testimonial_and_material(ev):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import PNG

    t = services.testimonial_add(
        actor=ev.officer,
        event=ev.event,
        speaker="Ibu Sri",
        group="SWP Karya Barokah",
        text="Anak-anak kami kini berpenghasilan.",
        partner=ev.partner,
        is_public=True,
    )
    assert t.group == "SWP Karya Barokah"
    with pytest.raises(ValidationError):
        services.testimonial_add(actor=ev.officer, event=ev.event, speaker="", text="x")
    with pytest.raises(PermissionDenied):
        services.testimonial_add(actor=ev.sibling_officer, event=ev.event, speaker="A", text="B")
    photo = SimpleUploadedFile("foto.pdf", PNG, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:  # a public photo needs a description
        services.material_add(
            actor=ev.officer,
            event=ev.event,
            kind="photo",
            title="Pameran",
            upload=photo,
            is_public=True,
        )
    assert "description" in exc.value.message_dict
    photo.seek(0)
    m = services.material_add(
        actor=ev.officer,
        event=ev.event,
        kind="photo",
        title="Pameran",
        upload=photo,
        description="Meja pameran batik ciprat",
        is_public=True,
    )
    assert m.content_type == "image/png" and m.file.name.endswith(".png")  # sniffed, not named
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.material_add(
            actor=ev.officer, event=ev.event, kind="handout", title="X", upload=fake
        )
    assert "file" in exc.value.message_dict
