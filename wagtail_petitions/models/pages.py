"""Petition pages.

Like ``wagtail.contrib.forms``, the building blocks are abstract (``PetitionPageMixin``, ``AbstractPetitionPage``)
with ``get_*`` methods to override, and ``PetitionPage`` works out of the box. Every translation of a petition page
shares its ``translation_key``, the key of the one tally and of the signature store: a signature made on the
French page counts on the English one too. Code that looks for petitions finds every page type that mixes in
``PetitionPageMixin`` (``get_petition_page_models``), the way ``wagtail.contrib.forms.utils.get_form_types`` finds
form pages.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.models import get_field_value
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models
from wagtail.search import index

from ..admin.panels import PetitionFiguresPanel
from ..blocks import PetitionBodyBlock
from ..choices import PetitionStatus
from ..conf import conf
from ..forms import SignatureForm
from ..mail import Organiser
from ..sanitize import sanitize
from ..text import normalize_email
from .paper import PaperBatch
from .partners import Partner
from .signatures import Signature
from .state_counts import StateCounter, StateCounts
from .tally import TallyCounter, TallySnapshot


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

    Override points, used by everything that signs, counts, reports or exports: ``get_signature_model``,
    ``get_signature_form_class``, ``build_signature``, ``get_signatures``, ``get_paper_batches``,
    ``get_tally_key``, ``get_tally``, ``get_state_counts``, ``requires_confirmation``, ``get_organiser``,
    ``get_consent_text_version``, ``get_displayed_goal``, ``get_delivery_update``, ``is_open``,
    ``get_synchronised_fields``.
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
    confirmation_required = models.BooleanField(
        _("signers confirm by email"),
        default=True,
        help_text=_(
            "A signature counts once its signer follows the link we email them. Without it, signatures count at "
            "once, except suspicious ones, which always need the confirmation."
        ),
    )
    proof_of_work = models.BooleanField(
        _("ask browsers for proof of work"),
        default=False,
        help_text=_(
            "For a petition under attack by scripts: the browser solves a small puzzle (about a second) before "
            "signing. Nothing is asked from any other site."
        ),
    )
    organiser_name = models.CharField(
        _("organiser"),
        max_length=255,
        blank=True,
        help_text=_("The sender name of mails to signers (confirmations). Empty: the site's default."),
    )
    organiser_email = models.EmailField(
        _("organiser's reply address"),
        blank=True,
        help_text=_("Where signers' replies to those mails go. Empty: the site's default."),
    )

    signature_form_class = SignatureForm
    signature_model = Signature

    #: Fields that describe the petition as a whole rather than one language version of it. Publishing any
    #: translation copies them to the others, so closing the French page closes the English one too.
    synchronised_fields = [
        "status",
        "closes_at",
        "goal",
        "goal_is_fixed",
        "delivered_on",
        "delivery_image",
        "confirmation_required",
        "proof_of_work",
    ]

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
                FieldRowPanel([FieldPanel("confirmation_required"), FieldPanel("proof_of_work")]),
            ],
            heading=_("Signing"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("consent_text"),
                FieldPanel("privacy_text"),
                FieldPanel("thank_you_text"),
                FieldPanel("share_text"),
                FieldRowPanel([FieldPanel("organiser_name"), FieldPanel("organiser_email")]),
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

    @classmethod
    def get_signature_model(cls):
        """The model signatures of this page type are stored in (an ``AbstractSignature`` subclass)."""
        return cls.signature_model

    @classmethod
    def get_signature_form_class(cls):
        """The Django form signers fill in (a ``SignatureForm`` subclass): the same for every page of the type,
        so the system checks can hold it against the signature model."""
        return cls.signature_form_class

    def get_tally_key(self):
        """The key shared by every translation of this petition: of its tally, signatures and paper batches."""
        return self.translation_key

    def get_tally(self, fresh: bool = False) -> TallySnapshot:
        """The petition's tally: from the cache unless ``fresh``."""
        return TallyCounter.objects.snapshot(self.get_tally_key(), fresh=fresh)

    def get_state_counts(self, fresh: bool = False) -> StateCounts:
        """How many of the petition's signatures are counted, pending, held, quarantined, invalidated, and how many
        expired unconfirmed: from the per-state counter rows (never a scan of signatures), cached unless ``fresh``.
        The one source of these figures for editors, reports and public statistics."""
        return StateCounter.objects.counts(self.get_tally_key(), fresh=fresh)

    def requires_confirmation(self) -> bool:
        """Do signatures count only once confirmed by email? (Suspicious ones always need it.)"""
        return self.confirmation_required

    def requires_proof_of_work(self) -> bool:
        """Must the signing browser solve an ALTCHA challenge (``wagtail_petitions.defence.pow``)?"""
        return self.proof_of_work

    def get_organiser(self) -> Organiser:
        """Who mails to signers come from: this page's organiser name and reply address, else the site's defaults
        (``WAGTAIL_PETITIONS_ORGANISER_NAME`` / ``_ORGANISER_EMAIL``)."""
        return Organiser(
            name=self.organiser_name or conf.ORGANISER_NAME, reply_to=self.organiser_email or conf.ORGANISER_EMAIL
        )

    def get_signatures(self):
        """Every signature of this petition (all translations, every state)."""
        return self.get_signature_model().objects.filter(petition_key=self.get_tally_key())

    def get_paper_batches(self):
        return PaperBatch.objects.filter(petition_key=self.get_tally_key())

    def build_signature(self, cleaned_data, *, partner, channel, state, form):
        """The unsaved signature for a valid signing form. Any field of the form that is also a column of the
        signature model is stored in it, so a custom form and model need no other code."""
        model = self.get_signature_model()
        columns = {f.name for f in model._meta.concrete_fields}
        extra = {name: value for name, value in cleaned_data.items() if name in columns and name not in _BUILT}
        return model(
            petition_key=self.get_tally_key(),
            page_id=self.pk,
            first_name=cleaned_data["first_name"],
            last_name=cleaned_data["last_name"],
            email=cleaned_data["email"],
            email_normalized=normalize_email(cleaned_data["email"]),
            country=cleaned_data["country"],
            postal_code=cleaned_data.get("postal_code") or "",
            consent_updates=cleaned_data.get("consent_updates", False),
            consent_partner=partner is not None and cleaned_data.get("consent_partner", False),
            consent_text_version=self.get_consent_text_version(form),
            partner=partner,
            source=cleaned_data.get("source") or "",
            language=self.language_code,
            channel=channel,
            state=state,
            **extra,
        )

    def get_consent_text_version(self, form=None) -> str:
        """A fingerprint of the exact texts a signer agreed to: the consent and privacy texts and the labels of
        the consent boxes the signing ``form`` showed (in the language it showed them)."""
        texts = [self.consent_text, self.privacy_text, *(form.get_consent_labels() if form is not None else [])]
        return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:16]

    def is_open(self, now=None) -> bool:
        if self.status != PetitionStatus.OPEN or not self.live:
            return False
        return self.closes_at is None or (now or timezone.now()) < self.closes_at

    def get_public_status(self, now=None) -> str:
        """What the public is told (API list and its ``status`` filter): ``open`` while it takes signatures,
        ``delivered`` once delivered, else ``closed`` (also an open petition past its closing date)."""
        if self.is_open(now):
            return PetitionStatus.OPEN.value
        if self.status == PetitionStatus.DELIVERED:
            return PetitionStatus.DELIVERED.value
        return PetitionStatus.CLOSED.value

    def get_displayed_goal(self, count: int) -> int:
        """The goal to show next to ``count``: ``goal``, moved up step by step (``next_goal``) once reached,
        unless the editor ticked ``goal_is_fixed``. Override to change the steps."""
        goal = self.goal
        if self.goal_is_fixed or goal <= 0:
            return goal
        while count >= goal:
            goal = next_goal(goal)
        return goal

    def get_milestones(self, count: int) -> list[int]:
        """The milestones of this petition up to and including the first one ``count`` has not reached: the
        goal and the steps after it (``next_goal``). The one place that says what a milestone is: the figures
        chart marks them and a ``petition.milestone`` event fires when the tally crosses one. Override to change
        them."""
        milestones = []
        step = self.goal
        while step > 0:
            milestones.append(step)
            if step > count:
                break
            step = next_goal(step)
        return milestones

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
                self.get_translations(inclusive=True)
                .filter(status=PetitionStatus.DELIVERED)
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
        """The consent version of a signature made without a form (paper, imports): the petition's own texts."""
        return self.get_consent_text_version()

    def get_body_html(self) -> str:
        return sanitize(str(self.body))

    def clean(self):
        super().clean()
        # The API addresses a petition by slug; translations may share it, other petitions (of any type) may not.
        clash = petition_pages().filter(slug=self.slug).exclude(translation_key=self.translation_key).exists()
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
        others = self.get_translations(inclusive=True).exclude(pk=self.pk)
        others.update(**values)
        serialised = {field.name: get_field_value(field, self) for field in fields}
        for other in others.select_related("latest_revision"):
            revision = other.latest_revision
            if revision is not None and any(revision.content.get(k) != v for k, v in serialised.items()):
                # Keep a later edit of that translation from publishing the old lifecycle back.
                revision.content.update(serialised)
                revision.save(update_fields=["content"])


