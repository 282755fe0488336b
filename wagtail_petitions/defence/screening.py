"""All the layers together: what one signing request from ``client`` meets before anything is written.

1. A hard ceiling per connection (``SIGNING_CEILING_PER_MINUTE``): above it, ``SigningThrottled`` (429 with
   ``Retry-After``). Counted for every attempt, valid or not.
2. Signs of a script, never told to the client (its answer looks like success): the honeypot filled, a form token
   that is forged or sent back too fast, a proof of work that is wrong or replayed. The signature is
   **quarantined**: it never counts unless an editor confirms it, and no mail is sent.
3. Signs of a crowd or of throwaway addresses, which raise the bar instead of refusing: a burst from one connection
   (``CONNECTION_BURST_LIMIT``), from one email domain on one petition (``DOMAIN_BURST_LIMIT``, big providers
   excepted), a disposable-address domain, a missing or expired form token, a missing proof of work. The signature
   is **held**: it counts once its signer confirms by email, even on a petition that does not require it.

The counters of the first and third layers are one Redis round trip.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..choices import SignatureState
from ..conf import conf
from . import counters, domains, pow, tokens
from .clients import Client
from .keys import keyed_hash

# What raised suspicion, stored with a held or quarantined signature (``AbstractSignature.screening``).
HONEYPOT = "honeypot"
TOKEN_FORGED = "token_forged"
TOO_FAST = "too_fast"
TOKEN_MISSING = "token_missing"
TOKEN_EXPIRED = "token_expired"
POW_INVALID = "pow_invalid"
POW_MISSING = "pow_missing"
CONNECTION_BURST = "connection_burst"
DOMAIN_BURST = "domain_burst"
DISPOSABLE_DOMAIN = "disposable_domain"

QUARANTINE_CODES = frozenset({HONEYPOT, TOKEN_FORGED, TOO_FAST, POW_INVALID})


class Throttled(Exception):
    """Above the hard ceiling; ``sign_petition`` raises it as ``SigningThrottled``."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Over the signing ceiling; retry after {retry_after} s.")


@dataclass
class Screening:
    client: Client
    reasons: list[str] = field(default_factory=list)

    @property
    def state(self) -> str | None:
        """``quarantined``, ``held``, or ``None`` (nothing suspicious: the petition's own rule applies)."""
        if any(reason in QUARANTINE_CODES for reason in self.reasons):
            return SignatureState.QUARANTINED
        return SignatureState.HELD if self.reasons else None

    @property
    def codes(self) -> str:
        return ",".join(self.reasons)


def _ceiling(client: Client) -> counters.Window:
    return counters.Window(f"ceiling:{client.hash}", 60)


def count_attempt(client: Client) -> None:
    """Count an attempt that will be refused anyway (invalid data) against the ceiling; raise if it is reached."""
    now = time.time()
    ceiling = _ceiling(client)
    (attempts,) = counters.increment([ceiling], now=now)
    if attempts > conf.SIGNING_CEILING_PER_MINUTE:
        raise Throttled(ceiling.remaining(now))


def screen(petition, data, email_domain: str, client: Client) -> Screening:
    """Screen one valid signing request of ``petition`` (``data`` as sent) from ``client``. Raises
    ``Throttled`` above the ceiling; otherwise returns the ``Screening`` that decides the signature's
    state."""
    now = time.time()
    window = conf.BURST_WINDOW_SECONDS
    windows = [_ceiling(client), counters.Window(f"connection:{client.hash}", window)]
    check_domain = not domains.is_common(email_domain)
    if check_domain:
        domain_hash = keyed_hash(b"wp:domain", email_domain, size=12)
        windows.append(counters.Window(f"domain:{petition.get_tally_key()}:{domain_hash}", window))
    counts = counters.increment(windows, now=now)
    if counts[0] > conf.SIGNING_CEILING_PER_MINUTE:
        raise Throttled(windows[0].remaining(now))

    screening = Screening(client)
    reasons = screening.reasons
    if tokens.honeypot_filled(data):
        reasons.append(HONEYPOT)
    token = tokens.check_form_token(petition, data.get(tokens.TOKEN_FIELD), now=now)
    reasons += {
        tokens.FORGED: [TOKEN_FORGED],
        tokens.TOO_FAST: [TOO_FAST],
        tokens.MISSING: [TOKEN_MISSING],
        tokens.EXPIRED: [TOKEN_EXPIRED],
    }.get(token, [])
    if petition.requires_proof_of_work():
        proof = pow.check_solution(petition, data.get(pow.FIELD))
        if proof in (pow.INVALID, pow.REPLAYED):
            reasons.append(POW_INVALID)
        elif proof == pow.MISSING:
            reasons.append(POW_MISSING)
    if counts[1] > conf.CONNECTION_BURST_LIMIT:
        reasons.append(CONNECTION_BURST)
    if check_domain and counts[2] > conf.DOMAIN_BURST_LIMIT:
        reasons.append(DOMAIN_BURST)
    if domains.is_disposable(email_domain):
        reasons.append(DISPOSABLE_DOMAIN)
    return screening
