"""The exact consent and privacy texts signers were shown: stored once per distinct text (keyed by its SHA-256
digest) and linked from every signature, so that a consent can be proven years later.

Signing resolves the row before its statement (``ConsentText.objects.for_texts``), from a per-process cache keyed
by the texts themselves: after the first signature on a text, no query, no hashing. Rows are never edited or
deleted (signatures protect them); a changed text is a new row.
"""

from __future__ import annotations

import hashlib
import json
import threading

from django.db import IntegrityError, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: How many digests each process remembers (distinct texts in use at once: a few per petition and language).
PROCESS_CACHE_SIZE = 1024

#: (database alias, consent text, privacy text, labels) -> the committed row, shared read-only by the signatures.
_known: dict[tuple, ConsentText] = {}
_lock = threading.Lock()


def consent_digest(consent_text: str, privacy_text: str, labels) -> str:
    """The SHA-256 (hex) of the texts a signer was shown; its first 16 characters are the signature's
    ``consent_text_version``."""
    texts = [consent_text, privacy_text, *labels]
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()


def forget_known_texts() -> None:
    """Empty this process's cache of digests (tests whose transaction rolled the rows back)."""
    with _lock:
        _known.clear()


def _remember(key: tuple, row: ConsentText) -> None:
    with _lock:
        if len(_known) >= PROCESS_CACHE_SIZE:
            _known.pop(next(iter(_known)))
        _known[key] = row


class ConsentTextManager(models.Manager):
    def for_texts(self, consent_text: str, privacy_text: str, labels=(), language: str = "") -> ConsentText:
        """The row of these texts, created the first time they are seen; then this process's copy of it (no query,
        no hashing), shared by the signatures that link to it: do not change it."""
        labels = tuple(str(label) for label in labels)
        alias = router.db_for_write(self.model)
        key = (alias, consent_text, privacy_text, labels)
        row = _known.get(key)
        if row is None:
            digest = consent_digest(consent_text, privacy_text, labels)
            row = self._get_or_create(digest, consent_text, privacy_text, list(labels), language, alias)
            # Remembered once committed: a row a rolled-back transaction created must not be linked to later.
            transaction.on_commit(lambda: _remember(key, row), using=alias)
        return row

    def _get_or_create(self, digest, consent_text, privacy_text, labels, language, alias):
        row = self.using(alias).filter(digest=digest).first()
        if row is not None:
            return row
        try:
            # Its own savepoint: two processes seeing a new text at once both try; one wins, the other reads it.
            with transaction.atomic(using=alias):
                return self.using(alias).create(
                    digest=digest,
                    consent_text=consent_text,
                    privacy_text=privacy_text,
                    consent_labels=labels,
                    language=language,
                )
        except IntegrityError:
            return self.using(alias).get(digest=digest)


class ConsentText(models.Model):
    """One distinct set of texts a signer agreed to: the consent text, the privacy notice and the labels of the
    consent boxes, in the language shown."""

    wagtail_reference_index_ignore = True

    digest = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    consent_text = models.TextField(_("consent text"), editable=False)
    privacy_text = models.TextField(_("privacy notice"), blank=True, editable=False)
    consent_labels = models.JSONField(_("consent boxes"), default=list, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True, editable=False)
    first_used_at = models.DateTimeField(_("first used"), default=timezone.now, editable=False)

    objects = ConsentTextManager()

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")

    def __str__(self):
        return self.version

    @property
    def version(self) -> str:
        """The 16-character fingerprint stored on signatures as ``consent_text_version``."""
        return self.digest[:16]

    def matches(self) -> bool:
        """Whether the stored texts still hash to the digest (nothing altered them since)."""
        return consent_digest(self.consent_text, self.privacy_text, self.consent_labels) == self.digest
