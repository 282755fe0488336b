"""Sending an update: the editor's ``request_send``, the worker's ``send_update`` task, ``resume_stalled``.

The task first lists the recipients (``petition.get_update_recipients()`` at that moment, one ``UpdateRecipient``
row each, in the same transaction that moves the update to *sending*), then sends them in batches over one SMTP
connection each, at most ``UPDATE_MAILS_PER_SECOND``. Each batch checks again who still wants updates, so an
unsubscribe counts from the next batch on. After ``UPDATE_TASK_SECONDS`` the task queues its successor and ends,
so the worker runs other tasks (confirmation mails) in between.

Per recipient, in one transaction: the previous recipient's outcome ("accepted") and this recipient's sent marker
(``claimed_at``); then the mail goes to the SMTP server. The marker is committed before the hand-over: at most
once (see the package's docstring). A refusal by the server is definite: a temporary one (4xx) puts the recipient
back (up to ``MAX_ATTEMPTS``), a permanent one records it. A lost connection leaves the one recipient in flight in
doubt and ends the task; ``resume_stalled`` queues a new one once the send made no progress for
``UPDATE_STALL_SECONDS`` (``manage.py resume_petition_updates``, or the editor's "Resume" button).
"""

from __future__ import annotations

import math
import smtplib
import time
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django_tasks import task

from ..conf import conf
from ..mail import mail_connection
from ..models import PetitionUpdate, UpdateRecipient, UpdateStatus
from .messages import UpdateMailer

Outcome = UpdateRecipient.Outcome
#: A recipient the server refused for now (4xx) is tried this many times in all.
MAX_ATTEMPTS = 3
_LIST_CHUNK = 5000


def request_send(update, *, user) -> bool:
    """The editor sends ``update``: it is queued for the worker (once; a second click changes nothing)."""
    queued = PetitionUpdate.objects.filter(pk=update.pk, status=UpdateStatus.DRAFT).update(
        status=UpdateStatus.QUEUED, send_requested_by=user, send_requested_at=timezone.now()
    )
    if queued:
        transaction.on_commit(lambda: send_update.enqueue(update.pk))
    return bool(queued)


@task()
def send_update(update_id: int) -> int:
    """The worker's task: list the recipients if not done yet, then send batches; returns how many it sent."""
    update = PetitionUpdate.objects.filter(pk=update_id).select_related("page").first()
    if update is None or update.status not in (UpdateStatus.QUEUED, UpdateStatus.SENDING):
        return 0
    if update.status == UpdateStatus.QUEUED:
        list_recipients(update)
    return send_batches(update)


def list_recipients(update) -> int:
    """Fix who ``update`` goes to: one ``UpdateRecipient`` per signature in ``get_update_recipients()``, written in
    the transaction that moves it to *sending* (a crash here lists nobody, and the next task lists again)."""
    with transaction.atomic():
        locked = PetitionUpdate.objects.select_for_update().filter(pk=update.pk, status=UpdateStatus.QUEUED).first()
        if locked is None:
            update.refresh_from_db()
            return update.recipient_count or 0
        petition = update.get_petition()
        count = 0
        if petition is not None:
            pks = petition.get_update_recipients().order_by("pk").values_list("pk", flat=True)
            chunk = []
            for pk in pks.iterator(chunk_size=_LIST_CHUNK):
                chunk.append(UpdateRecipient(update_id=update.pk, signature_id=str(pk)))
                if len(chunk) == _LIST_CHUNK:
                    count += len(UpdateRecipient.objects.bulk_create(chunk, ignore_conflicts=True))
                    chunk = []
            count += len(UpdateRecipient.objects.bulk_create(chunk, ignore_conflicts=True))
        now = timezone.now()
        PetitionUpdate.objects.filter(pk=update.pk).update(
            status=UpdateStatus.SENDING, recipient_count=count, progress_at=now
        )
    update.status, update.recipient_count, update.progress_at = UpdateStatus.SENDING, count, now
    return count


def batch_size() -> int:
    """At most a second's worth of mails at the configured rate, so the rate holds over short spans too."""
    rate = conf.UPDATE_MAILS_PER_SECOND
    return max(1, min(conf.UPDATE_BATCH_SIZE, math.ceil(rate))) if rate else conf.UPDATE_BATCH_SIZE


def send_batches(update) -> int:
    """Send batches of ``update`` until none is left (then it is *sent*) or ``UPDATE_TASK_SECONDS`` are spent (then
    the next task is queued)."""
    started = time.monotonic()
    mailer = UpdateMailer(update)
    if mailer.petition is None:  # the petition was deleted: nobody to write about
        _finish(update)
        return 0
    sent = 0
    while True:
        batch_started = time.monotonic()
        count, more = send_batch(update, mailer)
        sent += count
        if not more:
            _finish(update)
            return sent
        rate = conf.UPDATE_MAILS_PER_SECOND
        wait = max(0.0, count / rate - (time.monotonic() - batch_started)) if rate else 0.0
        if time.monotonic() - started + wait >= conf.UPDATE_TASK_SECONDS:
            _enqueue_next(update, wait)
            return sent
        if wait:
            time.sleep(wait)


