"""Every mail the platform sends: rendered by ``build_message``, sent by ``send_messages`` from the background
worker (django-tasks), never inside a web request.

- ``messages``: ``Organiser`` (who a petition's mails come from) and ``build_message`` (a subject, plain-text and
  HTML template, rendered in the recipient's language);
- ``sending``: ``send_messages``, the one sending path (Django's mail backend: SMTP at ``EMAIL_HOST``/``EMAIL_PORT``
  in production and with ``make run``), a batch over one connection; ``mail_connection`` for a sender that hands
  over one message at a time (updates to signers);
- ``tasks``: the ``send_mail`` task for one-off mails, by kind (``register_mail`` in ``AppConfig.ready()``).

Confirmation mails go through the outbox of ``wagtail_petitions.confirmation`` (batched, due rows on the
signatures), which uses the same two functions.
"""

from .messages import Organiser, build_message
from .sending import mail_connection, send_messages

__all__ = ["Organiser", "build_message", "mail_connection", "send_messages"]
