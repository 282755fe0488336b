"""The product's production settings plus the bench's peer app (a Wagtail form page). Used by ``make bench`` only."""

from petitions_site.settings.production import *  # noqa: F401,F403
from petitions_site.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.peer"]
