"""The link to a signer's signatures: ``<model label>:<pk>:<MAC of the signature's normalised address>``, signed with a
timestamp (``TimestampSigner``), valid ``SIGNER_LINK_HOURS``. It carries no personal data: the address is found on
the signature and must still hash to the MAC (an erased signature's link stops working)."""

from __future__ import annotations

from django.apps import apps
from django.core import signing
from django.core.exceptions import ValidationError

from ..conf import conf
from ..defence.keys import keyed_hash

_SALT = "wagtail_petitions.rights"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def _mac(email_normalized: str) -> str:
    return keyed_hash(b"wp:signer-link", email_normalized, size=12)


def make_token(signature) -> str:
    """The token of a link to every signature of ``signature``'s signer."""
    return _signer().sign(f"{signature._meta.label_lower}:{signature.pk}:{_mac(signature.email_normalized)}")


class BadLink(Exception):
    def __init__(self, expired: bool):
        self.expired = expired


def read_token(token: str) -> str:
    """The normalised address a token stands for; raises ``BadLink`` (``expired`` or not ours / no longer valid)."""
    try:
        value = _signer().unsign(token, max_age=conf.SIGNER_LINK_HOURS * 3600)
    except signing.SignatureExpired:
        raise BadLink(expired=True) from None
    except signing.BadSignature:
        raise BadLink(expired=False) from None
    label, pk, mac = (value.split(":") + ["", "", ""])[:3]
    try:
        model = apps.get_model(label)
        email = model.objects.filter(pk=pk).values_list("email_normalized", flat=True).first()
    except (LookupError, ValueError, ValidationError):
        email = None
    if not email or "@" not in email or _mac(email) != mac:
        raise BadLink(expired=False)
    return email
