"""Invalidating and restoring signatures (of any signature model): the state change, its record and the tally move
together.

Each function locks the signature row (``select_for_update``) inside one transaction, so two editors acting on
the same signature at once cannot both add or remove it from the tally.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import SignatureState
from .models import SignatureStateChange, TallyCounter


class ModerationError(Exception):
    """The signature is not in a state that allows this change."""


def _change_state(signature, *, to_state, user, reason, allowed_from):
    with transaction.atomic():
        locked = type(signature).objects.select_for_update().get(pk=signature.pk)
        from_state = locked.state
        if from_state not in allowed_from:
            raise ModerationError(
                _("This signature is %(state)s; it cannot become %(new)s.")
                % {"state": locked.get_state_display(), "new": SignatureState(to_state).label}
            )
        locked.state = to_state
        locked.save(update_fields=["state"])
        delta = (to_state == SignatureState.COUNTED) - (from_state == SignatureState.COUNTED)
        if delta:
            TallyCounter.objects.add(
                locked.petition_key,
                country=str(locked.country),
                partner_id=locked.partner_id,
                channel=locked.channel,
                amount=delta,
            )
        change = SignatureStateChange.objects.create(
            content_type=ContentType.objects.get_for_model(locked),
            object_id=str(locked.pk),
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            user=user,
        )
    signature.state = locked.state
    signature.__dict__.pop("is_counted", None)
    return change


def invalidate_signature(signature, *, user, reason: str) -> SignatureStateChange:
    """Take ``signature`` out of the tally (if it was counted) and record who did it, when and why."""
    if not (reason or "").strip():
        raise ModerationError(_("Give a reason for invalidating this signature."))
    return _change_state(
        signature,
        to_state=SignatureState.INVALIDATED,
        user=user,
        reason=reason.strip(),
        allowed_from={SignatureState.COUNTED, SignatureState.PENDING},
    )


def restore_signature(signature, *, user, reason: str = "") -> SignatureStateChange:
    """Undo the last invalidation: the signature goes back to the state it had before, and to the tally."""
    last = (
        SignatureStateChange.objects.for_signature(signature)
        .filter(to_state=SignatureState.INVALIDATED)
        .order_by("-created_at", "-pk")
        .first()
    )
    previous = last.from_state if last else SignatureState.COUNTED
    return _change_state(
        signature,
        to_state=previous,
        user=user,
        reason=(reason or "").strip() or _("Invalidation undone"),
        allowed_from={SignatureState.INVALIDATED},
    )
