"""What the service does when a dependency fails (docs/deploy.md, "When a dependency fails").

- ``cache``: ``FallbackRedisCache``, the default cache on Redis that falls back to each process's memory while
  Redis cannot be reached (said once in the log), and ``shared_cache_reachable`` for the defences' counters;
- ``responses``: which errors mean "a dependency is down" (``failed_dependency``) and the 503 answer with
  ``Retry-After`` given then (``unavailable_response``);
- ``handlers``: ``server_error``, the site's ``handler500``;
- ``database``: the breaker that answers 503 at once, without waiting to connect, while the database could not be
  connected to a moment ago (``report_failed_dependency``, ``DatabaseBreakerMiddleware``).
"""

from .database import DatabaseBreakerMiddleware, report_failed_dependency
from .handlers import server_error
from .responses import failed_dependency, unavailable_response

__all__ = [
    "DatabaseBreakerMiddleware",
    "failed_dependency",
    "report_failed_dependency",
    "server_error",
    "unavailable_response",
]
