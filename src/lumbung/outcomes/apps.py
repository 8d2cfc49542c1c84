from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Human names of this app's audit actions (see ``core.audit.register_action_labels``).
AUDIT_LABELS = {
    "indicator.create": _("outcome indicator defined"),
    "indicator.update": _("outcome indicator changed"),
    "indicator.delete": _("outcome indicator removed"),
    "measurement.record": _("measurement recorded"),
    "measurement.update": _("measurement corrected"),
    "measurement.delete": _("measurement removed"),
    "measurement.import": _("measurements imported"),
}


class OutcomesConfig(AppConfig):
    name = "lumbung.outcomes"
    label = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from lumbung.catalog import related as catalog_related
        from lumbung.core.audit import register_action_labels
        from lumbung.core.imports import registry as imports

        from . import import_kinds, policies, related  # noqa: F401  (policies: registers them)

        register_action_labels(AUDIT_LABELS)
        imports.register(import_kinds.MEASUREMENTS)
        catalog_related.register("outcomes", related.innovation_related)
        catalog_related.register_marks("outcomes", related.lineage_marks)
