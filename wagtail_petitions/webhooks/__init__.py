"""Webhooks to partners, signed per the Standard Webhooks specification and sent by the worker (django-tasks).

- ``addresses``: where a webhook may go (``https``, public addresses only, checked after resolving the name);
- ``payloads``: what each event says (no personal data stored; a consenting signer's details added when sent);
- ``events``: finding events and recording one ``WebhookDelivery`` per endpoint;
- ``sending``: one attempt (sign, POST, record), backoff, disabling a failing endpoint;
- ``tasks``: the worker's tasks and ``replay``; ``receivers``: the signal receivers that queue them after a
  commit; ``notices``: the mail to a partner whose endpoint was disabled.
"""
