"""The signer's rights, self-service and in the admin.

- ``tokens``: the signed, expiring link to a signer's signatures (names a signature and a MAC of its address, never
  the address);
- ``data``: everything stored about a signer (every signature model), as JSON-ready dicts: the one export of a
  signer's data, for the signer and for signature managers;
- ``outbox``: the "My signatures" mail, made due by the public page and sent by the worker through
  ``wagtail_petitions.mail``;
- ``views``: ``/petitions/my-signatures/``: ask for the link, see, download, withdraw consents, erase.

Every change goes through ``wagtail_petitions.moderation`` (``erase_signatures``, ``withdraw_consents``).
"""
