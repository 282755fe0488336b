"""``sign_petition``: the one domain function that the API, the page form, the admin and commands all call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction

from ..choices import Channel, SignatureState
from ..models import Partner, TallyTotal
from ..signals import petition_signed
from . import portable, postgres
from .claims import SigningClaim
from .default_form import validating_form_class
from .errors import InvalidSignature, PetitionNotOpen


@dataclass(frozen=True)
class SigningResult:
    petition: Any
    signature: Any
    # False for a repeat signer. Never shown to the signer: a repeat gets the same answer as a new signature.
    created: bool
    # The petition's total as the signer should see it: includes their own signature.
    signature_count: int | None = None


def sign_petition(
    petition,
    data: Mapping[str, Any],
    *,
    channel: str = Channel.ONLINE,
    state: str = SignatureState.COUNTED,
    claim: SigningClaim | None = None,
) -> SigningResult:
    """Validate ``data`` and record one signature on ``petition``, counted once per normalised email.

    The signature row and its tally increment (and the ``claim``'s record, if any) are written in one
    transaction, so the tally never disagrees with the rows. Raises ``PetitionNotOpen`` or ``InvalidSignature``
    before anything is written, or whatever the claim raises to refuse; nothing is saved then.
    """
    if not petition.is_open():
        raise PetitionNotOpen(petition)
    form_class = validating_form_class(petition.get_signature_form_class())
    form = form_class(data=data, partner=Partner.objects.get_active(data.get("partner")))
    if not form.is_valid():
        raise InvalidSignature(form.error_dict(), form=form)
    signature = petition.build_signature(
        form.cleaned_data, partner=form.cleaned_data.get("partner"), channel=channel, state=state, form=form
    )
    connection = connections[router.db_for_write(type(signature))]
    if postgres.can_insert_in_one_statement(signature, connection):
        inserted, signature_count = postgres.insert_in_one_statement(signature, claim, connection)
        if not inserted:
            existing = _existing(signature)
            if claim is None:
                # Rare (a repeat): read the total rows again; they include the earlier signature.
                signature_count = TallyTotal.objects.total(signature.petition_key)
            return SigningResult(petition, existing, created=False, signature_count=signature_count)
    else:
        signature_count, existing = portable.insert_in_transaction(signature, claim)
        if existing is not None:
            return SigningResult(petition, existing, created=False, signature_count=signature_count)
    transaction.on_commit(lambda: petition_signed.send(sender=type(signature), petition=petition, signature=signature))
    return SigningResult(petition, signature, created=True, signature_count=signature_count)


def _existing(signature):
    return type(signature).objects.get(petition_key=signature.petition_key, email_normalized=signature.email_normalized)
