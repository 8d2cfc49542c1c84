from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
