"""What each event says. Stored payloads never hold personal data; the signer's details are added to a
``signature.created`` body only when it is sent, only to the partner the signer signed through, and only if the
signer ticked that partner's consent box (``signer_details``)."""

from __future__ import annotations

import hashlib
import json

from django.apps import apps
from django.utils import timezone

from ..choices import SignatureState
from ..models import WebhookEvent


def event_id(event_type: str, *parts) -> str:
    """The Standard Webhooks message id of an event: derived from what the event is about (the petition, the
    milestone, the signature), so the same event found twice is one delivery per endpoint."""
    digest = hashlib.sha256(":".join([event_type, *map(str, parts)]).encode()).hexdigest()
    return f"msg_{digest[:32]}"


def envelope(event_type: str, data: dict, *, timestamp=None) -> dict:
    """The Standard Webhooks payload shape: ``type``, ``timestamp`` (ISO 8601) and ``data``."""
    return {"type": event_type, "timestamp": (timestamp or timezone.now()).isoformat(), "data": data}


def petition_data(petition, *, total: int | None = None) -> dict:
    data = {
        "id": str(petition.get_tally_key()),
        "slug": petition.slug,
        "title": petition.title,
        "url": petition.get_full_url(),
        "language": petition.language_code,
        "status": petition.status,
        "goal": petition.goal,
    }
    if total is not None:
        data["signature_count"] = total
    return data


def signature_data(signature) -> dict:
    """A signature without anything that identifies the signer."""
    return {
        "id": str(signature.pk),
        "petition": str(signature.petition_key),
        "created_at": signature.created_at.isoformat(),
        "confirmed_at": signature.confirmed_at.isoformat() if signature.confirmed_at else None,
        "country": str(signature.country or ""),
        "language": signature.language,
        "channel": signature.channel,
        "source": signature.source,
        "partner": signature.partner.slug if signature.partner_id else None,
        "consent_partner": bool(signature.consent_partner),
    }


def signer_details(signature, partner_id) -> dict | None:
    """The signer's contact details for the partner ``partner_id``, or ``None`` if they did not consent to it, or
    the signature no longer counts."""
    if (
        signature.partner_id is None
        or signature.partner_id != partner_id
        or not signature.consent_partner
        or signature.state != SignatureState.COUNTED
    ):
        return None
    return {
        "first_name": signature.first_name,
        "last_name": signature.last_name,
        "email": signature.email,
        "postal_code": signature.postal_code,
        "consent_text_version": signature.consent_text_version,
    }


def body(delivery) -> str:
    """The JSON body of ``delivery`` as sent now (the signer's details added if they may be)."""
    payload = delivery.payload
    if delivery.event_type == WebhookEvent.SIGNATURE_CREATED and delivery.signature_model:
        model = apps.get_model(delivery.signature_model)
        signature = model.objects.filter(pk=delivery.signature_pk).first()
        details = signer_details(signature, delivery.endpoint.partner_id) if signature is not None else None
        if details is not None:
            payload = {**payload, "data": {**payload["data"], "signer": details}}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
