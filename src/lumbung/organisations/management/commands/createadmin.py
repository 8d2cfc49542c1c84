"""``lumbung createadmin [--username U] [--email E] [--no-input]``

Creates a platform admin (a superuser). The password comes from the environment variable
LUMBUNG_ADMIN_PASSWORD, else from a prompt. Running it again for the same username makes sure
the account is a platform admin and sets the given password.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from lumbung.core import audit
from lumbung.organisations.models import User

PASSWORD_ENV = "LUMBUNG_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = _(
        "Create a platform admin. The password is read from LUMBUNG_ADMIN_PASSWORD or asked for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help=_("the admin's username"))
        parser.add_argument("--email", default="", help=_("the admin's e-mail address"))
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help=_("never prompt; fail when something is missing"),
        )

    def _ask(self, prompt: str, interactive: bool, *, secret: bool = False) -> str:
        if not interactive or not sys.stdin.isatty():
            return ""
        try:
            return getpass.getpass(prompt) if secret else input(prompt)
        except (EOFError, KeyboardInterrupt):
            raise CommandError(_("Cancelled: nothing was changed."), returncode=130) from None

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = options["interactive"]
        username = (options["username"] or self._ask(_("Username: "), interactive)).strip()
        if not username:
            raise CommandError(_("Give a username with --username."))
        email = (options["email"] or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise CommandError(
                    _("“%(email)s” is not an e-mail address.") % {"email": email}
                ) from exc

        password = os.environ.get(PASSWORD_ENV, "")
        if not password:
            password = self._ask(_("Password: "), interactive, secret=True)
            if password and password != self._ask(
                _("Password (again): "), interactive, secret=True
            ):
                raise CommandError(_("The passwords do not match."))
        if not password:
            raise CommandError(
                _("Set the password in %(env)s or run the command in a terminal.")
                % {"env": PASSWORD_ENV}
            )

        user = User.objects.filter(username=username).first()
        candidate = user or User(username=username, email=email)
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        with transaction.atomic():
            if user is None:
                user = User.objects.create_superuser(
                    username=username, email=email, password=password
                )
                audit.record(
                    actor=None,
                    obj=user,
                    action="user.create_admin",
                    changes={"username": [None, username], "is_superuser": [None, True]},
                )
                self.stdout.write(_("Platform admin “%(name)s” created.") % {"name": username})
                return
            changes: dict[str, list[Any]] = {}
            if not user.is_superuser:
                changes["is_superuser"] = [False, True]
            if email and user.email != email:
                changes["email"] = [user.email, email]
                user.email = email
            user.is_superuser = user.is_staff = user.is_active = True
            user.set_password(password)
            user.save()
            changes["password"] = ["***", "***"]
            audit.record(actor=None, obj=user, action="user.update_admin", changes=changes)
        self.stdout.write(
            _("Platform admin “%(name)s” updated (password set).") % {"name": username}
        )
