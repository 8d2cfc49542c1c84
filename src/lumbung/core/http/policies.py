"""Who may make and revoke API tokens: the person themself, and platform admins."""

from __future__ import annotations

from lumbung.core.actors import Actor
from lumbung.core.policies import ALWAYS, NEVER, Attr, Condition, Policy, action, register

from .models import ApiToken


class ApiTokenPolicy(Policy[ApiToken]):
    model = ApiToken
    name = "apitoken"

    @action("manage")
    def manage(self, actor: Actor) -> Condition:
        if actor.is_platform_admin:
            return ALWAYS
        return Attr("user_id").eq(actor.user_id) if actor.user_id else NEVER


tokens = register(ApiTokenPolicy())
