"""Signing a petition: ``sign_petition`` (``sign``), its errors, and the claims written with a signature.

- ``sign``: the domain function that everything which signs calls;
- ``portable``: the path on any database (a transaction);
- ``postgres``: PostgreSQL's one-statement path, and the names of its CTEs that claims refer to;
- ``claims``: ``SigningClaim``;
- ``attribution``: which partner a signature is credited to.
"""

from .claims import SigningClaim
from .errors import InvalidSignature, PetitionNotOpen, SigningError, SigningThrottled, SigningUnavailable
from .sign import SigningResult, sign_petition

__all__ = [
    "InvalidSignature",
    "PetitionNotOpen",
    "SigningClaim",
    "SigningError",
    "SigningResult",
    "SigningThrottled",
    "SigningUnavailable",
    "sign_petition",
]
