"""One error format for the whole API.

Every error response is JSON ``{"detail": "...", "errors": [{"field": ..., "message": ...}]}``:

- 400  the request cannot be read (malformed JSON, broken multipart body)
- 401  credentials missing (on a write) or not valid
- 403  not allowed (or the CSRF token is missing on a session write)
- 404  not found, or an unpublished record the caller may not see
- 409  the record changed since the version the client named in its body (:class:`ConflictOut`)
- 412  the record changed since the version the client named in ``If-Match`` (:class:`ConflictOut`)
- 413  the body is too large
- 422  the data is not valid: schema errors and the services' ``ValidationError``, field by field

Messages are translatable (gettext); pydantic's English messages are replaced by ours for the
common error types.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
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
from django.utils.translation import gettext_lazy, ngettext
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


class ConflictOut(ErrorOut):
    """409 / 412: the record changed since the version the client named; ``errors`` says, field
    by field, who changed it and when."""

    current_version: int
    changed: list[str] = []


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """Response declarations for the OpenAPI document: ``{401: ErrorOut, ...}``."""
    return dict.fromkeys(codes, ErrorOut)


#: what each common error means, for the OpenAPI document (shown in the Swagger UI)
_COMMON_ERRORS: dict[int, str] = {
    400: "The request cannot be read: malformed JSON, a body that is not JSON, a broken upload.",
    401: "Credentials are missing (on a write) or not valid (an unknown, revoked or expired API "
    "token, on any request).",
    403: "Not allowed, or the CSRF token is missing on a write with a session.",
    404: "Not found, or a record the caller may not see.",
    413: "The request body is too large.",
    422: "The data is not valid: field by field, including references to records that do not "
    "exist and rules across fields.",
    429: "Too many requests (per token owner or person), or too many wrong API tokens from the "
    "caller's address; Retry-After says when to try again.",
}

_REF = "#/components/schemas/{model}"
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def common_error_codes(operation: dict[str, Any], method: str) -> list[int]:
    """The error statuses every operation of this shape can answer, whatever its own code says:

    - any request: 401 (a Bearer token that is not valid is refused, also on reads), 429
    - a request body: 400, 413, 422
    - query parameters: 422; path parameters: 404 (a record that is not there, a malformed id)
    - a write: 403 (a session without its CSRF token, or a person not allowed), 422 (the services'
      rules)
    """
    codes = {401, 429}
    locations = {p.get("in") for p in operation.get("parameters") or ()}
    if "requestBody" in operation:
        codes |= {400, 413, 422}
    if "query" in locations:
        codes.add(422)
    if "path" in locations:
        codes.add(404)
    if method != "get":
        codes |= {403, 422}
    return sorted(codes)


def document_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common error answers (:func:`common_error_codes`) to every operation of an OpenAPI
    document that does not declare them itself, all with the one error schema ``ErrorOut``.

    One place instead of a declaration on every endpoint: the errors come from the shared
    handlers (:func:`install`), authentication and throttling, not from the endpoint's code."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in components:
        definition = ErrorOut.model_json_schema(ref_template=_REF)
        components.update(definition.pop("$defs", {}))
        components["ErrorOut"] = definition
    error = {"application/json": {"schema": {"$ref": _REF.format(model="ErrorOut")}}}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses if str(code).isdigit()}
            for code in common_error_codes(operation, method):
                if code not in declared:
                    responses[code] = {"description": _COMMON_ERRORS[code], "content": error}
    return schema


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


#: messages of the error types that take nothing from the error's context
_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    **dict.fromkeys(("string_type", "string_sub_type"), gettext_lazy("Enter text.")),
    "string_too_short": gettext_lazy("This field cannot be blank."),
    "string_pattern_mismatch": gettext_lazy("Enter a valid value."),
    **dict.fromkeys(
        ("int_parsing", "int_type", "int_from_float", "int_parsing_size"),
        gettext_lazy("Enter a whole number."),
    ),
    **dict.fromkeys(("bool_parsing", "bool_type"), gettext_lazy("Enter true or false.")),
    **dict.fromkeys(("list_type", "tuple_type", "set_type"), gettext_lazy("Enter a list.")),
    **dict.fromkeys(
        ("model_type", "model_attributes_type", "dict_type"), gettext_lazy("Send a JSON object.")
    ),
    **dict.fromkeys(("url_parsing", "url_scheme", "url_type"), gettext_lazy("Enter a valid URL.")),
}


def _too_many_characters(ctx: dict[str, Any]) -> str:
    n = ctx.get("max_length", 0)
    return ngettext(
        "Ensure this value has at most %(n)d character.",
        "Ensure this value has at most %(n)d characters.",
        n,
    ) % {"n": n}


def _too_many_items(ctx: dict[str, Any]) -> str:
    n = ctx.get("max_length", 0)
    return ngettext(
        "Ensure this list has at most %(n)d item.",
        "Ensure this list has at most %(n)d items.",
        n,
    ) % {"n": n}


def _too_small(ctx: dict[str, Any]) -> str:
    return _("Ensure this value is at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}


def _too_large(ctx: dict[str, Any]) -> str:
    return _("Ensure this value is at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}


def _not_a_choice(ctx: dict[str, Any]) -> str:
    return _("Select a valid choice: %(choices)s.") % {"choices": ctx.get("expected", "")}


#: messages of the error types that tell a limit or the choices (from the error's context)
_FORMATTERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "string_too_long": _too_many_characters,
    "too_long": _too_many_items,
    "greater_than_equal": _too_small,
    "greater_than": _too_small,
    "less_than_equal": _too_large,
    "less_than": _too_large,
    "literal_error": _not_a_choice,
    "enum": _not_a_choice,
}


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        return str(_MESSAGES[kind])
    if kind in _FORMATTERS:
        return _FORMATTERS[kind](ctx)
    if kind.startswith("date_"):
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # a validator's own message
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


def _http_error_message(exc: HttpError) -> str:
    """Ours instead of ninja's English texts."""
    status, message = exc.status_code, str(exc)
    if isinstance(exc, AuthenticationError) and message == "Unauthorized":
        return _("Authentication is required: sign in or send an API token.")
    if status == 400 and message.startswith("Cannot parse request body"):
        return _("The request body is not valid JSON.")
    if status == 403 and message in {"Forbidden", "CSRF check Failed"}:
        return _("You are not allowed to do this.")
    if status == 429:
        return _("Too many requests; try again later.")
    return message


