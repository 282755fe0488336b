"""Paper signatures: recording and correcting batches, always together with the tally (channel ``paper``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from .choices import Channel
from .models import PaperBatch, PaperBatchCorrection, TallyCounter
from .models.tally import history_hour

#: Fields of a batch whose change moves signatures between tally buckets (or days of the count history).
TALLY_FIELDS = ("signature_count", "country", "partner", "collected_on")
AUDITED_FIELDS = ("page", "signature_count", "country", "collected_on", "partner", "event", "note")


class PaperBatchError(Exception):
    pass


def _add_to_tally(batch, sign):
    if batch.signature_count:
        TallyCounter.objects.add(
            batch.petition_key,
            country=str(batch.country),
            partner_id=batch.partner_id,
            channel=Channel.PAPER,
            amount=sign * batch.signature_count,
            at=batch.collected_on,
        )


def record_paper_batch(batch: PaperBatch, *, user) -> PaperBatch:
    """Save a new ``batch`` (an unsaved instance with its page set) and add it to the petition's tally."""
    if batch.pk is not None:
        raise PaperBatchError("This batch is already recorded; correct it with correct_paper_batch().")
    petition = batch.get_petition()
    if petition is None:
        raise PaperBatchError(_("Choose the petition these signatures are for."))
    batch.petition_key = petition.get_tally_key()
    batch.entered_by = user
    with transaction.atomic():
        batch.save()
        _add_to_tally(batch, +1)
    return batch


def _audit_value(batch, name):
    value = getattr(batch, name)
    if name in ("page", "partner"):
        return getattr(batch, f"{name}_id")
    if name == "country":
        return str(value)
    if name == "collected_on":
        return value.isoformat() if value else None
    return value


def correct_paper_batch(batch: PaperBatch, *, user, reason: str) -> PaperBatchCorrection | None:
    """Save the edited ``batch``, move the tally by the difference and record old/new values, who and why.

    The stored row is locked first, so concurrent corrections apply one after the other. Returns ``None`` when
    nothing changed.
    """
    if not (reason or "").strip():
        raise PaperBatchError(_("Give a reason for this correction."))
    with transaction.atomic():
        stored = PaperBatch.objects.select_for_update().get(pk=batch.pk)
        changes = {
            name: [_audit_value(stored, name), _audit_value(batch, name)]
            for name in AUDITED_FIELDS
            if _audit_value(stored, name) != _audit_value(batch, name)
        }
        if not changes:
            return None
        if batch.page_id is not None and batch.page_id != stored.page_id:
            batch.petition_key = batch.get_petition().get_tally_key()
        else:
            batch.petition_key = stored.petition_key
        batch.entered_by_id, batch.entered_at = stored.entered_by_id, stored.entered_at
        if any(name in changes for name in TALLY_FIELDS) or batch.petition_key != stored.petition_key:
            _add_to_tally(stored, -1)
            _add_to_tally(batch, +1)
        batch.save()
        return PaperBatchCorrection.objects.create(batch=batch, changes=changes, reason=reason.strip(), user=user)


def paper_batches(petition_key) -> dict[tuple[str, str, int], int]:
    """What paper batches add to a tally: a tally source for ``wagtail_petitions.recount``."""
    rows = (
        PaperBatch.objects.filter(petition_key=petition_key)
        .values_list("country", "partner_id")
        .annotate(n=Sum("signature_count"))
        .order_by()
    )
    return {(Channel.PAPER.value, str(country or ""), partner_id or 0): n for country, partner_id, n in rows if n}


def paper_history(petition_key) -> dict[tuple, int]:
    """What paper batches add to the count history (on the day they were collected): a history source for
    ``wagtail_petitions.recount``."""
    rows = (
        PaperBatch.objects.filter(petition_key=petition_key)
        .values_list("collected_on")
        .annotate(n=Sum("signature_count"))
        .order_by()
    )
    return {(history_hour(collected_on), Channel.PAPER.value): n for collected_on, n in rows if n}
