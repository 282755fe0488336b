"""The site's ``handler500`` (``petitions_site/urls.py``): a failed dependency gets the 503 of
``responses.unavailable_response`` (and a database that timed out opens the breaker), anything else Django's 500."""

import sys

from django.views import defaults

from .database import report_failed_dependency
from .responses import unavailable_response


def server_error(request, *args, **kwargs):
    dependency = report_failed_dependency(sys.exc_info()[1])
    if dependency is None:
        return defaults.server_error(request, *args, **kwargs)
    return unavailable_response(request, dependency)
