"""The "My signatures" mail. The public page asks for it (``request_link``) and always answers the same; a request
is stored as the signature it is for (``SignerLinkRequest``, no address), and the worker's ``send_signer_links`` task
mails the link through ``wagtail_petitions.mail`` — never inside the request. At most ``LINKS_PER_HOUR`` requests
per address are taken (counted in the cache under a keyed hash of the address)."""

from __future__ import annotations

import time
from urllib.parse import urljoin

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from ..conf import conf
from ..defence import counters
from ..defence.keys import keyed_hash
from ..mail import build_message, send_messages
from ..models import SignerLinkRequest
from .data import petitions_for, signatures_of
from .tokens import make_token

TEMPLATE = "wagtail_petitions/mail/my_signatures"
LINKS_PER_HOUR = 3


def request_link(email: str) -> bool:
    """Make the link mail due if this address signed (and asked fewer than ``LINKS_PER_HOUR`` times this hour).
    The return value is for tests; the page never shows it."""
    signatures = [s for s in signatures_of(email) if s.email_normalized]
    if not signatures:
        return False
    window = counters.Window(f"signer-link:{keyed_hash(b'wp:signer-link', signatures[0].email_normalized)}", 3600)
    (requests,) = counters.increment([window], now=time.time())
    if requests > LINKS_PER_HOUR:
        return False
    first = signatures[0]
    SignerLinkRequest.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(first), object_id=str(first.pk)
    )
    transaction.on_commit(send_signer_links.enqueue)
    return True


def link_url(signature, petition=None) -> str:
    path = reverse("wagtail_petitions:my_signatures_link", args=[make_token(signature)])
    return urljoin(petition.get_full_url() or "/", path) if petition is not None else path


def send_due_links() -> int:
    """Send every requested link; returns how many mails were sent."""
    sent = 0
    for request in SignerLinkRequest.objects.select_related("content_type").order_by("requested_at"):
        with transaction.atomic():
            if not SignerLinkRequest.objects.select_for_update().filter(pk=request.pk).exists():
                continue  # another worker took it
            model = request.content_type.model_class()
            signature = model.objects.filter(pk=request.object_id).first() if model is not None else None
            if signature is not None and "@" in signature.email_normalized:
                signatures = signatures_of(signature.email_normalized)
                petitions = petitions_for(signatures)
                petition = petitions.get(signature.petition_key)
                if petition is not None:
                    # Raises if the server refuses: the request stays and the next run tries again.
                    sent += send_messages([build_link_message(signature, petition, signatures, petitions)])
            SignerLinkRequest.objects.filter(pk=request.pk).delete()
    return sent


def build_link_message(signature, petition, signatures, petitions):
    return build_message(
        TEMPLATE,
        {
            "url": link_url(signature, petition),
            "hours": conf.SIGNER_LINK_HOURS,
            "titles": sorted({p.title for p in petitions.values()}),
            "count": len(signatures),
        },
        to=signature.email,
        language=petition.language_code,
        organiser=petition.get_organiser(),
    )


@task()
def send_signer_links() -> int:
    """The worker's task: mail every requested "My signatures" link."""
    return send_due_links()
