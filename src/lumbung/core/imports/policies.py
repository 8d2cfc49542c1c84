"""Who may see an import (its file, its report) and start it: the person who uploaded it; platform
admins see every import, but only its uploader starts it (it runs with the uploader's rights)."""

from __future__ import annotations

from lumbung.core.actors import Actor
from lumbung.core.policies import ALWAYS, NEVER, Attr, Condition, Policy, action, register

from .models import ImportJob


def _own(actor: Actor) -> Condition:
    return Attr("created_by_id").eq(actor.user_id) if actor.user_id else NEVER


class ImportJobPolicy(Policy[ImportJob]):
    model = ImportJob
    name = "importjob"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return ALWAYS if actor.is_platform_admin else _own(actor)

    @action("confirm")
    def confirm(self, actor: Actor) -> Condition:
        return _own(actor)


jobs = register(ImportJobPolicy())
