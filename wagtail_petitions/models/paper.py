"""Paper signatures: batches counted by hand (a number per country, no names) and their audited corrections.

Recorded and corrected through ``wagtail_petitions.paper`` only, which keeps the tally (channel ``paper``) in step
in the same transaction.
"""

from datetime import date

import swapper
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from .audit import AuditRecord
from .partners import Partner


class PaperBatch(models.Model):
    petition_key = models.UUIDField(_("petition key"), editable=False, db_index=True)
    # Any petition page type (``PetitionPageMixin``); the admin offers petition pages only.
    page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("petition"),
    )
    country = CountryField(_("country"))
    signature_count = models.PositiveIntegerField(_("number of signatures"))
    collected_on = models.DateField(_("date collected"), default=date.today)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by partner"),
    )
    event = models.CharField(
        _("collected at event"), max_length=200, blank=True, help_text=_("A stall, a march, a concert…")
    )
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)
    # Set when retention emptied the note (it may name people); the numbers stay.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    panels = [
        FieldPanel("page"),
        FieldRowPanel([FieldPanel("country"), FieldPanel("signature_count"), FieldPanel("collected_on")]),
        FieldRowPanel([FieldPanel("partner"), FieldPanel("event")], heading=_("Collected by")),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["-collected_on", "-pk"]
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")

    def __str__(self):
        return _("%(count)s paper signatures, %(country)s, %(date)s") % {
            "count": self.signature_count,
            "country": self.country.code,
            "date": self.collected_on,
        }

    @property
    def collected_by(self) -> str:
        return " · ".join(str(part) for part in (self.partner, self.event) if part)

    def get_petition(self):
        """The petition page this batch is for, as its specific page type (``None`` if it was deleted)."""
        return self.page.specific if self.page_id else None

    def clean(self):
        super().clean()
        if self.page_id is None:
            raise ValidationError({"page": _("Choose the petition these signatures are for.")})


class PaperBatchCorrection(AuditRecord):
    """An audited change to a paper batch: old and new values, who, when, why."""

    batch = models.ForeignKey(PaperBatch, on_delete=models.CASCADE, related_name="corrections")
    changes = models.JSONField(_("changes"), help_text=_("{field: [old, new]}"))

    class Meta(AuditRecord.Meta):
        verbose_name = _("paper batch correction")
        verbose_name_plural = _("paper batch corrections")

    def __str__(self):
        return f"{self.batch_id}: {self.changes}"
