"""The worker's webhook tasks (django-tasks): find events, send deliveries, retry them with backoff, replay."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from ..models import DeliveryStatus, WebhookDelivery
from . import events, sending

MILESTONE_WAKE_KEY = "wagtail_petitions:webhooks:milestone:{}"


def enqueue_deliveries(deliveries) -> None:
    """Send ``deliveries`` from the worker once the current transaction commits."""
    pks = [delivery.pk for delivery in deliveries]
    if pks:
        transaction.on_commit(lambda: [deliver_webhook.enqueue(pk) for pk in pks])


@task()
def deliver_webhook(delivery_pk: int) -> str | None:
    """One attempt at a delivery; after a failure, the next attempt is queued for when its backoff ends (the
    ``send_due_webhooks`` sweep catches it too, for backends that cannot defer a task)."""
    delivery = sending.attempt(delivery_pk)
    if delivery is None:
        return None
    if delivery.status == DeliveryStatus.RETRYING and default_task_backend.supports_defer:
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery.status


@task()
def send_due_webhooks(limit: int = 500) -> int:
    """Announce petitions closed by their closing date, then attempt every delivery that is due (first attempts
    and retries whose backoff has ended, and any whose worker died); returns how many were attempted. Run it every
    few minutes from a scheduler (``manage.py send_due_webhooks``)."""
    now = timezone.now()
    events.closed_by_date(now)
    due = (
        WebhookDelivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(sending.attempt(pk) is not None for pk in list(due))


@task()
def announce_counted_signatures(model_label: str, pks: list) -> int:
    """``signature.created`` for signatures that now count."""
    created = events.signatures_counted(model_label, pks)
    enqueue_deliveries(created)
    return len(created)


@task()
def check_milestone(petition_key: str) -> int:
    """``petition.milestone`` if the petition reached a new one."""
    cache.delete(MILESTONE_WAKE_KEY.format(petition_key))
    created = events.milestone_reached(petition_key)
    enqueue_deliveries(created)
    return len(created)


@task()
def announce_status(page_pk: int) -> int:
    """``petition.closed`` / ``petition.delivered`` after a petition page was published with that status."""
    created = events.status_changed(page_pk)
    enqueue_deliveries(created)
    return len(created)


class CannotReplay(Exception):
    pass


def replay(delivery) -> None:
    """Send a failed delivery again, with the same ``webhook-id`` (receivers may drop what they already have), a
    new timestamp and signature, and a fresh run of attempts."""
    if delivery.status != DeliveryStatus.FAILED:
        raise CannotReplay(_("Only a failed delivery can be replayed."))
    if not delivery.endpoint.is_active:
        raise CannotReplay(_("Activate the endpoint again before replaying its deliveries."))
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None
    )
    if updated:
        enqueue_deliveries([delivery])
