"""Everything stored about one signer: their signatures in every signature model, with the petition, the consents
and the exact texts they agreed to. The one export of a signer's data (the signer's JSON download, the admin's)."""

from __future__ import annotations

from django.db.models import Model

from ..models import get_signature_models, petition_pages
from ..text import normalize_email

#: Columns that are bookkeeping, not the signer's data (nothing personal in them).
_INTERNAL = {"confirmation_due_at", "confirmation_sent_at", "confirmation_mails", "connection_hash", "screening"}


def signatures_of(email: str) -> list:
    """Every signature of the signer with this address (any model), oldest first; erased ones have no address."""
    email = normalize_email(email)
    if "@" not in email:
        return []
    found = []
    for model in get_signature_models():
        found += model.objects.filter(email_normalized=email).select_related("consent_texts", "partner")
    return sorted(found, key=lambda s: (s.created_at, s._meta.label_lower, s.pk))


def petitions_for(signatures) -> dict:
    """``{tally key: petition}``: each signature's petition, the page it was signed on if it still exists."""
    pages = petition_pages().filter(translation_key__in={s.petition_key for s in signatures}).specific()
    found: dict = {}
    by_pk = {page.pk: page for page in pages}
    for signature in signatures:
        page = by_pk.get(signature.page_id) or next(
            (p for p in by_pk.values() if p.translation_key == signature.petition_key), None
        )
        if page is not None:
            found.setdefault(signature.petition_key, page)
    return found


def signature_ref(signature) -> str:
    """How the public page and the admin name one signature in a form: ``<model label>:<pk>``."""
    return f"{signature._meta.label_lower}:{signature.pk}"


def signature_data(signature, petition=None) -> dict:
    """One signature as JSON-ready data: every column the signer gave or agreed to, the petition and the texts."""
    data: dict = {"reference": signature_ref(signature)}
    if petition is not None:
        data["petition"] = {"title": petition.title, "url": petition.get_full_url()}
    for field in signature._meta.concrete_fields:
        if field.primary_key or field.name in _INTERNAL or field.name in {"consent_texts", "page", "partner"}:
            continue
        value = field.value_from_object(signature)
        data[field.name] = value.isoformat() if hasattr(value, "isoformat") else _plain(value)
    data["partner"] = signature.partner.name if signature.partner_id else None
    texts = signature.consent_texts
    data["consent_texts"] = (
        {
            "sha256": texts.digest,
            "consent_text": texts.consent_text,
            "privacy_notice": texts.privacy_text,
            "consent_boxes": texts.consent_labels,
            "language": texts.language,
            "first_used_at": texts.first_used_at.isoformat(),
        }
        if texts is not None
        else None
    )
    return data


def signer_data(email: str) -> list[dict]:
    """Every signature of the signer with this address, as ``signature_data``."""
    signatures = signatures_of(email)
    petitions = petitions_for(signatures)
    return [signature_data(s, petitions.get(s.petition_key)) for s in signatures]


def _plain(value):
    if isinstance(value, Model):
        return value.pk
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)
