"""Email confirmation (double opt-in): a pending or held signature counts once its signer follows a signed, expiring
link and presses the button on the page it opens (a POST: mail scanners that follow links confirm nothing).

- ``tokens``: the link's token (the petition page and signature, signed and dated, nothing personal);
- ``outbox``: which signatures are due a mail (a column on the signature, set in the signing statement itself), the
  worker task that sends them in batches, and resends (rate-limited per address);
- ``views``: the confirmation page, and the request for a new mail from an expired link;
- ``expiry``: the daily task that deletes signatures left unconfirmed (``wagtail_petitions.moderation``).
"""
