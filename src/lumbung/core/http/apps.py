from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HttpConfig(AppConfig):
    """The HTTP plumbing every app's API uses (authentication, errors, shared schemas) and the
    API tokens it authenticates. The label is the one the tokens' table and migrations were made
    under, so existing databases keep them."""

    name = "lumbung.core.http"
    label = "lumbung_api"
    verbose_name = _("API")

    def ready(self) -> None:
        from lumbung.core.audit import register_action_labels

        from . import policies  # noqa: F401  (registers the policies)

        register_action_labels(
            {
                "apitoken.rotate": _("API token replaced by a new key"),
                "apitoken.revoke_password": _("API token revoked: the password changed"),
            }
        )
