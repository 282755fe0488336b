"""Sending one delivery: sign it (Standard Webhooks, the ``standardwebhooks`` package), POST it to the address that
was checked (``addresses.resolve``), record the outcome, back off after a failure and disable an endpoint after
``WEBHOOK_DISABLE_AFTER_FAILURES`` failures in a row (its partner's contact is told by email). Runs in the worker,
never in a web request."""

from __future__ import annotations

import logging
from datetime import timedelta

import urllib3
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from standardwebhooks import Webhook

from ..conf import conf
from ..mail.tasks import send_mail
from ..models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from . import payloads
from .addresses import RefusedAddress, Target, resolve

logger = logging.getLogger(__name__)

USER_AGENT = "wagtail-petitions-webhooks/1"
#: The most of an endpoint's answer that is read (it is not used beyond its status).
MAX_RESPONSE_BYTES = 4096


class SendFailed(Exception):
    def __init__(self, message: str, response_code: int | None = None):
        super().__init__(message)
        self.response_code = response_code


def signed_headers(endpoint, event_id: str, body: str, now) -> dict:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(event_id, now, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def post(target: Target, body: bytes, headers: dict) -> int:
    """POST ``body`` to ``target.address``, presenting ``target.host`` (``Host`` header, TLS name and certificate
    check). No redirects, no retries here. Returns the status; raises ``SendFailed`` on a network error."""
    timeout = urllib3.Timeout(connect=conf.WEBHOOK_TIMEOUT_SECONDS, read=conf.WEBHOOK_TIMEOUT_SECONDS)
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host and target.port != default_port:
        host_header = f"[{target.host}]:{target.port}"
    options = {"timeout": timeout, "retries": False, "maxsize": 1}
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, **options)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "host": host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            response.read(MAX_RESPONSE_BYTES)
        finally:
            response.release_conn()
        return response.status
    except urllib3.exceptions.HTTPError as error:
        raise SendFailed(type(error).__name__) from None
    finally:
        pool.close()


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: ``WEBHOOK_RETRY_SECONDS`` doubled each time, capped."""
    seconds = min(conf.WEBHOOK_RETRY_SECONDS * 2 ** max(attempts - 1, 0), conf.WEBHOOK_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def claim(delivery_pk, now) -> bool:
    """Take ``delivery_pk`` for one attempt, if it is due: its ``next_attempt_at`` moves past the attempt's longest
    duration, so no other worker takes it meanwhile, and a worker that dies mid-attempt leaves it due again then."""
    lease = now + timedelta(seconds=2 * conf.WEBHOOK_TIMEOUT_SECONDS + 60)
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_pk, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=lease)
    )


def attempt(delivery_pk, *, now=None) -> WebhookDelivery | None:
    """Try to send one delivery if it is due. Returns it with its new status (``next_attempt_at``: when to try
    again), or ``None`` if it was not due (sent, failed for good, or being sent by another worker)."""
    now = now or timezone.now()
    if not claim(delivery_pk, now):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint__partner").get(pk=delivery_pk)
    endpoint = delivery.endpoint
    if not endpoint.is_active or not endpoint.partner.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None, last_error="The endpoint is not active."
        )
        delivery.refresh_from_db()
        return delivery
    response_code = None
    try:
        target = resolve(endpoint.url)
        body = payloads.body(delivery)
        response_code = post(target, body.encode(), signed_headers(endpoint, delivery.event_id, body, now))
        if not 200 <= response_code < 300:
            raise SendFailed(f"HTTP {response_code}", response_code)
    except (RefusedAddress, SendFailed) as error:
        return _failed(delivery, now, str(error), response_code)
    return _delivered(delivery, now, response_code)


def _delivered(delivery, now, response_code) -> WebhookDelivery:
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED,
            attempts=F("attempts") + 1,
            response_code=response_code,
            last_error="",
            last_attempt_at=now,
            delivered_at=now,
            next_attempt_at=None,
        )
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
    delivery.refresh_from_db()
    return delivery


def _failed(delivery, now, error: str, response_code) -> WebhookDelivery:
    attempts = delivery.attempts + 1
    final = attempts >= conf.WEBHOOK_MAX_ATTEMPTS
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING,
            attempts=F("attempts") + 1,
            response_code=response_code,
            last_error=error[:300],
            last_attempt_at=now,
            next_attempt_at=None if final else now + backoff(attempts),
        )
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        disabled = (
            WebhookEndpoint.objects.filter(
                pk=delivery.endpoint_id,
                is_active=True,
                consecutive_failures__gte=conf.WEBHOOK_DISABLE_AFTER_FAILURES,
            ).update(is_active=False, disabled_at=now)
            == 1
        )
        if disabled:
            WebhookEndpoint.objects.forget_subscribers()
            endpoint_pk = delivery.endpoint_id
            transaction.on_commit(lambda: send_mail.enqueue("webhook_disabled", endpoint=endpoint_pk))
    logger.info("Webhook delivery %s failed (attempt %s): %s", delivery.pk, attempts, error)
    delivery.refresh_from_db()
    return delivery
