"""The OSDI shapes (Open Supporter Data Interface, v1, HAL+JSON) of a partner's petitions and signatures, the
shape Action Network and other organising tools read: ``osdi:petitions`` and ``osdi:signatures`` collections with
``_links`` and ``_embedded``. The data is the same as the partner API's (``wagtail_petitions.partner_data``);
``docs/osdi.md`` maps every field."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.renderers import JSONRenderer

#: Prefix of our identifiers (OSDI: ``system:id``) and of the fields OSDI does not define.
SYSTEM = "wagtail_petitions"


class HALJSONRenderer(JSONRenderer):
    media_type = "application/hal+json"


def link(request, name, *args, query: str = "") -> dict:
    url = request.build_absolute_uri(reverse(f"widget_api:{name}", args=args))
    return {"href": f"{url}?{query}" if query else url}


def iso(moment):
    return moment.isoformat() if moment else None


def petition_resource(request, petition, figures, partner) -> dict:
    return {
        "identifiers": [f"{SYSTEM}:{petition.get_tally_key()}"],
        "origin_system": SYSTEM,
        "created_date": iso(petition.first_published_at),
        "modified_date": iso(petition.last_published_at),
        "title": petition.title,
        "name": petition.slug,
        "description": petition.summary,
        "petition_text": petition.summary,
        "browser_url": petition.get_full_url(request),
        "total_signatures": figures.total,
        "target": [{"name": petition.target}] if petition.target else [],
        f"{SYSTEM}:status": petition.status,
        f"{SYSTEM}:language": petition.language_code,
        f"{SYSTEM}:partner": partner.slug,
        f"{SYSTEM}:partner_signatures": figures.partner_total,
        f"{SYSTEM}:partner_signatures_online": figures.partner_online,
        f"{SYSTEM}:partner_signatures_paper": figures.partner_paper,
        "_links": {
            "self": link(request, "partner-osdi-petition", petition.slug),
            "osdi:signatures": link(request, "partner-osdi-signatures", petition.slug),
        },
    }


def signature_resource(request, petition, signature, partner) -> dict:
    person = {
        "given_name": signature.first_name,
        "family_name": signature.last_name,
        "email_addresses": [{"address": signature.email, "primary": True}],
        "postal_addresses": [
            {"postal_code": signature.postal_code or None, "country": signature.country.code, "primary": True}
        ],
        "languages_spoken": [signature.language] if signature.language else [],
    }
    return {
        "identifiers": [f"{SYSTEM}:signature:{signature.pk}"],
        "origin_system": SYSTEM,
        "created_date": iso(signature.created_at),
        "modified_date": iso(signature.confirmed_at or signature.created_at),
        "referrer_data": {"source": signature.source or None, "referrer": partner.slug},
        f"{SYSTEM}:confirmed_date": iso(signature.confirmed_at),
        f"{SYSTEM}:consent_text_version": signature.consent_text_version,
        "_links": {"osdi:petition": link(request, "partner-osdi-petition", petition.slug)},
        "_embedded": {"osdi:person": person},
    }


def collection(name: str, resources: list, self_link: dict, next_link: dict | None = None) -> dict:
    """An OSDI collection; cursor paged: ``next`` is given while more follow (``total_pages`` is not known)."""
    links = {"self": self_link, f"osdi:{name}": [r["_links"]["self"] for r in resources if "self" in r["_links"]]}
    if not links[f"osdi:{name}"]:
        del links[f"osdi:{name}"]
    if next_link:
        links["next"] = next_link
    return {"per_page": len(resources), "_links": links, "_embedded": {f"osdi:{name}": resources}}