# Columns ``build_signature`` fills itself (the rest of the signature model's columns come from the form).
_BUILT = frozenset(
    {"first_name", "last_name", "email", "country", "postal_code", "consent_updates", "consent_partner"}
    | {"partner", "source", "petition_key", "page", "email_normalized", "consent_text_version"}
    | {"language", "channel", "state"}
)


class AbstractPetitionPage(PetitionPageMixin, Page):
    content_panels = Page.content_panels + PetitionPageMixin.petition_panels
    search_fields = Page.search_fields + PetitionPageMixin.search_fields

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        partner = Partner.objects.get_active(request.GET.get("partner"))
        context.setdefault(
            "form", self.get_signature_form_class()(initial={"partner": partner and partner.slug}, partner=partner)
        )
        # Just after signing (the no-JS form redirects here): "1" counted, "check" counts once confirmed by email.
        context["signed"] = signed = request.GET.get("signed") if request.GET.get("signed") in ("1", "check") else ""
        # Read past the cache so the count includes the signer.
        context["tally"] = tally = self.get_tally(fresh=signed == "1")
        context["displayed_goal"] = self.get_displayed_goal(tally.total)
        # Public, as a journalist would ask: how many signatures were taken out (a number, nothing personal).
        context["state_counts"] = self.get_state_counts()
        context["delivery"] = self.get_delivery_update()
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
        context["petitions"] = petition_pages().child_of(self).live().specific().order_by("-first_published_at")
        return context


def sync_petition_translations(sender, instance, **kwargs):
    """``page_published`` receiver (connected in ``AppConfig.ready()``): publishing one translation copies the
    petition-wide fields to the others."""
    if isinstance(instance, PetitionPageMixin):
        instance.sync_translations()


# --- finding petitions of every page type ---------------------------------------------------------------------


def get_petition_page_models() -> list[type[PetitionPageMixin]]:
    """Every concrete page model that is a petition (mixes in ``PetitionPageMixin``)."""
    return [model for model in get_page_models() if issubclass(model, PetitionPageMixin)]


def get_petition_content_types() -> list[ContentType]:
    return list(ContentType.objects.get_for_models(*get_petition_page_models()).values())


def get_signature_models() -> list[type]:
    """The signature models of every petition page type, each once."""
    return list(dict.fromkeys(model.get_signature_model() for model in get_petition_page_models()))


def petition_pages():
    """Pages of every petition type, as a ``Page`` queryset (``.specific()`` gives each its own class)."""
    return Page.objects.filter(content_type__in=get_petition_content_types())
