"""While the database cannot be connected to, answer at once instead of letting every request wait to connect.

A database that is unreachable (its host down, a network partition: connections neither accepted nor refused) makes
each request wait the connect timeout (``DATABASE_CONNECT_TIMEOUT``, 2 s: libpq's minimum) before its 503. Under a
crowd, that holds every worker thread for those seconds, and the reads the response cache could serve stale queue
behind them. So when a request of this process times out connecting (``report_failed_dependency``), its breaker opens
for ``DATABASE_RETRY_SECONDS``: meanwhile ``DatabaseBreakerMiddleware`` answers every request that would need the
database with the usual 503 (``Retry-After``, the error envelope) without trying, and the response cache above it
serves its stale copies. Once the delay is over the next request tries again; the first connection made closes the
breaker (``connection_created``). ``/healthz`` always asks the database itself.

Each process has its own breaker; each says once in the log when it opens and when it closes (nothing personal).
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import DEFAULT_DB_ALIAS
from psycopg.errors import ConnectionTimeout

from ..conf import conf
from .responses import DATABASE, causes, failed_dependency, unavailable_response

logger = logging.getLogger(__name__)


class DatabaseBreaker:
    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._open = False

    def is_open(self) -> bool:
        """A connection failed less than ``DATABASE_RETRY_SECONDS`` ago: do not try again yet."""
        return self._open and time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            first = not self._open
            self._open = True
            self._open_until = time.monotonic() + conf.DATABASE_RETRY_SECONDS
        if first:
            logger.warning(
                "The database cannot be connected to: this process answers 503 without trying for %s s at a time.",
                conf.DATABASE_RETRY_SECONDS,
            )

    def reset(self) -> None:
        with self._lock:
            was_open, self._open = self._open, False
        if was_open:
            logger.warning("The database answers again: this process uses it again.")


breaker = DatabaseBreaker()


def report_failed_dependency(error: BaseException | None) -> str | None:
    """Which dependency ``error`` says is down (``failed_dependency``); a connection to the database that timed out
    opens the breaker. The site's ``handler500`` and the API's exception handler call it.

    Only a timeout: a stopped server refuses connections at once (nothing to spare anyone), and requests must find
    it again the moment it is back."""
    dependency = failed_dependency(error)
    if dependency == DATABASE and any(isinstance(cause, ConnectionTimeout) for cause in causes(error)):
        breaker.trip()
    return dependency


def database_connected(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver (connected in ``AppConfig.ready()``): the database answers again."""
    if connection.alias == DEFAULT_DB_ALIAS and breaker._open:
        breaker.reset()


class DatabaseBreakerMiddleware:
    """Answers 503 at once while this process's breaker is open (see the module). Place it below the response cache
    (so that stale copies are served instead) and below the locale middleware (the message in the asked language).
    ``get_exempt_paths``: paths that always try (``/healthz``, whose answer is the database's state)."""

    exempt_paths = ("/healthz",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if breaker.is_open() and not request.path_info.startswith(self.get_exempt_paths()):
            return unavailable_response(request, DATABASE)
        return self.get_response(request)

    def get_exempt_paths(self) -> tuple[str, ...]:
        return self.exempt_paths
