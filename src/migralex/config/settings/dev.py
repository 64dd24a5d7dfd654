"""Default settings for ``make run`` on one machine: embedded SQLite, tasks in-process."""

from migralex.config.secret import load_or_create_secret_key
from migralex.config.settings.base import *  # noqa: F403
from migralex.config.settings.base import DATA_DIR, SECRET_KEY

SECRET_KEY = SECRET_KEY or load_or_create_secret_key(DATA_DIR)
