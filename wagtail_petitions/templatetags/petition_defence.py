"""``{% signing_defence_fields petition %}``: the signed form token, the honeypot and (when the petition asks for
proof of work) the ALTCHA field, for every form that signs (the page form, the widget)."""

from django import template
from django.urls import reverse

from ..defence import pow, tokens

register = template.Library()


@register.inclusion_tag("wagtail_petitions/includes/defence_fields.html")
def signing_defence_fields(petition, field_id_prefix="id_"):
    return {
        "token_field": tokens.TOKEN_FIELD,
        "token": tokens.issue_form_token(petition),
        "honeypot_field": tokens.HONEYPOT_FIELD,
        "honeypot_id": f"{field_id_prefix}{tokens.HONEYPOT_FIELD}",
        "pow_field": pow.FIELD,
        "challenge_url": reverse("widget_api:petition-challenge", args=[petition.slug])
        if petition.requires_proof_of_work()
        else "",
    }
