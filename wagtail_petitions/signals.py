from django.dispatch import Signal

#: Sent after a new signature is committed: ``petition``, ``signature``. Not sent for repeats.
petition_signed = Signal()

#: Sent after a commit that made signatures count (confirmed by email or by an editor, restored) by
#: ``wagtail_petitions.moderation``: ``sender`` is the signature model, ``pks`` the signatures, ``petition_keys``
#: their petitions' tally keys.
signatures_counted = Signal()

#: Sent when this process bumped the page generation (``wagtail_petitions.page_generation``): whatever it keeps
#: from pages in its own memory is stale.
page_generation_bumped = Signal()
