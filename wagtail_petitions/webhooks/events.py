"""Finding events and recording one delivery per endpoint that wants them (run by the worker). Each function
returns the deliveries it created; ``tasks`` sends them. An event found again (a task retried, a petition published
twice) creates nothing new: its id is derived from what it is about (``payloads.event_id``)."""

from __future__ import annotations

from django.apps import apps
from django.db import IntegrityError, transaction

from ..choices import PetitionStatus, SignatureState
from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent, get_petition_page_models, petition_pages
from . import payloads


def record_event(event_type, event_id, data, endpoints, *, petition_key=None, signature=None) -> list:
    """One ``WebhookDelivery`` of the event per endpoint that has none yet; returns the new ones."""
    payload = payloads.envelope(event_type, data)
    created = []
    for endpoint in endpoints:
        try:
            with transaction.atomic():
                delivery, new = WebhookDelivery.objects.get_or_create(
                    endpoint=endpoint,
                    event_id=event_id,
                    defaults={
                        "event_type": event_type,
                        "payload": payload,
                        "petition_key": petition_key,
                        "signature_model": signature._meta.label if signature is not None else "",
                        "signature_pk": str(signature.pk) if signature is not None else "",
                    },
                )
        except IntegrityError:  # recorded at the same moment by another worker
            continue
        if new:
            created.append(delivery)
    return created


def signatures_counted(model_label: str, pks) -> list:
    """``signature.created`` for each of these signatures that counts and came through a partner with an endpoint
    for it. A signature that counts from its confirmation is announced then, once."""
    model = apps.get_model(model_label)
    signatures = model.objects.filter(pk__in=list(pks), state=SignatureState.COUNTED, partner__isnull=False)
    created = []
    for signature in signatures.select_related("partner"):
        endpoints = WebhookEndpoint.objects.for_event(WebhookEvent.SIGNATURE_CREATED, signature.partner_id)
        if not endpoints:
            continue
        created += record_event(
            WebhookEvent.SIGNATURE_CREATED,
            payloads.event_id(WebhookEvent.SIGNATURE_CREATED, model_label, signature.pk),
            {"signature": payloads.signature_data(signature)},
            endpoints,
            petition_key=signature.petition_key,
            signature=signature,
        )
    return created


def find_petition(petition_key):
    """A live page of the petition (any translation), as its own class, or ``None``."""
    page = petition_pages().filter(translation_key=petition_key).live().order_by("pk").first()
    return page.specific if page is not None else None


def milestone_reached(petition_key) -> list:
    """``petition.milestone`` for the highest milestone (``petition.get_milestones``) the petition's tally has
    reached, unless already announced to that endpoint."""
    endpoints = WebhookEndpoint.objects.for_event(WebhookEvent.PETITION_MILESTONE)
    petition = find_petition(petition_key) if endpoints else None
    if petition is None:
        return []
    total = petition.get_tally(fresh=True).total
    reached = [milestone for milestone in petition.get_milestones(total) if milestone <= total]
    if not reached:
        return []
    milestone = reached[-1]
    return record_event(
        WebhookEvent.PETITION_MILESTONE,
        payloads.event_id(WebhookEvent.PETITION_MILESTONE, petition.get_tally_key(), milestone),
        {"petition": payloads.petition_data(petition, total=total), "milestone": milestone},
        endpoints,
        petition_key=petition.get_tally_key(),
    )


#: The event each final status announces.
STATUS_EVENTS = {
    PetitionStatus.CLOSED: WebhookEvent.PETITION_CLOSED,
    PetitionStatus.DELIVERED: WebhookEvent.PETITION_DELIVERED,
}


def closed_by_date(now) -> list:
    """``petition.closed`` for open petitions whose closing date has passed (nobody published them as closed)."""
    endpoints = WebhookEndpoint.objects.for_event(WebhookEvent.PETITION_CLOSED)
    if not endpoints:
        return []
    created, seen = [], set()
    for model in get_petition_page_models():
        for petition in model.objects.live().filter(status=PetitionStatus.OPEN, closes_at__lte=now).order_by("pk"):
            key = petition.get_tally_key()
            if key in seen:
                continue
            seen.add(key)
            data = {"petition": payloads.petition_data(petition, total=petition.get_tally(fresh=True).total)}
            data["petition"]["status"] = PetitionStatus.CLOSED
            created += record_event(
                WebhookEvent.PETITION_CLOSED,
                payloads.event_id(WebhookEvent.PETITION_CLOSED, key),
                data,
                endpoints,
                petition_key=key,
            )
    return created


def status_changed(page_pk) -> list:
    """``petition.closed`` / ``petition.delivered`` for the petition of the page ``page_pk``, once per petition."""
    page = petition_pages().filter(pk=page_pk).first()
    petition = page.specific if page is not None else None
    event_type = STATUS_EVENTS.get(getattr(petition, "status", None))
    if event_type is None:
        return []
    endpoints = WebhookEndpoint.objects.for_event(event_type)
    if not endpoints:
        return []
    data = {"petition": payloads.petition_data(petition, total=petition.get_tally(fresh=True).total)}
    delivery = petition.get_delivery_update() if event_type == WebhookEvent.PETITION_DELIVERED else None
    if delivery is not None:
        data["delivered_on"] = delivery.delivered_on.isoformat() if delivery.delivered_on else None
        data["update"] = delivery.text
    return record_event(
        event_type,
        payloads.event_id(event_type, petition.get_tally_key()),
        data,
        endpoints,
        petition_key=petition.get_tally_key(),
    )
