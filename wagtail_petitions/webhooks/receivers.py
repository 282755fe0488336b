"""Signal receivers (connected in ``AppConfig.ready()``) that queue the worker's webhook tasks after a commit. They
run after every signature, so they only consult the cached map of subscribed partners
(``WebhookEndpoint.objects.subscribers``): a petition whose signers' partners have no endpoint costs a dictionary
lookup, and nothing is sent in the request."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from ..choices import SignatureState
from ..models import PetitionPageMixin, WebhookEndpoint, WebhookEvent
from . import events, tasks

#: A petition's milestone check is queued at most once per this many seconds (the check reads the tally afresh).
MILESTONE_WAKE_SECONDS = 60


def wake_milestone_check(petition_key) -> None:
    if cache.add(tasks.MILESTONE_WAKE_KEY.format(petition_key), 1, MILESTONE_WAKE_SECONDS):
        tasks.check_milestone.enqueue(str(petition_key))


def petition_signed(sender, petition, signature, **kwargs) -> None:
    """``petition_signed`` (sent after the commit): a signature that counts at once."""
    if signature.state != SignatureState.COUNTED:
        return  # announced when it counts (``signatures_counted``)
    subscribers = WebhookEndpoint.objects.subscribers()
    if not subscribers:
        return
    if signature.partner_id is not None and signature.partner_id in subscribers.get(WebhookEvent.SIGNATURE_CREATED, ()):
        tasks.announce_counted_signatures.enqueue(sender._meta.label, [str(signature.pk)])
    if subscribers.get(WebhookEvent.PETITION_MILESTONE):
        wake_milestone_check(signature.petition_key)


def signatures_counted(sender, pks, petition_keys, **kwargs) -> None:
    """``signatures_counted`` (sent after the commit by ``moderation``): confirmed or restored signatures."""
    subscribers = WebhookEndpoint.objects.subscribers()
    if subscribers.get(WebhookEvent.SIGNATURE_CREATED):
        tasks.announce_counted_signatures.enqueue(sender._meta.label, [str(pk) for pk in pks])
    if subscribers.get(WebhookEvent.PETITION_MILESTONE):
        for key in petition_keys:
            wake_milestone_check(key)


def petition_published(sender, instance, **kwargs) -> None:
    """``page_published``: a petition published closed or delivered is announced (once per petition)."""
    if not isinstance(instance, PetitionPageMixin):
        return
    event = events.STATUS_EVENTS.get(instance.status)
    if event is not None and WebhookEndpoint.objects.is_subscribed(event):
        page_pk = instance.pk
        transaction.on_commit(lambda: tasks.announce_status.enqueue(page_pk))