def _enqueue_next(update, wait: float) -> None:
    queued = send_update
    if wait and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + timedelta(seconds=wait))
    queued.enqueue(update.pk)


def _finish(update) -> None:
    now = timezone.now()
    PetitionUpdate.objects.filter(pk=update.pk, status=UpdateStatus.SENDING).update(
        status=UpdateStatus.SENT, finished_at=now, progress_at=now
    )


def _record(pk, outcome, **changes) -> None:
    UpdateRecipient.objects.filter(pk=pk).update(outcome=outcome, **changes)


def send_batch(update, mailer) -> tuple[int, bool]:
    """Send the next batch of ``update``'s due recipients. Returns (mails the server accepted, whether there was a
    batch to send)."""
    due = list(
        UpdateRecipient.objects.filter(update_id=update.pk, claimed_at__isnull=True).order_by("pk")[: batch_size()]
    )
    if not due:
        return 0, False
    # Asked again now: whoever unsubscribed (or was invalidated) since the list was made is skipped.
    wanted = {
        str(signature.pk): signature
        for signature in mailer.petition.get_update_recipients().filter(pk__in=[r.signature_id for r in due])
    }
    skipped = [r.pk for r in due if r.signature_id not in wanted]
    if skipped:
        UpdateRecipient.objects.filter(pk__in=skipped, claimed_at__isnull=True).update(
            claimed_at=timezone.now(), outcome=Outcome.SKIPPED
        )
    accepted = 0
    previous = None  # the last recipient the server accepted, whose outcome is recorded with the next marker
    try:
        with mail_connection() as connection:
            for recipient in due:
                signature = wanted.get(recipient.signature_id)
                if signature is None:
                    continue
                message = mailer.build(signature)
                with transaction.atomic():
                    if previous is not None:
                        _record(previous, Outcome.SENT)
                        previous = None
                    claimed = UpdateRecipient.objects.filter(pk=recipient.pk, claimed_at__isnull=True).update(
                        claimed_at=timezone.now(), attempts=F("attempts") + 1
                    )
                if not claimed:  # another worker took it (a resumed task while this one still ran)
                    continue
                try:
                    connection.send_messages([message])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                    _refused(recipient, error)
                    continue
                previous = recipient.pk
                accepted += 1
    finally:
        if previous is not None:
            _record(previous, Outcome.SENT)
        PetitionUpdate.objects.filter(pk=update.pk).update(progress_at=timezone.now())
    return accepted, True


def _refused(recipient, error) -> None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        code = min(codes) if codes else 550
    else:
        code = error.smtp_code
    if 400 <= code < 500 and recipient.attempts + 1 < MAX_ATTEMPTS:
        # Temporary: back in the queue (the next batch tries again).
        UpdateRecipient.objects.filter(pk=recipient.pk).update(claimed_at=None)
    else:
        _record(recipient.pk, Outcome.REFUSED)


def resume_stalled(now=None) -> list[int]:
    """Queue a new task for every send that made no progress for ``UPDATE_STALL_SECONDS`` (its worker was killed
    or lost its connection). Returns the updates resumed. Safe while an old task still runs: a recipient is
    claimed by one task only."""
    now = now or timezone.now()
    stalled_before = now - timedelta(seconds=conf.UPDATE_STALL_SECONDS)
    stalled = PetitionUpdate.objects.filter(status__in=[UpdateStatus.QUEUED, UpdateStatus.SENDING]).filter(
        Q(progress_at__lt=stalled_before) | Q(progress_at__isnull=True, send_requested_at__lt=stalled_before)
    )
    resumed = []
    for pk in stalled.values_list("pk", flat=True):
        if (
            PetitionUpdate.objects.filter(pk=pk)
            .filter(Q(progress_at__lt=stalled_before) | Q(progress_at__isnull=True))
            .update(progress_at=now)
        ):
            transaction.on_commit(lambda pk=pk: send_update.enqueue(pk))
            resumed.append(pk)
    return resumed


def delivery_counts(update) -> dict:
    """How the send of ``update`` stands: recipients, sent, refused, skipped, in doubt, waiting."""
    counts = UpdateRecipient.objects.filter(update_id=update.pk).aggregate(
        recipients=Count("pk"),
        sent=Count("pk", filter=Q(outcome=Outcome.SENT)),
        refused=Count("pk", filter=Q(outcome=Outcome.REFUSED)),
        skipped=Count("pk", filter=Q(outcome=Outcome.SKIPPED)),
        in_doubt=Count("pk", filter=Q(outcome=Outcome.PENDING, claimed_at__isnull=False)),
        waiting=Count("pk", filter=Q(claimed_at__isnull=True)),
    )
    return counts
