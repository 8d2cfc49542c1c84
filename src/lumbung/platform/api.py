"""The HTTP API: one NinjaAPI object at /api/v1/, each app contributes a router.

Writes need an API token (``Authorization: Bearer <key>``, made with ``lumbung apitoken``) or a
signed-in session with its CSRF token; reads of public data need nothing. Errors always have the
body ``{"detail": ..., "errors": [{"field": ..., "message": ...}]}`` (see ``errors.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import NinjaAPI, Router, Swagger

from lumbung.catalog.api import router as catalog_router
from lumbung.core.http import errors, throttling
from lumbung.core.http.api import router as tokens_router
from lumbung.core.http.auth import READ_AUTH, WRITE_AUTH
from lumbung.notifications.api import router as notifications_router
from lumbung.organisations.api import router as organisations_router
from lumbung.search.api import router as search_router


class LumbungAPI(NinjaAPI):
    """NinjaAPI whose "method not allowed" answers are JSON errors too, and whose OpenAPI
    document lists, on every operation, the errors the shared handlers can answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return errors.document_common_errors(schema)

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):  # a view (an included list has no callback)
                pattern.callback = self._json_405(pattern.callback)
        return patterns, app_name, namespace

    def _json_405(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
                allow = response.get("Allow", "")
                response = errors.error_response(self, request, 405, _("Method not allowed."))
                response["Allow"] = allow
            return response

        return wrapper


class LumbungSwagger(Swagger):
    """Swagger UI from the package's static files, on a page that says its language."""

    template = "platform/swagger.html"


api = LumbungAPI(
    title="Lumbung API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api",
    auth=WRITE_AUTH,
    # served from the package's static files; no validator badge fetched from the internet
    docs=LumbungSwagger(settings={"validatorUrl": None, "persistAuthorization": True}),
    # requests per signed-in person or token owner (LUMBUNG_API_RATE); 429 with Retry-After
    throttle=throttling.api_throttles(),
)
errors.install(api)
throttling.install(api)  # too many wrong tokens from one address: 429, a reason, Retry-After

api.add_router("", organisations_router)
api.add_router("", catalog_router)
api.add_router("", "lumbung.replication.api.router")
api.add_router("", "lumbung.events.api.router")  # lumbung.events: learning events
api.add_router("", "lumbung.competitions.api.router")  # rounds, entries, judging, results
api.add_router("", "lumbung.outcomes.api.router")  # indicators, measurements, comparison
api.add_router("", "lumbung.insights.api.router")  # dashboards, diffusion, index, open data
api.add_router("", notifications_router)  # the caller's own notifications and preferences
api.add_router("", tokens_router)  # the caller's own API tokens: list, rotate
api.add_router("/search", search_router)  # lumbung.search: search, match, similar, duplicates

# Last: any other address under /api/v1/ is a JSON 404, like every other API error.
_fallback = Router(auth=READ_AUTH)


@_fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def not_found(request: HttpRequest, rest: str) -> None:
    raise Http404


api.add_router("", _fallback)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404 (``handler404``): under /api/ the API's JSON error, for an address no
    route could even match (a newline in a slug, a path outside /api/v1/); else the page."""
    if request.path.startswith("/api/"):
        return errors.error_response(api, request, 404, _("Not found."))
    return defaults.page_not_found(request, exception)
