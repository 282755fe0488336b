"""Partner access: the API tokens editors issue to a partner (``PartnerToken``) and the record of every read of
signers' personal data made with one (``PartnerAccessRecord``).

A token is shown once, when it is issued; only its SHA-256 digest is stored (tokens are 256 random bits, so a fast
digest is as safe as a slow one and lets a request find its token by one indexed lookup). A token works while it
is neither revoked nor expired and its partner is active, and only for the scopes it was given.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .partners import Partner

#: What a token may do.
STATS_READ = "stats:read"
SIGNERS_READ = "signers:read"
WEBHOOKS_MANAGE = "webhooks:manage"

#: Every token starts with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "wpt_"
#: ``last_used_at`` is written at most this often per token: not one write per API request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class PartnerScope(models.TextChoices):
    STATS_READ = STATS_READ, _("Read statistics")
    SIGNERS_READ = SIGNERS_READ, _("Read signers who agreed to hear from the partner")
    WEBHOOKS_MANAGE = WEBHOOKS_MANAGE, _("Manage webhooks")


def validate_scopes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(scope, str) for scope in value):
        raise ValidationError(_("Scopes are a list of names."), code="invalid")
    unknown = sorted(set(value) - set(PartnerScope.values))
    if unknown:
        raise ValidationError(_("Unknown scopes: %(scopes)s"), params={"scopes": ", ".join(unknown)}, code="invalid")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class PartnerTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Tokens that authenticate now: not revoked, not expired, of an active partner."""
        now = now or timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True, partner__is_active=True
        )


class PartnerTokenManager(models.Manager.from_queryset(PartnerTokenQuerySet)):
    def issue(self, partner, *, name: str, scopes, expires_at=None, created_by=None) -> tuple[PartnerToken, str]:
        """Create a token; returns it and its secret, which is never stored nor shown again."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        scopes = sorted(set(scopes))
        validate_scopes(scopes)
        token = self.create(
            partner=partner,
            name=name,
            scopes=scopes,
            expires_at=expires_at,
            created_by=created_by,
            key_prefix=raw[: len(TOKEN_PREFIX) + 6],
            secret_hash=hash_token(raw),
        )
        return token, raw

    def authenticate(self, raw: str) -> PartnerToken | None:
        """The usable token whose secret is ``raw``, with its partner; its ``last_used_at`` brought up to date."""
        if not isinstance(raw, str) or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
            return None
        token = self.usable().select_related("partner").filter(secret_hash=hash_token(raw)).first()
        if token is not None:
            token.mark_used()
        return token


class PartnerToken(models.Model):
    """An API token of one partner, with scopes (``PartnerScope``). Sent as ``Authorization: Bearer <token>``."""

    wagtail_reference_index_ignore = True

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("partner"))
    name = models.CharField(_("name"), max_length=200, help_text=_("What the partner uses it for, e.g. 'CRM sync'."))
    key_prefix = models.CharField(_("token starts with"), max_length=16, editable=False)
    secret_hash = models.CharField(_("secret digest"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, validators=[validate_scopes])
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, help_text=_("Empty: never expires."))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = PartnerTokenManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner API token")
        verbose_name_plural = _("partner API tokens")

    def __str__(self):
        return f"{self.partner} — {self.name} ({self.key_prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now) and self.partner.is_active

    def get_status_display(self) -> str:
        if self.revoked_at is not None:
            return str(_("revoked"))
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("active"))

    def get_scopes_display(self) -> str:
        return ", ".join(self.scopes or [])

    def revoke(self, user=None) -> bool:
        """Revoke at once; returns whether it was still unrevoked."""
        now = timezone.now()
        changed = type(self).objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=user)
        if changed:
            self.revoked_at, self.revoked_by = now, user
        return bool(changed)

    def mark_used(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            type(self).objects.filter(pk=self.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
            self.last_used_at = now


class PartnerAccessRecord(models.Model):
    """One read of signers' personal data by a partner: which token, when, what, how many rows. Written once by the
    partner API (``wagtail_petitions.partner_data.record_access``), never edited; shown to editors."""

    wagtail_reference_index_ignore = True

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    token = models.ForeignKey(
        PartnerToken, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("token")
    )
    token_name = models.CharField(_("token name"), max_length=200)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    resource = models.CharField(_("resource"), max_length=64)
    petition_key = models.UUIDField(_("petition key"), null=True, blank=True)
    petition_title = models.CharField(_("petition"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=16)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    parameters = models.CharField(_("parameters"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner data access")
        verbose_name_plural = _("partner data accesses")

    def __str__(self):
        return f"{self.partner} — {self.resource} — {self.rows}"
