from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    """The composition root: the one place that imports every app — the HTTP API's assembly,
    the root URLs, the demo and the commands that span apps."""

    name = "lumbung.platform"
    label = "platform"
    verbose_name = _("Platform")
