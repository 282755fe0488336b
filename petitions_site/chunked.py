"""Request bodies sent with ``Transfer-Encoding: chunked`` (no ``Content-Length``), read instead of taken as empty.

Django builds a request's body stream from ``CONTENT_LENGTH`` alone, so without one it reads nothing: a chunked
signing request would be answered as if its fields were all missing. Servers that de-chunk bodies say so with
``wsgi.input_terminated`` (gunicorn, uWSGI, mod_wsgi; WSGI's de-facto extension): then ``wsgi.input`` ends where the
body ends, and ``ChunkedBodyMiddleware`` reads it, at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` plus one byte, and hands
Django the bytes with their length. A longer body keeps the length read (one byte over the limit), so the usual
limits answer it (413 on the API).
"""

from __future__ import annotations

import io

from django.conf import settings

#: Read when ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is ``None`` (no limit in Django): a petition site takes no uploads
#: this large through chunked requests.
DEFAULT_LIMIT = 2_621_440


class ChunkedBodyMiddleware:
    """WSGI middleware around Django's WSGI application (``petitions_site/wsgi.py``)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if (
            not environ.get("CONTENT_LENGTH")
            and environ.get("wsgi.input_terminated")
            and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        ):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or DEFAULT_LIMIT
            body = environ["wsgi.input"].read(limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)
