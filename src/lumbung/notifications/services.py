"""Writes to notifications: leave them, e-mail them, mark them read, set preferences, send the
daily digest.

Who gets a notification is decided by the app that owns the event (it knows its records and
policies) and passed to :func:`notify_many`, which never notifies the actor of their own action
and leaves out anyone who may not see the linked record.

E-mail follows the recipient's preference for the kind's group (``kinds.py``):

* ``immediate``: one e-mail, sent once the transaction that made the notification commits (a
  failed send is logged and the digest sends it later);
* ``digest``: nothing now; ``lumbung digest`` sends one e-mail a day with everything unread;
* ``off``: no e-mail. The notification is always kept in Lumbung.

Every e-mail is in the recipient's language, with an absolute link (``LUMBUNG_SITE_URL``); each
notification is e-mailed at most once (``emailed_at`` is claimed before sending).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lumbung.core import audit
from lumbung.core.actors import ActorLike, user_of
from lumbung.core.policies import can

from . import kinds
from .kinds import Delivery
from .models import Notification, NotificationPreference
from .selectors import preferences_of

if TYPE_CHECKING:  # types only: notifications do not import organisations at run time
    from lumbung.organisations.models import User

logger = logging.getLogger(__name__)

#: a message: a string, or a function giving it (called in the recipient's language)
Message = str | Callable[[], str]

#: immediate e-mails that failed are sent by the digest once they are this old
RETRY_AFTER = dt.timedelta(minutes=15)

_quiet: ContextVar[bool] = ContextVar("lumbung_notifications_quiet", default=False)


@contextlib.contextmanager
def without_email() -> Iterator[None]:
    """Notifications made inside are kept in Lumbung but never e-mailed (the demo loader)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def language_of(user: User) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def _render(message: Message) -> str:
    return str(message() if callable(message) else message)


def delivery_for(user: User, kind: str) -> str:
    """The person's preference for the group of ``kind`` (the group's default if none)."""
    group = kinds.group_of(kind)
    saved = (
        NotificationPreference.objects.filter(user=user, group=group.code)
        .values_list("delivery", flat=True)
        .first()
    )
    return saved or group.default


# --- leaving notifications -------------------------------------------------------------------


def notify(
    *,
    user: User,
    text: Message,
    url: str = "",
    kind: str = "",
    subject: Message | None = None,
    email: bool = True,
    email_now: bool = False,
) -> Notification:
    """Leave a message for ``user`` (system use: no permission check, no audit entry).

    ``text`` (and ``subject``) may be functions: they are called in the recipient's language.
    ``email=False`` never e-mails it. ``email_now=True`` sends an immediate e-mail inside the
    caller's transaction (a failure raises, so the caller can roll back and retry: the
    reminders do); otherwise it is sent when the transaction commits.
    """
    with translation.override(language_of(user)):
        body = _render(text)
        title = _render(subject) if subject is not None else ""
    delivery = delivery_for(user, kind) if email and not _quiet.get() else Delivery.OFF
    notification = Notification.objects.create(
        user=user,
        text=body[:500],
        url=(url or "")[:500],
        kind=(kind or "")[:64],
        delivery=delivery,
    )
    if delivery == Delivery.IMMEDIATE and user.email:
        if email_now:
            _send_one(notification, subject=title)
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
        else:
            transaction.on_commit(partial(send_immediate, notification.pk, subject=title))
    return notification


def notify_many(
    *,
    kind: str,
    users: Iterable[User],
    text: Message,
    url: str = "",
    actor: ActorLike = None,
    see: tuple[str, Any] | None = None,
    subject: Message | None = None,
) -> list[Notification]:
    """Notify each of ``users`` once, except the ``actor`` (never told of their own action),
    inactive people, and — when ``see=(permission, record)`` is given — anyone who may not see
    the record the link opens."""
    me = user_of(actor)
    seen: set[int] = set()
    out: list[Notification] = []
    for user in users:
        if user.pk in seen or not user.is_active or (me is not None and user.pk == me.pk):
            continue
        seen.add(user.pk)
        if see is not None and not can(user, see[0], see[1]):
            continue
        out.append(notify(user=user, text=text, url=url, kind=kind, subject=subject))
    return out


# --- e-mail ----------------------------------------------------------------------------------


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.LUMBUNG_SITE_URL}{url}"


def _preferences_link() -> str:
    try:
        return absolute(reverse("notifications:preferences"))
    except NoReverseMatch:
        return ""


def _send_one(notification: Notification, *, subject: str = "") -> None:
    user = notification.user
    with translation.override(language_of(user)):
        title = subject or str(kinds.label_of(notification.kind))
        body = render_to_string(
            "notifications/email/one.txt",
            {
                "person": user,
                "notification": notification,
                "link": absolute(notification.url),
                "preferences": _preferences_link(),
            },
        )
        send_mail(
            _("[Lumbung] %(subject)s") % {"subject": title},
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            fail_silently=False,
        )


