from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "lumbung.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from lumbung.catalog import hooks

        from . import summary

        hooks.on_innovation_changed(summary.innovation_changed)
        hooks.on_innovation_deleted(summary.innovation_deleted)
        hooks.on_bulk_end(summary.flush_pending)
