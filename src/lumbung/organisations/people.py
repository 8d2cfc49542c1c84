"""People: inviting someone to an agency (an account with a set-password link), and deactivating
an account while keeping its history.

An invitation creates the person's account when there is none for that e-mail address (no
password yet: they choose one through the link), gives them the role, and e-mails the link once
the transaction commits. Inviting someone who already has an account only gives the role.
Deactivation keeps the account, its memberships and every record it wrote; the person can no
longer sign in, and every check treats them as anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.core.actors import ActorLike, as_actor, forget_actor
from lumbung.core.policies import require

from .models import Agency, Membership, Role, Unit, User
from .services import membership_grant


@dataclass(frozen=True)
class Invitation:
    user: User
    membership: Membership
    created: bool  # a new account (the e-mail carries a set-password link)


def set_password_link(user: User) -> str:
    """An absolute link where ``user`` chooses a password (Django's reset token: it stops working
    once a password is set, and after ``PASSWORD_RESET_TIMEOUT``)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.LUMBUNG_SITE_URL}{path}"


def _username_for(email: str) -> str:
    base = (email.split("@", 1)[0] or "pengguna")[:140]
    name, n = base, 2
    while User.objects.filter(username__iexact=name).exists():
        name = f"{base}{n}"
        n += 1
    return name


def _send_invitation(user: User, agency: Agency, role: str, link: str) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Your Lumbung account for %(agency)s") % {"agency": agency}
        body = _(
            "You have been given the role “%(role)s” in %(agency)s on Lumbung.\n\n"
            "Choose your password here (the link works once):\n%(link)s\n\n"
            "Your user name is: %(username)s"
        ) % {
            "role": Role(role).label,
            "agency": agency,
            "link": link,
            "username": user.username,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


@transaction.atomic
def person_invite(
    *,
    actor: ActorLike,
    email: str,
    agency: Agency,
    role: str,
    unit: Unit | None = None,
    display_name: str = "",
) -> Invitation:
    """Invite a person to ``agency`` with ``role`` (in ``unit`` for a unit role): the agency's
    innovation admins, platform admins."""
    require(actor, "agency.manage_members", agency)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from exc
    if unit is not None and unit.agency_id != agency.pk:
        raise ValidationError({"unit": _("The unit must belong to the chosen agency.")})
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if user is None:
        user = User(
            username=_username_for(email),
            email=email,
            display_name=(display_name or "").strip()[:150],
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(
            actor=actor, obj=user, action="person.invite", changes={"email": [None, email]}
        )
    elif not user.is_active:
        raise ValidationError(
            {"email": _("This person's account is deactivated; reactivate it first.")}
        )
    membership = membership_grant(actor=actor, user=user, role=role, agency=agency, unit=unit)
    if created or not user.has_usable_password():
        link = set_password_link(user)
        transaction.on_commit(lambda: _send_invitation(user, agency, role, link))
    return Invitation(user=user, membership=membership, created=created)


def _check_may_deactivate(actor: ActorLike, user: User) -> None:
    who = as_actor(actor)
    if who.user_id is not None and who.user_id == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    require(actor, "person.deactivate", user)
    if who.is_platform_admin:
        return
    if user.is_superuser:
        raise ValidationError(_("Only a platform admin can deactivate a platform admin."))
    elsewhere = user.memberships.exclude(agency_id__in=who.agencies(Role.AGENCY_ADMIN))
    if elsewhere.exists():
        raise ValidationError(
            _(
                "This person also works for another agency: remove their roles here instead, "
                "or ask a platform admin to deactivate the account."
            )
        )


@transaction.atomic
def person_deactivate(*, actor: ActorLike, user: User, reason: str) -> User:
    """Deactivate an account, keeping it and its history: platform admins, or the innovation
    admin of every agency the person works for."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_may_deactivate(actor, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the account is deactivated.")})
    if not user.is_active:
        raise ValidationError(_("This account is already deactivated."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    forget_actor(user)
    audit.record(
        actor=actor,
        obj=user,
        action="person.deactivate",
        changes={"is_active": [True, False]},
        note=reason,
    )
    return user


@transaction.atomic
def person_reactivate(*, actor: ActorLike, user: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_may_deactivate(actor, user)
    if user.is_active:
        raise ValidationError(_("This account is active."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor, obj=user, action="person.reactivate", changes={"is_active": [False, True]}
    )
    return user
