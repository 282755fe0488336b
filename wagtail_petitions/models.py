"""Models of the petitions plugin.

Like ``wagtail.contrib.forms``, the building blocks are abstract (``PetitionPageMixin``, ``AbstractPetitionPage``,
``AbstractSignature``) with ``get_*`` methods to override, and concrete models (``PetitionPage``, ``Signature``)
that work out of the box. Every translation of a petition page shares its ``translation_key``, which is the key of
the one tally and of the signature store: a signature made on the French page counts on the English one too.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import swapper
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.models import get_field_value
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.signals import page_published

from .blocks import PetitionBodyBlock
from .forms import SignatureForm
from .panels import PetitionFiguresPanel
from .sanitize import sanitize


class PetitionStatus(models.TextChoices):
    OPEN = "open", _("Open for signatures")
    CLOSED = "closed", _("Closed")
    DELIVERED = "delivered", _("Delivered")


class SignatureState(models.TextChoices):
    COUNTED = "counted", _("Counted")
    PENDING = "pending", _("Pending confirmation")
    INVALIDATED = "invalidated", _("Invalidated")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")


def normalize_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, as browsers send it in the ``Origin`` header."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("%(value)s is not an origin such as https://example.org"), params={"value": value})
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValidationError(_("%(value)s must be an origin only, without a path"), params={"value": value})
    URLValidator()(f"{parts.scheme}://{parts.netloc}")
    return f"{parts.scheme}://{parts.netloc}".lower()


class Partner(models.Model):
    """An organisation that embeds petitions on its own site. Registered as a Wagtail snippet."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=64, unique=True, help_text=_("Used in embed codes: data-partner"))
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        help_text=_("One origin per line, e.g. https://www.example.org. Only these may call the API from a browser."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("allowed_origins"),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_email")], heading=_("Contact")),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    def get_allowed_origins(self) -> list[str]:
        return [normalize_origin(line) for line in self.allowed_origins.splitlines() if line.strip()]

    def clean(self):
        errors = []
        for line in self.allowed_origins.splitlines():
            if line.strip():
                try:
                    normalize_origin(line)
                except ValidationError as e:
                    errors.extend(e.messages)
        if errors:
            raise ValidationError({"allowed_origins": errors})


@dataclass(frozen=True)
class DeliveryUpdate:
    """What the page, the API and the widget show in place of the form once a petition is delivered."""

    delivered_on: date | None
    text: str
    image: object = None  # a Wagtail image, or None


def next_goal(goal: int) -> int:
    """The goal that follows ``goal`` once it is reached: half as much again, rounded up to two digits.

    100,000 → 150,000 → 230,000 (225,000 rounded up) → 350,000 …
    """
    raw = (goal * 3 + 1) // 2
    magnitude = 10 ** max(len(str(raw)) - 2, 0)
    return -(-raw // magnitude) * magnitude


class PetitionPageMixin(models.Model):
    """Fields and behaviour of a petition; mix into a Page model (see ``AbstractPetitionPage``).

    Override points: ``get_signature_form_class``, ``get_signature_model``, ``get_tally_key``,
    ``get_displayed_goal``, ``get_delivery_update``, ``is_open``, ``get_synchronised_fields``.
    """

    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hero image"),
    )
    hero_caption = models.CharField(_("hero image caption"), max_length=255, blank=True)
    hero_credit = models.CharField(_("hero image credit"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), help_text=_("One or two sentences shown in lists, shares and the widget."))
    body = StreamField(PetitionBodyBlock(), blank=True, verbose_name=_("body"))
    target = models.CharField(_("addressed to"), max_length=255, help_text=_("Who the petition asks to act."))
    goal = models.PositiveIntegerField(_("goal"), default=10_000)
    goal_is_fixed = models.BooleanField(
        _("keep this goal"),
        default=False,
        help_text=_("By default the goal shown moves up by half once it is reached (100,000 → 150,000)."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PetitionStatus.choices,
        default=PetitionStatus.OPEN,
        help_text=_("Applies to every translation: closing one language version closes the petition everywhere."),
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    consent_text = models.TextField(
        _("consent text"),
        help_text=_("Shown next to the signing form: who receives the data, what for, and for how long."),
    )
    privacy_text = models.TextField(
        _("privacy notice"),
        blank=True,
        help_text=_("Shown under the form and printed on paper signature sheets."),
    )
    thank_you_text = models.TextField(_("thank-you text"))
    share_text = models.TextField(
        _("share text"), blank=True, help_text=_("Suggested message for signers who share the petition.")
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_text = models.TextField(
        _("delivery update"), blank=True, help_text=_("Shown in place of the form once the petition is delivered.")
    )
    delivery_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivery photo"),
    )

    signature_form_class = SignatureForm

    #: Fields that describe the petition as a whole rather than one language version of it. Publishing any
    #: translation copies them to the others, so closing the French page closes the English one too.
    synchronised_fields = ["status", "closes_at", "goal", "goal_is_fixed", "delivered_on", "delivery_image"]

    petition_panels = [
        PetitionFiguresPanel(),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldRowPanel([FieldPanel("hero_caption"), FieldPanel("hero_credit")])],
            heading=_("Hero image"),
        ),
        FieldPanel("summary"),
        FieldPanel("target"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("goal"), FieldPanel("goal_is_fixed")]),
                FieldRowPanel([FieldPanel("status"), FieldPanel("closes_at")]),
            ],
            heading=_("Signing"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("consent_text"),
                FieldPanel("privacy_text"),
                FieldPanel("thank_you_text"),
                FieldPanel("share_text"),
            ],
            heading=_("Texts for signers"),
        ),
        MultiFieldPanel(
            [FieldPanel("delivered_on"), FieldPanel("delivery_text"), FieldPanel("delivery_image")],
            heading=_("Delivery"),
            help_text=_("Set the status to “Delivered” and fill these in when the petition has been handed over."),
            classname="collapsed",
        ),
    ]

    search_fields = [index.SearchField("summary"), index.SearchField("target")]

    class Meta:
        abstract = True

    # --- override points -------------------------------------------------------------------------------------

    def get_signature_form_class(self):
        return self.signature_form_class

    def get_signature_model(self):
        return Signature

    def get_tally_key(self):
        """The key shared by every translation of this petition."""
        return self.translation_key

    def is_open(self, now=None) -> bool:
        if self.status != PetitionStatus.OPEN or not self.live:
            return False
        return self.closes_at is None or (now or timezone.now()) < self.closes_at

    def get_displayed_goal(self, count: int) -> int:
        """The goal to show next to ``count``: ``goal``, moved up step by step (``next_goal``) once reached,
        unless the editor ticked ``goal_is_fixed``. Override to change the steps."""
        goal = self.goal
        if self.goal_is_fixed or goal <= 0:
            return goal
        while count >= goal:
            goal = next_goal(goal)
        return goal

    def get_delivery_update(self) -> DeliveryUpdate | None:
        """The delivery update when the petition is delivered, else ``None``.

        The text is this translation's; if it is empty, another translation's text is used so that every
        language shows something.
        """
        if self.status != PetitionStatus.DELIVERED:
            return None
        text = self.delivery_text
        if not text:
            text = (
                type(self)
                .objects.filter(translation_key=self.translation_key, status=PetitionStatus.DELIVERED)
                .exclude(delivery_text="")
                .values_list("delivery_text", flat=True)
                .first()
                or ""
            )
        return DeliveryUpdate(delivered_on=self.delivered_on, text=text, image=self.delivery_image)

    def get_synchronised_fields(self) -> list[str]:
        return list(self.synchronised_fields)

    # --- derived values -----------------------------------------------------------------------------------------

    @property
    def language_code(self) -> str:
        return self.locale.language_code

    @property
    def consent_text_version(self) -> str:
        """A short fingerprint of the consent text, stored with each signature that answered it."""
        return hashlib.sha256(self.consent_text.encode()).hexdigest()[:16]

    def get_body_html(self) -> str:
        return sanitize(str(self.body))

    def get_tally(self, fresh=False):
        from .tally import get_tally

        return get_tally(self.get_tally_key(), fresh=fresh)

    def clean(self):
        super().clean()
        # The API addresses a petition by slug; translations may share it, other petitions may not.
        clash = PetitionPage.objects.filter(slug=self.slug).exclude(translation_key=self.translation_key).exists()
        if clash:
            raise ValidationError({"slug": _("Another petition already uses this slug.")})
        if self.status == PetitionStatus.DELIVERED:
            errors = {}
            if not self.delivered_on:
                errors["delivered_on"] = _("Give the delivery date of a delivered petition.")
            if not self.delivery_text.strip():
                errors["delivery_text"] = _("Write the delivery update that signers will see.")
            if errors:
                raise ValidationError(errors)

    def sync_translations(self):
        """Copy the ``synchronised_fields`` to every other translation: live rows and latest revisions."""
        names = self.get_synchronised_fields()
        fields = [self._meta.get_field(name) for name in names]
        values = {field.attname: getattr(self, field.attname) for field in fields}
        others = type(self).objects.filter(translation_key=self.translation_key).exclude(pk=self.pk)
        others.update(**values)
        serialised = {field.name: get_field_value(field, self) for field in fields}
        for other in others.select_related("latest_revision"):
            revision = other.latest_revision
            if revision is not None and any(revision.content.get(k) != v for k, v in serialised.items()):
                # Keep a later edit of that translation from publishing the old lifecycle back.
                revision.content.update(serialised)
                revision.save(update_fields=["content"])


