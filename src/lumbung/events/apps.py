from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "lumbung.events"
    label = "events"
    verbose_name = _("Learning events")

    def ready(self) -> None:
        from . import notices, policies  # noqa: F401  (registers the policies)

        notices.register()  # the kinds of notification about learning events
