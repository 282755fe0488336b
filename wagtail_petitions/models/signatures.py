"""Signatures: ``AbstractSignature`` (override ``PetitionPageMixin.get_signature_model`` to use your own), the
concrete ``Signature``, and the record of each invalidation or restoration."""

from datetime import UTC

import swapper
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat, TruncHour
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ..choices import Channel, SignatureState
from ..text import CODE_MAX_LENGTH, EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, POSTAL_CODE_MAX_LENGTH
from .audit import AuditRecord
from .consent import ConsentText
from .partners import Partner


class AbstractSignature(models.Model):
    """One person's signature. Only ``counted`` signatures count in the tally.

    ``petition_key`` is the petition's tally key (shared by its translations); ``page`` is the page it came
    through, kept for reporting and nulled if that page is deleted so the signature and its count survive.
    Concrete subclasses may add fields: a signing form field of the same name is stored in it.
    """

    # Wagtail's reference index would add a row per signature (and a query per save) to list where a page or a
    # partner is "used"; signatures are data, not content that links to them.
    wagtail_reference_index_ignore = True

    petition_key = models.UUIDField(_("petition"), editable=False)
    page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed on page"),
    )
    first_name = models.CharField(_("first name"), max_length=NAME_MAX_LENGTH)
    last_name = models.CharField(_("last name"), max_length=NAME_MAX_LENGTH)
    email = models.CharField(_("email"), max_length=EMAIL_MAX_LENGTH, help_text=_("As typed."))
    email_normalized = models.CharField(_("normalised email"), max_length=EMAIL_MAX_LENGTH, editable=False)
    country = CountryField(_("country"))
    postal_code = models.CharField(_("postal code"), max_length=POSTAL_CODE_MAX_LENGTH, blank=True)
    consent_updates = models.BooleanField(_("agreed to updates"), default=False)
    consent_partner = models.BooleanField(_("agreed to partner contact"), default=False)
    consent_text_version = models.CharField(_("consent text version"), max_length=64, blank=True)
    # The exact texts the signer was shown (stored once per distinct text); empty for signatures made before they
    # were stored, which keep only ``consent_text_version``.
    consent_texts = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("consent texts shown"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    # The partner a signer's widget named when it ran on none of that partner's registered origins (and not through
    # its tracked link): the signature is not credited to it (``partner`` stays empty); kept for review.
    claimed_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("claimed partner"),
        help_text=_("Named by a widget on a site the partner has not registered: not credited to it."),
    )
    source = models.CharField(
        _("source"), max_length=CODE_MAX_LENGTH, blank=True, help_text=_("Campaign or link code.")
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    state = models.CharField(_("state"), max_length=16, choices=SignatureState.choices, default=SignatureState.COUNTED)
    created_at = models.DateTimeField(_("signed at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The confirmation mail outbox (``wagtail_petitions.confirmation.outbox``): set when a mail is due, cleared when
    # the worker sent it.
    confirmation_due_at = models.DateTimeField(_("confirmation mail due"), null=True, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(_("confirmation mail sent"), null=True, blank=True, editable=False)
    confirmation_mails = models.PositiveSmallIntegerField(_("confirmation mails sent"), default=0, editable=False)
    # Only for held and quarantined signatures, for the review screen: a keyed hash of the connection's address
    # (never the address), and the codes of what raised suspicion. Cleared once the signature is confirmed.
    connection_hash = models.CharField(_("connection"), max_length=32, blank=True, editable=False)
    screening = models.CharField(_("suspicion"), max_length=128, blank=True, editable=False)
    # Set when the personal data was removed (``get_anonymised_values``): by retention or by the signer's erasure.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    #: What anonymisation keeps: what every count, chart, export of figures and recount is made of, and the proof of
    #: consent. Every other text column (names, email, postal code, free text of a site's own fields) is emptied.
    retained_fields = frozenset(
        {
            "petition_key",
            "page",
            "country",
            "partner",
            "claimed_partner",
            "source",
            "language",
            "channel",
            "state",
            "consent_updates",
            "consent_partner",
            "consent_text_version",
            "consent_texts",
            "confirmation_mails",
        }
    )

    class Meta:
        abstract = True
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["petition_key", "email_normalized"], name="%(app_label)s_%(class)s_one_per_signer"
            )
        ]
        indexes = [
            models.Index(fields=["petition_key", "created_at"], name="%(class)s_by_date"),
            # The confirmation mail outbox and the expiry of unconfirmed signatures read only these few rows.
            models.Index(
                fields=["confirmation_due_at"],
                condition=models.Q(confirmation_due_at__isnull=False),
                name="%(class)s_mail_due",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(state__in=["pending", "held", "quarantined"]),
                name="%(class)s_unconf",
            ),
        ]
        # "view" is the permission to see signers' personal data (list, search, export); editors without it see
        # counts only (reports, the figures panel).
        permissions = [("invalidate_signature", "Can invalidate and restore signatures")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def get_anonymised_values(cls) -> dict:
        """The columns to set (values or expressions, for ``QuerySet.update``) to remove a signature's personal
        data: every text column not in ``retained_fields`` emptied, the normalised email replaced by ``#<pk>`` (no
        ``@``: never an address, and unique, so the one-per-signer constraint holds), the signing and confirmation
        times cut to their hour (UTC: the count history is kept per UTC hour, so it and the figures by day do not
        move), the mail times cleared.
        Override to cover columns of your own that are not text."""
        values: dict = {}
        for field in cls._meta.concrete_fields:
            if field.primary_key or field.name in cls.retained_fields:
                continue
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                values[field.attname] = None if field.null else ""
        values["email_normalized"] = Concat(Value("#"), Cast("pk", output_field=models.CharField()))
        values["created_at"] = TruncHour("created_at", tzinfo=UTC)
        values["confirmed_at"] = TruncHour("confirmed_at", tzinfo=UTC)
        values["confirmation_due_at"] = None
        values["confirmation_sent_at"] = None
        return values

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @cached_property
    def is_counted(self) -> bool:
        return self.state == SignatureState.COUNTED

    @property
    def email_domain(self) -> str:
        return self.email_normalized.rpartition("@")[2]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Signature(AbstractSignature):
    class Meta(AbstractSignature.Meta):
        pass


class SignatureStateChangeQuerySet(models.QuerySet):
    def for_signature(self, signature):
        return self.filter(content_type=ContentType.objects.get_for_model(signature), object_id=str(signature.pk))


class SignatureStateChange(AuditRecord):
    """One invalidation or restoration of a signature of any signature model: who, when, why. Written by
    ``wagtail_petitions.moderation``. The signature is named by content type and primary key, as Wagtail's own
    log entries name objects."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("signature model")
    )
    object_id = models.CharField(_("signature"), max_length=64)
    from_state = models.CharField(_("from"), max_length=16, choices=SignatureState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=SignatureState.choices)

    objects = SignatureStateChangeQuerySet.as_manager()

    class Meta(AuditRecord.Meta):
        verbose_name = _("signature state change")
        verbose_name_plural = _("signature state changes")
        indexes = [models.Index(fields=["content_type", "object_id"], name="signature_state_change_of")]

    def __str__(self):
        return f"{self.object_id}: {self.from_state} → {self.to_state}"
