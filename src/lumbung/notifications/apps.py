from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    "notifications.preferences": _("notification settings changed"),
}


class NotificationsConfig(AppConfig):
    name = "lumbung.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from lumbung.core.audit import register_action_labels

        from . import policies  # noqa: F401  (registers the policies)

        register_action_labels(AUDIT_LABELS)
