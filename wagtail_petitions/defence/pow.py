"""Optional proof of work (the ALTCHA protocol, version 1, through the ``altcha`` package) for petitions under attack.

The signing page or widget asks our API for a challenge (``/api/v1/petitions/<slug>/challenge/``), the browser finds
the number whose SHA-256 with the challenge's salt matches (about half of ``PROOF_OF_WORK_MAX_NUMBER`` hashes), and
sends the solution with the signature. A solution is valid for one petition, until the challenge expires, and once
(remembered in the cache until then). Nothing is asked from any other site.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import timedelta

import altcha
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..conf import conf

FIELD = "altcha"
USED_KEY = "wagtail_petitions:defence:pow:{}"

VALID = "valid"
MISSING = "missing"
INVALID = "invalid"
REPLAYED = "replayed"


def _hmac_key(petition) -> str:
    return salted_hmac("wagtail_petitions.defence.pow", str(petition.get_tally_key())).hexdigest()


def create_challenge(petition) -> dict:
    """A fresh challenge, as the ALTCHA protocol sends it (``algorithm``, ``challenge``, ``maxnumber``, ``salt``,
    ``signature``)."""
    challenge = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(
            max_number=conf.PROOF_OF_WORK_MAX_NUMBER,
            hmac_key=_hmac_key(petition),
            expires=timezone.now() + timedelta(seconds=conf.PROOF_OF_WORK_SECONDS),
        )
    )
    data = challenge.to_dict()
    # The ALTCHA widget's spelling of the field; ours reads either.
    data["maxnumber"] = data.pop("maxNumber")
    return data


def check_solution(petition, payload) -> str:
    """``VALID``, ``MISSING``, ``INVALID`` (wrong, expired, another petition's) or ``REPLAYED`` (used before)."""
    if not payload:
        return MISSING
    if not isinstance(payload, str) or len(payload) > 2000:
        return INVALID
    try:
        decoded = json.loads(base64.b64decode(payload, validate=True))
    except (ValueError, binascii.Error):
        return INVALID
    if not isinstance(decoded, dict):
        return INVALID
    ok, _error = altcha.verify_solution_v1(decoded, _hmac_key(petition), check_expires=True)
    if not ok:
        return INVALID
    # Used once: the signature names the challenge, which carries its own expiry.
    if not cache.add(USED_KEY.format(decoded["signature"]), 1, conf.PROOF_OF_WORK_SECONDS + 60):
        return REPLAYED
    return VALID
