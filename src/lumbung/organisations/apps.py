from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
