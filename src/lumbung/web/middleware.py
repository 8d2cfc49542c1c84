"""Language choice: Indonesian unless the reader chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to the
many Indonesian users whose browsers are set to English. Pages follow only an explicit choice
(the language switch's cookie, or the signed-in person's preferred language); the API also honours
Accept-Language, as machine clients expect.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _ in settings.LANGUAGES}


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _choose(self, request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in SUPPORTED:
            return chosen
        user = getattr(request, "user", None)
        preferred = getattr(user, "preferred_language", "") if user is not None else ""
        if preferred in SUPPORTED:
            return preferred
        if request.path.startswith("/api/"):
            from_header = translation.get_language_from_request(request)
            if from_header in SUPPORTED:
                return from_header
        return settings.LANGUAGE_CODE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
