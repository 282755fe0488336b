"""Which partner a signature is credited to: the rule ``sign_petition`` applies to the partner a signer came through.

A partner is credited only when the signer signed

- on one of the partner's registered origins (``Partner.allowed_origins``: the host page of its widget, or the
  page that called the API), or
- through the partner's tracked link (``/<slug>/?partner=…``: the petition page itself, or the widget WordPress
  embeds for that link through oEmbed), or
- through a trusted caller (the admin, a command: ``sign_petition`` without a ``client``).

Otherwise the signature is stored uncredited and the partner it named is kept as ``claimed_partner``, for review in
the signatures admin. This guards the partner figures against an embed code copied onto a site the partner has
not registered; it is no proof against a forged request (a script can claim any origin, as it can post any data).
"""

from __future__ import annotations

from dataclasses import dataclass

#: How the signer came: ``ORIGIN`` (a page on the host origin given), ``TRACKED_LINK`` (the partner's tracked
#: link) or ``TRUSTED`` (the admin, a command).
ORIGIN = "origin"
TRACKED_LINK = "tracked_link"
TRUSTED = "trusted"


@dataclass(frozen=True)
class Attribution:
    partner: object | None  # credited: counted for the partner, its consent box asked in its name
    claimed_partner: object | None  # named but not credited


NONE = Attribution(None, None)


def attribute(partner, *, via: str = TRUSTED, origin: str = "") -> Attribution:
    """The attribution of a signature that named the active ``partner`` (or ``None``), having come ``via`` (one of
    the constants above) from the host page ``origin`` (normalised, as ``partners.normalize_origin`` gives it; empty
    when unknown)."""
    if partner is None:
        return NONE
    if via in (TRUSTED, TRACKED_LINK) or (origin and origin in partner.get_allowed_origins()):
        return Attribution(partner, None)
    return Attribution(None, partner)
