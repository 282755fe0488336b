"""The WSGI application for gunicorn (docs/deploy.md).

Without ``DJANGO_SETTINGS_MODULE`` it runs with the production settings, never the development ones: a server
started without its environment refuses to start (no ``DJANGO_SECRET_KEY``) instead of serving with ``DEBUG`` on.
The demo (``make run``), the bench and the tests name their settings themselves.
"""

import os

from django.core.wsgi import get_wsgi_application

from .chunked import ChunkedBodyMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petitions_site.settings.production")

application = ChunkedBodyMiddleware(get_wsgi_application())
