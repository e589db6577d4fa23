"""Base settings shared by every environment; every value can come from SEBAYA_* variables."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from sebaya.settings.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# In a source checkout (editable install) var/ sits beside src/; elsewhere set SEBAYA_VAR_DIR.
_CHECKOUT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or (_CHECKOUT_DIR / "var")).resolve()
# The SQLite database and the task queue live here; create it so a fresh clone just works.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=True)
# A development key only: production settings refuse to start without SEBAYA_SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY") or "sebaya-development-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "sebaya.core",
    "sebaya.accounts",
    "sebaya.regions",
    "sebaya.innovations",
    "sebaya.search",
    "sebaya.learning",
    "sebaya.exchange",
    "sebaya.history",
    "sebaya.matching",
    "sebaya.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sebaya.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sebaya.core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sebaya.core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sebaya.urls"
WSGI_APPLICATION = "sebaya.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sebaya.core.context_processors.site",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'sebaya.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or _default_db, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
# Sign-in throttling (sebaya.accounts.throttle): failures allowed in a window, then HTTP 429.
SEBAYA_LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
SEBAYA_LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 30)
SEBAYA_LOGIN_WINDOW_SECONDS = env_int("LOGIN_WINDOW_SECONDS", 15 * 60)
# Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For is trusted.
SEBAYA_PROXY_COUNT = env_int("PROXY_COUNT", 0)
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Without collectstatic (a laptop, the tests) whitenoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sebaya@localhost")

_redis_url = env_str("REDIS_URL")
# The cache holds short-lived counters (login throttling); Redis shares them between servers.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
if _redis_url:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "sebaya",
        "url": _redis_url,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "sebaya",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        # A laptop (`make run`) runs no task worker: tasks run in-process after the request's
        # commit. Production settings turn this off and run `sebaya run_huey`.
        "immediate": env_bool("HUEY_IMMEDIATE", default=DEBUG),
    }

# SEBAYA_LOG_FORMAT=json writes one JSON object per line (the production default).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "sebaya.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # `sebaya run_huey` adds its own plain handler to a "huey" logger that has none: give it
    # ours, so the worker's lines come once, in the configured format.
    "loggers": {"huey": {"handlers": ["console"], "propagate": False}},
}

# Pagination of the catalogue and API lists.
SEBAYA_PAGE_SIZE = env_int("PAGE_SIZE", 20)
# Largest file a curator may upload for an import (exchange app).
SEBAYA_IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)

# Peer learning: an action plan is stalled after this many days without progress; the largest
# evidence or material file accepted; the address used in e-mailed links.
SEBAYA_LEARNING_STALLED_DAYS = env_int("LEARNING_STALLED_DAYS", 60)
SEBAYA_UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# API rate limits per caller (token, user or address) and minute; 0 turns a limit off.
SEBAYA_API_WRITES_PER_MINUTE = env_int("API_WRITES_PER_MINUTE", 60)
SEBAYA_API_TOKEN_READS_PER_MINUTE = env_int("API_TOKEN_READS_PER_MINUTE", 600)
# The site's public address, for links in e-mails sent outside a request (reminders).
SEBAYA_SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Matcher weights, e.g. "relevance=0.5,evidence=0.2" (docs/matching.md); empty = the defaults.
SEBAYA_MATCHING_WEIGHTS = env_str("MATCHING_WEIGHTS", "")
# Lexical search: "tantivy" lets a tantivy index beside the database find candidates (decision
# 0006; derived data, rebuilt from the database when missing); "database" uses only SQLite FTS5
# or PostgreSQL full-text search. One sub-directory per database under SEARCH_INDEX_DIR.
SEBAYA_SEARCH_INDEX = env_str("SEARCH_INDEX", "tantivy")
# Build a new worker's search state (vectors, spelling, tantivy reader) right after it starts.
SEBAYA_SEARCH_WARMUP = env_bool("SEARCH_WARMUP", default=True)
# Threads of one vector search over 50,000 vectors or more (0: the machine's cores, at most 4).
SEBAYA_VECTOR_SEARCH_THREADS = env_int("VECTOR_SEARCH_THREADS", 0)
SEBAYA_SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR") or (VAR_DIR / "search-index")).resolve()
