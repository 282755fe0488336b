"""Settings for the test suite: SQLite unless ``DATABASE_URL`` is set, fast password hashing."""

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"sign": "100000/minute"}}  # noqa: F405
# Tests clear the shared cache between steps; the per-process copy of cached responses would outlive that.
WAGTAIL_PETITIONS_RESPONSE_LOCAL_CACHE_SECONDS = 0
