from django import template
from django.utils.html import format_html

from wagtail_petitions.models import PetitionPageMixin

from ..oembed import discovery_url

register = template.Library()


@register.simple_tag(takes_context=True)
def oembed_discovery_link(context):
    """``<link rel="alternate" type="application/json+oembed">`` on petition pages; nothing elsewhere."""
    page, request = context.get("page"), context.get("request")
    if request is None or not isinstance(getattr(page, "specific", page), PetitionPageMixin):
        return ""
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        discovery_url(request, page.specific),
        page.title,
    )
