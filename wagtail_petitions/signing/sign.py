"""``sign_petition``: the one domain function that the API, the page form, the admin and commands all call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from .. import defence
from ..choices import AWAITING_CONFIRMATION, Channel, SignatureState
from ..confirmation import outbox
from ..models import Partner, TallyTotal
from ..signals import petition_signed
from . import attribution, portable, postgres
from .claims import SigningClaim
from .default_form import validating_form_class
from .errors import InvalidSignature, PetitionNotOpen, SigningThrottled, SigningUnavailable


@dataclass(frozen=True)
class SigningResult:
    petition: Any
    signature: Any
    # False for a repeat signer. Never shown to the signer: a repeat gets the same answer as a new signature.
    created: bool
    # The petition's total as the signer should see it: includes their own signature if it counts already.
    signature_count: int | None = None
    # The answer to give: "check your inbox" (the signature counts once confirmed by email) rather than "counted".
    # Decided by the petition and the screening, the same for a repeat or a quarantined signer as for a new one.
    awaiting_confirmation: bool = False


def sign_petition(
    petition,
    data: Mapping[str, Any],
    *,
    channel: str = Channel.ONLINE,
    state: str | None = None,
    claim: SigningClaim | None = None,
    client: defence.Client | None = None,
    via: str | None = None,
    origin: str = "",
) -> SigningResult:
    """Validate ``data`` and record one signature on ``petition``, counted once per normalised email.

    ``client`` (``defence.Client.from_request(request)``): a request from the public, screened by
    ``wagtail_petitions.defence`` (a hard ceiling per connection, then what decides whether the signature is held or
    quarantined); every public path passes it. ``state``: the state to store, instead of the one the petition and
    the screening decide (``pending`` when the petition requires confirmation, else ``counted``).

    The signature row, its tally and per-state counts and its due confirmation mail (and the ``claim``'s record, if
    any) are written in one transaction, so they never disagree. Raises ``PetitionNotOpen``, ``InvalidSignature``,
    ``SigningThrottled`` or ``SigningUnavailable`` before anything is written, or whatever the claim raises to
    refuse; nothing is saved then.

    ``via`` and ``origin``: how the signer came (``attribution.ORIGIN``, ``TRACKED_LINK`` or ``TRUSTED``; by
    default ``TRUSTED`` without a ``client``, else ``ORIGIN``) and the host page's origin. The partner named in the
    data is credited only as ``attribution.attribute`` decides; otherwise it is stored as ``claimed_partner``.
    """
    if not petition.is_open():
        raise PetitionNotOpen(petition)
    form_class = validating_form_class(petition.get_signature_form_class())
    form = form_class(data=data, partner=Partner.objects.get_active(data.get("partner")))
    try:
        if not form.is_valid():
            if client is not None:
                defence.count_attempt(client)
            raise InvalidSignature(form.error_dict(), form=form)
        screening = None
        if client is not None:
            domain = form.cleaned_data["email"].rpartition("@")[2]
            screening = defence.screen(petition, data, domain, client)
    except defence.Throttled as throttled:
        raise SigningThrottled(throttled.retry_after) from None
    except defence.CountersUnavailable as unavailable:
        raise SigningUnavailable(unavailable.retry_after) from None
    if state is None:
        state = _decide_state(petition, screening)
    if via is None:
        via = attribution.TRUSTED if client is None else attribution.ORIGIN
    credit = attribution.attribute(form.cleaned_data.get("partner"), via=via, origin=origin)
    signature = petition.build_signature(
        form.cleaned_data, partner=credit.partner, channel=channel, state=state, form=form
    )
    signature.claimed_partner = credit.claimed_partner
    if state in AWAITING_CONFIRMATION:
        signature.confirmation_due_at = timezone.now()
    if screening is not None and state in (SignatureState.HELD, SignatureState.QUARANTINED):
        signature.connection_hash = screening.client.hash
        signature.screening = screening.codes
    # A quarantined signer is answered as any signer of this petition would be: nothing tells a script it was caught.
    awaiting = state in AWAITING_CONFIRMATION or (
        state == SignatureState.QUARANTINED and petition.requires_confirmation()
    )
    if claim is not None:
        claim.awaiting_confirmation = awaiting
    connection = connections[router.db_for_write(type(signature))]
    if postgres.can_insert_in_one_statement(signature, connection):
        inserted, signature_count = postgres.insert_in_one_statement(signature, claim, connection)
        if not inserted:
            existing = _existing(signature)
            if claim is None:
                # Rare (a repeat): read the total rows again; they include the earlier signature.
                signature_count = TallyTotal.objects.total(signature.petition_key)
            return _repeat(petition, existing, signature_count, awaiting)
    else:
        signature_count, existing = portable.insert_in_transaction(signature, claim)
        if existing is not None:
            return _repeat(petition, existing, signature_count, awaiting)
    if signature.confirmation_due_at is not None:
        outbox.wake_worker()
    transaction.on_commit(lambda: petition_signed.send(sender=type(signature), petition=petition, signature=signature))
    return SigningResult(
        petition, signature, created=True, signature_count=signature_count, awaiting_confirmation=awaiting
    )


def _decide_state(petition, screening) -> str:
    suspicion = screening.state if screening is not None else None
    if suspicion is not None:
        return suspicion
    return SignatureState.PENDING if petition.requires_confirmation() else SignatureState.COUNTED


def _repeat(petition, existing, signature_count, awaiting) -> SigningResult:
    """A repeat signer: the same answer as a new one; if their signature still awaits confirmation, the mail is
    sent again (at most once per ``CONFIRMATION_RESEND_SECONDS``)."""
    if existing.state in AWAITING_CONFIRMATION:
        outbox.request_resend(existing)
    return SigningResult(
        petition, existing, created=False, signature_count=signature_count, awaiting_confirmation=awaiting
    )


def _existing(signature):
    return type(signature).objects.get(petition_key=signature.petition_key, email_normalized=signature.email_normalized)
