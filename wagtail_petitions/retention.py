"""Retention: a petition's signers' personal data is removed ``get_retention_months()`` after it closes or is
delivered, and the counts stay.

Anonymising a signature empties what its model's ``get_anonymised_values()`` names (names, email, postal code, free
text) and keeps country, partner, channel, language, day and state, so the tally, the per-state counts, every figure
and ``recount_tallies`` give the same numbers before and after. Paper batches' notes (which may name people) are
emptied too. The signatures are taken in batches of ``RETENTION_BATCH_SIZE`` primary keys, one transaction each,
walking the primary key: memory stays flat whatever the petition's size, and a run that stops half-way resumes where
it was.

Run it daily: ``apply_retention_task.enqueue()`` from a scheduler or ``manage.py apply_retention`` from cron.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .conf import conf
from .models import petition_pages


@dataclass
class RetentionRun:
    petitions: list = field(default_factory=list)
    signatures: int = 0
    paper_batches: int = 0


@dataclass(frozen=True)
class RetentionRow:
    """One petition's retention, for editors: when its clock started, when it is due, what is still to remove."""

    petition: object
    months: int
    start: date | None
    due: date | None
    signatures_with_personal_data: int

    @property
    def is_due(self) -> bool:
        return self.due is not None and self.due <= timezone.localdate()


def _petitions() -> list:
    """One specific page per petition (translations share signatures and retention), the oldest translation."""
    seen, petitions = set(), []
    for page in petition_pages().specific().order_by("pk"):
        key = page.get_tally_key()
        if key not in seen:
            seen.add(key)
            petitions.append(page)
    return petitions


def schedule(petitions=None) -> list[RetentionRow]:
    """The retention of ``petitions`` (specific pages, one per petition; default: all), soonest due first (open
    petitions last)."""
    rows = [
        RetentionRow(
            petition=page,
            months=page.get_retention_months(),
            start=page.get_retention_start(),
            due=page.get_retention_due(),
            signatures_with_personal_data=page.get_signatures().filter(anonymised_at__isnull=True).count(),
        )
        for page in (petitions if petitions is not None else _petitions())
    ]
    return sorted(rows, key=lambda row: (row.due is None, row.due or date.max, row.petition.pk))


def due_petitions(today: date | None = None) -> list:
    today = today or timezone.localdate()
    return [page for page in _petitions() if (due := page.get_retention_due()) and due <= today]


def anonymise_signatures(petition, *, batch_size: int | None = None, on_batch: Callable | None = None) -> int:
    """Remove the personal data of every signature of ``petition`` that still has it; returns how many. One
    transaction per batch of primary keys (``on_batch(n)`` after each)."""
    model = petition.get_signature_model()
    values = model.get_anonymised_values()
    batch_size = batch_size or conf.RETENTION_BATCH_SIZE
    remaining = petition.get_signatures().filter(anonymised_at__isnull=True).order_by("pk")
    done, last = 0, None
    while True:
        window = remaining if last is None else remaining.filter(pk__gt=last)
        with transaction.atomic():
            pks = list(window.values_list("pk", flat=True)[:batch_size])
            if not pks:
                return done
            # The state is kept: no count moves. Rows a signer is erasing right now are already anonymised after.
            model.objects.filter(pk__in=pks, anonymised_at__isnull=True).update(**values, anonymised_at=timezone.now())
        done += len(pks)
        last = pks[-1]
        if on_batch is not None:
            on_batch(done)


def anonymise_paper_batches(petition) -> int:
    """Empty the notes of the petition's paper batches and of their corrections (numbers, countries, partners,
    events and dates stay)."""
    batches = petition.get_paper_batches().filter(anonymised_at__isnull=True)
    count = 0
    with transaction.atomic():
        for batch in batches.select_for_update().prefetch_related("corrections"):
            for correction in batch.corrections.all():
                if "note" in correction.changes:
                    correction.changes["note"] = ["", ""]
                    correction.save(update_fields=["changes"])
            batch.note = ""
            batch.anonymised_at = timezone.now()
            batch.save(update_fields=["note", "anonymised_at"])
            count += 1
    return count


def apply_retention(today: date | None = None, *, on_batch: Callable | None = None) -> RetentionRun:
    """Anonymise every petition past its retention; returns what was done."""
    run = RetentionRun()
    for petition in due_petitions(today):
        run.petitions.append(petition)
        run.signatures += anonymise_signatures(petition, on_batch=on_batch)
        run.paper_batches += anonymise_paper_batches(petition)
    return run


@task()
def apply_retention_task() -> int:
    """The daily run, for django-tasks: returns how many signatures were anonymised."""
    return apply_retention().signatures
