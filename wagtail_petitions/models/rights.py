"""The signer's rights (``wagtail_petitions.rights``): ``SignerLinkRequest``, a signer's request for the link to their
signatures (it names a signature, never an address: the address is the signature's own), and ``SignerDataAction``,
what a signature manager did with a signer's data (who, when, why — never the address or the erased data)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import AuditRecord


class SignerLinkRequest(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="one_link_request_per_row")]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id}"


class SignerDataAction(AuditRecord):
    """A signature manager looked up, exported or erased a signer's data: who, when, why, and which signatures (by
    reference, ``<model label>:<pk>``; erased ones keep no personal data). Never the address searched for."""

    FOUND = "found"
    EXPORTED = "exported"
    ERASED = "erased"
    ACTIONS = [(FOUND, _("Looked up")), (EXPORTED, _("Exported")), (ERASED, _("Erased"))]

    action = models.CharField(_("action"), max_length=16, choices=ACTIONS)
    signatures = models.JSONField(_("signatures"), default=list, help_text=_("References of the signatures concerned."))

    class Meta(AuditRecord.Meta):
        verbose_name = _("signer data action")
        verbose_name_plural = _("signer data actions")

    def __str__(self):
        return f"{self.action}: {len(self.signatures)}"
