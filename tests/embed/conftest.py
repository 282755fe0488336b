"""Browser fixtures: a browser context (in Debian's Chromium, the ``chromium`` fixture of ``tests/conftest.py``), and
host pages served on another origin."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context()
    yield context
    context.close()


class HostPages:
    """Serves HTML pages on 127.0.0.1:<port>, an origin other than the site's (live_server is on localhost)."""

    def __init__(self):
        self.pages: dict[str, tuple[str, dict[str, str]]] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                path = self.path.split("?")[0]
                if path not in pages:
                    self.send_error(404)
                    return
                html, headers = pages[path]
                body = html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, html: str, headers: dict[str, str] | None = None) -> str:
        self.pages[path] = (html, headers or {})
        return self.origin + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host_pages():
    pages = HostPages()
    yield pages
    pages.close()


@pytest.fixture
def site_url(live_server):
    """The live server's URL on ``localhost`` so that host pages on 127.0.0.1 are another origin."""
    return live_server.url.replace("127.0.0.1", "localhost")
