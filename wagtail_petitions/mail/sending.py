"""The one path every mail takes out: Django's mail backend, one connection per batch."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage, get_connection


def send_messages(messages: Sequence[EmailMessage]) -> int:
    """Send ``messages`` over one connection of the configured backend (``EMAIL_BACKEND``; SMTP at
    ``EMAIL_HOST``:``EMAIL_PORT`` by default). Returns how many were sent; raises if the server refuses, so the
    caller can keep them due and try again."""
    if not messages:
        return 0
    with get_connection(fail_silently=False) as connection:
        return connection.send_messages(list(messages)) or 0
