"""Settings of the real task worker (``manage.py db_worker``) that the crash test starts and kills: the test
settings with the database task backend and SMTP at ``EMAIL_HOST``/``EMAIL_PORT`` (the test's aiosmtpd server)."""

from petitions_site.settings.test import *  # noqa: F401,F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Small batches, no pause: a kill lands in the middle of a send with several batches behind and ahead of it.
WAGTAIL_PETITIONS_UPDATE_BATCH_SIZE = 7
WAGTAIL_PETITIONS_UPDATE_MAILS_PER_SECOND = 0
