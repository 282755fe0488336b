"""The signed form token and the honeypot field, sent with every signing form (page, widget).

The token is the time the form was issued and a MAC of it and the petition (``keys.keyed_hash``, keyed by
``SECRET_KEY``): ``<issued, hex>.<MAC>``. No cookie, nothing stored on the server. A form sent back sooner than
``FORM_MIN_FILL_SECONDS`` after it was issued was not filled in by a person. The honeypot is a text field people
never see (moved off screen, hidden from assistive technology, out of the tab order); scripts that fill in every
field fill it in too.
"""

from __future__ import annotations

import hmac
import time

from ..conf import conf
from .keys import keyed_hash

TOKEN_FIELD = "form_token"
HONEYPOT_FIELD = "website"

VALID = "valid"
MISSING = "missing"
EXPIRED = "expired"
FORGED = "forged"
TOO_FAST = "too_fast"


def _mac(petition_key, issued: str) -> str:
    return keyed_hash(b"wp:form-token", f"{petition_key}:{issued}")


def issue_form_token(petition, now: float | None = None) -> str:
    """A token for a form of ``petition`` shown at ``now``: valid for this petition (every translation) only."""
    issued = format(int(time.time() if now is None else now), "x")
    return f"{issued}.{_mac(petition.get_tally_key(), issued)}"


def check_form_token(petition, token, now: float | None = None) -> str:
    """``VALID``, ``MISSING`` (none, or older than ``FORM_TOKEN_MAX_AGE``: ``EXPIRED``), ``FORGED`` (not ours, or
    another petition's) or ``TOO_FAST`` (sent back sooner than ``FORM_MIN_FILL_SECONDS``)."""
    if not token:
        return MISSING
    if not isinstance(token, str) or len(token) > 64:
        return FORGED
    issued_hex, _, mac = token.partition(".")
    if not hmac.compare_digest(mac, _mac(petition.get_tally_key(), issued_hex)):
        return FORGED
    try:
        issued = int(issued_hex, 16)
    except ValueError:
        return FORGED
    age = (time.time() if now is None else now) - issued
    if age > conf.FORM_TOKEN_MAX_AGE:
        return EXPIRED
    if age < conf.FORM_MIN_FILL_SECONDS:
        return TOO_FAST
    return VALID


def honeypot_filled(data) -> bool:
    value = data.get(HONEYPOT_FIELD)
    return bool(value.strip()) if isinstance(value, str) else value is not None and value is not False
