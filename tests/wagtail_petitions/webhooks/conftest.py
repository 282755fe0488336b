"""A real webhook receiver on loopback that verifies every request with the ``standardwebhooks`` package, as a
partner's would, and endpoints that point at it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict  # names in lower case
    raw: bytes
    payload: dict | None  # what ``Webhook(secret).verify`` returned; None if it refused the request
    error: str = ""


@dataclass
class Receiver:
    """Answers with the next of ``answers`` (then 204), after ``delay`` seconds; ``secret``: the endpoint's."""

    secret: str = ""
    answers: list = field(default_factory=list)
    delay: float = 0
    received: list = field(default_factory=list)
    tls: object = None  # an ``ssl.SSLContext``: serve https
    server_names: list = field(default_factory=list)  # the TLS server names (SNI) clients asked for

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    payload, error = Webhook(receiver.secret).verify(raw, headers), ""
                except WebhookVerificationError as refused:
                    payload, error = None, str(refused)
                receiver.received.append(Received(self.path, headers, raw, payload, error))
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = 401 if payload is None else (receiver.answers.pop(0) if receiver.answers else 204)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if self.tls is not None:
            self.tls.sni_callback = lambda sock, name, context: self.server_names.append(name)
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/petitions?source=test"

    @property
    def payloads(self) -> list:
        assert all(r.payload is not None for r in self.received), [r.error for r in self.received]
        return [r.payload for r in self.received]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_webhooks(settings):
    """Development settings: webhooks may go to http and loopback addresses."""
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_HTTP = True
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WAGTAIL_PETITIONS_WEBHOOK_TIMEOUT_SECONDS = 5


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def make_endpoint(local_webhooks, receiver):
    from wagtail_petitions.models import WebhookEndpoint, WebhookEvent

    def make(partner, events=tuple(WebhookEvent.values), url=None):
        endpoint = WebhookEndpoint(partner=partner, url=url or receiver.url, events=list(events))
        endpoint.full_clean()
        endpoint.save()
        receiver.secret = endpoint.secret
        return endpoint

    return make


