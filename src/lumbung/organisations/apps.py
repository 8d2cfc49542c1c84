from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Human names of this app's audit actions (see ``core.audit.register_action_labels``).
AUDIT_LABELS = {
    "agency.create": _("agency created"),
    "agency.update": _("agency changed"),
    "unit.create": _("unit created"),
    "unit.update": _("unit changed"),
    "partner.create": _("partner created"),
    "partner.update": _("partner changed"),
    "person.invite": _("Invited"),
    "person.deactivate": _("Account deactivated"),
    "person.reactivate": _("Account reactivated"),
    "membership.grant": _("Role given"),
    "membership.revoke": _("Role taken away"),
    "user.create": _("account created"),
    "user.create_admin": _("platform admin created"),
    "user.update_admin": _("platform admin changed"),
}


class OrganisationsConfig(AppConfig):
    name = "lumbung.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from lumbung.core.actors import set_grants_loader
        from lumbung.core.imports import registry as imports

        from . import (
            import_kinds,
            policies,  # noqa: F401  (registers the policies)
        )
        from .grants import grants_for

        set_grants_loader(grants_for)
        # the import page offers these (lumbung.core.imports)
        imports.register(import_kinds.UNITS)
        imports.register(import_kinds.PEOPLE)
        from lumbung.core.audit import register_action_labels

        register_action_labels(AUDIT_LABELS)
