"""Base settings shared by every deployment. Everything tunable comes from the environment
(see ``docs/operations.md``); the defaults need none of it and keep data under ``./var``."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from migralex.config.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_path,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = env_path("MIGRALEX_DATA_DIR", "./var")

DEBUG = env_bool("MIGRALEX_DEBUG", False)
# A development key is derived on first start and stored under the data dir; production sets
# MIGRALEX_SECRET_KEY (or MIGRALEX_SECRET_KEY_FILE) and ``check --deploy`` refuses the default.
SECRET_KEY = env_str("MIGRALEX_SECRET_KEY", "")
ALLOWED_HOSTS = env_list(
    "MIGRALEX_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("MIGRALEX_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("MIGRALEX_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "migralex.common",
    "migralex.accounts",
    "migralex.documents",
    "migralex.sources",
    "migralex.ingestion",
    "migralex.analysis",
    "migralex.search",
    "migralex.alerts",
    "migralex.knowledge",
    "migralex.api",
    "migralex.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "migralex.web.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "migralex.config.urls"
WSGI_APPLICATION = "migralex.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL or SQLite")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "migralex.sqlite3",
            # Kept open across requests, as on PostgreSQL: a new connection costs each page
            # ~1 ms of set-up, a parse of the schema and a cold page cache.
            "CONN_MAX_AGE": 60,
            # WAL lets readers work while one writer commits; a busy timeout queues writers
            # (the worker and the web process) instead of failing with "database is locked".
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- task queue (Huey) ------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("MIGRALEX_TASKS_IMMEDIATE", False)
HUEY_WORKERS = env_int("MIGRALEX_WORKERS", 2, minimum=1)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("MIGRALEX_QUEUE_NAME", "migralex"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": HUEY_WORKERS, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "migralex",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": HUEY_WORKERS, "worker_type": "thread"},
    }

# --- storage and limits -----------------------------------------------------------------------
ORIGINALS_DIR = DATA_DIR / "originals"
INDEX_DIR = DATA_DIR / "index"
MAX_UPLOAD_BYTES = env_int("MIGRALEX_MAX_FILE_MB", 100, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PARSER_CPU_SECONDS = env_int("MIGRALEX_PARSER_CPU_SECONDS", 30, minimum=1)
PARSER_MEMORY_MB = env_int("MIGRALEX_PARSER_MEMORY_MB", 1024, minimum=64)
PARSER_WALL_SECONDS = env_int("MIGRALEX_PARSER_WALL_SECONDS", 60, minimum=1)
OCR_ENABLED = env_bool("MIGRALEX_OCR", True)
OCR_LANGUAGES = env_str("MIGRALEX_OCR_LANGUAGES", "ara+fra+eng")

# --- fetching ---------------------------------------------------------------------------------
FETCH_TIMEOUT_SECONDS = env_float("MIGRALEX_FETCH_TIMEOUT", 20.0)
FETCH_MAX_BYTES = env_int("MIGRALEX_FETCH_MAX_MB", 50, minimum=1) * 1024 * 1024
FETCH_CONTACT = env_str("MIGRALEX_CONTACT", "veille@example.org")
FETCH_USER_AGENT = f"Migralex/0.1 (legal watch on migrants' rights; +{FETCH_CONTACT})"
# Hosts or networks a fetcher may reach although they are private (SSRF guard allow-list).
FETCH_ALLOW_PRIVATE = env_list("MIGRALEX_FETCH_ALLOW", [])

# --- source monitoring (docs/operations.md) ----------------------------------------------------
SOURCE_POLL_WORKERS = env_int("MIGRALEX_POLL_WORKERS", 8, minimum=1)
SOURCE_HOST_CONCURRENCY = env_int("MIGRALEX_POLL_HOST_CONCURRENCY", 2, minimum=1)
SOURCE_HOST_DELAY_SECONDS = env_float("MIGRALEX_POLL_HOST_DELAY", 1.0)
SOURCE_FAILURE_NOTIFY_AFTER = env_int("MIGRALEX_SOURCE_FAILURE_NOTIFY", 3, minimum=1)
# How long the history of each poll that changed or failed is kept (the health page, the API).
SOURCE_POLL_HISTORY_DAYS = env_int("MIGRALEX_POLL_HISTORY_DAYS", 180, minimum=1)
# Folders a "watched folder" source may read besides the data dir (an administrator's choice).
SOURCE_FOLDER_ROOTS = env_list("MIGRALEX_WATCH_DIRS", [])

# --- search -----------------------------------------------------------------------------------
SEARCH_BACKEND = env_choice("MIGRALEX_SEARCH_BACKEND", "tantivy", ("tantivy", "postgres"))

# --- e-mail -----------------------------------------------------------------------------------
EMAIL_HOST = env_str("MIGRALEX_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("MIGRALEX_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("MIGRALEX_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("MIGRALEX_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MIGRALEX_SMTP_STARTTLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("MIGRALEX_FROM_EMAIL", "Migralex <veille@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str("MIGRALEX_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
ADMINS = [("Admin", a) for a in env_list("MIGRALEX_ADMIN_NOTIFY", [])]

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("ar", _("العربية")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
TIME_ZONE = env_str("MIGRALEX_TIME_ZONE", "Africa/Casablanca")
USE_I18N = True
USE_TZ = True

# --- static -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- API --------------------------------------------------------------------------------------
ANONYMOUS_READ = env_bool("MIGRALEX_ANONYMOUS_READ", True)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Migralex API",
    "DESCRIPTION": "Legal watch on migrants' rights: documents, versions, sources, themes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- security defaults (production tightens them further) --------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("MIGRALEX_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "huey": {"level": "WARNING"},
        "trafilatura": {"level": "ERROR"},
        # httpx logs every request at INFO: a thousand lines per polling cycle.
        "httpx": {"level": "WARNING"},
    },
}
