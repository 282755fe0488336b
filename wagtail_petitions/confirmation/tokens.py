"""Confirmation link tokens: ``<page id>-<signature id>`` signed with a timestamp (``TimestampSigner``).

They carry nothing personal. A token works for ``CONFIRMATION_LINK_DAYS``; an older one is still recognised (its
signature checks out) so the page can offer a new mail instead of a dead end.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from ..conf import conf

_SALT = "wagtail_petitions.confirmation"
_SEP = "."


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT, sep=_SEP)


def make_token(page_id: int, signature_pk) -> str:
    return _signer().sign(f"{page_id}-{signature_pk}")


@dataclass(frozen=True)
class LinkToken:
    page_id: int
    signature_pk: str
    expired: bool


def read_token(token: str) -> LinkToken | None:
    """The page and signature a token names (``expired`` when older than ``CONFIRMATION_LINK_DAYS``), or ``None``
    when it is not one of ours."""
    signer = _signer()
    expired = False
    try:
        value = signer.unsign(token, max_age=conf.CONFIRMATION_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        expired = True
        value = signing.Signer.unsign(signer, token).rsplit(_SEP, 1)[0]
    except signing.BadSignature:
        return None
    page_id, _, pk = value.partition("-")
    if not page_id.isdigit() or not pk:
        return None
    return LinkToken(int(page_id), pk, expired)
