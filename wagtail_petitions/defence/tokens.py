"""The signed form token and the honeypot field, sent with every signing form (page, widget).

The token is the time the form was issued, signed with an HMAC keyed by ``SECRET_KEY`` and the petition: no cookie,
nothing stored on the server. A form sent back sooner than ``FORM_MIN_FILL_SECONDS`` after it was issued was not
filled in by a person. The honeypot is a text field people never see (moved off screen, hidden from assistive
technology, out of the tab order); scripts that fill in every field fill it in too.
"""

from __future__ import annotations

import time

from django.core import signing

from ..conf import conf

TOKEN_FIELD = "form_token"
HONEYPOT_FIELD = "website"

VALID = "valid"
MISSING = "missing"
EXPIRED = "expired"
FORGED = "forged"
TOO_FAST = "too_fast"


def _signer(petition_key) -> signing.Signer:
    return signing.Signer(salt=f"wagtail_petitions.defence.form_token:{petition_key}")


def issue_form_token(petition, now: float | None = None) -> str:
    """A token for a form of ``petition`` shown at ``now``: valid for this petition (every translation) only."""
    issued = int(time.time() if now is None else now)
    return _signer(petition.get_tally_key()).sign(format(issued, "x"))


def check_form_token(petition, token, now: float | None = None) -> str:
    """``VALID``, ``MISSING`` (none, or older than ``FORM_TOKEN_MAX_AGE``: ``EXPIRED``), ``FORGED`` (not ours, or
    another petition's) or ``TOO_FAST`` (sent back sooner than ``FORM_MIN_FILL_SECONDS``)."""
    if not token:
        return MISSING
    if not isinstance(token, str) or len(token) > 200:
        return FORGED
    try:
        issued = int(_signer(petition.get_tally_key()).unsign(token), 16)
    except (signing.BadSignature, ValueError):
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
