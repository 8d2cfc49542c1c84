from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Human names of this app's audit actions (see ``core.audit.register_action_labels``).
AUDIT_LABELS = {
    "innovation.create": _("created"),
    "innovation.update": _("profile changed"),
    "innovation.submit": _("submitted for review"),
    "innovation.publish": _("published"),
    "innovation.return": _("returned for changes"),
    "innovation.status": _("status changed"),
    "innovation.delete": _("innovation deleted"),
    "innovation.lineage": _("lineage recorded"),
    "evidence.add": _("evidence added"),
    "evidence.remove": _("evidence removed"),
    "award.add": _("award added"),
    "award.remove": _("award removed"),
    "team.set": _("team changed"),
    "revision.propose": _("change proposed for review"),
    "revision.approve": _("proposed change approved"),
    "revision.reject": _("proposed change rejected"),
    "revision.withdraw": _("proposed change withdrawn"),
}


class CatalogConfig(AppConfig):
    name = "lumbung.catalog"
    label = "catalog"
    verbose_name = _("Innovation catalog")

    def ready(self) -> None:
        from lumbung.core.imports import registry as imports
        from lumbung.organisations import holdings

        from . import (
            import_kinds,
            notices,
            policies,  # noqa: F401  (registers the policies)
            selectors,
        )

        # the agency and unit pages count and list the published innovations
        holdings.register(
            holdings.Holdings(
                count_for_agencies=selectors.agencies_with_published_count,
                count_for_units=selectors.units_with_published_count,
                published=selectors.published_of,
            )
        )
        # the import page offers it (lumbung.core.imports)
        imports.register(import_kinds.INNOVATIONS)
        # the kinds of notification about an innovation's review (lumbung.notifications)
        notices.register()

        from lumbung.core.audit import register_action_labels

        register_action_labels(AUDIT_LABELS)
