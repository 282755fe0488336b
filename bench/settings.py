"""The product's production settings plus the bench's peer app (a Wagtail form page). Used by ``make bench`` only."""

from petitions_site.settings.production import *  # noqa: F401,F403
from petitions_site.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.peer"]

# One load generator on one address signs thousands of times a second: the bursts that would hold a crowd's
# signatures for email confirmation are set out of its reach, as the ceiling is (SIGNING_CEILING_PER_MINUTE). Their
# counters still run on every request, as in production.
WAGTAIL_PETITIONS_CONNECTION_BURST_LIMIT = 10**12
WAGTAIL_PETITIONS_DOMAIN_BURST_LIMIT = 10**12

# The update-mail row measures the sender against a local SMTP server, not a mail provider's rate limit.
WAGTAIL_PETITIONS_UPDATE_MAILS_PER_SECOND = 0

# wrk speaks plain HTTP on loopback, as a TLS-terminating load balancer would to the app: no redirect to https.
SECURE_SSL_REDIRECT = False
