"""Where a signature sent to the API came from, for partner attribution (``wagtail_petitions.signing.attribution``).

- A page on another site that calls the API itself (a partner's own form): the browser's ``Origin`` header names
  it, and the page cannot change it.
- The widget: its iframe is a page of ours, so its requests carry our own origin (or ``null`` inside WordPress's
  sandbox). It sends its host page's origin in the body, as ``origin`` (read by the browser:
  ``location.ancestorOrigins``, else ``document.referrer``, else the loader's ``parent=``), and ``via:
  "tracked_link"`` when it was embedded from a partner's tracked link (oEmbed). The widget page is cached for every
  host, so the origin cannot be signed into it on the server; and a signed value would prove no more than the body:
  whoever forges requests can claim any origin either way. The rule guards against an embed code copied onto a site
  the partner has not registered.
- No ``Origin`` (a server, a script): what the body says, as for the widget.
"""

from django.core.exceptions import ValidationError

from wagtail_petitions.models.partners import normalize_origin
from wagtail_petitions.signing import attribution

#: The body fields read here (the signing form ignores them).
ORIGIN_FIELD = "origin"
VIA_FIELD = "via"


def signing_host(request, data) -> tuple[str, str]:
    """``(via, origin)`` for ``sign_petition`` from an API signing request and its JSON body ``data``."""
    header = request.META.get("HTTP_ORIGIN", "").lower()
    if header and header != "null" and header != f"{request.scheme}://{request.get_host()}".lower():
        return attribution.ORIGIN, _origin(header)
    via = attribution.TRACKED_LINK if data.get(VIA_FIELD) == attribution.TRACKED_LINK else attribution.ORIGIN
    return via, _origin(data.get(ORIGIN_FIELD))


def _origin(value) -> str:
    if not isinstance(value, str) or not value or len(value) > 300:
        return ""
    try:
        return normalize_origin(value)
    except ValidationError:
        return ""
