"""The confirmation mail outbox: due mails are a column of the signature (``confirmation_due_at``), written in the
signing statement itself, so a signature and its mail exist together or not at all, and signing costs no extra row.

After a signature that is due a mail commits, ``wake_worker`` enqueues ``send_due_confirmations`` unless one is
already waiting (a short-lived cache flag, so a crowd of signers enqueues a handful of tasks, not one each). The task
clears the flag before it looks for due rows, so a signature committed after its look is picked up by the next task.
It sends the mails in batches over one SMTP connection and marks them sent; if the server refuses, the batch stays
due and the next task retries it. What a due signature gets is decided when the mail is built: a confirmation link
if it still awaits confirmation, nothing otherwise.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urljoin

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from ..choices import AWAITING_CONFIRMATION
from ..conf import conf
from ..mail import build_message, send_messages
from ..models import get_signature_models, petition_pages
from .tokens import make_token

WAKE_KEY = "wagtail_petitions:confirmation:worker_woken"
#: How long a queued task answers for every new due mail. Bounds the delay if a queued task was lost.
WAKE_SECONDS = 30
TEMPLATE = "wagtail_petitions/mail/confirm_signature"


def wake_worker() -> None:
    """Make sure a ``send_due_confirmations`` task is queued, once the current transaction commits."""
    transaction.on_commit(_enqueue_unless_queued)


def _enqueue_unless_queued() -> None:
    if cache.add(WAKE_KEY, 1, WAKE_SECONDS):
        send_due_confirmations.enqueue()


def request_resend(signature) -> bool:
    """The signer signed again while unconfirmed: make a new mail due, unless one went to this address less than
    ``CONFIRMATION_RESEND_SECONDS`` ago or ``CONFIRMATION_MAX_MAILS`` were sent already. Returns whether one is due."""
    now = timezone.now()
    recent = now - timedelta(seconds=conf.CONFIRMATION_RESEND_SECONDS)
    due = (
        type(signature)
        .objects.filter(
            pk=signature.pk,
            state__in=AWAITING_CONFIRMATION,
            confirmation_mails__lt=conf.CONFIRMATION_MAX_MAILS,
            confirmation_due_at__isnull=True,
        )
        .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=recent))
        .update(confirmation_due_at=now)
    )
    if due:
        wake_worker()
    return bool(due)


def confirmation_url(petition, signature) -> str:
    """The absolute link of the confirmation page for ``signature``, in ``petition``'s language."""
    path = reverse("wagtail_petitions:confirm", args=[make_token(petition.pk, signature.pk)])
    return urljoin(petition.get_full_url() or "/", path)


def build_confirmation_message(petition, signature):
    """The confirmation mail of ``signature`` (in ``petition``'s language, from its organiser)."""
    return build_message(
        TEMPLATE,
        {
            "petition": petition,
            "signature": signature,
            "confirm_url": confirmation_url(petition, signature),
            "link_days": conf.CONFIRMATION_LINK_DAYS,
            "expiry_days": conf.UNCONFIRMED_SIGNATURE_DAYS,
        },
        to=signature.email,
        language=petition.language_code,
        organiser=petition.get_organiser(),
    )


def _petitions_of(signatures) -> dict:
    """``{page id or tally key: petition}`` for a batch: the page each was signed on, else any translation."""
    page_ids = {s.page_id for s in signatures if s.page_id}
    found = {page.pk: page for page in petition_pages().filter(pk__in=page_ids).specific()}
    orphan_keys = {s.petition_key for s in signatures if s.page_id not in found}
    if orphan_keys:
        for page in petition_pages().filter(translation_key__in=orphan_keys).specific():
            found.setdefault(page.translation_key, page)
    return found


def send_due(model, limit: int | None = None) -> int:
    """Send the due confirmation mails of ``model``, a batch at a time; returns how many were sent."""
    sent = 0
    lock = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    while limit is None or sent < limit:
        with transaction.atomic():
            batch = list(
                model.objects.select_for_update(**lock)
                .filter(confirmation_due_at__isnull=False)
                .order_by("confirmation_due_at")[: conf.MAIL_BATCH_SIZE]
            )
            if not batch:
                break
            petitions = _petitions_of(batch)
            messages, mailed = [], []
            for signature in batch:
                petition = petitions.get(signature.page_id) or petitions.get(signature.petition_key)
                if signature.state in AWAITING_CONFIRMATION and petition is not None:
                    messages.append(build_confirmation_message(petition, signature))
                    mailed.append(signature.pk)
            # Raises if the server refuses: the transaction rolls back and the batch stays due.
            send_messages(messages)
            now = timezone.now()
            model.objects.filter(pk__in=mailed).update(
                confirmation_due_at=None, confirmation_sent_at=now, confirmation_mails=F("confirmation_mails") + 1
            )
            mailed_set = set(mailed)
            model.objects.filter(pk__in=[s.pk for s in batch if s.pk not in mailed_set]).update(
                confirmation_due_at=None
            )
        sent += len(mailed)
    return sent


def send_all_due() -> int:
    """Send every due confirmation mail of every signature model."""
    return sum(send_due(model) for model in get_signature_models())


@task()
def send_due_confirmations() -> int:
    """The worker's task: send every due confirmation mail (see the module's docstring)."""
    # Cleared first: a signature committed from now on wakes another task, and one committed before is seen below.
    cache.delete(WAKE_KEY)
    return send_all_due()
