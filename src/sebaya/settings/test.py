"""Settings for the test suite: fast hashing, tasks run inline, mail kept in memory."""

from sebaya.settings.base import *  # noqa: F403
from sebaya.settings.base import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "immediate": True}
DEBUG = False
