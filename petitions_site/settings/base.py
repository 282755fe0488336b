"""Settings shared by every environment.

The embedded default is SQLite and an in-process cache, so the site runs with no server. ``DATABASE_URL``
switches to PostgreSQL and ``REDIS_URL`` puts the cache (count snapshots, signing's defences) in Redis, which is what
several app processes need to share.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as CSP_NONCE
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "petitions_site",
    "wagtail_petitions",
    "widget_api",
    "embed",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before CommonMiddleware, as django-cors-headers requires.
    "widget_api.cors.CorsMiddleware",
    # Anonymous page and count reads from the cache; a hit skips everything below (see its docstring).
    "petitions_site.response_cache.PublicResponseCacheMiddleware",
    # Below the response cache: a miss stores the headers with the entry and every hit replays them, so the hot
    # cached reads (count, pages) do not build the policies again (see "Security headers" below).
    "petitions_site.content_security_policy.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Django's, plus ``?lang=`` on API requests: the widget's signing errors come back in the widget's language.
    "widget_api.i18n.LocaleMiddleware",
    # While this process could not connect to the database a moment ago: 503 at once (stale copies above it).
    "wagtail_petitions.outages.DatabaseBreakerMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # SITE_ONLY_MIDDLEWARE, on every path but /api/ (which has no session, user, message or cookie).
    "petitions_site.middleware.SiteOnlyMiddleware",
]
SITE_ONLY_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "petitions_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "petitions_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements run this many times on a connection are prepared (parsed and planned once); only the signing
    # statement qualifies, as Django's own queries bind parameters on the client. Set DATABASE_PREPARE_THRESHOLD
    # to "off" behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "1")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if threshold.lower() in {"off", "none", ""} else int(threshold)
    )
    # When PostgreSQL is stopped or unreachable, a request gives up within seconds (and answers 503, see
    # wagtail_petitions.outages) instead of hanging: connecting waits at most DATABASE_CONNECT_TIMEOUT seconds
    # (libpq's floor is 2), and a kept connection whose peer went silent is dropped once data sent on it stays
    # unacknowledged for DATABASE_TCP_USER_TIMEOUT milliseconds, or after a few unanswered keepalives when idle.
    # Values in DATABASE_URL's query string win.
    for option, value in {
        "connect_timeout": os.environ.get("DATABASE_CONNECT_TIMEOUT", "2"),
        "tcp_user_timeout": os.environ.get("DATABASE_TCP_USER_TIMEOUT", "2000"),
        "keepalives": "1",
        "keepalives_idle": "10",
        "keepalives_interval": "2",
        "keepalives_count": "3",
    }.items():
        DATABASES["default"]["OPTIONS"].setdefault(option, int(value))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Signing runs in short write transactions; wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis (one redis-py client per process; Django's own Redis backend builds one per call), falling
            # back to the process's memory while Redis cannot be reached (wagtail_petitions.outages.cache): short
            # socket timeouts, so that a silent Redis costs a request at most that long before the fallback.
            "BACKEND": "wagtail_petitions.outages.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "petitions"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
                "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (confirmation mails, scheduled clean-ups): django-tasks with its database backend; run the worker
# with ``manage.py db_worker`` next to the app processes (docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Mail goes to the SMTP server at EMAIL_HOST:EMAIL_PORT (``make run`` starts a local mail catcher on 1025).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "petitions@localhost")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("ar", _("Arabic")),
]
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Petitions"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
# The admin contacts no third party: no Gravatar (it would receive a hash of each editor's email), no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "widget_api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["widget_api.parsers.LimitedJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "widget_api.negotiation.JSONFirstNegotiation",
    # Public endpoints: no session, so no CSRF cookie and no cookie of any kind.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}
# Signing's defences (wagtail_petitions.defence; docs/deploy.md): how many proxies of ours stand in front of the app
# (the client address is what the outermost one saw), and the hard ceiling of signing requests per connection.
WAGTAIL_PETITIONS_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
WAGTAIL_PETITIONS_SIGNING_CEILING_PER_MINUTE = int(os.environ.get("SIGNING_CEILING_PER_MINUTE", "300"))
# While Redis is down: count the defences' windows per process (default), or answer signing 503 (docs/deploy.md).
WAGTAIL_PETITIONS_REQUIRE_SHARED_THROTTLING = os.environ.get("REQUIRE_SHARED_THROTTLING", "0") == "1"
WAGTAIL_PETITIONS_CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS", "5"))
WAGTAIL_PETITIONS_DATABASE_RETRY_SECONDS = float(os.environ.get("DATABASE_RETRY_SECONDS", "3"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Petitions API",
    "VERSION": "1.0.0",
    "DESCRIPTION": "Public API of the petition platform: petitions, their shared tally, and signing.",
    "PREPROCESSING_HOOKS": ["widget_api.schema.public_endpoints_only"],
    # One name per choice set used by several fields: the webhook events, a petition's status.
    "ENUM_NAME_OVERRIDES": {
        "WebhookEventEnum": "wagtail_petitions.models.webhooks.WebhookEvent",
        "PetitionStatusEnum": ["open", "closed", "delivered"],
    },
    # drf-spectacular's own enum naming first, then bodies with required fields marked required, then every error
    # answer in the error envelope.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "widget_api.schema.require_bodies_with_required_fields",
        "widget_api.schema.document_error_responses",
    ],
}

# Where petitions_site/urls.py mounts the public API; the CORS rule below matches the same prefix.
API_URL_PATH = "api/"

# CORS: only API paths, only origins registered on active partners (see widget_api.cors), never credentials.
CORS_URLS_REGEX = rf"^/{API_URL_PATH}"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["accept", "content-type", "idempotency-key", "if-none-match"]
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]

# Admin sessions only; public pages never touch the session or the CSRF token, so they set no cookie.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# The widget page must be framable by any partner site; everything else keeps DENY.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Security headers on every page (django-csp, django-permissions-policy). Everything the site's pages load comes from
# our origin: no third-party request, no inline script (a template that needs one writes
# <script nonce="{{ request.csp_nonce }}">), no plugin, no <base>, forms post only to us. Inline <style> and style
# attributes stay allowed: the pages' own CSS, the progress bar's width and pygal's SVG charts are inline; styles cannot
# run code. Responses that set their own policy keep it (the widget page: hashes of its inline code; the figures map).
# The Wagtail admin (/admin/) is left out: it runs inline scripts of its own, behind a login. Framing stays governed by
# X-Frame-Options (DENY, but the widget and the figures page). Pictures on another host (a CDN for media) need that
# host in CSP_IMG_ORIGINS (docs/deploy.md).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", *[o for o in os.environ.get("CSP_IMG_ORIGINS", "").split() if o]],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Powerful browser features no page of ours uses, denied to the page and to anything it frames.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Every handler redacts email and IP addresses (wagtail_petitions.log_redaction): an exception's message may hold one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "wagtail_petitions.log_redaction.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_personal_data"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Even with LOG_LEVEL=DEBUG: these two write template contexts and SQL parameters (names, emails) at DEBUG.
    "loggers": {"django.template": {"level": "INFO"}, "django.db.backends": {"level": "INFO"}},
}
