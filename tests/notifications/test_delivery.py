"""E-mail follows each person's preference: at once (after the commit), in the daily digest, or
not at all — each notification e-mailed at most once, in the recipient's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from lumbung.core.models import AuditEntry
from lumbung.notifications import kinds, selectors, services
from lumbung.notifications.models import Notification

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

# kinds registered by the apps (catalog: "review", replication: "replication", "commitments")
REVIEW_KIND = "innovation.submitted"


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.go.id", preferred_language="en")


def _notify(user, text="Inovasi diajukan", kind=REVIEW_KIND, url="/tinjauan/swp/"):
    return services.notify(user=user, text=text, url=url, kind=kind)


def test_the_apps_registered_their_groups_and_kinds():
    codes = [g.code for g in kinds.groups()]
    assert codes[-1] == "other"
    assert {"review", "replication", "commitments", "events"} <= set(codes)
    assert kinds.group_of("innovation.returned").code == "review"
    assert kinds.group_of("commitment.overdue").code == "commitments"
    assert kinds.group_of("event.invited").code == "events"
    assert kinds.group_of("project.stage").code == "replication"
    assert kinds.group_of("something.unknown").code == "other"


def test_immediate_is_emailed_once_after_the_commit(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note = _notify(alice)
        assert not mail.outbox  # not before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.go.id"]
    assert message.subject == "[Lumbung] Submitted for review"
    assert "Inovasi diajukan" in message.body
    assert "http://testserver.example/tinjauan/swp/" in message.body  # absolute link
    assert "http://testserver.example/notifikasi/pengaturan/" in message.body
    note.refresh_from_db()
    assert note.delivery == "immediate" and note.emailed_at is not None
    # neither the same callback again nor the digest sends it a second time
    assert services.send_immediate(note.pk) is False
    assert services.digest_send(now=timezone.now() + dt.timedelta(days=1)).notifications == 0
    assert len(mail.outbox) == 1


@pytest.fixture(autouse=True)
def _site(settings):
    settings.LUMBUNG_SITE_URL = "http://testserver.example"


def test_digest_waits_for_the_digest_and_sends_one_email(alice, django_capture_on_commit_callbacks):
    services.preferences_set(actor=alice, values={"review": "digest"})
    with django_capture_on_commit_callbacks(execute=True):
        _notify(alice, text="Pertama")
        _notify(alice, text="Kedua", url="/inovasi/swp/")
        read = _notify(alice, text="Sudah dibaca")
    services.notification_mark_read(actor=alice, notification=read)
    assert not mail.outbox

    report = services.digest_send()
    assert (report.people, report.notifications) == (1, 2)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "[Lumbung] 2 new notifications"
    assert "Pertama" in body and "Kedua" in body and "Sudah dibaca" not in body
    assert "http://testserver.example/inovasi/swp/" in body

    # run again (cron twice): nothing more
    assert services.digest_send().notifications == 0
    call_command("digest")
    assert len(mail.outbox) == 1


def test_off_keeps_the_notification_and_sends_no_email(alice, django_capture_on_commit_callbacks):
    services.preferences_set(actor=alice, values={"review": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        note = _notify(alice)
    services.digest_send(now=timezone.now() + dt.timedelta(days=2))
    assert not mail.outbox
    assert selectors.notifications_for(alice).get() == note and note.delivery == "off"


def test_preferences_are_per_group(alice, django_capture_on_commit_callbacks):
    services.preferences_set(actor=alice, values={"review": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        _notify(alice, kind="commitment.overdue", url="/replikasi/komitmen/1/")
        _notify(alice, kind=REVIEW_KIND)
    assert [m.subject for m in mail.outbox] == ["[Lumbung] Commitment overdue"]


def test_defaults_and_the_audit_of_a_change(alice):
    prefs = selectors.preferences_of(alice)
    assert prefs["review"] == "immediate" and prefs["commitments"] == "immediate"
    assert prefs["replication"] == "digest"  # news, not something to act on
    services.preferences_set(actor=alice, values={"replication": "immediate"})
    assert selectors.preferences_of(alice)["replication"] == "immediate"
    entry = AuditEntry.objects.get(action="notifications.preferences")
    assert entry.changes == {"replication": ["digest", "immediate"]}


def test_bad_preferences_are_refused_with_a_reason(alice):
    with pytest.raises(ValidationError) as exc:
        services.preferences_set(actor=alice, values={"review": "hourly", "nope": "off"})
    assert set(exc.value.message_dict) == {"review", "nope"}
    assert selectors.preferences_of(alice)["review"] == "immediate"


def test_no_email_address_means_no_email(django_capture_on_commit_callbacks):
    bob = UserFactory(username="bob", email="")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(bob)
    services.digest_send(now=timezone.now() + dt.timedelta(days=1))
    assert not mail.outbox and Notification.objects.filter(user=bob).count() == 1


def test_a_failed_immediate_email_is_sent_by_the_digest_later(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(services, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        note = _notify(alice)
    note.refresh_from_db()
    assert note.emailed_at is None
    # the digest fails too while the server is down: rolled back, tried again next run
    later = timezone.now() + services.RETRY_AFTER + dt.timedelta(minutes=1)
    assert services.digest_send(now=later).failed == [alice.pk]
    monkeypatch.undo()
    assert services.digest_send(now=timezone.now()).notifications == 0  # too fresh to retry
    assert services.digest_send(now=later).notifications == 1
    assert len(mail.outbox) == 1 and "Inovasi diajukan" in mail.outbox[0].body


def test_texts_are_written_in_the_recipients_language(django_capture_on_commit_callbacks):
    indonesian = UserFactory(username="ina", email="ina@example.go.id", preferred_language="id")
    english = UserFactory(username="eng", email="eng@example.go.id", preferred_language="en")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        for user in (indonesian, english):
            services.notify_many(
                kind=REVIEW_KIND,
                users=[user],
                text=lambda: f"lang={translation.get_language()}",
                subject=lambda: f"subject-{translation.get_language()}",
            )
    assert Notification.objects.get(user=indonesian).text == "lang=id"
    assert Notification.objects.get(user=english).text == "lang=en"
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "ina@example.go.id": "[Lumbung] subject-id",
        "eng@example.go.id": "[Lumbung] subject-en",
    }


def test_notify_many_leaves_out_the_actor_the_inactive_and_duplicates(alice):
    gone = UserFactory(username="gone", is_active=False)
    bob = UserFactory(username="bob2")
    made = services.notify_many(
        kind=REVIEW_KIND, users=[alice, bob, alice, gone], text="x", actor=bob
    )
    assert [n.user for n in made] == [alice]


def test_without_email_keeps_notifications_quiet(alice, django_capture_on_commit_callbacks):
    with services.without_email(), django_capture_on_commit_callbacks(execute=True):
        note = _notify(alice)
    services.digest_send(now=timezone.now() + dt.timedelta(days=1))
    assert note.delivery == "off" and not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_each_notification_once():
    import threading

    from django.db import connection

    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        pytest.skip("concurrent writers need a database file or PostgreSQL")
    people = [UserFactory(email=f"p{i}@example.go.id") for i in range(4)]
    for person in people:
        services.preferences_set(actor=person, values={"review": "digest"})
        for i in range(3):
            _notify(person, text=f"Catatan {i}")
    errors: list[BaseException] = []

    def run():
        try:
            services.digest_send()
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
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
