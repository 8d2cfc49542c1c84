"""Facilitation sessions, commitments, overdue lists and reminders (each sent once)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection

from lumbung.core.actors import SYSTEM
from lumbung.notifications import services as notification_services
from lumbung.notifications.models import Notification
from lumbung.organisations.models import Role
from lumbung.replication import selectors, services
from lumbung.replication.models import Commitment, CommitmentReminder

from ..factories import UnitFactory, UserFactory, grant
from .conftest import concurrency_supported

TODAY = dt.date(2024, 6, 10)


def _commit(rep, due, unit=None, **kwargs):
    return services.commitment_create(
        actor=rep.named_facilitator,
        owner_unit=unit or rep.other_unit,
        description="Menyusun rencana aksi",
        due_date=due,
        project=kwargs.pop("project", rep.project),
        **kwargs,
    )


@pytest.mark.django_db
class TestSessions:
    def test_agreed_actions_become_commitments_of_the_session(self, rep):
        session = services.session_create(
            actor=rep.named_facilitator,
            project=rep.project,
            date="2024-03-07",
            mode="visit",
            participants="Tim replikasi, kepala dinas",
            notes="Kunjungan lapangan",
            problems="Belum ada anggaran",
            actions=[
                {"description": "Ajukan anggaran", "due_date": "2024-04-01"},
                {
                    "description": "Kirim kurikulum",
                    "due_date": dt.date(2024, 3, 20),
                    "owner_unit": rep.unit,
                },
                {"description": "  ", "due_date": "2024-04-01"},  # empty rows are ignored
            ],
        )
        commitments = list(session.commitments.order_by("due_date"))
        assert [(c.owner_unit, c.due_date) for c in commitments] == [
            (rep.unit, dt.date(2024, 3, 20)),
            (rep.other_unit, dt.date(2024, 4, 1)),
        ]
        assert all(c.project == rep.project and c.programme == rep.programme for c in commitments)
        assert all(c.origin == "session" and c.origin_ref == str(session.pk) for c in commitments)
        assert session.programme == rep.programme

    def test_a_bad_action_rolls_the_whole_session_back(self, rep):
        with pytest.raises(ValidationError) as exc:
            services.session_create(
                actor=rep.named_facilitator,
                project=rep.project,
                date="2024-03-07",
                mode="online",
                actions=[
                    {"description": "Baik", "due_date": "2024-04-01"},
                    {"description": "Tanpa tanggal", "due_date": None},
                ],
            )
        assert "actions.1.due_date" in exc.value.message_dict
        assert not rep.project.sessions.exists()
        assert not Commitment.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"), [("mode", "telepathy"), ("date", "2999-01-01"), ("date", "kemarin")]
    )
    def test_session_fields_are_validated(self, rep, field, value):
        data = {"date": "2024-03-07", "mode": "workshop", field: value}
        with pytest.raises(ValidationError) as exc:
            services.session_create(actor=rep.named_facilitator, project=rep.project, **data)
        assert field in exc.value.message_dict

    def test_programme_sessions_need_a_programme_facilitator(self, rep):
        services.session_create(
            actor=rep.agency_facilitator,
            programme=rep.programme,
            date="2024-03-06",
            mode="workshop",
        )
        with pytest.raises(PermissionDenied):
            services.session_create(
                actor=rep.other_officer, programme=rep.programme, date="2024-03-06", mode="workshop"
            )


@pytest.mark.django_db
class TestCommitments:
    def test_create_validates(self, rep):
        with pytest.raises(ValidationError) as exc:
            _commit(rep, None)
        assert "due_date" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.commitment_create(
                actor=SYSTEM,
                owner_unit=rep.other_unit,
                description=" ",
                due_date="2024-01-01",
            )
        assert "description" in exc.value.message_dict

    def test_status_updates_are_audited_and_permissioned(self, rep):
        from lumbung.core import audit

        c = _commit(rep, TODAY)
        services.commitment_update(
            actor=rep.other_officer, commitment=c, status="done", note="Selesai"
        )
        c.refresh_from_db()
        assert c.status == "done" and c.completed_at is not None and not c.is_overdue
        assert audit.history(c).filter(action="commitment.update").exists()
        services.commitment_update(actor=rep.manager, commitment=c, status="open")
        c.refresh_from_db()
        assert c.completed_at is None
        for outsider in (rep.sibling_officer, rep.nobody, None):
            with pytest.raises(PermissionDenied):
                services.commitment_update(actor=outsider, commitment=c, status="done")
        with pytest.raises(ValidationError):
            services.commitment_update(actor=rep.other_officer, commitment=c, status="forgotten")

    def test_an_event_style_commitment_without_project(self, rep):
        c = services.commitment_create(
            actor=SYSTEM,
            owner_unit=rep.third_unit,
            description="Mengadaptasi SWP",
            due_date="2024-06-30",
            programme=rep.programme,
            origin="event",
            origin_ref="17",
            origin_label="Pembelajaran replikasi Temanggung",
            origin_url="/events/17/",
        )
        assert (c.origin, c.origin_ref, c.project) == ("event", "17", None)
        rows = {r.unit: r.state for r in selectors.programme_unit_states(rep.programme)}
        assert rows[rep.third_unit] == "committed"
        assert list(selectors.commitments_for(rep.agency_facilitator, origin="event")) == [c]

    def test_overdue_lists_for_facilitators_and_managers(self, rep, monkeypatch):
        late = _commit(rep, dt.date(2000, 1, 1))
        _commit(rep, dt.date(2999, 1, 1))
        done = _commit(rep, dt.date(2000, 1, 2))
        services.commitment_update(actor=rep.other_officer, commitment=done, status="done")
        elsewhere = services.commitment_create(
            actor=SYSTEM,
            owner_unit=rep.sibling_unit,
            description="Tidak terkait",
            due_date="2000-01-01",
        )
        for follower in (rep.named_facilitator, rep.agency_facilitator, rep.manager):
            assert list(selectors.overdue_for_followers(follower)) == [late], follower
        assert list(selectors.overdue_for_followers(rep.sibling_officer)) == []
        assert elsewhere in selectors.overdue_for_followers(rep.platform_admin)
        assert list(selectors.commitments_for(rep.other_officer, overdue=True)) == [late]


@pytest.mark.django_db
class TestReminders:
    def test_due_soon_and_overdue_are_sent_once(self, rep):
        soon = _commit(rep, TODAY + dt.timedelta(days=3))
        late = _commit(rep, TODAY - dt.timedelta(days=1))
        _commit(rep, TODAY + dt.timedelta(days=30))  # not yet
        finished = _commit(rep, TODAY - dt.timedelta(days=5))
        services.commitment_update(actor=rep.other_officer, commitment=finished, status="done")

        report = services.commitment_reminders_send(today=TODAY, days_ahead=7)
        assert (report.due_soon, report.overdue, report.emails) == (1, 1, 2)
        assert {m.to[0] for m in mail.outbox} == {rep.other_officer.email}
        assert any("Overdue" in m.subject or "overdue" in m.body for m in mail.outbox)
        notes = Notification.objects.filter(user=rep.other_officer)
        assert sorted(notes.values_list("kind", flat=True)) == [
            "commitment.due_soon",
            "commitment.overdue",
        ]
        assert all(
            n.url.endswith(f"/{c.pk}/")
            for n, c in zip(notes.order_by("kind"), [soon, late], strict=True)
        )

        again = services.commitment_reminders_send(today=TODAY, days_ahead=7)
        assert again.sent == 0 and again.skipped == 2
        assert len(mail.outbox) == 2 and notes.count() == 2

        # the due-soon one becomes overdue: that is a new reminder, sent once too
        later = services.commitment_reminders_send(today=TODAY + dt.timedelta(days=4), days_ahead=7)
        assert (later.due_soon, later.overdue) == (0, 1)
        assert CommitmentReminder.objects.filter(commitment=soon).count() == 2

    def test_a_new_due_date_allows_a_new_reminder(self, rep):
        c = _commit(rep, TODAY + dt.timedelta(days=2))
        services.commitment_reminders_send(today=TODAY)
        services.commitment_update(
            actor=rep.other_officer, commitment=c, due_date=TODAY + dt.timedelta(days=5)
        )
        assert services.commitment_reminders_send(today=TODAY).due_soon == 1

    def test_recipients_are_the_units_officers_else_its_agency_admins(self, rep):
        child = UnitFactory(agency=rep.other_agency, name="Seksi", parent=rep.other_unit)
        assert services.commitment_recipients(child) == [rep.other_officer]  # officer above
        bare = UnitFactory(agency=rep.other_agency, name="UPT tanpa petugas")
        assert services.commitment_recipients(bare) == [rep.other_admin]
        second = UserFactory(username="second_officer", email="")
        grant(second, Role.UNIT_OFFICER, unit=rep.other_unit)
        _commit(rep, TODAY)
        report = services.commitment_reminders_send(today=TODAY)
        assert report.due_soon == 2 and report.emails == 1  # no address: notification only
        assert Notification.objects.filter(user=second).count() == 1

    def test_a_failing_mail_server_rolls_back_so_the_next_run_retries(self, rep, monkeypatch):
        _commit(rep, TODAY)

        def broken(*args, **kwargs):
            raise OSError("smtp down")

        monkeypatch.setattr(notification_services, "send_mail", broken)
        with pytest.raises(OSError):
            services.commitment_reminders_send(today=TODAY)
        assert not CommitmentReminder.objects.exists()
        assert not Notification.objects.filter(kind__startswith="commitment.").exists()
        monkeypatch.undo()
        assert services.commitment_reminders_send(today=TODAY).due_soon == 1

    def test_the_remind_command(self, rep, capsys):
        _commit(rep, TODAY - dt.timedelta(days=2))
        call_command("remind", "--today", TODAY.isoformat(), "--no-email")
        assert "reminders sent: 1" in capsys.readouterr().out
        assert not mail.outbox
        call_command("remind", "--today", TODAY.isoformat())
        assert "reminders sent: 0" in capsys.readouterr().out
        from django.core.management.base import CommandError

        with pytest.raises(CommandError):
            call_command("remind", "--today", "yesterday")


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_each_reminder_once(request):
    if not concurrency_supported():
        pytest.skip("concurrent writers need a database file or PostgreSQL")
    rep = request.getfixturevalue("rep")
    for days in range(5):
        _commit(rep, TODAY - dt.timedelta(days=days))
    errors: list[BaseException] = []

    def run():
        try:
            services.commitment_reminders_send(today=TODAY)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert CommitmentReminder.objects.count() == 5
    assert len(mail.outbox) == 5