def send_immediate(pk: int, *, subject: str = "") -> bool:
    """E-mail one notification if nobody has (after the commit that made it). A failure is
    logged and the notification left for the digest."""
    now = timezone.now()
    if not Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=now):
        return False
    notification = Notification.objects.select_related("user").get(pk=pk)
    try:
        _send_one(notification, subject=subject)
    except Exception:  # the mail server: the digest tries again
        logger.exception("e-mail of notification %s failed; the digest will send it", pk)
        Notification.objects.filter(pk=pk).update(emailed_at=None)
        return False
    return True


@dataclass
class DigestReport:
    people: int = 0
    notifications: int = 0
    failed: list[int] = field(default_factory=list)  # people whose e-mail failed


def _pending(now: dt.datetime) -> Any:
    """Unread notifications not yet e-mailed: those for the digest, and immediate ones whose
    e-mail failed."""
    return Notification.objects.filter(
        Q(delivery=Delivery.DIGEST)
        | Q(delivery=Delivery.IMMEDIATE, created_at__lte=now - RETRY_AFTER),
        emailed_at__isnull=True,
        read_at__isnull=True,
        user__is_active=True,
    ).exclude(user__email="")


class _Taken(Exception):
    """Another run claimed some of these meanwhile."""


def digest_send(*, now: dt.datetime | None = None) -> DigestReport:
    """One e-mail per person with their unread, not yet e-mailed notifications.

    Safe to run from cron, also twice at once: each person's rows are claimed (``emailed_at``)
    in the transaction that sends their e-mail; if sending fails the transaction rolls back and
    the next run tries again; a run that finds rows claimed by another leaves that person."""
    now = now or timezone.now()
    report = DigestReport()
    user_ids = list(_pending(now).values_list("user_id", flat=True).distinct().order_by("user_id"))
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("pk")
    for user in users.iterator(chunk_size=200):
        try:
            with transaction.atomic():
                rows = list(
                    _pending(now).filter(user=user).select_for_update().order_by("created_at", "pk")
                )
                if not rows:
                    continue
                claimed = Notification.objects.filter(
                    pk__in=[n.pk for n in rows], emailed_at__isnull=True
                ).update(emailed_at=now)
                if claimed != len(rows):
                    raise _Taken
                _send_digest(user, rows)
        except _Taken:
            continue
        except Exception:  # the mail server: rolled back, the next run tries again
            logger.exception("digest e-mail to person %s failed", user.pk)
            report.failed.append(user.pk)
            continue
        report.people += 1
        report.notifications += len(rows)
    return report


def _send_digest(user: User, rows: list[Notification]) -> None:
    with translation.override(language_of(user)):
        subject = ngettext(
            "[Lumbung] %(count)s new notification",
            "[Lumbung] %(count)s new notifications",
            len(rows),
        ) % {"count": len(rows)}
        body = render_to_string(
            "notifications/email/digest.txt",
            {
                "person": user,
                "items": [(n, absolute(n.url), kinds.label_of(n.kind)) for n in rows],
                "all_link": absolute(reverse("notifications:list")),
                "preferences": _preferences_link(),
            },
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


# --- reading and preferences (the person themselves) -----------------------------------------


@transaction.atomic
def notification_mark_read(*, actor: ActorLike, notification: Notification) -> Notification:
    person = user_of(actor)
    if person is None or notification.user_id != person.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: ActorLike) -> int:
    person = user_of(actor)
    if person is None:
        return 0
    return Notification.objects.filter(user=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_set(*, actor: ActorLike, values: Mapping[str, str]) -> dict[str, str]:
    """Set the signed-in person's e-mail preference for some groups (``{group: delivery}``).
    Returns all their preferences (defaults included)."""
    person = user_of(actor)
    if person is None:
        raise PermissionDenied(_("Sign in to choose your notifications."))
    errors: dict[str, str] = {}
    for code, value in values.items():
        if kinds.group(code) is None:
            errors[code] = _("Unknown group of notifications.")
        elif value not in Delivery.values:
            errors[code] = _("Choose e-mail at once, a daily digest or no e-mail.")
    if errors:
        raise ValidationError(errors)
    before = preferences_of(person)
    for code, value in values.items():
        NotificationPreference.objects.update_or_create(
            user=person, group=code, defaults={"delivery": value}
        )
    after = preferences_of(person)
    changes = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    if changes:
        audit.record(actor=actor, obj=person, action="notifications.preferences", changes=changes)
    return after
