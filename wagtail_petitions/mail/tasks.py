"""One-off mails sent by the background worker: ``send_mail.enqueue(kind, **arguments)``.

A *kind* is registered once (``register_mail(kind, builder)`` in an ``AppConfig.ready()``); its builder takes the
JSON arguments the task was enqueued with (ids, never personal data, which would sit in the task table) and returns
the messages to send (``build_message``). Enqueue after the transaction that makes the mail due has committed
(``transaction.on_commit``), so the worker sees its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.mail import EmailMessage
from django_tasks import task

from .sending import send_messages

MailBuilder = Callable[..., Sequence[EmailMessage]]

_builders: dict[str, MailBuilder] = {}


def register_mail(kind: str, builder: MailBuilder) -> None:
    """Make ``kind`` sendable by ``send_mail``."""
    _builders[kind] = builder


@task()
def send_mail(kind: str, **arguments) -> int:
    """Build the mails of ``kind`` from ``arguments`` and send them; returns how many were sent."""
    try:
        builder = _builders[kind]
    except KeyError:
        raise LookupError(f"No mail of kind {kind!r} is registered (register_mail in AppConfig.ready()).") from None
    return send_messages(builder(**arguments))
