"""Settings for the test suite: SQLite unless ``DATABASE_URL`` is set, fast password hashing."""

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-secret-key"
# A petition page type and signature model of a site's own, to prove the plugin's override points.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks at once, in the enqueuing thread; the end-to-end mail test runs the real database worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Browsers driven by tests fill forms in milliseconds; the tests of the defences set a person's fill time.
WAGTAIL_PETITIONS_FORM_MIN_FILL_SECONDS = 0
# The tests' signers write at example.org (RFC 2606) as people write at a big provider: it is no burst. The tests of
# the per-domain burst use other domains.
from wagtail_petitions.conf import DEFAULT_COMMON_EMAIL_DOMAINS  # noqa: E402

WAGTAIL_PETITIONS_COMMON_EMAIL_DOMAINS = [*DEFAULT_COMMON_EMAIL_DOMAINS, "example.org"]
# Tests clear the shared cache between steps; the per-process copy of cached responses would outlive that.
WAGTAIL_PETITIONS_RESPONSE_LOCAL_CACHE_SECONDS = 0

if REDIS_URL:  # noqa: F405
    from wagtail_petitions.outages.cache import FallbackRedisCache

    class OwnKeysRedisCache(FallbackRedisCache):
        """``clear()`` deletes this cache's keys only: the pytest-xdist workers (and the app servers a test starts)
        share one Redis database, and Redis's FLUSHDB would wipe the other workers' state mid-test."""

        def clear(self):
            self.local_cache.clear()
            self.delete_pattern("*")
            return True

    CACHES = {  # noqa: F405
        "default": {
            **CACHES["default"],  # noqa: F405
            "BACKEND": "petitions_site.settings.test.OwnKeysRedisCache",
            "KEY_PREFIX": f"petitions-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",  # noqa: F405
        }
    }
