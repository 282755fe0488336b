"""The one path every mail takes out: Django's mail backend, one connection per batch."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.mail import EmailMessage, get_connection


def send_messages(messages: Sequence[EmailMessage]) -> int:
    """Send ``messages`` over one connection of the configured backend (``EMAIL_BACKEND``; SMTP at
    ``EMAIL_HOST``:``EMAIL_PORT`` by default). Returns how many were sent; raises if the server refuses, so the
    caller can keep them due and try again."""
    if not messages:
        return 0
    with get_connection(fail_silently=False) as connection:
        return connection.send_messages(list(messages)) or 0


@contextmanager
def mail_connection() -> Iterator:
    """One open connection of the configured backend, for a sender that hands messages over one at a time and must
    know each one's fate (``connection.send_messages([message])`` raises ``smtplib.SMTPException`` if refused)."""
    with get_connection(fail_silently=False) as connection:
        yield connection
