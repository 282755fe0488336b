"""A local SMTP server that keeps the mails it receives (``aiosmtpd``): ``make run``'s inbox, the tests' and the
bench's real SMTP server. It delivers nothing anywhere."""

from __future__ import annotations

import email
import email.policy
import functools
import socket
import threading
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class CaughtMail:
    received_at: float
    sender: str
    recipients: list[str]
    raw: bytes

    @functools.cached_property
    def message(self) -> email.message.EmailMessage:
        # Parsed when first read: a catcher taking thousands of mails a second only keeps the bytes.
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    def part(self, content_type: str) -> str:
        body = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        return body.get_content() if body is not None else ""

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")


@dataclass
class MailCatcher:
    """``start()`` an SMTP server on ``host:port`` (a free port when 0) that keeps the last ``keep`` mails in
    ``mails``; ``on_mail(mail)`` is called for each."""

    host: str = "127.0.0.1"
    port: int = 0
    keep: int = 1000
    on_mail: object = None
    mails: list[CaughtMail] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Condition()
        if not self.port:
            self.port = free_port(self.host)
        self._controller = Controller(self, hostname=self.host, port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        mail = CaughtMail(
            received_at=time.time(),
            sender=envelope.mail_from,
            recipients=list(envelope.rcpt_tos),
            raw=envelope.original_content or envelope.content,
        )
        with self._lock:
            self.mails.append(mail)
            del self.mails[: -self.keep]
            self._lock.notify_all()
        if self.on_mail is not None:
            self.on_mail(mail)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 60) -> list[CaughtMail]:
        """Wait until ``count`` mails have arrived (or ``timeout`` seconds); returns them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.mails) < count and time.monotonic() < deadline:
                self._lock.wait(max(0.0, deadline - time.monotonic()))
            return list(self.mails)

    def start(self) -> MailCatcher:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