class AbstractPetitionPage(PetitionPageMixin, Page):
    content_panels = Page.content_panels + PetitionPageMixin.petition_panels
    search_fields = Page.search_fields + PetitionPageMixin.search_fields

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("form", self.get_signature_form_class()(initial={"partner": request.GET.get("partner")}))
        context["signed"] = signed = request.GET.get("signed") == "1"
        # Just after signing (the no-JS form redirects here), read past the cache so the count includes the signer.
        context["tally"] = tally = self.get_tally(fresh=signed)
        context["displayed_goal"] = self.get_displayed_goal(tally.total)
        context["delivery"] = self.get_delivery_update()
        return context


class PetitionPage(AbstractPetitionPage):  # noqa: DJ008 (Page.__str__ is inherited)
    template = "wagtail_petitions/petition_page.html"
    parent_page_types = ["wagtail_petitions.PetitionIndexPage", "wagtailcore.Page"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("petition page")
        verbose_name_plural = _("petition pages")


@receiver(page_published)
def sync_petition_translations(sender, instance, **kwargs):
    if isinstance(instance, PetitionPageMixin):
        instance.sync_translations()


class PetitionIndexPage(Page):
    """Lists the petitions below it."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["wagtail_petitions.PetitionPage"]
    template = "wagtail_petitions/petition_index_page.html"

    class Meta:
        verbose_name = _("petition index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["petitions"] = PetitionPage.objects.child_of(self).live().specific().order_by("-first_published_at")
        return context


class AbstractSignature(models.Model):
    """One person's signature. Only ``counted`` signatures count in the tally.

    ``petition_key`` is the petition's tally key (shared by its translations); ``page`` is the page it came
    through, kept for reporting and nulled if that page is deleted so the signature and its count survive.
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
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.CharField(_("email"), max_length=254, help_text=_("As typed."))
    email_normalized = models.CharField(_("normalised email"), max_length=254, editable=False)
    country = CountryField(_("country"))
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    consent_updates = models.BooleanField(_("agreed to updates"), default=False)
    consent_partner = models.BooleanField(_("agreed to partner contact"), default=False)
    consent_text_version = models.CharField(_("consent text version"), max_length=64, blank=True)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    source = models.CharField(_("source"), max_length=64, blank=True, help_text=_("Campaign or link code."))
    language = models.CharField(_("language"), max_length=8, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    state = models.CharField(_("state"), max_length=16, choices=SignatureState.choices, default=SignatureState.COUNTED)
    created_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["petition_key", "email_normalized"], name="%(app_label)s_%(class)s_one_per_signer"
            )
        ]
        indexes = [models.Index(fields=["petition_key", "created_at"], name="%(class)s_by_date")]
        # "view" is the permission to see signers' personal data (list, search, export); editors without it see
        # counts only (reports, the figures panel).
        permissions = [("invalidate_signature", "Can invalidate and restore signatures")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @cached_property
    def is_counted(self) -> bool:
        return self.state == SignatureState.COUNTED

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Signature(AbstractSignature):
    pass


class AuditRecord(models.Model):
    """Who changed something, when and why: the base of audit rows, which are written once and never edited."""

    wagtail_reference_index_ignore = True  # audit rows, not content (see AbstractSignature)

    reason = models.TextField(_("reason"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class SignatureStateChange(AuditRecord):
    """One invalidation or restoration of a signature: who, when, why. Written by ``wagtail_petitions.moderation``."""

    signature = models.ForeignKey(
        Signature, on_delete=models.CASCADE, related_name="state_changes", verbose_name=_("signature")
    )
    from_state = models.CharField(_("from"), max_length=16, choices=SignatureState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=SignatureState.choices)

    class Meta(AuditRecord.Meta):
        verbose_name = _("signature state change")
        verbose_name_plural = _("signature state changes")

    def __str__(self):
        return f"{self.signature_id}: {self.from_state} → {self.to_state}"


class PaperBatch(models.Model):
    """Signatures collected on paper and counted by hand: a number per country, no names.

    Recorded and corrected through ``wagtail_petitions.paper`` only, which keeps the tally (channel ``paper``)
    in step in the same transaction.
    """

    petition_key = models.UUIDField(_("petition key"), editable=False, db_index=True)
    page = models.ForeignKey(
        "wagtail_petitions.PetitionPage",
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


class TallyCounter(models.Model):
    """One shard of one bucket of a petition's tally.

    A bucket is (petition, channel, country, partner); each is spread over ``WAGTAIL_PETITIONS_TALLY_SHARDS`` rows
    so concurrent signers rarely update the same row. Reading a tally sums a few hundred rows at most, however
    many signatures there are. Maintained by ``wagtail_petitions.tally`` only.
    """

    petition_key = models.UUIDField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    country = models.CharField(max_length=2, blank=True)
    # 0 = no partner. Not a foreign key: an upsert key must not be NULL (NULLs never conflict).
    partner_id = models.PositiveIntegerField(default=0)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition_key", "channel", "country", "partner_id", "shard"], name="tally_bucket_shard"
            )
        ]

    def __str__(self):
        return f"{self.petition_key} {self.channel} {self.country or '--'} partner={self.partner_id}: {self.count}"


class TallyTotal(models.Model):
    """One shard of a petition's total: the same count as its ``TallyCounter`` rows, kept in a few rows.

    A signer is shown the total in the answer to their signature; summing the buckets for that would cost a scan of
    countries x partners x shards rows per signature (thousands for a viral petition), while these are at most
    ``WAGTAIL_PETITIONS_TALLY_SHARDS`` rows. Maintained by ``wagtail_petitions.tally`` only, with the buckets.
    """

    petition_key = models.UUIDField()
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition_key", "shard"], name="tally_total_shard")]

    def __str__(self):
        return f"{self.petition_key} total shard {self.shard}: {self.count}"


# Paper batches add to tallies: register them as a tally source so recounts include them. Imported here, at the
# end of the models module, so that every process that loads the models (the site, commands, tests) has it.
from . import paper  # noqa: E402, F401
