"""Settings for the test suite: fast hashing, tasks run inline, mail kept in memory."""

import atexit
import shutil
import tempfile
from pathlib import Path

from sebaya.settings.base import *  # noqa: F403
from sebaya.settings.base import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "immediate": True}
# The tantivy search index of the test databases: in a directory of this run, removed at exit.
SEBAYA_SEARCH_INDEX_DIR = Path(tempfile.mkdtemp(prefix="sebaya-test-search-index-"))
atexit.register(shutil.rmtree, SEBAYA_SEARCH_INDEX_DIR, ignore_errors=True)
DEBUG = False
