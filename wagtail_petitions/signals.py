from django.dispatch import Signal

#: Sent after a new signature is committed: ``petition``, ``signature``. Not sent for repeats.
petition_signed = Signal()

#: Sent when this process bumped the page generation (``wagtail_petitions.page_generation``): whatever it keeps
#: from pages in its own memory is stale.
page_generation_bumped = Signal()
