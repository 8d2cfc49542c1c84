from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "lumbung.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from lumbung.catalog import hooks

        from . import indexing

        # keep the index in step with every catalog write, inside the write's transaction
        hooks.on_innovation_changed(indexing.index_innovation)
        hooks.on_innovation_deleted(indexing.remove_innovation)
