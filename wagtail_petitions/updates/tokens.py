"""Unsubscribe link tokens: ``<page id>-<signature id>-<update id>`` signed (``Signer``, no expiry: an unsubscribe
link in an old mail must keep working). Nothing personal in them."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

_SALT = "wagtail_petitions.updates.unsubscribe"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=".")


def make_unsubscribe_token(page_id: int, signature_pk, update_pk) -> str:
    return _signer().sign(f"{page_id}-{signature_pk}-{update_pk}")


@dataclass(frozen=True)
class UnsubscribeToken:
    page_id: int
    signature_pk: str
    update_pk: int | None


def read_unsubscribe_token(token: str) -> UnsubscribeToken | None:
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    page_id, _, rest = value.partition("-")
    signature_pk, _, update_pk = rest.rpartition("-")
    if not page_id.isdigit() or not signature_pk:
        return None
    return UnsubscribeToken(int(page_id), signature_pk, int(update_pk) if update_pk.isdigit() else None)
