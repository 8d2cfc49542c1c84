from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Human names of this app's audit actions (see ``core.audit.register_action_labels``).
AUDIT_LABELS = {
    "apitoken.create": _("API token created"),
    "apitoken.revoke": _("API token revoked"),
    "import.confirm": _("import confirmed"),
}


class CoreConfig(AppConfig):
    name = "lumbung.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import pagecache
        from .audit import register_action_labels

        register_action_labels(AUDIT_LABELS)
        pagecache.connect()
