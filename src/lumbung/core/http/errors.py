"""One error format for the whole API.

Every error response is JSON ``{"detail": "...", "errors": [{"field": ..., "message": ...}]}``:

- 400  the request cannot be read (malformed JSON, broken multipart body)
- 401  credentials missing (on a write) or not valid
- 403  not allowed (or the CSRF token is missing on a session write)
- 404  not found, or an unpublished record the caller may not see
- 413  the body is too large
- 422  the data is not valid: schema errors and the services' ``ValidationError``, field by field

Messages are translatable (gettext); pydantic's English messages are replaced by ours for the
common error types.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("django.request")


class FieldError(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """Response declarations for the OpenAPI document: ``{401: ErrorOut, ...}``."""
    return dict.fromkeys(codes, ErrorOut)


def _body(detail: Any, errors: Iterable[tuple[str | None, Any]] = ()) -> dict[str, Any]:
    return {
        "detail": str(detail),
        "errors": [{"field": f, "message": str(m)} for f, m in errors],
    }


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: Any,
    errors: Iterable[tuple[str | None, Any]] = (),
) -> HttpResponse:
    return api.create_response(request, _body(detail, errors), status=status)


# --- messages for pydantic's error types ------------------------------------------------------


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in {"string_type", "string_sub_type"}:
        return _("Enter text.")
    if kind == "string_too_long":
        n = ctx.get("max_length", 0)
        return ngettext(
            "Ensure this value has at most %(n)d character.",
            "Ensure this value has at most %(n)d characters.",
            n,
        ) % {"n": n}
    if kind == "string_too_short":
        return _("This field cannot be blank.")
    if kind == "string_pattern_mismatch":
        return _("Enter a valid value.")
    if kind in {"int_parsing", "int_type", "int_from_float", "int_parsing_size"}:
        return _("Enter a whole number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Ensure this value is at least %(limit)s.") % {
            "limit": ctx.get("ge", ctx.get("gt"))
        }
    if kind in {"less_than_equal", "less_than"}:
        return _("Ensure this value is at most %(limit)s.") % {
            "limit": ctx.get("le", ctx.get("lt"))
        }
    if kind in {"literal_error", "enum"}:
        return _("Select a valid choice: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind.startswith("date_"):
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Enter a list.")
    if kind == "too_long":
        n = ctx.get("max_length", 0)
        return ngettext(
            "Ensure this list has at most %(n)d item.",
            "Ensure this list has at most %(n)d items.",
            n,
        ) % {"n": n}
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Send a JSON object.")
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind in {"url_parsing", "url_scheme", "url_type"}:
        return _("Enter a valid URL.")
    return str(error.get("msg") or _("This value is not valid."))


#: where ninja found a parameter; not part of the field name shown to clients
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field_name(loc: Iterable[Any], body_params: set[str]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] in body_params:
            parts.pop(0)  # the view's body argument ("payload") is not a field
    return ".".join(parts) or None


# --- handlers ----------------------------------------------------------------------------------


def _not_valid(errors: list[tuple[str | None, str]]) -> str:
    if len(errors) == 1 and errors[0][0] is None:
        return errors[0][1]
    return _("The data sent is not valid.")


def install(api: NinjaAPI, *, body_params: Iterable[str] = ("payload",)) -> None:
    """Register the handlers on ``api`` (replacing ninja's defaults)."""
    body_names = set(body_params)

    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        raw = list(exc.errors)
        if any((e.get("loc") or ("",))[0] == "path" for e in raw):
            return error_response(api, request, 404, _("Not found."))  # a bad id or slug
        errors = [(_field_name(e.get("loc", ()), body_names), _pydantic_message(e)) for e in raw]
        return error_response(api, request, 422, _not_valid(errors), errors)

    def on_django_validation_error(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        errors: list[tuple[str | None, str]] = []
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                name = None if field == NON_FIELD_ERRORS else field
                errors.extend((name, str(m)) for m in messages)
        else:
            errors.extend((None, str(m)) for m in exc.messages)
        return error_response(api, request, 422, _not_valid(errors), errors)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        message = str(exc)
        if isinstance(exc, AuthenticationError) and message == "Unauthorized":
            message = _("Authentication is required: sign in or send an API token.")
        elif status == 400 and message.startswith("Cannot parse request body"):
            message = _("The request body is not valid JSON.")
        elif status == 403 and message in {"Forbidden", "CSRF check Failed"}:
            message = _("You are not allowed to do this.")
        elif status == 429:
            message = _("Too many requests; try again later.")
        return error_response(api, request, status, message)

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, str(exc) or _("You are not allowed to do this."))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, _("Not found."))

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 413, _("The request is too large."))

    def on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 400, _("The request could not be read."))

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # a bug, not bad input: logged like Django's own 500s (so error mails still go out)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return error_response(api, request, 500, _("Something went wrong on the server."))

    api.add_exception_handler(NinjaValidationError, on_schema_error)
    api.add_exception_handler(DjangoValidationError, on_django_validation_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(SuspiciousOperation, on_bad_request)
    api.add_exception_handler(MultiPartParserError, on_bad_request)
    api.add_exception_handler(UnreadablePostError, on_bad_request)
    api.add_exception_handler(Exception, on_unexpected)
