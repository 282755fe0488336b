"""Partners: organisations that embed petitions on their own sites (registered as Wagtail snippets)."""

import functools
import threading
import time
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from ..conf import conf
from ..text import CODE_MAX_LENGTH

ACTIVE_CACHE_KEY = "wagtail_petitions:active_partners"
ACTIVE_SHARED_CACHE_SECONDS = 300


def normalize_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, as browsers send it in the ``Origin`` header."""
    try:
        parts = urlsplit(value.strip())
        hostname = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:  # a malformed IPv6 host ("http://[::1"), a port out of range
        hostname = None
    if not hostname or parts.scheme not in ("http", "https"):
        raise ValidationError(_("%(value)s is not an origin such as https://example.org"), params={"value": value})
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValidationError(_("%(value)s must be an origin only, without a path"), params={"value": value})
    URLValidator()(f"{parts.scheme}://{parts.netloc}")
    return f"{parts.scheme}://{parts.netloc}".lower()


@functools.lru_cache(maxsize=1024)
def _normalized_origins(text: str) -> tuple[str, ...]:
    """The origins of an ``allowed_origins`` text, normalised once per distinct text: signing through a partner asks
    for them on every signature (``signing.attribution``), and ``URLValidator`` is not cheap."""
    return tuple(normalize_origin(line) for line in text.splitlines() if line.strip())


class PartnerManager(models.Manager):
    """Active partners by slug, cached: every signature through a partner's widget and every widget view looks one
    up. The mapping is kept in the shared cache and, for ``RESPONSE_LOCAL_CACHE_SECONDS``, in process memory.
    Saving or deleting a partner forgets both (``forget_active``, connected in ``AppConfig.ready()``), so other
    processes see a deactivation within that many seconds."""

    _local: list = [0.0, None]  # [valid until (monotonic), {slug: Partner}], shared by the process's threads
    _lock = threading.Lock()

    def active(self) -> dict:
        """``{slug: Partner}`` of the active partners."""
        expires, partners = self._local
        now = time.monotonic()
        if partners is not None and now < expires:
            return partners
        partners = cache.get(ACTIVE_CACHE_KEY)
        if partners is None:
            partners = {partner.slug: partner for partner in self.filter(is_active=True)}
            cache.set(ACTIVE_CACHE_KEY, partners, ACTIVE_SHARED_CACHE_SECONDS)
        with self._lock:
            self._local[:] = [now + conf.RESPONSE_LOCAL_CACHE_SECONDS, partners]
        return partners

    def get_active(self, slug):
        """The active partner with this slug, or ``None``."""
        return self.active().get(slug) if isinstance(slug, str) and slug else None

    def forget_active(self) -> None:
        self._forget()
        # Again after commit, so a read made while the change was not yet visible is not kept.
        transaction.on_commit(self._forget)

    def _forget(self):
        with self._lock:
            self._local[:] = [0.0, None]
        cache.delete(ACTIVE_CACHE_KEY)


def forget_active_partners(sender, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver for partners."""
    Partner.objects.forget_active()


class Partner(models.Model):
    """An organisation that embeds petitions on its own site."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=CODE_MAX_LENGTH, unique=True, help_text=_("Used in embed codes: data-partner")
    )
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
    listed = models.BooleanField(
        _("listed in public figures"),
        default=False,
        help_text=_(
            "The partner agreed that its name and the number of signatures it collected are shown on public "
            "figures pages and in open data."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = PartnerManager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("allowed_origins"),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_email")], heading=_("Contact")),
        FieldRowPanel([FieldPanel("is_active"), FieldPanel("listed")]),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    def get_allowed_origins(self) -> list[str]:
        return list(_normalized_origins(self.allowed_origins))

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
