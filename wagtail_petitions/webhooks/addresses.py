"""Where a webhook may go (no server-side request forgery): ``https`` only, and never to a loopback, private,
link-local or otherwise non-public address, checked at registration and again at each send after resolving the
name, and the connection is made to the very address that was checked (a name that resolves elsewhere a second
later, DNS rebinding, gains nothing). ``WEBHOOK_ALLOW_HTTP`` / ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``: development
and tests only."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ..conf import conf


class RefusedAddress(ValueError):
    """The URL may not receive webhooks; ``code`` says why (``scheme``, ``url``, ``unresolvable``, ``private``)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to ``address`` (an IP address), and present ``host`` (TLS name and ``Host``)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def allowed_schemes() -> tuple[str, ...]:
    """The schemes a webhook address may have: ``https`` (and ``http`` where ``WEBHOOK_ALLOW_HTTP``)."""
    return ("https", "http") if conf.WEBHOOK_ALLOW_HTTP else ("https",)


def split_url(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path with query)`` of an allowed URL, else ``RefusedAddress``."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise RefusedAddress(_("This is not a valid URL."), "url") from None
    if parts.scheme not in allowed_schemes():
        raise RefusedAddress(_("Webhook addresses must start with https://."), "scheme")
    if not parts.hostname or parts.username or parts.password:
        raise RefusedAddress(_("This is not a valid URL."), "url")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def resolve(url: str) -> Target:
    """Check ``url`` and resolve its host: every address it resolves to must be public (unless
    ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``). Raises ``RefusedAddress``."""
    scheme, host, port, path = split_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedAddress(_("This host name cannot be resolved."), "unresolvable") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise RefusedAddress(_("This host name cannot be resolved."), "unresolvable")
    if not conf.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and not all(is_public(address) for address in addresses):
        raise RefusedAddress(
            _("Webhooks may only go to public internet addresses, not to private, loopback or link-local ones."),
            "private",
        )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
