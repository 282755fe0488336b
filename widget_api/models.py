"""What the API stores of its own: the answers to requests sent with an ``Idempotency-Key``."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """The first answer to a signing request that carried ``key``, replayed when the request is retried.

    Written in the same transaction as the signature it answers, so a key is never stored without its signature
    or the reverse. Old keys are removed by ``manage.py prune_idempotency_keys`` (see ``widget_api.idempotency``).
    """

    # The primary key: the table's only unique lookup, so no serial id (and no second unique index) to write.
    key = models.CharField(_("key"), max_length=128, primary_key=True)
    # A hash of what the request asked (petition, language, body): a retry must ask the same thing.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    # A signature's answer is stored as its total and rebuilt from it (see ``widget_api.idempotency.KeyClaim``);
    # other answers (invalid data, closed petition) are stored whole.
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    signature_count = models.PositiveBigIntegerField(_("signature count"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self):
        return self.key
