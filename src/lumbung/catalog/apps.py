from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "lumbung.catalog"
    label = "catalog"
    verbose_name = _("Innovation catalog")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the policies)
