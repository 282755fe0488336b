"""Signing a petition: the one domain function that the API, the page form, the admin and commands all call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from . import tally
from .models import Channel, SignatureState
from .signals import petition_signed
from .text import normalize_email


class SigningError(Exception):
    """Base class of the reasons a signature is refused."""

    code = "signing_error"


class PetitionNotOpen(SigningError):
    code = "petition_not_open"

    def __init__(self, petition):
        self.petition = petition
        super().__init__(f"Petition {petition.slug!r} is {petition.status} and no longer takes signatures.")


class InvalidSignature(SigningError):
    code = "invalid"

    def __init__(self, errors: dict[str, list[dict[str, str]]], form=None):
        self.errors = errors
        self.form = form
        super().__init__(f"Invalid signature: {', '.join(errors)}")


@dataclass(frozen=True)
class SigningResult:
    petition: Any
    signature: Any
    # False for a repeat signer. Never shown to the signer: a repeat gets the same answer as a new signature.
    created: bool


def sign_petition(
    petition,
    data: Mapping[str, Any],
    *,
    channel: str = Channel.ONLINE,
    state: str = SignatureState.COUNTED,
) -> SigningResult:
    """Validate ``data`` and record one signature on ``petition``, counted once per normalised email.

    The signature row and its tally increment are written in one transaction, so the tally never disagrees
    with the rows. Raises ``PetitionNotOpen`` or ``InvalidSignature``; nothing is saved then.
    """
    if not petition.is_open():
        raise PetitionNotOpen(petition)
    form = petition.get_signature_form_class()(data=data)
    if not form.is_valid():
        raise InvalidSignature(form.error_dict(), form=form)
    cleaned = form.cleaned_data
    partner = cleaned.get("partner")
    signature = petition.get_signature_model()(
        petition_key=petition.get_tally_key(),
        page_id=petition.pk,
        first_name=cleaned["first_name"],
        last_name=cleaned["last_name"],
        email=cleaned["email"],
        email_normalized=normalize_email(cleaned["email"]),
        country=cleaned["country"],
        postal_code=cleaned.get("postal_code") or "",
        consent_updates=cleaned.get("consent_updates", False),
        consent_partner=bool(partner) and cleaned.get("consent_partner", False),
        consent_text_version=petition.consent_text_version,
        partner=partner,
        source=cleaned.get("source") or "",
        language=petition.language_code,
        channel=channel,
        state=state,
    )
    try:
        with transaction.atomic():
            signature.save()
            if signature.is_counted:
                tally.add(
                    signature.petition_key,
                    country=str(signature.country),
                    partner_id=signature.partner_id,
                    channel=signature.channel,
                )
    except IntegrityError:
        existing = signature.__class__.objects.filter(
            petition_key=signature.petition_key, email_normalized=signature.email_normalized
        ).first()
        if existing is None:
            raise
        return SigningResult(petition=petition, signature=existing, created=False)
    transaction.on_commit(
        lambda: petition_signed.send(sender=signature.__class__, petition=petition, signature=signature)
    )
    return SigningResult(petition=petition, signature=signature, created=True)
