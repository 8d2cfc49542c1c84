"""Who may read a notification: the person it was sent to, and nobody else."""

from __future__ import annotations

from lumbung.core.actors import Actor
from lumbung.core.policies import NEVER, Attr, Condition, Policy, action, register

from .models import Notification


class NotificationPolicy(Policy[Notification]):
    model = Notification
    name = "notification"

    @action("view")
    def view(self, actor: Actor) -> Condition:
        return Attr("user_id").eq(actor.user_id) if actor.user_id else NEVER


notifications = register(NotificationPolicy())
