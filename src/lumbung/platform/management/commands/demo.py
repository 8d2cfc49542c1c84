"""``lumbung demo [--host H] [--port P] [--data-dir DIR] [--no-serve] [--no-worker]``

Migrates the database, loads the demo data (again: it changes nothing the second time), prints
the demo accounts with their passwords and what to try first (addresses on the served host and
port, each with the account to sign in as) and serves the site, with the background worker (imports)
in the same process unless ``--no-worker``. ``--data-dir`` is handled by the
``lumbung`` command itself (see lumbung.cli).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.table import Table

from lumbung.core.console import console_for, progress_bar
from lumbung.platform.demo import DemoResult, first_steps, load_demo

from .serve import add_server_arguments, serve, site_url


class Command(BaseCommand):
    help = _("Set up and serve a demo of Lumbung: migrate, load the demo data, print the accounts.")

    def add_arguments(self, parser: CommandParser) -> None:
        add_server_arguments(parser)
        parser.add_argument(
            "--no-serve", action="store_true", help=_("prepare the demo but do not serve it")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)
        self.stdout.write(_("Data folder: %(dir)s") % {"dir": settings.DATA_DIR})
        self.stdout.write(_("Preparing the database…"))
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write(_("Loading the demo data…"))
        labels = {"check": _("Checking demo innovations"), "write": _("Writing demo innovations")}
        try:
            with progress_bar(self.stderr, labels) as update:
                result = load_demo(progress=update)
        except KeyboardInterrupt:
            raise CommandError(
                _("Interrupted: the demo data was not changed."), returncode=130
            ) from None
        self._print(result, options["host"], options["port"])
        if not options["no_serve"]:
            serve(self, options)

    def _print(self, result: DemoResult, host: str, port: int) -> None:
        if result.changed:
            names = {
                "regions": _("regions"),
                "agencies": _("agencies"),
                "units": _("units"),
                "partners": _("partners"),
                "innovations": _("innovations"),
                "awards": _("awards"),
                "lineage": _("lineage links"),
                "accounts": _("accounts"),
                "passwords": _("new passwords"),
                "drafts": _("example drafts"),
                "reminders": _("commitment reminders"),
            }
            added = ", ".join(
                f"{names.get(key, key)}: {n}" for key, n in result.created.items() if n
            )
            self.stdout.write(_("Demo data loaded (%(added)s).") % {"added": added})
        else:
            self.stdout.write(_("The demo data was already loaded; nothing changed."))
        table = Table(title=_("Demo accounts (demo only — never use these in production)"))
        table.add_column(_("username"), no_wrap=True)
        table.add_column(_("role"))
        table.add_column(_("where"))
        table.add_column(_("password"), no_wrap=True)
        for account in result.accounts:
            table.add_row(account.username, account.role, account.where, account.password)
        console = console_for(self.stdout)
        console.print(table)
        self.stdout.write(
            _("Passwords are kept in %(path)s. Log in at %(url)saccounts/login/")
            % {"path": result.accounts_file, "url": site_url(host, port)}
        )
        self.stdout.write("\n" + _("What to try first:"))
        for step in first_steps(result.accounts, site_url(host, port)):
            self.stdout.write(f"  - {step.what}\n    {step.where()}")
