"""Petition pages.

Like ``wagtail.contrib.forms``, the building blocks are abstract (``PetitionPageMixin``, ``AbstractPetitionPage``)
with ``get_*`` methods to override, and ``PetitionPage`` works out of the box. Every translation of a petition page
shares its ``translation_key``, the key of the one tally and of the signature store: a signature made on the
French page counts on the English one too. Code that looks for petitions finds every page type that mixes in
``PetitionPageMixin`` (``get_petition_page_models``), the way ``wagtail.contrib.forms.utils.get_form_types`` finds
form pages.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.models import get_field_value
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry, Revision, get_page_models
from wagtail.search import index

from ..admin.panels import PetitionFiguresPanel
from ..blocks import PetitionBodyBlock
from ..choices import PetitionStatus, SignatureState
from ..conf import conf
from ..figures_page import figures_map_response, figures_page_context
from ..forms import SignatureForm
from ..mail import Organiser
from ..sanitize import sanitize
from ..share_card import share_card_response
from ..text import normalize_email
from .consent import ConsentText, consent_digest
from .paper import PaperBatch
from .partners import Partner
from .signatures import Signature
from .state_counts import StateCounter, StateCounts
from .tally import TallyCounter, TallySnapshot

#: The page history action of a copy of the petition-wide fields from another translation (``sync_translations``).
SYNC_LOG_ACTION = "wagtail_petitions.sync_translation"


@dataclass(frozen=True)
class DeliveryUpdate:
    """What the page, the API and the widget show in place of the form once a petition is delivered."""

    delivered_on: date | None
    text: str
    image: object = None  # a Wagtail image, or None


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the last day of the month when that month is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_goal(goal: int) -> int:
    """The goal that follows ``goal`` once it is reached: half as much again, rounded up to two digits.

    100,000 → 150,000 → 230,000 (225,000 rounded up) → 350,000 …
    """
    raw = (goal * 3 + 1) // 2
    magnitude = 10 ** max(len(str(raw)) - 2, 0)
    return -(-raw // magnitude) * magnitude


class PetitionPageMixin(RoutablePageMixin, models.Model):
    """Fields and behaviour of a petition; mix into a Page model (see ``AbstractPetitionPage``).

    Override points, used by everything that signs, counts, reports or exports: ``get_signature_model``,
    ``get_signature_form_class``, ``build_signature``, ``get_signatures``, ``get_paper_batches``,
    ``get_tally_key``, ``get_tally``, ``get_state_counts``, ``requires_confirmation``, ``get_organiser``,
    ``get_consent_text_version``, ``get_consent_texts``, ``get_privacy_notice``, ``get_retention_months``,
    ``get_retention_start``, ``get_retention_due``, ``get_displayed_goal``, ``get_delivery_update``, ``is_open``,
    ``get_synchronised_fields``, ``get_figures_url``, ``get_figures_template``, ``get_figures_context``.

    A routable page (``RoutablePageMixin``): ``<petition URL>figures/`` is the petition's public figures page.
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
    retention_months = models.PositiveSmallIntegerField(
        _("keep signers' data for (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Months after the petition closes or is delivered before signers' names, emails and postal codes are "
            "removed (the counts stay). Empty: the site's default. The privacy notice states it."
        ),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
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
        "retention_months",
        "closed_on",
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
                FieldPanel("retention_months"),
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

    def save(self, *args, **kwargs):
        # The retention clock starts the day the petition stops taking signatures.
        if self.status == PetitionStatus.OPEN:
            self.closed_on = None
        elif self.closed_on is None:
            self.closed_on = timezone.localdate()
        return super().save(*args, **kwargs)

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

    def get_update_recipients(self):
        """The signatures updates to signers go to: counted (on a petition that asks for confirmation, confirmed),
        with "keep me informed" ticked and not withdrawn. Override to narrow it."""
        return self.get_signatures().filter(state=SignatureState.COUNTED, consent_updates=True)

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
            consent_texts=(consent_texts := self.get_consent_texts(form)),
            consent_text_version=consent_texts.version,
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
        labels = form.get_consent_labels() if form is not None else []
        return consent_digest(self.consent_text, self.get_privacy_notice(), [str(label) for label in labels])[:16]

    def get_retention_months(self) -> int:
        """Months after closing or delivery before the signatures are anonymised."""
        return self.retention_months if self.retention_months is not None else conf.RETENTION_MONTHS

    def get_retention_start(self) -> date | None:
        """The day the retention clock starts: delivery, else closing (the day the status left "open", or the
        closing date once passed); ``None`` while the petition takes signatures."""
        if self.status == PetitionStatus.DELIVERED and self.delivered_on:
            return self.delivered_on
        if self.status != PetitionStatus.OPEN and self.closed_on:
            return self.closed_on
        if self.closes_at is not None and self.closes_at <= timezone.now():
            return timezone.localdate(self.closes_at)
        return None

    def get_retention_due(self) -> date | None:
        """The day from which the signatures are anonymised (``None`` while the petition is open)."""
        start = self.get_retention_start()
        return None if start is None else add_months(start, self.get_retention_months())

    def get_privacy_notice(self) -> str:
        """The privacy notice as shown under every form, sheet and widget: the editor's ``privacy_text`` and what
        the platform does (how long data is kept, where to see or erase a signature). Stored and hashed with the
        signature's consent (``get_consent_texts``)."""
        platform = _(
            "We keep your name, email and postal code until %(months)s months after the petition is delivered or "
            "closed; then they are deleted and only the numbers remain. See, download or erase your signature at "
            "%(path)s."
        ) % {"months": self.get_retention_months(), "path": self.get_my_signatures_url()}
        return "\n\n".join(part for part in (self.privacy_text.strip(), str(platform)) if part)

    def get_my_signatures_url(self) -> str:
        """The absolute address of the page where signers see, download and erase their signatures, on this
        petition's site (kept on the instance: signing reads it for every signature)."""
        if "_my_signatures_url" not in self.__dict__:
            root = self.get_full_url() or ""
            self.__dict__["_my_signatures_url"] = urljoin(root, reverse("wagtail_petitions:my_signatures"))
        return self.__dict__["_my_signatures_url"]

    def get_consent_texts(self, form=None) -> ConsentText:
        """The stored row of the exact texts a signer agreed to (see ``get_consent_text_version``), linked from
        the signature: created the first time they are used, then found from a per-process cache."""
        return ConsentText.objects.for_texts(
            self.consent_text,
            self.get_privacy_notice(),
            form.get_consent_labels() if form is not None else [],
            language=self.language_code,
        )

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

    # --- the public figures page (``<petition URL>figures/``) -----------------------------------------------------

    figures_template = "wagtail_petitions/petition_figures.html"

    def get_figures_url(self, request=None) -> str | None:
        """The path (or URL, on another site) of this petition's figures page, ``None`` while it has no URL."""
        url = self.get_url(request)
        return url + self.reverse_subpage("figures").lstrip("/") if url else None

    def get_figures_template(self, request) -> str:
        return self.figures_template

    def get_figures_context(self, request) -> dict:
        """What the figures page shows: the public figures (``wagtail_petitions.public_figures``) with their charts
        and tables."""
        return figures_page_context(self, request)

    @path("figures/", name="figures")
    def figures_view(self, request):
        response = TemplateResponse(request, self.get_figures_template(request), self.get_figures_context(request))
        # Newsrooms embed it (oEmbed ``rich``): any site may frame it; it has no form and sets no cookie.
        response.xframe_options_exempt = True
        return response

    def get_share_card_url(self, request=None) -> str | None:
        """The full URL of this petition's share card (``og:image``), ``None`` while it has no URL."""
        url = self.get_full_url(request)
        return url + self.reverse_subpage("share-card").lstrip("/") if url else None

    def get_share_alternates(self) -> list:
        """The live translations of this petition (this page included): ``hreflang`` and ``og:locale`` alternates."""
        return list(self.get_translations(inclusive=True).live().select_related("locale").specific())

    @path("share-card/", name="share-card")
    def share_card_view(self, request):
        """The share card: a 1200x630 PNG of the title, hero image and live count (``share_card``)."""
        return share_card_response(self, request)

    @path("figures/map/", name="figures-map")
    def figures_map_view(self, request):
        """The world map of the figures page: a plain SVG file (no script), shown with an ``<img>`` beside its
        table, so the page stays small and browsers keep the map."""
        return figures_map_response(self)

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

    def get_synchronised_content(self) -> dict:
        """The ``synchronised_fields`` as a revision stores them (JSON values)."""
        return {name: get_field_value(self._meta.get_field(name), self) for name in self.get_synchronised_fields()}

    def sync_translations(self, user=None):
        """Copy the ``synchronised_fields`` to every other translation: to their rows, and to a new latest revision
        the fields whose value this publish changes there (a change waiting in another field of a draft stays).

        A new revision rather than an edit of the latest one: Wagtail's edit view tells an editor whose form is
        older than the latest revision that saving would overwrite a newer version (autosave refuses it), which an
        edit in place would hide, leaving their next save or publish to bring the old status or goal back. The
        rows are locked (in primary key order, as every sync takes them) so that a save or sync of the same
        translation running meanwhile is either seen or sees this one.
        """
        fields = [self._meta.get_field(name) for name in self.get_synchronised_fields()]
        values = {field.attname: getattr(self, field.attname) for field in fields}
        serialised = self.get_synchronised_content()
        with transaction.atomic():
            translations = self.get_translations(inclusive=True).exclude(pk=self.pk).values("pk")
            locked = Page.objects.select_for_update().filter(pk__in=translations).order_by("pk")
            pks = list(locked.values_list("pk", flat=True))
            if not pks:
                return
            # Read after the lock (a save of a translation that committed meanwhile is in its latest revision) and
            # before the update (what each translation showed until this publish).
            others = list(type(self).objects.filter(pk__in=pks).select_related("latest_revision").order_by("pk"))
            type(self).objects.filter(pk__in=pks).update(**values)
            for other in others:
                shown = other.get_synchronised_content()
                changed = {name: value for name, value in serialised.items() if shown.get(name) != value}
                self._sync_revisions(other, changed, user)

    def _sync_revisions(self, other, changed: dict, user) -> None:
        def differs(revision):
            return any(revision.content.get(name) != value for name, value in changed.items())

        latest = other.latest_revision
        if latest is not None and differs(latest):
            revision = Revision.objects.create(
                content_object=other,
                base_content_type=other.get_base_content_type(),
                user=user,
                content={**latest.content, **changed},
                object_str=latest.object_str,
                # A latest revision scheduled for publishing hands its schedule on, as Wagtail does when another
                # revision is scheduled: what goes live then has the new values.
                approved_go_live_at=latest.approved_go_live_at,
            )
            if latest.approved_go_live_at is not None:
                Revision.objects.filter(pk=latest.pk).update(approved_go_live_at=None)
            updates = {"latest_revision": revision, "latest_revision_created_at": revision.created_at}
            if other.live_revision_id == latest.pk:
                # Nothing was waiting to be published: the new revision is what is live (the rows are updated).
                updates["live_revision"] = revision
            Page.objects.filter(pk=other.pk).update(**updates)
            fields = sorted(name for name in changed if latest.content.get(name) != changed[name])
            log(instance=other, action=SYNC_LOG_ACTION, user=user, revision=revision, data={"fields": fields})
        # An older revision scheduled for publishing is no editor's form (forms load the latest): corrected where it
        # is, so that publishing it later does not bring the old values back to every translation.
        for scheduled in other.revisions.exclude(approved_go_live_at=None).exclude(pk=latest.pk if latest else None):
            if differs(scheduled):
                scheduled.content.update(changed)
                scheduled.save(update_fields=["content"])

    def merge_stale_synchronised_fields(self, revision, loaded_revision_id) -> list[str]:
        """Before ``revision`` (made from an editor's form) is published: keep the petition-wide values copied from
        another translation since the editor loaded the form (``loaded_revision_id``) in the fields that they did
        not change.

        Publishing one translation copies these fields to all of them, so a form opened before another
        translation closed the petition would otherwise reopen it everywhere. A field the editor did change keeps
        their value, as any field of Wagtail's does; only the fields the copies changed are taken (never a value of
        the editor's own autosave). Returns the names of the fields taken from the copy.
        """
        if not str(loaded_revision_id or "").isdigit() or revision is None:
            return []
        base = self.revisions.filter(pk=loaded_revision_id).first()
        if base is None:
            return []
        copies = list(
            PageLogEntry.objects.filter(page_id=self.pk, action=SYNC_LOG_ACTION, revision_id__gt=base.pk)
            .exclude(revision=None)
            .order_by("-revision_id")
            .select_related("revision")
        )
        if not copies:
            return []
        copied = {name for entry in copies for name in (entry.data or {}).get("fields", [])}
        newest = copies[0].revision.content
        kept = [
            name
            for name in self.get_synchronised_fields()
            if name in copied and revision.content.get(name) == base.content.get(name) != newest.get(name)
        ]
        if kept:
            revision.content.update({name: newest.get(name) for name in kept})
            # The revision is this request's own, made a moment ago from the form and not yet published.
            revision.save(update_fields=["content"])
        return kept


# Columns ``build_signature`` fills itself (the rest of the signature model's columns come from the form).
_BUILT = frozenset(
    {"first_name", "last_name", "email", "country", "postal_code", "consent_updates", "consent_partner"}
    | {"partner", "source", "petition_key", "page", "email_normalized", "consent_text_version", "consent_texts"}
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


def sync_petition_translations(sender, instance, revision=None, **kwargs):
    """``page_published`` receiver (connected in ``AppConfig.ready()``): publishing one translation copies the
    petition-wide fields to the others."""
    if isinstance(instance, PetitionPageMixin):
        instance.sync_translations(user=revision.user if revision is not None else None)


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
