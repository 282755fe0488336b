"""Updates to signers: editors write an update (``PetitionUpdate``, one text per language) and the background worker
mails it to the signers who asked to be kept informed, each in the language they signed in.

- ``tokens``: the signed unsubscribe link (page, signature, update; nothing personal);
- ``messages``: ``build_update_message`` (through ``wagtail_petitions.mail``, with ``List-Unsubscribe`` and
  ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``, RFC 8058), the preview and the editor's test mail;
- ``sending``: ``request_send`` (the editor's button), the ``send_update`` task (list the recipients once, then
  batches at ``UPDATE_MAILS_PER_SECOND``), ``resume_stalled`` for sends whose worker died;
- ``delivery``: use an update's texts as the petition pages' delivery text;
- ``views``: the unsubscribe page (GET shows a button, POST unsubscribes; one-click POSTs from mail programs).

**At most once.** Each recipient's sent marker (``UpdateRecipient.claimed_at``) is committed before its mail is
handed to the SMTP server, and the server's answer is recorded with the next recipient's marker. A worker killed
mid-send leaves at most one recipient *in doubt* (claimed, no answer recorded): it may or may not have received
the mail, and it is never sent again. Nobody gets an update twice; the in-doubt count is shown to editors.
"""
