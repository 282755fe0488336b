"""What the service does when a dependency fails (docs/deploy.md, "When a dependency fails").

- ``cache``: ``FallbackRedisCache``, the default cache on Redis that falls back to each process's memory while
  Redis cannot be reached (said once in the log), and ``shared_cache_reachable`` for the defences' counters;
- ``responses``: which errors mean "a dependency is down" (``failed_dependency``) and the 503 answer with
  ``Retry-After`` given then (``unavailable_response``; ``server_error``, the site's ``handler500``).
"""

from .responses import failed_dependency, server_error, unavailable_response

__all__ = ["failed_dependency", "server_error", "unavailable_response"]
