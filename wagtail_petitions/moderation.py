"""Every change of a signature's state after signing — email confirmation, an editor's confirmation, invalidation and
restoration, the expiry of unconfirmed signatures, the signer's erasure (withdrawal) — for any signature model. The
tally and the per-state counts move with the state, in the same transaction, exactly once.

Each change locks the signatures it moves (``select_for_update``) and moves only those still in a state it may
move from, so two requests changing the same signature at once (a link clicked twice, two editors) change it once.
Editors' changes are recorded (``SignatureStateChange``: who, when, why); a signer's own confirmation is recorded
on the signature (``confirmed_at``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import AWAITING_CONFIRMATION, EXPIRED, SignatureState
from .conf import conf
from .consents import CONSENT_FIELDS, withdraw_consent
from .models import ConsentWithdrawal, SignatureStateChange, StateCounter, TallyCounter, TallyHistory
from .signals import signatures_counted

#: States an editor may confirm (make count) and invalidate from.
CONFIRMABLE = frozenset({SignatureState.PENDING, SignatureState.HELD, SignatureState.QUARANTINED})
INVALIDATABLE = frozenset({SignatureState.COUNTED, *CONFIRMABLE})
#: States that expire (are deleted) when unconfirmed for ``UNCONFIRMED_SIGNATURE_DAYS``.
UNCONFIRMED = frozenset({SignatureState.PENDING, SignatureState.HELD, SignatureState.QUARANTINED})

_CHUNK = 500
_FIELDS = ("pk", "petition_key", "state", "channel", "country", "partner_id", "created_at")


class ModerationError(Exception):
    """The signature is not in a state that allows this change."""


def change_states(
    model,
    pks: Iterable,
    *,
    to_state: str,
    allowed_from: Iterable[str],
    user=None,
    reason: str = "",
    record: bool = True,
    updates: dict | None = None,
) -> list:
    """Move the signatures of ``model`` with primary keys ``pks`` that are in one of ``allowed_from`` to
    ``to_state``, with the tally and per-state counts; ``updates``: other columns to set on them. With ``record``,
    one ``SignatureStateChange`` per signature (``user``, ``reason``). Returns the primary keys that moved."""
    pks = list(dict.fromkeys(pks))
    moved = []
    for start in range(0, len(pks), _CHUNK):
        moved += _change_chunk(
            model, pks[start : start + _CHUNK], to_state, frozenset(allowed_from), user, reason, record, updates or {}
        )
    return moved


def _change_chunk(model, pks, to_state, allowed_from, user, reason, record, updates):
    with transaction.atomic():
        rows = list(
            model.objects.select_for_update()
            .filter(pk__in=pks, state__in=allowed_from)
            .exclude(state=to_state)
            .order_by("pk")
            .values_list(*_FIELDS)
        )
        if not rows:
            return []
        moved = [row[0] for row in rows]
        model.objects.filter(pk__in=moved).update(state=to_state, **updates)
        _count_moves(rows, to_state)
        if to_state == SignatureState.COUNTED:
            keys = list(dict.fromkeys(row[1] for row in rows))
            transaction.on_commit(lambda: signatures_counted.send(sender=model, pks=moved, petition_keys=keys))
        if record:
            content_type = ContentType.objects.get_for_model(model)
            now = timezone.now()
            SignatureStateChange.objects.bulk_create(
                SignatureStateChange(
                    content_type=content_type,
                    object_id=str(pk),
                    from_state=from_state,
                    to_state=to_state,
                    reason=reason,
                    user=user,
                    created_at=now,
                )
                for pk, _key, from_state, *_ in rows
            )
    return moved


def _count_moves(rows, to_state) -> None:
    """The tally, count history and per-state counts of ``rows`` (``_FIELDS``) leaving their states for ``to_state``
    (``None``: deleted as expired). A signature counts in the history at the hour it was signed, whenever it is
    confirmed or invalidated, so the history always matches what ``recount`` rebuilds."""
    tally: Counter = Counter()
    history: dict = {}
    states: dict = {}
    for _pk, key, from_state, channel, country, partner_id, created_at in rows:
        delta = (to_state == SignatureState.COUNTED) - (from_state == SignatureState.COUNTED)
        if delta:
            tally[(key, channel, str(country or ""), partner_id or 0)] += delta
            history.setdefault(key, Counter())[(created_at, channel)] += delta
        per_state = states.setdefault(key, Counter())
        per_state[from_state] -= 1
        per_state[to_state or EXPIRED] += 1
    for (key, channel, country, partner_id), amount in tally.items():
        if amount:
            TallyCounter.objects.add(
                key, country=country, partner_id=partner_id, channel=channel, amount=amount, history=False
            )
    for key, amounts in history.items():
        TallyHistory.objects.add(key, amounts)
    for key, deltas in states.items():
        StateCounter.objects.add(key, deltas)
    keys = set(states)
    transaction.on_commit(lambda: _forget(keys))


def _forget(keys) -> None:
    for key in keys:
        TallyCounter.objects.forget(key)
        TallyHistory.objects.forget(key)
        StateCounter.objects.forget(key)


def _one(signature, **kwargs) -> bool:
    moved = change_states(type(signature), [signature.pk], **kwargs)
    if moved:
        signature.state = kwargs["to_state"]
        for name, value in (kwargs.get("updates") or {}).items():
            setattr(signature, name, value)
        signature.__dict__.pop("is_counted", None)
    return bool(moved)


# --- by the signer -------------------------------------------------------------------------------------------------


def confirm_by_email(signature) -> bool:
    """The signer followed the confirmation link: a pending or held signature counts from now on. Returns whether it
    moved (``False`` if it was already confirmed, or is quarantined, invalidated or gone)."""
    return _one(
        signature,
        to_state=SignatureState.COUNTED,
        allowed_from=AWAITING_CONFIRMATION,
        record=False,
        # Confirmed: the connection it came from no longer matters (held signatures kept its hash for review).
        updates={"confirmed_at": timezone.now(), "confirmation_due_at": None, "connection_hash": ""},
    )


# --- by editors ----------------------------------------------------------------------------------------------------


def _reason_required(reason: str, message: str) -> str:
    if not (reason or "").strip():
        raise ModerationError(message)
    return reason.strip()


def confirm_signatures(model, pks, *, user, reason: str) -> list:
    """An editor vouches for pending, held or quarantined signatures: they count from now on."""
    reason = _reason_required(reason, _("Give a reason for confirming these signatures."))
    return change_states(
        model,
        pks,
        to_state=SignatureState.COUNTED,
        allowed_from=CONFIRMABLE,
        user=user,
        reason=reason,
        updates={"confirmation_due_at": None},
    )


def invalidate_signatures(model, pks, *, user, reason: str) -> list:
    """Take signatures out (out of the tally if they counted), recorded with who, when and why."""
    reason = _reason_required(reason, _("Give a reason for invalidating these signatures."))
    return change_states(
        model,
        pks,
        to_state=SignatureState.INVALIDATED,
        allowed_from=INVALIDATABLE,
        user=user,
        reason=reason,
        updates={"confirmation_due_at": None},
    )


def _ensure_moved(signature, moved):
    if not moved:
        signature.refresh_from_db(fields=["state"])
        raise ModerationError(
            _("This signature is %(state)s; it cannot change like this.") % {"state": signature.get_state_display()}
        )
    signature.refresh_from_db()
    signature.__dict__.pop("is_counted", None)
    return SignatureStateChange.objects.for_signature(signature).order_by("-created_at", "-pk").first()


def invalidate_signature(signature, *, user, reason: str) -> SignatureStateChange:
    """Invalidate one signature; see ``invalidate_signatures``."""
    return _ensure_moved(signature, invalidate_signatures(type(signature), [signature.pk], user=user, reason=reason))


def confirm_signature(signature, *, user, reason: str) -> SignatureStateChange:
    """Confirm one signature as an editor; see ``confirm_signatures``."""
    return _ensure_moved(signature, confirm_signatures(type(signature), [signature.pk], user=user, reason=reason))


def restore_signature(signature, *, user, reason: str = "") -> SignatureStateChange:
    """Undo the last invalidation: the signature goes back to the state it had before (and to the tally if it
    counted)."""
    last = (
        SignatureStateChange.objects.for_signature(signature)
        .filter(to_state=SignatureState.INVALIDATED)
        .order_by("-created_at", "-pk")
        .first()
    )
    previous = last.from_state if last else SignatureState.COUNTED
    moved = change_states(
        type(signature),
        [signature.pk],
        to_state=previous,
        allowed_from={SignatureState.INVALIDATED},
        user=user,
        reason=(reason or "").strip() or _("Invalidation undone"),
    )
    return _ensure_moved(signature, moved)


# --- the signer's rights --------------------------------------------------------------------------------------------

#: Every state a signature can be erased from (all but ``withdrawn``).
ERASABLE = frozenset(SignatureState) - {SignatureState.WITHDRAWN}


def erase_signatures(model, pks, *, user=None, reason: str) -> list:
    """Erase signatures at their signer's request: their personal data is removed at once
    (``model.get_anonymised_values()``, consents withdrawn), they leave the tally if they counted — once, however
    often it is asked — and they count as ``withdrawn``. Recorded (``SignatureStateChange``: who — ``None`` for the
    signer themself —, when, why) without any of the erased data. Returns the primary keys erased."""
    reason = _reason_required(reason, _("Give a reason for erasing these signatures."))
    return change_states(
        model,
        pks,
        to_state=SignatureState.WITHDRAWN,
        allowed_from=ERASABLE,
        user=user,
        reason=reason,
        updates={
            **model.get_anonymised_values(),
            "anonymised_at": timezone.now(),
            "consent_updates": False,
            "consent_partner": False,
        },
    )


def erase_signature(signature, *, user=None, reason: str) -> bool:
    """Erase one signature (see ``erase_signatures``); ``signature`` is reloaded. Returns whether it was erased now
    (``False``: it was already)."""
    moved = bool(erase_signatures(type(signature), [signature.pk], user=user, reason=reason))
    signature.refresh_from_db()
    signature.__dict__.pop("is_counted", None)
    return moved


def withdraw_consents(signature, *, updates: bool = False, partner: bool = False, via=None, user=None) -> list[str]:
    """The signer withdraws their consent to updates and/or to the partner's contact; returns the consent fields
    withdrawn now. Not a change of state: nothing is counted differently. Each withdrawal goes through
    ``consents.withdraw_consent`` (recorded, at once), the one way a consent is withdrawn."""
    via = via or ConsentWithdrawal.Via.SELF_SERVICE
    return [
        CONSENT_FIELDS[consent]
        for consent, asked in (("updates", updates), ("partner", partner))
        if asked and withdraw_consent(signature, consent, via=via, user=user)
    ]


# --- expiry --------------------------------------------------------------------------------------------------------


def expire_unconfirmed(model, *, now=None, limit: int | None = None) -> int:
    """Delete ``model``'s signatures left unconfirmed (pending, held, quarantined) for more than
    ``UNCONFIRMED_SIGNATURE_DAYS``, counting them as expired. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=conf.UNCONFIRMED_SIGNATURE_DAYS)
    deleted = 0
    while limit is None or deleted < limit:
        with transaction.atomic():
            locking = model.objects.select_for_update(**_skip_locked())
            rows = list(
                locking.filter(state__in=UNCONFIRMED, created_at__lt=cutoff)
                .order_by("created_at")
                .values_list(*_FIELDS)[:_CHUNK]
            )
            if not rows:
                break
            model.objects.filter(pk__in=[row[0] for row in rows]).delete()
            _count_moves(rows, None)
        deleted += len(rows)
    return deleted


def _skip_locked() -> dict:
    # A row locked by a confirmation in progress is left for the next run.
    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
