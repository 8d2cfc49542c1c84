"""Public pages for anonymous visitors, kept a short while in a shared cache.

In a competition's busy weeks most page views are anonymous readers of the same public pages (the
home page, the catalog, an innovation, the search page with its facets, an agency). Rendering one
of them costs tens of milliseconds; serving it again from the cache costs about as much as the
middleware. :func:`public_page` keeps such a response:

- only for a GET from a visitor with no session (no session or messages cookie: nobody signed in,
  no pending message) and only a 200 that sets no cookie and is not marked private;
- keyed by the host, the full path with its query, the language and the htmx headers;
- for ``LUMBUNG_PUBLIC_PAGE_SECONDS`` (60 by default; 0 turns it off) in the cache
  ``LUMBUNG_PAGE_CACHE`` (``pages``: Redis when ``LUMBUNG_CACHE_URL`` is set, so every server
  shares it; files in the data folder otherwise).

Every key carries the current *generation*; a committed write to a model of the public apps
(``PUBLIC_APPS``) starts a new one, so a published change shows at once on every server. Writes
that send no signal (bulk updates) show when the entries expire. Everything signed-in people see
is rendered for them, as before.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse

GENERATION_KEY = "public-pages:generation"

T = TypeVar("T")

#: apps whose records appear on public pages: a write to any of their models starts a generation
#: (the search index and the insights summaries follow these apps' writes, in their transaction)
PUBLIC_APPS = frozenset(
    {"catalog", "organisations", "replication", "competitions", "events", "outcomes"}
)

_STORED_HEADERS = ("Content-Type", "Vary", "Content-Language")


def _seconds() -> int:
    return int(getattr(settings, "LUMBUNG_PUBLIC_PAGE_SECONDS", 0) or 0)


def _cache() -> BaseCache:
    return caches[getattr(settings, "LUMBUNG_PAGE_CACHE", "default")]


def generation() -> str:
    cache = _cache()
    current = cache.get(GENERATION_KEY)
    if current is None:
        current = uuid.uuid4().hex
        cache.add(GENERATION_KEY, current, None)
        current = cache.get(GENERATION_KEY) or current
    return str(current)


def start_generation() -> None:
    """Forget every kept page (they stay in the cache until they expire, under old keys)."""
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def kept(name: str, compute: Callable[[], T]) -> T:
    """A value computed from public records (the home page's headline counts), kept in the pages'
    cache until the next generation (or ``LUMBUNG_PUBLIC_PAGE_SECONDS``): for signed-in readers
    too, whose pages are never kept."""
    seconds = _seconds()
    if seconds <= 0:
        return compute()
    key = f"public-value:{generation()}:{name}"
    value = _cache().get(key)
    if value is None:
        value = compute()
        _cache().set(key, value, seconds)
    return cast(T, value)


def _anonymous_visitor(request: HttpRequest) -> bool:
    if request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _key(request: HttpRequest) -> str:
    parts = "\n".join(
        (
            generation(),
            request.get_host(),
            request.get_full_path(),
            getattr(request, "LANGUAGE_CODE", ""),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            request.headers.get("HX-Target", ""),
        )
    )
    return "public-page:" + hashlib.sha256(parts.encode()).hexdigest()


def _keepable(response: HttpResponse) -> bool:
    cache_control = response.headers.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _store(key: str, response: HttpResponse, seconds: int) -> None:
    if _keepable(response):
        headers = {name: response.headers[name] for name in _STORED_HEADERS if name in response}
        _cache().set(key, (response.content, headers), seconds)


def _rebuild(stored: tuple[bytes, dict[str, str]]) -> HttpResponse:
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers.items():
        response.headers[name] = value
    return response


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view``'s page to anonymous visitors from the cache (see the module's notes)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = _seconds()
        if seconds <= 0 or not _anonymous_visitor(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        stored = _cache().get(key)
        if stored is not None:
            return _rebuild(stored)
        response = view(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            response.add_post_render_callback(lambda rendered: _store(key, rendered, seconds))
        else:
            _store(key, response, seconds)
        return response

    return wrapped


# --- a new generation after each committed write to a public record ----------------------------


def _new_generation_after_commit(using: str) -> None:
    connection = transaction.get_connection(using)
    pending = getattr(connection, "run_on_commit", None)
    already_due = connection.in_atomic_block and any(
        entry[1] is start_generation for entry in pending or ()
    )
    if already_due:
        return  # one new generation when this transaction commits is enough
    transaction.on_commit(start_generation, using=using)


#: apps whose records other than innovations belong to one innovation and are seen by whoever
#: sees it (evidence, team, awards, status changes, revisions; outcome indicators and figures)
OF_AN_INNOVATION_APPS = frozenset({"catalog", "outcomes"})


def _never_public(instance: Any) -> bool:
    """A draft that was never published, or a record of one (its evidence, its team, its figures):
    saving it changes no public page (officers save drafts all day in a competition's
    registration weeks; the kept pages should survive that)."""
    state = getattr(instance, "publication_state", None)
    if state is not None:
        return state != "published" and not getattr(instance, "published_at", 1)
    meta = getattr(instance, "_meta", None)
    innovation_id = getattr(instance, "innovation_id", None)
    if meta is None or meta.app_label not in OF_AN_INNOVATION_APPS or innovation_id is None:
        return False
    field = meta.get_field("innovation")
    if field.is_cached(instance):  # the innovation the service wrote it for: no query
        innovation = field.get_cached_value(instance)
        found = (innovation.publication_state, innovation.published_at)
    else:
        # read in the writer's transaction: a record whose innovation is gone (deleted with
        # it) or was ever published starts a generation
        rows = field.related_model._default_manager.filter(pk=innovation_id)
        found = rows.values_list("publication_state", "published_at").first()
    return found is not None and found[0] != "published" and found[1] is None


def _on_write(sender: Any, using: str = "default", **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in PUBLIC_APPS or _seconds() <= 0:
        return
    if _never_public(kwargs.get("instance")):
        return
    _new_generation_after_commit(using)


def changed(instance: Any, using: str = "default") -> None:
    """A write Django sends no signal for (``QuerySet.update``, ``bulk_create``) to a public
    record: a new generation when it commits, as a save would start."""
    _on_write(type(instance), using=using, instance=instance)


def connect() -> None:
    """Called once by the core app (``CoreConfig.ready``). Saves and deletes are listened to
    for the public apps' models only: a model with a delete listener is deleted one loaded row
    at a time (Django cannot delete it in one statement), which made ``lumbung reindex`` load
    and delete its millions of family bands one by one at 100,000 innovations."""
    for label in sorted(PUBLIC_APPS):
        if not apps.is_installed(f"lumbung.{label}"):
            continue
        for model in apps.get_app_config(label).get_models():
            uid = model._meta.label_lower
            post_save.connect(_on_write, sender=model, dispatch_uid=f"lumbung.pagecache.save.{uid}")
            post_delete.connect(
                _on_write, sender=model, dispatch_uid=f"lumbung.pagecache.delete.{uid}"
            )
    m2m_changed.connect(_on_write, dispatch_uid="lumbung.pagecache.m2m")
