"""Production settings: everything from the environment, HTTPS assumed, no defaults for secrets."""

from django.core.exceptions import ImproperlyConfigured

from migralex.config.env import env_bool, env_int
from migralex.config.settings.base import *  # noqa: F403
from migralex.config.settings.base import SECRET_KEY

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "MIGRALEX_SECRET_KEY (or MIGRALEX_SECRET_KEY_FILE) must hold at least 50 random characters"
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("MIGRALEX_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("MIGRALEX_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
