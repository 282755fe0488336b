"""The one place where HTML is cleaned.

bleach is in maintenance mode upstream; keeping every call behind :func:`sanitize` means a replacement
(nh3, justhtml, ...) is a change to this file only. Plain-text fields (names, comments) are never cleaned:
they are stored as typed and escaped on output.
"""

import bleach

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "cite",
        "code",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "strong",
        "sub",
        "sup",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    # Wagtail's srcset_image: renditions in several widths, the browser picks one for the column's width.
    "img": ["src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def sanitize(html: str) -> str:
    """Return ``html`` with every tag, attribute and URL scheme outside the allow-lists removed."""
    return bleach.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
