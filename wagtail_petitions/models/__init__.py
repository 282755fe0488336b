"""The plugin's models, one family per module (as ``wagtail.models`` is laid out).

- ``pages``: ``PetitionPageMixin`` / ``AbstractPetitionPage`` with their override points, ``PetitionPage``,
  ``PetitionIndexPage``, and how every petition page type is found.
- ``signatures``: ``AbstractSignature``, ``Signature``, ``SignatureStateChange``.
- ``partners``: ``Partner``.
- ``paper``: ``PaperBatch``, ``PaperBatchCorrection``.
- ``tally``: ``TallyCounter``, ``TallyTotal``, ``TallyHistory`` (the count over time) and how they are written and
  read.
- ``state_counts``: ``StateCounter``: how many signatures are in each state, written with every state change.
"""

from ..choices import Channel, PetitionStatus, SignatureState
from .audit import AuditRecord
from .pages import (
    AbstractPetitionPage,
    DeliveryUpdate,
    PetitionIndexPage,
    PetitionPage,
    PetitionPageMixin,
    get_petition_content_types,
    get_petition_page_models,
    get_signature_models,
    next_goal,
    petition_pages,
    sync_petition_translations,
)
from .paper import PaperBatch, PaperBatchCorrection
from .partners import Partner, normalize_origin
from .signatures import AbstractSignature, Signature, SignatureStateChange
from .state_counts import StateCounter, StateCounts
from .tally import TallyCounter, TallyHistory, TallySnapshot, TallyTotal

__all__ = [
    "AbstractPetitionPage",
    "AbstractSignature",
    "AuditRecord",
    "Channel",
    "DeliveryUpdate",
    "PaperBatch",
    "PaperBatchCorrection",
    "Partner",
    "PetitionIndexPage",
    "PetitionPage",
    "PetitionPageMixin",
    "PetitionStatus",
    "Signature",
    "SignatureState",
    "SignatureStateChange",
    "StateCounter",
    "StateCounts",
    "TallyCounter",
    "TallyHistory",
    "TallySnapshot",
    "TallyTotal",
    "get_petition_content_types",
    "get_petition_page_models",
    "get_signature_models",
    "next_goal",
    "normalize_origin",
    "petition_pages",
    "sync_petition_translations",
]
