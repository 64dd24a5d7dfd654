"""Settings for the test suite: a throw-away data dir, tasks run inline, fast hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("MIGRALEX_DATA_DIR", tempfile.mkdtemp(prefix="migralex-test-"))

from migralex.config.settings.base import *  # noqa: E402,F403
from migralex.config.settings.base import DATA_DIR, DATABASES, HUEY  # noqa: E402

SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "immediate": True}
if HUEY["huey_class"] == "huey.SqliteHuey":
    HUEY["filename"] = str(Path(DATA_DIR) / "tasks.sqlite3")
FETCH_ALLOW_PRIVATE = ["127.0.0.1", "::1", "localhost"]

# On SQLite, test against a real file (WAL, busy timeout) as in production: Django's default
# in-memory test database uses SQLite's shared cache, where concurrent writers from threads (the
# polling cycle, the worker) fail at once with "database table is locked" instead of waiting.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(Path(DATA_DIR) / "test-db.sqlite3")}
