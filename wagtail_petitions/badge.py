"""The counter badge for articles: a small SVG ("12,345 signatures" in a language), no script, no external
reference, with a ``<title>`` for assistive technology. Text widths are measured with Pillow on the DejaVu font the
badge names, so the box fits the text in every script."""

from __future__ import annotations

from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import get_language_info, ngettext

from .share_card import FONT, _font

HEIGHT = 28
FONT_SIZE = 14
PADDING = 10


def badge_svg(count: int, language: str) -> str:
    with translation.override(language):
        number = number_format(count, force_grouping=True)
        text = ngettext("%(count)s signature", "%(count)s signatures", count) % {"count": number}
    try:
        rtl = get_language_info(language).get("bidi", False)
    except KeyError:
        rtl = False
    width = int(_font(FONT, FONT_SIZE).getlength(text)) + 2 * PADDING
    direction = ' direction="rtl"' if rtl else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" '
        f'role="img" aria-label="{escape(text)}" lang="{escape(language)}"'
        f"{direction}>"
        f"<title>{escape(text)}</title>"
        f'<rect width="{width}" height="{HEIGHT}" rx="4" fill="#b3261e"/>'
        f'<text x="{width / 2:g}" y="{HEIGHT / 2 + FONT_SIZE * 0.35:g}" fill="#fff" text-anchor="middle" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{FONT_SIZE}">{escape(text)}</text></svg>'
    )
