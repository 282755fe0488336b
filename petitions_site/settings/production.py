"""Settings for production: everything that matters comes from the environment (see docs/deploy.md)."""

from .base import *  # noqa: F401,F403
from .base import os

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("DJANGO_INSECURE_COOKIES", "0") != "1"
# HTTPS only: plain HTTP is redirected (except the load balancer's health check) and browsers are told to remember it.
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SSL_REDIRECT", "1") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "0") == "1"
SILENCED_SYSTEM_CHECKS = [
    # X-Frame-Options: DENY is set on every page by XFrameOptionsMiddleware, listed in SITE_ONLY_MIDDLEWARE (run by
    # SiteOnlyMiddleware on every path but the JSON API), where Django's check does not look for it.
    "security.W002",
    # Joining browsers' HSTS preload list is the operator's decision (DJANGO_HSTS_PRELOAD=1, then submit the domain).
    "security.W021",
]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
