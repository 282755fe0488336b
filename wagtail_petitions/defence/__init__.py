"""Defences against bots and floods, all on our own origin (no third-party captcha, font or script).

Every path that signs passes the signing client (``Client.from_request``) to ``sign_petition``, which runs
``screen`` on it, so the API, the widget and the no-JavaScript page form meet the same layers:

- ``clients``: the client's address, from the connection or ``TRUSTED_PROXY_COUNT`` proxies of ours (never from a
  header anyone can set), known only as a keyed hash;
- ``counters``: fixed-window counters in the cache, several in one Redis round trip;
- ``tokens``: the signed form token (a MAC with a timestamp, no cookie, no server state) and the honeypot field;
- ``keys``: the keyed hashes (BLAKE2b keyed from ``SECRET_KEY``) of addresses, domains and tokens;
- ``domains``: disposable-address domains (the maintained ``disposable-email-domains`` list);
- ``pow``: optional ALTCHA proof of work for petitions under attack;
- ``screening``: all of them together: a hard ceiling per connection (429), else the state the signature starts in.
"""

from .clients import Client
from .counters import CountersUnavailable
from .screening import Screening, Throttled, count_attempt, screen

__all__ = ["Client", "CountersUnavailable", "Screening", "Throttled", "count_attempt", "screen"]
