"""The plugin's models, one family per module (as ``wagtail.models`` is laid out).

- ``pages``: ``PetitionPageMixin`` / ``AbstractPetitionPage`` with their override points, ``PetitionPage``,
  ``PetitionIndexPage``, and how every petition page type is found.
- ``signatures``: ``AbstractSignature``, ``Signature``, ``SignatureStateChange``.
- ``consent``: ``ConsentText``: the exact consent and privacy texts signers were shown, once per distinct text.
- ``partners``: ``Partner``.
- ``partner_tokens``: ``PartnerToken`` (scopes ``PartnerScope``) and ``PartnerAccessRecord``: partner API access.
- ``paper``: ``PaperBatch``, ``PaperBatchCorrection``.
- ``rights``: ``SignerLinkRequest`` (a signer asked for the link to their signatures; the worker mails it) and
  ``SignerDataAction`` (a signature manager's lookup, export or erasure of a signer's data).
- ``tally``: ``TallyCounter``, ``TallyTotal``, ``TallyHistory`` (the count over time) and how they are written and
  read.
- ``state_counts``: ``StateCounter``: how many signatures are in each state, written with every state change.
- ``webhooks``: ``WebhookEndpoint`` (a partner's URL and events), ``WebhookDelivery`` (the delivery log).
- ``updates``: ``PetitionUpdate`` (+ its texts), ``UpdateRecipient``, ``ConsentWithdrawal``.
"""

from ..choices import Channel, PetitionStatus, SignatureState
from .audit import AuditRecord
from .consent import ConsentText
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
from .partner_tokens import PartnerAccessRecord, PartnerScope, PartnerToken
from .partners import Partner, normalize_origin
from .rights import SignerDataAction, SignerLinkRequest
from .signatures import AbstractSignature, Signature, SignatureStateChange
from .state_counts import StateCounter, StateCounts
from .tally import TallyCounter, TallyHistory, TallySnapshot, TallyTotal
from .updates import ConsentWithdrawal, PetitionUpdate, PetitionUpdateText, UpdateRecipient, UpdateStatus
from .webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "AbstractPetitionPage",
    "AbstractSignature",
    "AuditRecord",
    "Channel",
    "DeliveryStatus",
    "ConsentWithdrawal",
    "ConsentText",
    "DeliveryUpdate",
    "PaperBatch",
    "PaperBatchCorrection",
    "Partner",
    "PartnerAccessRecord",
    "PartnerScope",
    "PartnerToken",
    "PetitionIndexPage",
    "PetitionPage",
    "PetitionPageMixin",
    "PetitionUpdate",
    "PetitionUpdateText",
    "PetitionStatus",
    "Signature",
    "SignerDataAction",
    "SignerLinkRequest",
    "SignatureState",
    "SignatureStateChange",
    "StateCounter",
    "StateCounts",
    "TallyCounter",
    "TallyHistory",
    "TallySnapshot",
    "TallyTotal",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "UpdateRecipient",
    "UpdateStatus",
    "get_petition_content_types",
    "get_petition_page_models",
    "get_signature_models",
    "next_goal",
    "normalize_origin",
    "petition_pages",
    "sync_petition_translations",
]
