"""System checks of the plugin's settings and models (``manage.py check``), registered in ``AppConfig.ready()``."""

from __future__ import annotations

from email.utils import parseaddr
from numbers import Real

from django import forms
from django.conf import settings
from django.core import checks
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .conf import PREFIX, RETIRED, conf
from .models import get_petition_page_models
from .outages.cache import is_shared_cache

#: (setting, smallest value allowed); every one must be a number.
NUMBERS = {
    "TALLY_SHARDS": 1,
    "COUNT_CACHE_SECONDS": 0,
    "COUNT_MAX_AGE": 0,
    "COUNT_STALE_WHILE_REVALIDATE": 0,
    "COUNT_STALE_IF_ERROR": 0,
    "PAGE_CACHE_SECONDS": 0,
    "FIGURES_CACHE_SECONDS": 0,
    "FIGURES_MAX_AGE": 0,
    "FIGURES_STALE_WHILE_REVALIDATE": 0,
    "SHARE_CARD_STEP_PERCENT": 1,
    "PAGE_MAX_AGE": 0,
    "RESPONSE_LOCAL_CACHE_SECONDS": 0,
    "LOOKUP_CACHE_SECONDS": 0,
    "SIGNATURE_MAX_BODY_BYTES": 512,
    "IDEMPOTENCY_KEY_TTL": 60,
    "EMBED_COUNT_REFRESH_SECONDS": 5,
    "EMBED_WIDGET_MAX_AGE": 0,
    "CONFIRMATION_LINK_DAYS": 1,
    "UNCONFIRMED_SIGNATURE_DAYS": 1,
    "CONFIRMATION_RESEND_SECONDS": 0,
    "CONFIRMATION_MAX_MAILS": 1,
    "MAIL_BATCH_SIZE": 1,
    "UPDATE_BATCH_SIZE": 1,
    "UPDATE_MAILS_PER_SECOND": 0,
    "UPDATE_TASK_SECONDS": 1,
    "UPDATE_STALL_SECONDS": 10,
    "RETENTION_MONTHS": 1,
    "RETENTION_BATCH_SIZE": 1,
    "SIGNER_LINK_HOURS": 1,
    "TRUSTED_PROXY_COUNT": 0,
    "SIGNING_CEILING_PER_MINUTE": 1,
    "CONNECTION_BURST_LIMIT": 0,
    "DOMAIN_BURST_LIMIT": 0,
    "BURST_WINDOW_SECONDS": 1,
    "FORM_MIN_FILL_SECONDS": 0,
    "FORM_TOKEN_MAX_AGE": 60,
    "PROOF_OF_WORK_MAX_NUMBER": 1000,
    "PROOF_OF_WORK_SECONDS": 30,
    "OUTAGE_RETRY_AFTER": 1,
    "CACHE_RETRY_SECONDS": 0,
    "DATABASE_RETRY_SECONDS": 0,
    "WEBHOOK_TIMEOUT_SECONDS": 0.1,
    "WEBHOOK_MAX_ATTEMPTS": 1,
    "WEBHOOK_RETRY_SECONDS": 0,
    "WEBHOOK_RETRY_MAX_SECONDS": 0,
    "WEBHOOK_DISABLE_AFTER_FAILURES": 1,
}
#: Settings that must be whole numbers (counts of rows, bytes or seconds sent in HTTP headers).
INTEGERS = {
    "TALLY_SHARDS",
    "COUNT_MAX_AGE",
    "COUNT_STALE_WHILE_REVALIDATE",
    "COUNT_STALE_IF_ERROR",
    "PAGE_MAX_AGE",
    "FIGURES_MAX_AGE",
    "FIGURES_STALE_WHILE_REVALIDATE",
    "SHARE_CARD_STEP_PERCENT",
    "SIGNATURE_MAX_BODY_BYTES",
    "IDEMPOTENCY_KEY_TTL",
    "EMBED_COUNT_REFRESH_SECONDS",
    "EMBED_WIDGET_MAX_AGE",
    "CONFIRMATION_LINK_DAYS",
    "UNCONFIRMED_SIGNATURE_DAYS",
    "CONFIRMATION_RESEND_SECONDS",
    "CONFIRMATION_MAX_MAILS",
    "MAIL_BATCH_SIZE",
    "UPDATE_BATCH_SIZE",
    "UPDATE_STALL_SECONDS",
    "RETENTION_MONTHS",
    "RETENTION_BATCH_SIZE",
    "SIGNER_LINK_HOURS",
    "TRUSTED_PROXY_COUNT",
    "SIGNING_CEILING_PER_MINUTE",
    "CONNECTION_BURST_LIMIT",
    "DOMAIN_BURST_LIMIT",
    "BURST_WINDOW_SECONDS",
    "FORM_TOKEN_MAX_AGE",
    "PROOF_OF_WORK_MAX_NUMBER",
    "PROOF_OF_WORK_SECONDS",
    "OUTAGE_RETRY_AFTER",
    "WEBHOOK_MAX_ATTEMPTS",
    "WEBHOOK_DISABLE_AFTER_FAILURES",
}
#: A PositiveSmallIntegerField holds the shard number.
MAX_TALLY_SHARDS = 1000


