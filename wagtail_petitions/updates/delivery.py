"""One text for the page and the mail: an update's texts become the petition's delivery text (what the page, the
API and the widget show in place of the form once the petition is delivered), language by language."""

from __future__ import annotations

from django.db import transaction


def use_as_delivery_text(update, *, user) -> list:
    """Copy each of ``update``'s texts into the delivery text of the petition's translation in that language, as a
    new revision by ``user``, published when that translation was live with nothing unpublished (else left as its
    latest draft for the editor to publish). Returns the pages changed."""
    petition = update.get_petition()
    if petition is None:
        return []
    texts = update.get_texts()
    changed = []
    with transaction.atomic():
        for page in petition.get_translations(inclusive=True).specific().select_related("locale"):
            text = texts.get(page.locale.language_code)
            if text is None:
                continue
            publish = page.live and not page.has_unpublished_changes
            latest = page.get_latest_revision_as_object()
            if latest.delivery_text == text.body:
                continue
            latest.delivery_text = text.body
            revision = latest.save_revision(user=user, log_action=True)
            if publish:
                revision.publish(user=user)
            changed.append(page)
    return changed
