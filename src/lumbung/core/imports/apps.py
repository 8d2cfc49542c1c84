from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Background imports: the import record (the uploaded file, its progress and report)."""

    name = "lumbung.core.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the policies)
