"""Who may see what: signers' personal data needs the "view" permission on the petition's signature model; counts
need that or the right to edit the petition page."""

from __future__ import annotations

from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from wagtail.models import Locale
from wagtail.permission_policies.pages import PagePermissionPolicy

from ..models import get_petition_page_models, get_signature_models, petition_pages


def signature_permission(model, action: str) -> str:
    """``app_label.<action>_<model>``: ``view`` (see and export personal data) or ``invalidate``."""
    if action == "invalidate":
        return f"{model._meta.app_label}.invalidate_signature"
    return f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"


def can_view_signatures(user, model=None) -> bool:
    """May ``user`` see signers' personal data (of ``model``, or of any signature model) and export it?"""
    models = [model] if model is not None else get_signature_models()
    return any(user.has_perm(signature_permission(m, "view")) for m in models)


def can_invalidate_signatures(user, model) -> bool:
    return user.has_perm(signature_permission(model, "invalidate"))


def petitions_for_user(user):
    """Petition pages (any type, as a ``Page`` queryset) whose counts ``user`` may see: those whose signatures they
    may view, and those they can edit."""
    viewable = [
        model for model in get_petition_page_models() if can_view_signatures(user, model.get_signature_model())
    ]
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    types = ContentType.objects.get_for_models(*viewable).values() if viewable else []
    return petition_pages().filter(Q(content_type__in=list(types)) | Q(pk__in=editable.values("pk")))


def one_page_per_petition(pages) -> list:
    """One specific page per translation key: the default locale's if there is one."""
    try:
        default_locale_id = Locale.get_default().pk
    except Locale.DoesNotExist:
        default_locale_id = None
    chosen: dict = {}
    for page in pages.order_by("pk"):
        current = chosen.get(page.translation_key)
        if current is None or (page.locale_id == default_locale_id and current.locale_id != default_locale_id):
            chosen[page.translation_key] = page
    return [page.specific for page in chosen.values()]


def get_petition_for_user(user, page_id):
    """The petition page ``page_id`` (its specific class) if ``user`` may see its counts."""
    page = petitions_for_user(user).filter(pk=page_id).select_related("locale").first()
    if page is None:
        if petition_pages().filter(pk=page_id).exists():
            raise PermissionDenied
        raise Http404("No petition page has this id.")
    return page.specific
