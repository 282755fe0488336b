"""Signing on any database: ``save()``, the per-state count and the tally increment in one transaction."""

from django.db import IntegrityError, transaction

from ..models import StateCounter, TallyCounter, TallyTotal


def insert_in_transaction(signature, claim) -> tuple[int | None, object]:
    """Save ``signature`` and count it (unless this signer already signed), with the ``claim``'s acquire and
    record around it. Returns ``(total, None)`` for a new signature, ``(total, existing signature)`` for a repeat.
    """
    with transaction.atomic():
        if claim is not None:
            claim.acquire()
        existing = None
        signature_count = None
        try:
            with transaction.atomic():
                signature.save()
                StateCounter.objects.add(signature.petition_key, {signature.state: 1})
                if signature.is_counted:
                    signature_count = TallyCounter.objects.add(
                        signature.petition_key,
                        country=str(signature.country),
                        partner_id=signature.partner_id,
                        channel=signature.channel,
                        at=signature.created_at,
                    )
        except IntegrityError:
            existing = (
                type(signature)
                .objects.filter(petition_key=signature.petition_key, email_normalized=signature.email_normalized)
                .first()
            )
            if existing is None:
                raise
            # Rare (a repeat): read the total rows again; they include the earlier signature.
            signature_count = TallyTotal.objects.total(signature.petition_key)
        if claim is not None:
            claim.record(
                signature_count if signature_count is not None else TallyTotal.objects.total(signature.petition_key)
            )
    return signature_count, existing
