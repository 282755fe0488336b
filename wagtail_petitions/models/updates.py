"""Updates to signers: ``PetitionUpdate`` (what editors write, one text per language), ``UpdateRecipient`` (who it
goes to, with the per-recipient sent marker that makes a send resumable without duplicates) and
``ConsentWithdrawal`` (every withdrawn consent, recorded).

Sent through ``wagtail_petitions.updates`` only; consents are withdrawn through ``wagtail_petitions.consents``.
"""

import swapper
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from .audit import AuditRecord


def language_choices():
    """The languages an update can be written in: the site's content languages (read when asked, so a site's own
    languages need no migration)."""
    return list(getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", None) or settings.LANGUAGES)


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class PetitionUpdate(ClusterableModel):
    """An update about a petition (delivered, a milestone, a victory), mailed to the signers who asked for updates,
    each in the language they signed in. The petition is the one ``page`` belongs to (all its translations:
    ``petition_key``)."""

    wagtail_reference_index_ignore = True

    petition_key = models.UUIDField(_("petition key"), editable=False, db_index=True)
    page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("petition"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)
    send_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("sent by"),
    )
    send_requested_at = models.DateTimeField(_("sent at"), null=True, editable=False)
    #: How many signers it went to (fixed when the worker lists them), and the worker's last progress.
    recipient_count = models.PositiveIntegerField(_("recipients"), null=True, editable=False)
    progress_at = models.DateTimeField(_("last progress"), null=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, editable=False)

    panels = [FieldPanel("page"), InlinePanel("texts", min_num=1, label=_("Text in a language"))]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("update to signers")
        verbose_name_plural = _("updates to signers")
        permissions = [("send_petitionupdate", "Can send updates to signers")]

    def __str__(self):
        text = self.get_text()
        return text.subject if text else str(_("Update %(pk)s") % {"pk": self.pk})

    def get_petition(self):
        """The petition page (its specific class) this update is about, or ``None`` if it was deleted."""
        return self.page.specific if self.page_id else None

    def get_texts(self) -> dict:
        """``{language: PetitionUpdateText}``."""
        return {text.language: text for text in self.texts.all()}

    def get_text(self, language: str = ""):
        """The text in ``language``; else the petition page's language's; else the first one written."""
        texts = self.get_texts()
        petition_language = self.page.locale.language_code if self.page_id else ""
        return texts.get(language) or texts.get(petition_language) or next(iter(texts.values()), None)

    def save(self, *args, **kwargs):
        if self.page_id and self.petition_key is None:
            self.petition_key = self.page.specific.get_tally_key()
        super().save(*args, **kwargs)


class PetitionUpdateText(models.Model):
    update = ParentalKey(PetitionUpdate, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text; blank lines separate paragraphs. The mail adds a link to the petition and to unsubscribe."
        ),
    )

    panels = [FieldPanel("language"), FieldPanel("subject"), FieldPanel("body")]

    class Meta:
        verbose_name = _("update text")
        constraints = [models.UniqueConstraint(fields=["update", "language"], name="one_update_text_per_language")]

    def __str__(self):
        return f"{self.language}: {self.subject}"


class UpdateRecipient(models.Model):
    """One signer an update goes to. ``claimed_at`` is the sent marker: committed *before* the mail is handed to
    the SMTP server (at most once), ``outcome`` once the server answered. A recipient claimed without an outcome
    was in flight when its worker died: in doubt, never sent again."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Not sent yet, or in doubt")
        SENT = "sent", _("Accepted by the mail server")
        REFUSED = "refused", _("Refused by the mail server")
        SKIPPED = "skipped", _("Skipped: no longer wants updates or no longer counted")

    update = models.ForeignKey(PetitionUpdate, on_delete=models.CASCADE, related_name="recipients")
    # The signature, of the petition's signature model, by primary key (as SignatureStateChange names it).
    signature_id = models.CharField(max_length=64)
    claimed_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PENDING, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "signature_id"], name="one_recipient_per_update_signature")
        ]
        indexes = [
            models.Index(
                fields=["update", "id"], condition=models.Q(claimed_at__isnull=True), name="update_recipient_due"
            )
        ]

    def __str__(self):
        return f"{self.update_id}: {self.signature_id} {self.outcome or '-'}"


class ConsentWithdrawal(AuditRecord):
    """A signer withdrew a consent (to updates or to the partner) of one signature: when, how, from which mail."""

    class Via(models.TextChoices):
        ONE_CLICK = "one_click", _("One-click unsubscribe from the mail program (RFC 8058)")
        PAGE = "page", _("Unsubscribe page")
        SELF_SERVICE = "self_service", _("The signer's own page")
        EDITOR = "editor", _("An editor, on the signer's request")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("signature model")
    )
    object_id = models.CharField(_("signature"), max_length=64)
    petition_key = models.UUIDField(_("petition key"), db_index=True)
    consent = models.CharField(_("consent"), max_length=16, default="updates")
    via = models.CharField(_("how"), max_length=16, choices=Via.choices)
    update = models.ForeignKey(
        PetitionUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the update"),
    )

    class Meta(AuditRecord.Meta):
        verbose_name = _("consent withdrawal")
        verbose_name_plural = _("consent withdrawals")
        indexes = [models.Index(fields=["content_type", "object_id"], name="consent_withdrawal_of")]

    def __str__(self):
        return f"{self.object_id}: {self.consent} withdrawn ({self.via})"
