"""lumbung apitoken USERNAME [--name N] [--days D] | --list | --revoke PREFIX

Makes an API token for a person and prints its key once (only a hash is kept), lists a person's
tokens, or revokes one by its prefix. A token lasts ``--days`` days (default and longest:
``LUMBUNG_API_TOKEN_DAYS``, 90).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lumbung.core.actors import SYSTEM
from lumbung.core.http import tokens as services
from lumbung.core.http.models import ApiToken

if TYPE_CHECKING:  # types only: at run time core never imports the apps above it
    from lumbung.organisations.models import User


class Command(BaseCommand):
    help = "Make an API token for a person and print its key once; or list or revoke tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="how many days the token lasts (default and longest: LUMBUNG_API_TOKEN_DAYS)",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--list", action="store_true", help="list the person's tokens")
        group.add_argument("--revoke", metavar="PREFIX", help="revoke the token with this prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No person with the user name {options['username']!r}.")
        if options["list"]:
            self._list(user)
        elif options["revoke"]:
            self._revoke(user, options["revoke"])
        else:
            self._create(user, options["name"], options["days"])

    def _create(self, user: User, name: str, days: int | None) -> None:
        name = name.strip() or f"token {timezone.localtime():%Y-%m-%d %H:%M}"
        try:
            token, key = services.token_create(actor=SYSTEM, user=user, name=name, days=days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            f"Token {token.name!r} for {user.username} made, valid until "
            f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}. Keep the key now: "
            "it is not stored and cannot be shown again.\n"
            "Use it as the header  Authorization: Bearer <key>"
        )
        self.stdout.write(key)

    def _list(self, user: User) -> None:
        tokens = ApiToken.objects.filter(user=user)
        if not tokens:
            self.stdout.write("No tokens.")
        for t in tokens:
            if t.revoked_at:
                state = f"revoked {t.revoked_at:%Y-%m-%d}"
            elif t.is_expired:
                state = f"expired {t.expires_at:%Y-%m-%d}"
            else:
                state = f"active until {t.expires_at:%Y-%m-%d}"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.prefix}…  {t.name}  made {t.created_at:%Y-%m-%d}  used {used}  {state}"
            )

    def _revoke(self, user: User, prefix: str) -> None:
        prefix = prefix.rstrip("…. ")
        matches = list(ApiToken.objects.filter(user=user, prefix__startswith=prefix[:16]))
        matches = [t for t in matches if t.prefix.startswith(prefix) or prefix.startswith(t.prefix)]
        if len(matches) != 1:
            raise CommandError(
                f"{len(matches)} tokens of {user.username} match {prefix!r}; give one prefix "
                "from --list."
            )
        try:
            services.token_revoke(actor=SYSTEM, token=matches[0])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Revoked {matches[0]}.")
