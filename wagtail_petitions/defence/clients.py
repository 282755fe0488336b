"""Who is signing, as far as the defences need to know: a keyed hash of the client's address, never the address.

The address comes from the TCP connection (``REMOTE_ADDR``), or, behind ``TRUSTED_PROXY_COUNT`` proxies of ours
(a load balancer, a CDN), from ``X-Forwarded-For`` counted from the right: each of our proxies appends the address
it received the request from, so the entry our outermost proxy appended is the client's, and anything to its left
was written by the client and is ignored. An IPv6 client is known by its /64 network, the block one subscriber
gets, so hopping between its addresses is still one client.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ..conf import conf
from .keys import keyed_hash


def client_address(request) -> str:
    """The client's address (a string; IPv6 as its /64 network), per ``TRUSTED_PROXY_COUNT``."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = conf.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            # Fewer entries than proxies: the request skipped some of them; the leftmost is the best there is.
            address = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return _network(address)


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address  # not an address (a test client, a Unix socket): used as it is, still hashed
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def connection_hash(address: str) -> str:
    """A keyed hash (``keys.keyed_hash``) of an address: the same address always gives the same hash, and without
    the key nothing links it back to the address."""
    return keyed_hash(b"wp:connection", address)


@dataclass(frozen=True)
class Client:
    """The connection a signing request came from. ``hash`` is all the defences store or put in cache keys."""

    hash: str

    @classmethod
    def from_request(cls, request) -> Client:
        return cls(hash=connection_hash(client_address(request)))