def _django_errors(exc: DjangoValidationError) -> list[tuple[str | None, str]]:
    """A ``ValidationError``'s messages, field by field (None: not about one field)."""
    if not hasattr(exc, "error_dict"):
        return [(None, str(m)) for m in exc.messages]
    return [
        (None if field == NON_FIELD_ERRORS else field, str(m))
        for field, messages in exc.message_dict.items()
        for m in messages
    ]


class _Handlers:
    """The API's exception handlers: each answers in the one error format."""

    def __init__(self, api: NinjaAPI, body_names: set[str]) -> None:
        self.api = api
        self.body_names = body_names

    def respond(
        self,
        request: HttpRequest,
        status: int,
        detail: Any,
        errors: Iterable[tuple[str | None, Any]] = (),
    ) -> HttpResponse:
        return error_response(self.api, request, status, detail, errors)

    def schema_error(self, request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        raw = list(exc.errors)
        if any((e.get("loc") or ("",))[0] == "path" for e in raw):
            return self.respond(request, 404, _("Not found."))  # a bad id or slug
        errors = [
            (_field_name(e.get("loc", ()), self.body_names), _pydantic_message(e)) for e in raw
        ]
        return self.respond(request, 422, _not_valid(errors), errors)

    def django_validation_error(
        self, request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        errors = _django_errors(exc)
        return self.respond(request, 422, _not_valid(errors), errors)

    def http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        return self.respond(request, exc.status_code, _http_error_message(exc))

    def permission_denied(self, request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return self.respond(request, 403, str(exc) or _("You are not allowed to do this."))

    def not_found(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return self.respond(request, 404, _("Not found."))

    def too_big(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return self.respond(request, 413, _("The request is too large."))

    def bad_request(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return self.respond(request, 400, _("The request could not be read."))

    def unexpected(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        # a bug, not bad input: logged like Django's own 500s (so error mails still go out)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return self.respond(request, 500, _("Something went wrong on the server."))

    def by_exception(self) -> list[tuple[type[Exception], Callable[..., HttpResponse]]]:
        return [
            (NinjaValidationError, self.schema_error),
            (DjangoValidationError, self.django_validation_error),
            (HttpError, self.http_error),
            (PermissionDenied, self.permission_denied),
            (Http404, self.not_found),
            (ObjectDoesNotExist, self.not_found),
            (RequestDataTooBig, self.too_big),
            (SuspiciousOperation, self.bad_request),
            (MultiPartParserError, self.bad_request),
            (UnreadablePostError, self.bad_request),
            (Exception, self.unexpected),
        ]


def install(api: NinjaAPI, *, body_params: Iterable[str] = ("payload",)) -> None:
    """Register the handlers on ``api`` (replacing ninja's defaults)."""
    for exc_class, handler in _Handlers(api, set(body_params)).by_exception():
        api.add_exception_handler(exc_class, handler)
