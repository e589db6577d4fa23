"""Production settings: everything secret comes from the environment; HTTPS is assumed."""

from django.core.exceptions import ImproperlyConfigured

from sebaya.settings.base import *  # noqa: F403
from sebaya.settings.env import env_bool, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SEBAYA_SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Tasks go to the queue and a separate `sebaya run_huey` worker runs them.
HUEY = {**HUEY, "immediate": env_bool("HUEY_IMMEDIATE", default=False)}  # noqa: F405

# Structured logs unless the operator asks for plain lines.
if env_str("LOG_FORMAT", "json") == "json":
    LOGGING = {
        **LOGGING,  # noqa: F405
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Keep each worker thread's database connection between requests (checked before reuse): a new
# PostgreSQL connection per request costs a backend process start, which under the load test of
# docs/benchmarks.md was a large share of the database server's CPU. SEBAYA_DB_CONN_MAX_AGE=0
# turns it off (e.g. behind a transaction-pooling PgBouncer).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
