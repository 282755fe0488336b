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
    COUNTED = "counted", _("Counted")
    PENDING = "pending", _("Pending confirmation")
    INVALIDATED = "invalidated", _("Invalidated")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")
