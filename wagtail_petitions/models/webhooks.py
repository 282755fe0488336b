"""Webhooks: a partner's endpoints (``WebhookEndpoint``) and the log of every delivery to them (``WebhookDelivery``).

What is sent, how and when lives in ``wagtail_petitions.webhooks``; these are only the rows.
"""

import base64
import secrets
import threading
import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import conf
from ..webhooks.addresses import RefusedAddress, resolve
from .partners import Partner


class WebhookEvent(models.TextChoices):
    SIGNATURE_CREATED = "signature.created", _("A signature through this partner counts")
    PETITION_MILESTONE = "petition.milestone", _("A petition reached a milestone")
    PETITION_CLOSED = "petition.closed", _("A petition closed")
    PETITION_DELIVERED = "petition.delivered", _("A petition was delivered")


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


SUBSCRIBERS_CACHE_KEY = "wagtail_petitions:webhook_subscribers"
SUBSCRIBERS_SHARED_CACHE_SECONDS = 300


class WebhookEndpointManager(models.Manager):
    """Which partners have an active endpoint for each event, cached (in the shared cache and, for
    ``RESPONSE_LOCAL_CACHE_SECONDS``, in process memory): the signing path asks it after every signature, so a
    petition without endpoints costs a dictionary lookup. Saving or deleting an endpoint forgets it."""

    _local: list = [0.0, None]  # [valid until (monotonic), {event: frozenset(partner ids)}]
    _lock = threading.Lock()

    def subscribers(self) -> dict:
        """``{event type: frozenset of partner ids}`` of the active endpoints."""
        expires, subscribers = self._local
        now = time.monotonic()
        if subscribers is not None and now < expires:
            return subscribers
        subscribers = cache.get(SUBSCRIBERS_CACHE_KEY)
        if subscribers is None:
            found: dict = {}
            for partner_id, events in self.filter(is_active=True, partner__is_active=True).values_list(
                "partner_id", "events"
            ):
                for event in events or ():
                    found.setdefault(event, set()).add(partner_id)
            subscribers = {event: frozenset(ids) for event, ids in found.items()}
            cache.set(SUBSCRIBERS_CACHE_KEY, subscribers, SUBSCRIBERS_SHARED_CACHE_SECONDS)
        with self._lock:
            self._local[:] = [now + conf.RESPONSE_LOCAL_CACHE_SECONDS, subscribers]
        return subscribers

    def is_subscribed(self, event: str, partner_id=None) -> bool:
        """Does an active endpoint want ``event`` (of ``partner_id``'s, if given)?"""
        partners = self.subscribers().get(event)
        if not partners:
            return False
        return partner_id is None or partner_id in partners

    def for_event(self, event: str, partner_id=None):
        """The active endpoints that want ``event`` (only ``partner_id``'s, if given): a list (a partner has a few;
        JSON containment is not portable to SQLite)."""
        endpoints = self.filter(is_active=True, partner__is_active=True)
        if partner_id is not None:
            endpoints = endpoints.filter(partner_id=partner_id)
        return [endpoint for endpoint in endpoints if endpoint.wants(event)]

    def forget_subscribers(self) -> None:
        self._forget()
        transaction.on_commit(self._forget)

    def _forget(self):
        with self._lock:
            self._local[:] = [0.0, None]
        cache.delete(SUBSCRIBERS_CACHE_KEY)


def forget_webhook_subscribers(sender, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for endpoints and partners."""
    WebhookEndpoint.objects.forget_subscribers()


class WebhookEndpoint(models.Model):
    """A URL of a partner's that receives the events it chose, signed per the Standard Webhooks specification."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("partner")
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("An https address on the public internet (private and loopback addresses are refused)."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_webhook_secret,
        editable=False,
        help_text=_("The partner verifies signatures with it (Standard Webhooks, whsec_…)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    disabled_at = models.DateTimeField(
        _("disabled automatically at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("After too many failures in a row; activating the endpoint again clears it."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = WebhookEndpointManager()

    class Meta:
        ordering = ["partner__name", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return f"{self.partner} → {self.url}"

    @property
    def events_display(self) -> str:
        return ", ".join(self.events or ())

    def wants(self, event: str) -> bool:
        return event in (self.events or ())

    def clean(self):
        errors = {}
        try:
            resolve(self.url)
        except RefusedAddress as refused:
            errors["url"] = ValidationError(str(refused), code=refused.code)
        if not isinstance(self.events, list) or not self.events:
            errors["events"] = ValidationError(_("Choose at least one event."), code="required")
        elif unknown := [event for event in self.events if event not in WebhookEvent.values]:
            errors["events"] = ValidationError(
                _("Unknown events: %(events)s"), code="invalid_choice", params={"events": ", ".join(map(str, unknown))}
            )
        if errors:
            raise ValidationError(errors)

    def reactivate(self) -> None:
        """Active again (an editor's choice after an automatic disabling): the run of failures starts again."""
        self.is_active = True
        self.disabled_at = None
        self.consecutive_failures = 0


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Failed, will retry")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint, and how sending it went. ``event_id`` is the Standard Webhooks message id
    (``webhook-id``): the same for every attempt and replay, and for one event on every endpoint, so receivers can
    drop repeats; one endpoint gets an event once (the unique constraint).

    ``payload`` never holds personal data: a ``signature.created`` payload names the signature
    (``signature_model``, ``signature_pk``) and the signer's details are read when sending, only for a signer who
    consented to that partner."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event_id = models.CharField(_("event id"), max_length=64)
    event_type = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    petition_key = models.UUIDField(_("petition"), null=True, blank=True)
    payload = models.JSONField(_("payload"))
    signature_model = models.CharField(_("signature model"), max_length=100, blank=True)
    signature_pk = models.CharField(_("signature"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="wagtail_petitions_webhook_event_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "retrying"]),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id} → {self.endpoint_id}"

    @property
    def can_replay(self) -> bool:
        return self.status == DeliveryStatus.FAILED
