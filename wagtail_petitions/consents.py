"""Withdrawing a signer's consent: the one function every path calls (the unsubscribe link of an update mail, the
one-click unsubscribe of mail programs, the signer's own page, an editor acting on a request). It takes effect at
once (the next batch of an update being sent skips the signer) and is recorded (``ConsentWithdrawal``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import ConsentWithdrawal

VIA = ConsentWithdrawal.Via


#: The consents a signer can withdraw, by the signature field that holds each.
CONSENT_FIELDS = {"updates": "consent_updates", "partner": "consent_partner"}


def withdraw_consent(signature, consent: str, *, via: str, update=None, user=None) -> bool:
    """The signer of ``signature`` withdraws ``consent`` (``"updates"`` or ``"partner"``). Returns whether it was
    still given (a second click changes and records nothing)."""
    field = CONSENT_FIELDS[consent]
    model = type(signature)
    with transaction.atomic():
        withdrawn = model.objects.filter(pk=signature.pk, **{field: True}).update(**{field: False})
        if withdrawn:
            ConsentWithdrawal.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=str(signature.pk),
                petition_key=signature.petition_key,
                consent=consent,
                via=via,
                update=update,
                user=user,
                reason="",
            )
    setattr(signature, field, False)
    return bool(withdrawn)


def withdraw_updates_consent(signature, *, via: str, update=None, user=None) -> bool:
    """The signer of ``signature`` wants no more updates about its petition (see ``withdraw_consent``)."""
    return withdraw_consent(signature, "updates", via=via, update=update, user=user)
