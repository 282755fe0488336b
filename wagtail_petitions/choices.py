"""The states a petition and a signature can be in, and the channels signatures arrive through.

A leaf module: the models store these values, and code that only reads figures (``figures``, the API) uses them
without importing the models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionStatus(models.TextChoices):
    OPEN = "open", _("Open for signatures")
    CLOSED = "closed", _("Closed")
    DELIVERED = "delivered", _("Delivered")


class SignatureState(models.TextChoices):
    """Where a signature stands. Only ``counted`` ones count in the tally; every change between states goes through
    ``wagtail_petitions.moderation``.

    - ``pending``: the petition requires email confirmation; counts once the signer follows the link.
    - ``held``: suspicious (a burst from one connection or email domain, a disposable address, a missing token):
      counts only once confirmed by email, even on petitions that do not require confirmation.
    - ``quarantined``: failed the honeypot or the form token; the signer was answered as if it had worked. Never
      counts unless an editor confirms it.
    - ``invalidated``: taken out by an editor (recorded with who and why).
    - ``withdrawn``: erased at the signer's request (by the signer or by a signature manager): its personal data is
      gone, it no longer counts, and the public figures show how many were withdrawn.
    """

    COUNTED = "counted", _("Counted")
    PENDING = "pending", _("Pending confirmation")
    HELD = "held", _("Held for confirmation")
    QUARANTINED = "quarantined", _("Quarantined")
    INVALIDATED = "invalidated", _("Invalidated")
    WITHDRAWN = "withdrawn", _("Withdrawn by the signer")


#: States that await the signer's email confirmation (a confirmation mail goes out for them).
AWAITING_CONFIRMATION = frozenset({SignatureState.PENDING, SignatureState.HELD})
#: Not a state a signature row can be in: unconfirmed signatures deleted after their confirmation time ran out are
#: counted under this name in the per-state counts (``StateCounter``), so editors still see how many expired.
EXPIRED = "expired"


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")
