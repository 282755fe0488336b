from django.dispatch import Signal

# Sent after a new signature is committed: ``petition``, ``signature``. Not sent for repeats.
petition_signed = Signal()
