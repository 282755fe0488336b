"""Models of the petitions plugin.

Like ``wagtail.contrib.forms``, the building blocks are abstract (``PetitionPageMixin``, ``AbstractPetitionPage``,
``AbstractSignature``) with ``get_*`` methods to override, and concrete models (``PetitionPage``, ``Signature``)
that work out of the box. Every translation of a petition page shares its ``translation_key``, which is the key of
the one tally and of the signature store: a signature made on the French page counts on the English one too.
"""

import hashlib
from urllib.parse import urlsplit

import swapper
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import PetitionBodyBlock
from .forms import SignatureForm
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
    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        help_text=_("One origin per line, e.g. https://www.example.org. Only these may call the API from a browser."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("website"),
        FieldPanel("allowed_origins"),
        FieldPanel("contact_email"),
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


class PetitionPageMixin(models.Model):
    """Fields and behaviour of a petition; mix into a Page model (see ``AbstractPetitionPage``).

    Override points: ``get_signature_form_class``, ``get_signature_model``, ``get_tally_key``,
    ``get_displayed_goal``, ``is_open``.
    """

    summary = models.TextField(_("summary"), help_text=_("One or two sentences shown in lists, shares and the widget."))
    body = StreamField(PetitionBodyBlock(), blank=True, verbose_name=_("body"))
    target = models.CharField(_("addressed to"), max_length=255, help_text=_("Who the petition asks to act."))
    goal = models.PositiveIntegerField(_("goal"), default=10_000)
    status = models.CharField(_("status"), max_length=16, choices=PetitionStatus.choices, default=PetitionStatus.OPEN)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    consent_text = models.TextField(
        _("consent text"),
        help_text=_("Shown next to the signing form: who receives the data, what for, and for how long."),
    )
    thank_you_text = models.TextField(_("thank-you text"))

    signature_form_class = SignatureForm

    petition_panels = [
        FieldPanel("summary"),
        FieldPanel("target"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("goal"), FieldPanel("status"), FieldPanel("closes_at")], heading=_("Signing")),
        MultiFieldPanel([FieldPanel("consent_text"), FieldPanel("thank_you_text")], heading=_("Texts for signers")),
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
        return self.goal

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


class AbstractPetitionPage(PetitionPageMixin, Page):
    content_panels = Page.content_panels + PetitionPageMixin.petition_panels
    search_fields = Page.search_fields + PetitionPageMixin.search_fields

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("form", self.get_signature_form_class()(initial={"partner": request.GET.get("partner")}))
        context["tally"] = self.get_tally()
        context["signed"] = request.GET.get("signed") == "1"
        return context


class PetitionPage(AbstractPetitionPage):  # noqa: DJ008 (Page.__str__ is inherited)
    template = "wagtail_petitions/petition_page.html"
    parent_page_types = ["wagtail_petitions.PetitionIndexPage", "wagtailcore.Page"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("petition page")
        verbose_name_plural = _("petition pages")


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

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @cached_property
    def is_counted(self) -> bool:
        return self.state == SignatureState.COUNTED


class Signature(AbstractSignature):
    pass


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
