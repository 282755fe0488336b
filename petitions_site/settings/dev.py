"""Settings for ``make run`` on a laptop."""

from .base import *  # noqa: F401,F403
from .base import os

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-secret-key-not-for-production"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# ``make run`` starts a local mail catcher (``manage.py mail_catcher``) on this port and a worker
# (``manage.py db_worker``) that sends the mails to it; set EMAIL_HOST/EMAIL_PORT to use a real SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
LOGGING["loggers"] = {  # noqa: F405
    "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    # Wagtail and django-tasks log every page action and task at INFO; the demo loader would drown in them.
    "wagtail": {"level": "WARNING"},
    "django_tasks": {"level": "WARNING"},
}
# Webhooks may go to a receiver on this machine (http, loopback) while developing; never in production.
WAGTAIL_PETITIONS_WEBHOOK_ALLOW_HTTP = WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = DEBUG