def check_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for name, minimum in NUMBERS.items():
        value = getattr(conf, name)
        whole = name in INTEGERS
        if isinstance(value, bool) or not isinstance(value, int if whole else Real) or value < minimum:
            errors.append(
                checks.Error(
                    f"{PREFIX}{name} must be {'a whole number' if whole else 'a number'} of at least {minimum}; "
                    f"it is {value!r}.",
                    id="wagtail_petitions.E001",
                )
            )
    if isinstance(conf.TALLY_SHARDS, int) and conf.TALLY_SHARDS > MAX_TALLY_SHARDS:
        errors.append(
            checks.Error(
                f"{PREFIX}TALLY_SHARDS must be at most {MAX_TALLY_SHARDS} (each petition reads that many total rows "
                f"per signature); it is {conf.TALLY_SHARDS}.",
                id="wagtail_petitions.E002",
            )
        )
    if isinstance(conf.CONFIRMATION_MAX_MAILS, int) and conf.CONFIRMATION_MAX_MAILS > 32767:
        errors.append(
            checks.Error(f"{PREFIX}CONFIRMATION_MAX_MAILS must be at most 32767.", id="wagtail_petitions.E003")
        )
    errors += _check_mail_settings()
    errors += _check_outage_settings()
    errors += _check_webhook_settings()
    for name, replacement in RETIRED.items():
        if hasattr(settings, name):
            errors.append(
                checks.Warning(
                    f"{name} is no longer read.", hint=f"Use {replacement} instead.", id="wagtail_petitions.W001"
                )
            )
    return errors


def _check_mail_settings() -> list[checks.CheckMessage]:
    errors = []
    for name in ("ORGANISER_EMAIL", "MAIL_FROM"):
        value = getattr(conf, name)
        try:
            if value:
                validate_email(parseaddr(value)[1])
        except ValidationError:
            errors.append(
                checks.Error(f"{PREFIX}{name} must be an email address; it is {value!r}.", id="wagtail_petitions.E004")
            )
    domains = settings_value("COMMON_EMAIL_DOMAINS")
    if domains is not None and (isinstance(domains, str) or not all(isinstance(d, str) for d in domains)):
        errors.append(
            checks.Error(f"{PREFIX}COMMON_EMAIL_DOMAINS must be a list of domains.", id="wagtail_petitions.E005")
        )
    return errors


def _check_outage_settings() -> list[checks.CheckMessage]:
    required = conf.REQUIRE_SHARED_THROTTLING
    if not isinstance(required, bool):
        return [
            checks.Error(
                f"{PREFIX}REQUIRE_SHARED_THROTTLING must be True or False; it is {required!r}.",
                id="wagtail_petitions.E030",
            )
        ]
    if required and not is_shared_cache(caches[DEFAULT_CACHE_ALIAS]):
        return [
            checks.Error(
                f"{PREFIX}REQUIRE_SHARED_THROTTLING needs the default cache to be shared by every app process (Redis); "
                f"it is {settings.CACHES[DEFAULT_CACHE_ALIAS]['BACKEND']}.",
                hint="Set REDIS_URL (docs/deploy.md) or leave the setting off.",
                id="wagtail_petitions.E031",
            )
        ]
    return []


def _check_webhook_settings() -> list[checks.CheckMessage]:
    errors = []
    for name in ("WEBHOOK_ALLOW_HTTP", "WEBHOOK_ALLOW_PRIVATE_ADDRESSES"):
        value = getattr(conf, name)
        if not isinstance(value, bool):
            errors.append(checks.Error(f"{PREFIX}{name} must be True or False.", id="wagtail_petitions.E032"))
        elif value and not settings.DEBUG:
            errors.append(
                checks.Warning(
                    f"{PREFIX}{name} is on while DEBUG is off.",
                    hint="It is meant for development and tests: in production, webhooks must go to https addresses "
                    "on the public internet only.",
                    id="wagtail_petitions.W032",
                )
            )
    return errors


def settings_value(name):
    return getattr(settings, PREFIX + name, None)


def check_signature_forms(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every petition page type's form must fit its signature model: a text the form accepts must fit the column
    it is stored in, or signing would fail in the database instead of answering 400."""
    errors = []
    for page_model in get_petition_page_models():
        form_class = page_model.get_signature_form_class()
        signature_model = page_model.get_signature_model()
        columns = {field.name: field for field in signature_model._meta.concrete_fields}
        for name, form_field in form_class.base_fields.items():
            column = columns.get(name)
            if not isinstance(form_field, forms.CharField):
                continue  # choices and booleans are checked by their own validation
            column_length = getattr(column, "max_length", None)
            field_length = getattr(form_field, "max_length", None)
            if column_length and (field_length is None or field_length > column_length):
                errors.append(
                    checks.Error(
                        f"{form_class.__qualname__}.{name} accepts "
                        f"{'any length' if field_length is None else f'{field_length} characters'}, but "
                        f"{signature_model._meta.label}.{name} holds {column_length}.",
                        obj=page_model,
                        id="wagtail_petitions.E010",
                    )
                )
    return errors
