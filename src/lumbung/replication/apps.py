from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplicationConfig(AppConfig):
    name = "lumbung.replication"
    label = "replication"
    verbose_name = _("Replication and scaling up")

    def ready(self) -> None:
        from . import gates, notices, policies  # noqa: F401  (registers the policies)

        gates.check_configuration()
        notices.register()  # the kinds of notification about replication work
